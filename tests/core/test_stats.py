"""/stats: the after-action numbers organizers read in a debrief, counts and times only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.after_action import page
from bot.app import App
from bot.core.errors import UserError
from bot.core.models import DismissReason, ReportState
from bot.core.stats import Outcome, numbers, parse_window, stats_text
from bot.core.store import ReportFacts
from bot.i18n import Renderer
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


def facts(minutes: int, **given: object) -> ReportFacts:
    created = NOON - timedelta(hours=2)
    values: dict[str, object] = {
        "state": ReportState.DISMISSED,
        "created_at": created,
        "decided_at": created + timedelta(minutes=minutes),
        "reason": DismissReason.ROUTINE,
        "decided_by_member": True,
        "alerts": 0,
    }
    values.update(given)
    return ReportFacts(**values)  # type: ignore[arg-type]


NOON = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def test_claims_areas_and_drills_count_once_they_are_recorded() -> None:
    """What the seam will carry once dispatch (claims, areas) and drills land: time to
    claim is shown, reports are charted by area, drill reports are left out."""
    created = NOON - timedelta(hours=2)
    reports = [
        facts(10, claimed_at=created + timedelta(minutes=3), area="Eastside"),
        facts(20, claimed_at=created + timedelta(minutes=5), area="Eastside"),
        facts(30, claimed_at=created + timedelta(minutes=9), area="Westside",
              state=ReportState.VERIFIED, reason=None, alerts=2),
        facts(40),  # placed in no area
        facts(50, drill=True, area="Eastside"),
    ]  # fmt: skip
    found = numbers(reports, [], 0, NOON - timedelta(days=7), NOON)
    assert found.total == 4 and found.drills_left_out == 1
    text = Renderer(ZoneInfo("America/Los_Angeles")).render(stats_text(found), "en")
    assert "Time to claim: median 5 minutes, 9 in 10 within 9 minutes (3 reports)" in text
    assert "1 drill report is not counted." in text
    assert "Alerts: 1 report alerted, in 2 chat messages" in text
    html = page(found, Renderer(ZoneInfo("America/Los_Angeles")), "en")
    assert html.count("<svg") == 4  # per day, to decide, to claim, by area
    assert "Minutes from the report to the claim" in html
    assert ">Eastside<" in html and ">Westside<" in html and ">no area recognised<" in html
    assert "<td>Drill reports left out</td><td class=n>1</td>" in html


def test_an_expired_report_is_not_a_decision_by_a_person() -> None:
    expired = facts(60, reason=DismissReason.UNVERIFIABLE, decided_by_member=False)
    looked = facts(45, reason=DismissReason.UNVERIFIABLE)
    found = numbers([expired, looked], [], 0, NOON - timedelta(days=7), NOON)
    assert found.outcomes[Outcome.EXPIRED] == 1 and found.outcomes[Outcome.UNVERIFIABLE] == 1
    assert found.to_decide.count == 1 and found.to_decide.median == timedelta(minutes=45)


async def test_a_window_past_the_purge_says_older_reports_are_not_counted(
    chat: ChatHarness,
) -> None:
    assert "are deleted after" not in await chat.text("ana@dm: /stats 30d")
    said = await chat.text("ana@dm: /stats 120d")
    assert (
        "Closed reports are deleted after 90 days and finished tasks after 30 days, so older "
        "ones are not counted here."
    ) in said


async def test_a_claimed_report_in_an_area_is_timed_and_charted_and_a_drill_is_left_out(
    chat: ChatHarness, clock: FakeClock
) -> None:
    """Dispatch and drills feed the numbers: the first claim's time (never who), the
    area the report was placed in, and reports made by a drill still running."""
    await chat.say(
        "dee@dm: /report where: Cesar Chavez & Soto, Boyle Heights; what: 3 vans at the stop"
    )
    clock.advance(timedelta(minutes=4))
    await chat.say("ben@dm: /claim R1 15m")
    clock.advance(timedelta(minutes=3))
    await chat.say("ben@dm: /unclaim R1")  # given back: the first claim still counts
    await chat.say("cruz@dm: /voy R1 10")
    clock.advance(timedelta(minutes=10))
    await chat.say("cruz@dm: /verificar R1 vi las camionetas")
    await chat.say("ana@organizers: /drill start 1h")
    await chat.say("eli@dm: /report where: Broadway & 1st; what: agents at the courthouse")
    said = await chat.text("ana@dm: /stats")
    assert "1 report" in said and "confirmed: 1 (100%)" in said
    assert "Time to claim: median 4 minutes" in said
    assert "1 drill report is not counted." in said
    found = await chat.app.stats.numbers(timedelta(days=7))
    html = page(found, chat.app.renderer, "en")
    assert ">Eastside<" in html and "ben" not in html and "cruz" not in html
