"""Reports as people type them (tests/data/reports_as_people_type_them.toml): all filed.

The phrasings are data so anyone can add the ones they hear on the hotline. Each is sent
by a volunteer in a direct message; it must be filed with a code, its words must reach
the verifiers' card, and its place must be found, or the reporter asked for it.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.core.commands import field_for, split_command
from bot.core.models import PlaceOrigin
from bot.core.report_reading import REPORT_LABELS, read_report
from bot.i18n.words import fold
from tests.conftest import ROOT, outbox_rows
from tests.core.test_router import dm, say

PHRASINGS: list[dict[str, Any]] = tomllib.loads(
    (ROOT / "tests" / "data" / "reports_as_people_type_them.toml").read_text(encoding="utf-8")
)["report"]


def test_there_are_enough_phrasings_in_english_and_spanish() -> None:
    spanish = [p for p in PHRASINGS if re.search(r"\b(en|la|el|de|migra)\b", p["text"])]
    assert len(PHRASINGS) >= 40 and len(spanish) >= 12


def _words(text: str) -> set[str]:
    """The words of a report that must reach the card: not its command, not its labels."""
    line = split_command(text)
    assert line is not None
    found = set()
    for word in fold(line.body).split():
        if field_for(word, REPORT_LABELS) is None:  # labels, even misspelled, are not words
            found.add(word)
    return found


@pytest.mark.parametrize("phrasing", PHRASINGS, ids=[p["text"][:50] for p in PHRASINGS])
async def test_every_report_as_people_type_it_is_filed(app: App, phrasing: dict[str, Any]) -> None:
    receipt = await say(app, "eli", phrasing["text"], dm("eli"))
    assert re.search(r"\bR1\b", receipt), receipt
    report = await app.reports.get(1)
    assert report is not None
    card = next(row.body for row in await outbox_rows(app.store) if row.kind == "new_report")
    missing = _words(phrasing["text"]) - set(fold(card).split())
    assert not missing, (missing, card)
    if phrasing.get("missing_place"):
        assert report.place_origin is PlaceOrigin.MISSING
        # A Spanish command from someone who never chose a language: answered in Spanish.
        assert any(
            asked in receipt for asked in ("Where exactly is it, for R1?", "¿Dónde es exactamente")
        )
    else:
        assert report.place_origin is not PlaceOrigin.MISSING, card
        assert phrasing["place"] in report.where, report.where


async def test_the_answer_to_where_exactly_goes_into_the_same_report(app: App) -> None:
    receipt = await say(app, "eli", "/report ICE is at my door right now what do I do", dm("eli"))
    assert "Where exactly is it, for R1?" in receipt
    thanks = await say(app, "eli", "1420 Pine St, apartment building by the laundromat", dm("eli"))
    assert "I added the place to R1" in thanks
    report = await app.reports.get(1)
    assert report.where == "1420 Pine St, apartment building by the laundromat"
    assert report.place_origin is PlaceOrigin.TYPED
    news = [row.body for row in await outbox_rows(app.store) if row.kind == "update"]
    assert any("R1: the reporter says the place is: 1420 Pine St" in body for body in news)
    # Answered once: the next plain message is not taken as a place again.
    assert (await say(app, "eli", "thanks", dm("eli"))).startswith("You're welcome.")
    assert (await app.reports.get(1)).where.startswith("1420 Pine St")


async def test_a_place_given_after_the_report_was_dismissed_is_not_passed_on(app: App) -> None:
    """No place, dismissed, then an address (often a home): on a dead report it helps nobody."""
    await say(app, "dee", "/report migra!!! ayuda", dm("dee"))
    await say(app, "ana", "/dismiss R1 unverifiable", dm("ana"))
    [told] = [row.body for row in await outbox_rows(app.store) if row.address == "dee"]
    assert told.startswith("Thank you. Your report R1 (no place given) was checked and dismissed")
    before = len(await outbox_rows(app.store))
    answer = await say(app, "dee", "450 pine st", dm("dee"))
    assert answer.startswith("R1 is already closed, so I did not pass your answer on.")
    assert "report it again" in answer
    rows = await outbox_rows(app.store)
    assert not any("450 pine" in row.body for row in rows)
    assert len(rows) == before  # nothing new queued for anyone
    assert (await app.reports.get(1)).where != "450 pine st"


async def test_a_report_in_a_group_without_a_place_asks_in_a_direct_message(app: App) -> None:
    receipt = await say(app, "eli", "/reportar migra en el swap meet, no se donde exactamente")
    # eli never chose a language and wrote in Spanish: this answer (and its DM) in Spanish.
    assert receipt.startswith("Gracias. El reporte R1 está con los verificadores.")
    assert "Le envié un mensaje privado para preguntarle dónde exactamente." in receipt
    [question] = [row for row in await outbox_rows(app.store) if row.is_direct]
    assert question.address == "eli" and "¿Dónde es exactamente, para R1?" in question.body


async def test_an_alert_needs_a_place_the_verifier_confirmed(app: App) -> None:
    await say(app, "eli", "/report migra!!! ayuda", dm("eli"))
    refused = await say(app, "ben", "/verify R1", dm("ben"))
    assert "R1 has no exact place yet" in refused
    assert "/verify R1 where: 5th & Main" in refused
    done = await say(app, "ben", "/verify R1 where: Oak & 9th; saw them myself", dm("ben"))
    assert done.startswith("Verified R1.")
    report = await app.reports.get(1)
    assert report.where == "Oak & 9th" and report.decision_note == "saw them myself"
    alert = next(row.body for row in await outbox_rows(app.store) if row.kind == "alert")
    assert "Where: Oak & 9th" in alert


async def test_a_place_that_looks_like_an_open_report_is_pointed_out_not_merged(
    app: App,
) -> None:
    await say(app, "eli", "/report where: Pine & 3rd, outside the church; what: 2 vans")
    await say(app, "dee", "/report where: Pine and 3rd; what: agents with vests")
    cards = [row.body for row in await outbox_rows(app.store) if row.kind == "new_report"]
    assert any("R2" in card and "Possibly the same place as R1" in card for card in cards)
    assert (await app.reports.get(2)).id == 2  # a report of its own


async def test_unknown_words_are_the_reporters_own_words_on_the_card(app: App) -> None:
    receipt = await say(
        app,
        "eli",
        "/report where: Shell station; agency: FBI?; signs: vans parked haphazardly; "
        "source: my cousin told me",
    )
    assert "R1" in receipt
    report = await app.reports.get(1)
    assert report.source is not None and report.source.value == "second-hand"
    card = next(row.body for row in await outbox_rows(app.store) if row.kind == "new_report")
    assert "Agency, in their words: FBI?" in card
    assert "Signs, in their words: vans parked haphazardly" in card
    assert "Source, in their words: my cousin told me" in card


@pytest.mark.parametrize(
    ("typed", "suggested", "language"),
    [("/reprot", "/report", "en"), ("/reportr", "/reportar", "es"),
     ("/verfy R1", "/verify R1", "en"), ("/ayda", "/ayuda", "es")],
)  # fmt: skip
async def test_a_misspelled_command_gets_did_you_mean(
    app: App, typed: str, suggested: str, language: str
) -> None:
    await say(app, "eli", f"/lang {language}", dm("eli"))
    answer = await say(app, "eli", typed, dm("eli"))
    assert f": {suggested}\n" in answer  # the whole line, to copy


@pytest.mark.parametrize(
    ("typed", "language"), [("/reprot ICE at 5th", "en"), ("/reportr la migra en la 5", "es")]
)
async def test_a_misspelled_report_with_words_is_filed_not_lost(
    app: App, typed: str, language: str
) -> None:
    await say(app, "eli", f"/lang {language}", dm("eli"))
    answer = await say(app, "eli", typed, dm("eli"))
    assert typed.split()[0] in answer and re.search(r"\bR1\b", answer), answer


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Call Rapid response hotline", "Do not open the door", "remain silent",
                "Do not sign anything", "/report "]),
        ("es", ["Si usted o alguien cerca está en peligro ahora, llame:", "No abra la puerta",
                "/reportar "]),
    ],
)  # fmt: skip
async def test_a_cry_for_help_gets_help_in_the_members_language(
    app: App, language: str, expected: list[str]
) -> None:
    await say(app, "eli", f"/lang {language}", dm("eli"))
    answer = await say(app, "eli", "ICE is at my door right now what do I do", dm("eli"))
    for piece in expected:
        assert piece in answer, (piece, answer)
    assert "/report ICE is at my door right now what do I do" in answer or language == "es"


async def test_a_cry_for_help_in_a_group_is_answered_only_when_it_names_the_bot(app: App) -> None:
    from tests.core.test_router import ALERTS

    assert await say(app, "eli", "ICE at the school!!", ALERTS) == ""
    actor = await __import__("tests.conftest", fromlist=["member"]).member(app, "eli")
    replies = await app.router.handle(actor, ALERTS, "help ICE at the school", mentioned=True)
    assert replies and "Do not open the door" in app.renderer.render(replies[0].text, "en")


LETTERS = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=300
).filter(lambda text: any(char.isalpha() for char in text))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=LETTERS)
def test_any_text_with_a_letter_is_read_as_a_report_and_keeps_every_word(body: str) -> None:
    draft = read_report(body)  # never refuses, never raises
    kept = fold(
        " ".join(
            (draft.where, draft.what, draft.own_words.agency, draft.own_words.signs,
             draft.own_words.source, " ".join(draft.media))
        )
    ).split()  # fmt: skip
    labels = {fold(label) for label in REPORT_LABELS}
    for word in fold(body).split():
        assert (
            word in kept
            or word in labels
            # A label with a slip in it ("BNO:" for Tagalog "ano:", what) is read as it, as
            # field_for forgives; it is not words of the report.
            or (f"{word}:" in fold(body) and field_for(word, REPORT_LABELS) is not None)
            or fold(draft.agency.value) == word
            or any(word in fold(sign.value) for sign in draft.signs)
        ), (word, draft)


async def test_words_that_are_not_a_place_are_passed_on_and_the_question_stays(app: App) -> None:
    await say(app, "eli", "/report ICE is at my door right now what do I do", dm("eli"))
    scared = await say(app, "eli", "I don't know, I'm scared, please help", dm("eli"))
    assert "If you or someone near you is in danger now, call:" in scared
    assert "I passed your words on to the verifiers of R1" in scared
    assert (await app.reports.get(1)).place_origin is PlaceOrigin.MISSING
    news = [row.body for row in await outbox_rows(app.store) if row.kind == "update"]
    assert any("R1: asked where exactly, the reporter answered: I don't know" in b for b in news)
    assert "I added the place to R1" in await say(app, "eli", "1420 Pine St", dm("eli"))


async def test_each_report_without_a_place_gets_its_question(app: App) -> None:
    await say(app, "eli", "/report migra!!! ayuda", dm("eli"))
    second = await say(app, "eli", "/report theyre here", dm("eli"))
    assert "Where exactly is it, for R2?" in second
    first = await say(app, "eli", "R1 Oak & 9th, by the laundromat", dm("eli"))
    assert "I added the place to R1" in first and "I still need the place of R2" in first
    assert (await app.reports.get(1)).where == "Oak & 9th, by the laundromat"
    await say(app, "eli", "Pine & 3rd", dm("eli"))
    assert (await app.reports.get(2)).where == "Pine & 3rd"


async def test_a_report_typed_without_the_slash_in_a_dm_is_filed(app: App) -> None:
    receipt = await say(app, "eli", "report ice at the 7-eleven on Pine St", dm("eli"))
    assert "Report R1 is with the verifiers" in receipt


async def test_a_bus_stop_is_a_place_not_a_sign(app: App) -> None:
    await say(app, "eli", "/report agents at the bus stop on 5th, asking for papers", dm("eli"))
    report = await app.reports.get(1)
    assert report.signs and all(sign.value != "buses" for sign in report.signs)


async def test_a_correction_without_a_label_asks_which_detail(app: App) -> None:
    await say(app, "eli", "/report where: 5th & Main; what: 2 vans", dm("eli"))
    await say(app, "ben", "/verify R1", dm("ben"))
    answer = await say(app, "ana", "/correct R1 it was CBP not ICE", dm("ana"))
    assert "Which detail is wrong?" in answer and "note: it was CBP not ICE" in answer
    assert not [row for row in await outbox_rows(app.store) if row.kind == "corrected"]


@pytest.mark.parametrize("answer", ["no, they left", "No. they left", "nope they left"])
async def test_still_accepts_no_with_punctuation(app: App, answer: str) -> None:
    await say(app, "eli", "/report where: 5th & Main; what: 2 vans", dm("eli"))
    await say(app, "ben", "/verify R1", dm("ben"))
    reply = await say(app, "ben", f"/still R1 {answer}", dm("ben"))
    assert "All clear for R1" in reply, reply
