"""/stats: the after-action numbers organizers read in a debrief, counts and times only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.core.errors import UserError
from bot.core.stats import parse_window
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock


async def a_week(chat: ChatHarness, clock: FakeClock) -> None:
    """Six reports: confirmed (then all clear), routine, false alarm, could not verify,
    one nobody decided (expired) and one still waiting; a task done late, one open."""
    await chat.say("dee@dm: /report where: 5th & Main; what: 2 ICE vans, agents at the door")
    clock.advance(timedelta(minutes=12))
    await chat.say("ben@organizers: /verify R1 saw them myself")
    await chat.say("ben@organizers: /resolve R1 they left")
    await chat.say("eli@dm: /report where: federal building; what: agents eating lunch")
    clock.advance(timedelta(minutes=4))
    await chat.say("cruz@organizers: /dismiss R2 rutina, almorzando")
    await chat.say("eli@dm: /report where: Pine & 3rd; what: white van, no one saw agents")
    clock.advance(timedelta(minutes=30))
    await chat.say("ben@organizers: /dismiss R3 false alarm, a plumber")
    await chat.say("dee@dm: /report where: Oak park; what: agents?")
    clock.advance(timedelta(minutes=40))
    await chat.say("ben@organizers: /dismiss R4 could not verify")
    await chat.say("eli@dm: /report where: Elm & 9th; what: ICE truck")
    clock.advance(timedelta(hours=2))
    await chat.app.fire_due()  # R5 expires: nobody decided
    await chat.say("ana@organizers: /task add call the family; due: 1h")
    await chat.say("ana@organizers: /task assign T1 dee")
    await chat.say("dee@dm: /task accept T1")
    clock.advance(timedelta(hours=2))
    await chat.say("dee@dm: /task done T1 called")
    await chat.say("ana@organizers: /task add bring water to the vigil")
    await chat.say("dee@dm: /report where: Main & 1st; what: agents with vests")


async def test_an_organizer_reads_the_weeks_numbers_in_a_direct_message(
    chat: ChatHarness, clock: FakeClock
) -> None:
    await a_week(chat, clock)
    said = await chat.text("ana@dm: /stats")
    assert "6 reports" in said
    assert "confirmed: 1 (17%)" in said
    assert "routine presence: 1 (17%)" in said
    assert "false alarm: 1 (17%)" in said
    assert "could not verify: 1 (17%)" in said
    assert "expired without a decision: 1 (17%)" in said
    assert "still waiting: 1 (17%)" in said
    # decided by people: 12, 4, 30, 40 min -> median 12 (nearest rank), 9 in 10 within 40
    assert "Time to decide: median 12 minutes, 9 in 10 within 40 minutes (4 reports)" in said
    assert "Time to claim: no claims recorded" in said
    assert "Alerts: 1 report alerted, in 2 chat messages" in said
    assert "2 added, 1 done (1 late), 1 still open (0 overdue), 0 cancelled" in said
    assert "0 people detained recorded" in said
    for private in ("5th & Main", "dee", "ben", "plumber", "vans"):
        assert private not in said, private


async def test_asked_in_the_organizer_chat_the_numbers_go_privately(
    chat: ChatHarness, clock: FakeClock
) -> None:
    await a_week(chat, clock)
    lines = await chat.say("ana@organizers: /stats 7d")
    assert in_chat(lines, "organizers") == "I sent you the numbers privately."
    assert "6 reports" in in_chat(lines, "dm:ana")


async def test_spanish_words_and_spans_work(chat: ChatHarness, clock: FakeClock) -> None:
    await chat.say("ana@dm: /lang es")
    await a_week(chat, clock)
    said = await chat.text("ana@dm: /cifras 7 días")
    assert "6 reportes" in said, said
    assert "presencia de rutina: 1 (17\xa0%)" in said
    assert "Tiempo para decidir: mediana 12 minutos, 9 de cada 10 en menos de 40 minutos" in said
    assert "Tiempo hasta que alguien lo tomó: no hay registros de quién lo tomó" in said


async def test_only_organizers_see_the_numbers(chat: ChatHarness, clock: FakeClock) -> None:
    await a_week(chat, clock)
    for who in ("ben", "dee"):
        said = await chat.text(f"{who}@dm: /stats")
        assert "Only organizers can see the network's numbers." in said
        assert "reports" not in said


async def test_the_window_leaves_older_reports_out(chat: ChatHarness, clock: FakeClock) -> None:
    await chat.say("dee@dm: /report where: 5th & Main; what: ICE vans")
    clock.advance(timedelta(days=10))
    await chat.say("dee@dm: /report where: Pine; what: ICE vans")
    assert "1 report\n" in await chat.text("ana@dm: /stats")
    assert "2 reports" in await chat.text("ana@dm: /stats 30d")
    clock.advance(timedelta(hours=2))
    assert "No reports in this time." in await chat.text("ana@dm: /stats 1h")


@pytest.mark.parametrize(
    ("typed", "days"),
    [("", 7), ("7d", 7), ("30", 30), ("30 days", 30), ("7 días", 7), ("2 semanas", 14),
     ("1w", 7), ("14 dias", 14), ("3 jours", 3)],
)  # fmt: skip
def test_how_far_back_is_read_as_people_type_it(typed: str, days: int) -> None:
    assert parse_window(typed) == timedelta(days=days)


@pytest.mark.parametrize("typed", ["last week please", "forever", "0", "400d"])
def test_a_window_that_is_not_a_length_of_time_is_explained(typed: str) -> None:
    with pytest.raises(UserError):
        parse_window(typed)


async def test_a_bad_window_gets_a_friendly_answer(app: App, chat: ChatHarness) -> None:
    said = await chat.text("ana@dm: /stats last month")
    assert "How far back should I count? For example /stats 7d" in said
