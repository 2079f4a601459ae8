"""Know-Your-Rights cards: one per language, each naming its source and review status."""

from __future__ import annotations

import re
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.core.rights import (
    ALERT_MARKER,
    MORE_MARKER,
    PRACTICE_MARKER,
    URGENT_MARKER,
    PracticeStep,
    RightsContentError,
    alert_lines,
    alert_reminder,
    cards,
    parse_card,
    urgent_lines,
    urgent_reminder,
)
from bot.i18n import Renderer, _, available_languages
from tests.core.test_router import dm, say
from tests.fakes.chat import ChatHarness, in_chat

ENGLISH = cards()["en"]


def bullets(text: str) -> int:
    return text.count("•")


@pytest.mark.parametrize("language", sorted(available_languages()))
def test_every_language_has_both_cards_with_source_and_review(language: str) -> None:
    card = cards()[language]
    assert card.source and card.review in ("reviewed", "needs community review")
    # The same points as the English card: none dropped or added in translation.
    assert bullets(card.text) == bullets(ENGLISH.text) == 8
    assert bullets(card.more) == bullets(ENGLISH.more)
    assert card.more.count("\n\n") == ENGLISH.more.count("\n\n")  # the same sections
    # The short card fits a phone screen (French, the longest, is about 1,050 characters).
    assert len(card.text) <= 1100 and card.text.count("\n") <= 8, language
    # Every card names the ICE forms that are not a judge's warrant, where it matters most.
    assert "I-200" in card.text and "I-200" in card.urgent_lines[0], language
    # The lines alerts carry, and the three urgent ones: as many as in English, short.
    assert card.alert_heading and len(card.alert_lines) == len(ENGLISH.alert_lines) == 6
    assert len(card.urgent_lines) == 3
    for line in (*card.alert_lines, *card.urgent_lines):
        assert 0 < len(line) <= 160 and "\n" not in line, (language, line)


def test_the_short_card_is_the_red_card_and_the_longer_one_advises_bystanders(
    app: App,
) -> None:
    short = ENGLISH.text
    for point in ("remain silent", "ask for a lawyer", "where you were born",
                  "Do not open the door. An ICE form (I-200, I-205) is not a judge's warrant.",
                  "If they force entry, do not resist: say you do not consent, and remember "
                  "and write down what happened.",
                  "You may refuse a search of yourself, your bag, your car or your phone.",
                  "Do not sign", "If you are detained, you may give your real name and date of "
                  "birth", "If you have a valid green card or work permit, carry it with you.",
                  "record", "call the hotline"):  # fmt: skip
        assert point in short, point
    for point in ("Even citizens", "stay back and let others document", "/report",
                  "I do not consent to this search", "consulate", "Do not volunteer your name",
                  "I do not consent to a search", "write it down", "green card"):  # fmt: skip
        assert point in ENGLISH.more, point
    assert "You may refuse a search" in " ".join(ENGLISH.alert_lines)


@pytest.mark.parametrize("language", ["en", "es"])
def test_name_and_date_of_birth_are_for_someone_detained_not_for_everyone(
    language: str,
) -> None:
    card = cards()[language]
    detained = {"en": "detained", "es": "detienen"}[language]
    name = {"en": "name and date of birth", "es": "nombre verdadero y su fecha de nacimiento"}
    short = [line for line in card.text.splitlines() if name[language] in line]
    assert short and all(detained in line for line in short)
    alert = [line for line in card.alert_lines if "date of birth" in line or "fecha de" in line]
    assert alert and all(detained in line for line in alert)


def test_english_cards_use_us_spelling() -> None:
    raw = card_file("en")
    for british in ("licence", "memoris", "organis", "recognis", "colour", "defence"):
        assert british not in raw.lower(), british
    assert "license plates" in raw and "Memorize" in raw


def test_the_spanish_card_has_the_same_new_points() -> None:
    card = cards()["es"]
    for point in ("Un formulario de ICE (I-200, I-205) no es una orden de un juez.",
                  "Si entran a la fuerza, no se resista", "anote lo que pasó",
                  "Puede negarse a que registren su persona, su bolsa, su carro o su teléfono.",
                  "Si lo detienen, puede dar su nombre verdadero",
                  "green card (tarjeta de residencia) o un permiso de trabajo"):  # fmt: skip
        assert point in card.text, point
    for point in (
        "No ofrezca su nombre por su cuenta",
        "No doy mi consentimiento para un registro",
    ):
        assert point in card.more, point


async def test_rights_more_in_any_order_and_language(app: App) -> None:
    await say(app, "dee", "/lang en", dm("dee"))  # chosen: a Spanish command keeps it
    short = await say(app, "dee", "/rights", dm("dee"))
    assert short.startswith("KNOW YOUR RIGHTS\n") and "/rights more" in short
    assert "+1 555 0100" in short
    longer = await say(app, "dee", "/rights more", dm("dee"))
    assert longer.startswith("KNOW YOUR RIGHTS: THE LONGER CARD") and "/rights more" not in longer
    assert "+1 555 0100" in longer
    for text in ("/rights es más", "/derechos más es", "/rights more es", "/rights ES-mx mas"):
        answer = await say(app, "dee", text, dm("dee"))
        assert answer.startswith("CONOZCA SUS DERECHOS: LA TARJETA COMPLETA"), text
    # The command's language is not the card's: dee chose English.
    assert (await say(app, "dee", "/derechos mas", dm("dee"))).startswith("KNOW YOUR RIGHTS:")
    french = await say(app, "dee", "/rights fr plus", dm("dee"))
    assert french.startswith("CONNAISSEZ VOS DROITS : LA CARTE COMPLÈTE")


@pytest.mark.parametrize("language", sorted(available_languages()))
async def test_an_unreviewed_card_says_so_in_its_own_language(app: App, language: str) -> None:
    answer = await say(app, "dee", f"/rights {language}", dm("dee"))
    card = cards()[language]
    note = Renderer(app.network.zone).render(
        _("This card has not been reviewed by the community yet."), language
    )
    assert answer.startswith(card.text)
    assert answer.endswith(note) is (not card.reviewed)


async def test_an_unknown_card_language_lists_the_available_ones(app: App) -> None:
    answer = await say(app, "dee", "/rights xx", dm("dee"))
    assert "I don't have a rights card in “xx”" in answer and "Français (fr)" in answer


def card_file(language: str) -> str:
    return resources.files("bot.content").joinpath(f"rights/{language}.md").read_text("utf-8")


def with_alert_line(language: str, line: str) -> str:
    """The language's card file as it is, with one more alert line under its heading."""
    card = cards()[language]
    raw = card_file(language)
    heading = f"{ALERT_MARKER}\n{card.alert_heading}\n"
    assert heading in raw
    return raw.replace(heading, f"{heading}• {line}\n", 1)


async def test_the_alert_carries_the_rights_lines_of_each_chats_card(
    chat: ChatHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a reviewer changes in a card file is what the next alert says.
    for language, line in (("en", "Reviewed English line."), ("es", "Línea revisada.")):
        monkeypatch.setitem(
            cards(), language, parse_card(language, with_alert_line(language, line))
        )
    await chat.say("dee@organizers: /report where: 5th & Main; what: 2 vans; source: first-hand")
    lines = await chat.say("ben@organizers: /verify R1")
    english, spanish = in_chat(lines, "alerts"), in_chat(lines, "alertas")
    assert "Know your rights:\n• Reviewed English line.\n• Do not open the door" in english
    assert "Conozca sus derechos:\n• Línea revisada.\n• No abra la puerta" in spanish
    assert "Reviewed English line." not in spanish and "Línea revisada." not in english
    for point in cards()["es"].alert_lines:
        assert f"• {point}" in spanish


def test_alert_and_urgent_lines_for_each_reader_and_english_without_a_card() -> None:
    renderer = Renderer(ZoneInfo("America/Chicago"))
    assert urgent_lines("es") == (
        "No abra la puerta. Un formulario de ICE (I-200, I-205) no es una orden de un juez.",
        'Guarde silencio. Puede decir: "Quiero guardar silencio. Quiero hablar con un abogado."',
        "No firme nada.",
    )
    assert urgent_lines("en")[0].startswith("Do not open the door.")
    assert urgent_lines("en")[1].startswith("Remain silent.")
    assert urgent_lines("en")[2] == "Do not sign anything."
    assert renderer.render(urgent_reminder(), "en") == "\n".join(
        f"• {line}" for line in urgent_lines("en")
    )
    assert renderer.render_all(alert_reminder(), ["es", "en"]).startswith(
        "Conozca sus derechos:\n• No abra la puerta"
    )
    # A reader whose language has no card reads the English one.
    assert alert_lines("xx") == alert_lines("en") and urgent_lines("xx") == urgent_lines("en")
    assert renderer.render(alert_reminder(), "xx") == renderer.render(alert_reminder(), "en")


PRACTICE = "".join(f"> q{n}\n+ good{n}\n! line{n}\n" for n in range(1, 6))
VALID = (
    "---\nsource: x\nreview: reviewed\n---\nshort\n"
    f"{ALERT_MARKER}\nKnow:\n• a\n{URGENT_MARKER}\n• door\n• silent\n• sign\n{MORE_MARKER}\nmore\n"
    f"{PRACTICE_MARKER}\nLet's practise.\n{PRACTICE}"
)


def test_a_card_with_every_part_is_read() -> None:
    card = parse_card("xx", VALID)
    assert (card.text, card.more, card.alert_heading) == ("short", "more", "Know:")
    assert (card.alert_lines, card.urgent_lines) == (("a",), ("door", "silent", "sign"))
    assert card.practice_intro == "Let's practise."
    assert card.practice[0] == PracticeStep("q1", "good1", "line1")
    assert card.practice[4] == PracticeStep("q5", "good5", "line5")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (VALID.replace(f"{ALERT_MARKER}\n", ""), f"needs a line {ALERT_MARKER}"),
        (VALID.replace(f"{URGENT_MARKER}\n", ""), f"needs a line {URGENT_MARKER}"),
        (VALID.replace("• sign\n", ""), "exactly 3 lines"),
        (VALID.replace("• sign\n", "• sign\n• more\n"), "exactly 3 lines"),
        (VALID.replace("• silent", "silent"), "starting with •"),
        (VALID.replace("Know:\n", ""), "a heading line"),
        (VALID.replace("• a\n", ""), "a heading line"),
        (VALID.replace("• a\n", "• a\nno bullet\n"), "starting with •"),
        (VALID.replace(MORE_MARKER, "=== mehr ==="), "unknown line === mehr ==="),
        (VALID + f"\n{ALERT_MARKER}\nagain", "appears twice"),
        (VALID.replace(f"{PRACTICE_MARKER}\n", ""), f"needs a line {PRACTICE_MARKER}"),
        (VALID.replace("> q5\n", ""), "5 questions, each as three lines"),
        (VALID.replace("+ good2\n", "good2\n"), "5 questions, each as three lines"),
        (VALID.replace("! line3\n", "! \n"), "5 questions, each as three lines"),
        (VALID.replace("Let's practise.\n", ""), "an introduction"),
    ],
)
def test_a_card_without_its_alert_or_urgent_lines_is_refused(raw: str, reason: str) -> None:
    with pytest.raises(RightsContentError, match=f"rights card xx: .*{re.escape(reason)}"):
        parse_card("xx", raw)


@pytest.mark.parametrize(
    "raw",
    [
        "no header",
        "---\nsource: x\n---\ntext\n=== more ===\nmore",
        "---\nreview: reviewed\n---\ntext\n=== more ===\nmore",
        "---\nsource: x\nreview: reviewed\n---\n   ",
        "---\nsource x\n---\ntext",
        "---\nsource: x\nreview: reviewed\n---\ntext without the longer card",
        f"---\nsource: x\nreview: reviewed\n---\n{MORE_MARKER}\nonly the longer card",
        f"---\nsource: x\nreview: reviewed\n---\nshort\n{MORE_MARKER}\n  ",
    ],
)
def test_a_malformed_rights_card_is_refused_with_the_reason(raw: str) -> None:
    with pytest.raises(RightsContentError, match="rights card xx"):
        parse_card("xx", raw)
