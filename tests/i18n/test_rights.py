"""Know-Your-Rights cards: one per language, each naming its source and review status."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.rights import MORE_MARKER, RightsContentError, cards, parse_card
from bot.i18n import Renderer, _, available_languages
from tests.core.test_router import dm, say

ENGLISH = cards()["en"]


def bullets(text: str) -> int:
    return text.count("•")


@pytest.mark.parametrize("language", sorted(available_languages()))
def test_every_language_has_both_cards_with_source_and_review(language: str) -> None:
    card = cards()[language]
    assert card.source and card.review in ("reviewed", "needs community review")
    # The same points as the English card: none dropped or added in translation.
    assert bullets(card.text) == bullets(ENGLISH.text) == 7
    assert bullets(card.more) == bullets(ENGLISH.more)
    assert card.more.count("\n\n") == ENGLISH.more.count("\n\n")  # the same sections
    # The short card fits a phone screen.
    assert len(card.text) <= 900 and card.text.count("\n") <= 8, language


def test_the_short_card_is_the_red_card_and_the_longer_one_advises_bystanders(
    app: App,
) -> None:
    short = ENGLISH.text
    for point in ("remain silent", "where you were born", "warrant signed by a judge",
                  "an ICE form is not enough", "Do not sign", "real name and date of birth",
                  "Ask for a lawyer", "record", "call the hotline"):  # fmt: skip
        assert point in short, point
    for point in ("Even citizens", "stay back and let others document", "/report",
                  "I do not consent to this search", "consulate"):  # fmt: skip
        assert point in ENGLISH.more, point


async def test_rights_more_in_any_order_and_language(app: App) -> None:
    short = await say(app, "dee", "/rights", dm("dee"))
    assert short.startswith("KNOW YOUR RIGHTS\n") and "/rights more" in short
    assert "+1 555 0100" in short
    longer = await say(app, "dee", "/rights more", dm("dee"))
    assert longer.startswith("KNOW YOUR RIGHTS: THE LONGER CARD") and "/rights more" not in longer
    assert "+1 555 0100" in longer
    for text in ("/rights es más", "/derechos más es", "/rights more es", "/rights ES-mx mas"):
        answer = await say(app, "dee", text, dm("dee"))
        assert answer.startswith("CONOZCA SUS DERECHOS: LA TARJETA COMPLETA"), text
    # The command's language is not the card's: dee reads English unless she asks.
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
