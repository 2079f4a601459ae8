"""Unanswered reports re-ask verifiers and finally expire; old alerts get a check-in."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.errors import UserError
from bot.core.models import DismissReason, ReportDraft, ReportState, TimerKind
from bot.core.report_follow_ups import Correction
from tests.conftest import member, outbox_rows
from tests.fakes.clock import FakeClock

DRAFT = ReportDraft(where="5th & Main", what="vans")


async def kinds(app: App) -> list[str]:
    return [row.kind for row in await outbox_rows(app.store)]


async def pending_timers(app: App, report_id: int) -> list[str]:
    async with app.store.reading() as tx:
        return [t.kind for t in await tx.timers.for_subject(report_id) if t.state == "pending"]


async def test_a_pending_report_walks_the_escalation_chain_until_it_expires(
    app: App, clock: FakeClock
) -> None:
    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.intake.submit(await member(app, "eli"), ReportDraft(where="Main & 5th"))
    assert await app.fire_due() == 0  # nothing is due yet
    clock.advance(app.network.claim_within)
    assert await app.fire_due() == 1
    # First step: the next verifiers in turn are asked directly; organizers see a count.
    [reask] = [r for r in await outbox_rows(app.store) if r.kind == "reask"]
    assert reask.address == "organizers" and reask.ping is None
    assert "Still waiting for a verifier: R1 at 5th & Main" in reask.body
    assert "(2 independent reports)" in reask.body
    assert "I asked the next verifiers directly." in reask.body
    offers = [r for r in await outbox_rows(app.store) if r.kind == "offer"]
    assert sorted(r.address for r in offers) == ["ben", "cruz"]
    # Second step: the organizers.
    clock.advance(app.network.claim_within)
    assert await app.fire_due() == 1
    told = [r for r in await outbox_rows(app.store) if r.kind == "reask"][-1]
    assert told.body.startswith("Nobody has claimed R1 after 20 minutes.")
    # After the chain: every verifier again, as before dispatch, until it expires.
    clock.advance(app.network.claim_within)
    await app.fire_due()
    again = [r for r in await outbox_rows(app.store) if r.kind == "reask"][-1]
    assert again.ping == "verifiers"
    for _ in range(7):
        clock.advance(app.network.claim_within)
        await app.fire_due()
    report = await app.reports.get(1)
    assert (report.state, report.dismiss_reason) == (
        ReportState.DISMISSED,
        DismissReason.UNVERIFIABLE,
    )
    reasks = (await kinds(app)).count("reask")
    expected = app.network.verification_expiry // app.network.claim_within - 1
    assert reasks == expected  # one per interval, none after it expired
    [notice] = [r for r in await outbox_rows(app.store) if "expired" in r.body]
    assert "nobody verified it within 60 minutes" in notice.body
    assert "alert" not in await kinds(app)
    assert await pending_timers(app, 1) == []
    with pytest.raises(UserError) as refused:
        await app.decisions.verify(await member(app, "ben"), 1)
    assert "R1 expired without a verification" in app.renderer.render(refused.value.message, "en")


async def test_a_decision_stops_the_re_asking(app: App, clock: FakeClock) -> None:
    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.decisions.dismiss(await member(app, "ben"), 1, DismissReason.ROUTINE)
    assert await pending_timers(app, 1) == []
    clock.advance(app.network.verification_expiry * 2)
    assert await app.fire_due() == 0
    assert "reask" not in await kinds(app)


async def test_a_verified_alert_with_no_news_gets_a_check_in(app: App, clock: FakeClock) -> None:
    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.decisions.verify(await member(app, "ben"), 1)
    assert await pending_timers(app, 1) == ["report.active_check"]
    clock.advance(app.network.active_check)
    assert await app.fire_due() == 1
    [check] = [r for r in await outbox_rows(app.store) if r.kind == "active_check"]
    assert "Is it still going on?\nAnswer /still R1 yes if it is" in check.body
    await app.follow_ups.correct(await member(app, "ana"), 1, Correction(what="3 vans"))
    clock.advance(app.network.active_check - timedelta(minutes=1))
    assert await app.fire_due() == 0  # news reset the clock
    await app.follow_ups.resolve(await member(app, "ben"), 1)
    assert await pending_timers(app, 1) == []


async def test_a_timer_fires_once_however_often_it_is_run(app: App, clock: FakeClock) -> None:
    await app.intake.submit(await member(app, "dee"), DRAFT)
    clock.advance(app.network.claim_within)
    async with app.store.reading() as tx:
        [reask] = [t for t in await tx.timers.pending() if t.kind is TimerKind.REPORT_REASK]
    results = await asyncio.gather(*(app.timers.fire(reask.id) for _ in range(5)))
    assert results.count(True) == 1
    assert (await kinds(app)).count("reask") == 1


async def test_a_timer_that_came_due_while_the_bot_was_down_says_it_is_late(
    app: App, clock: FakeClock
) -> None:
    await app.intake.submit(await member(app, "dee"), DRAFT)
    clock.advance(timedelta(hours=5))  # the bot was off all that time
    await app.fire_due()
    [notice] = [r for r in await outbox_rows(app.store) if "expired" in r.body]
    assert notice.body.startswith("(Late: this was due ")
    async with app.store.reading() as tx:
        fired = [t for t in await tx.timers.for_subject(1) if t.kind is TimerKind.REPORT_EXPIRE]
    assert fired[0].late and fired[0].state == "fired"


async def test_the_daily_summary_counts_and_names_no_one(tmp_path, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    from bot.config import Config
    from tests.conftest import example_data

    data = example_data()
    data["timers"]["daily_summary"] = "08:00"
    app = await App.start(Config.model_validate(data), tmp_path / "s.sqlite3", clock)
    try:
        await app.intake.submit(await member(app, "dee"), DRAFT)
        await app.summary.ensure_scheduled()
        await app.summary.ensure_scheduled()  # at every start-up: still one
        async with app.store.reading() as tx:
            assert sum(t.kind == "summary.daily" for t in await tx.timers.pending()) == 1
        clock.advance(timedelta(days=1))  # R1 has expired by the morning...
        await app.intake.submit(await member(app, "eli"), ReportDraft(where="Oak & 9th"))
        await app.fire_due()  # ...and R2 came in just before the summary
        [summary] = [r for r in await outbox_rows(app.store) if r.kind == "summary"]
        assert summary.address == "organizers"
        assert "1 report waiting for a verifier" in summary.body
        assert "0 active alerts" in summary.body and "5th" not in summary.body
        async with app.store.reading() as tx:
            [next_one] = [t for t in await tx.timers.pending() if t.kind == "summary.daily"]
        assert next_one.due_at > clock.now()
    finally:
        await app.close()


def test_a_bad_summary_time_is_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.config import Config
    from tests.conftest import example_data

    data = example_data()
    data["timers"]["daily_summary"] = "breakfast"
    with pytest.raises(Exception, match="is not a time of day like"):
        Config.model_validate(data)


async def still_checks(app: App) -> list[str]:
    return [r.body for r in await outbox_rows(app.store) if r.kind == "active_check"]


async def test_the_check_in_can_be_answered_yes_and_asks_again_later(
    app: App, clock: FakeClock
) -> None:
    from tests.core.test_router import say

    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.decisions.verify(await member(app, "ben"), 1)
    clock.advance(app.network.active_check)
    await app.fire_due()
    [check] = await still_checks(app)
    assert "Answer /still R1 yes if it is, or /still R1 no to send the all clear." in check
    clock.advance(timedelta(minutes=30))
    reply = await say(app, "cruz", "/sigue R1 sí")
    assert reply.startswith("Gracias. R1 sigue activo")
    report = await app.reports.get(1)
    assert report.state is ReportState.VERIFIED
    [notice] = [r.body for r in await outbox_rows(app.store) if r.kind == "update"]
    assert notice.startswith("R1 is still going on, cruz confirmed. It stays active")
    async with app.store.reading() as tx:
        audit = [entry["action"] for entry in await tx.audit.entries()]
    assert "report.still_active" in audit
    # The next check is one interval after the answer, not after the first check.
    clock.advance(app.network.active_check - timedelta(minutes=1))
    assert await app.fire_due() == 0
    clock.advance(timedelta(minutes=1))
    assert await app.fire_due() == 1
    assert len(await still_checks(app)) == 2
    assert "alert" in await kinds(app) and "resolved" not in await kinds(app)


async def test_the_check_in_answered_no_is_the_all_clear(app: App, clock: FakeClock) -> None:
    from tests.core.test_router import say

    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.decisions.verify(await member(app, "ben"), 1)
    reply = await say(app, "ben", "/still R1 no they left")
    assert reply == "All clear for R1 sent to: alerts and alertas."
    assert (await app.reports.get(1)).state is ReportState.RESOLVED
    cleared = [r.body for r in await outbox_rows(app.store) if r.kind == "resolved"]
    assert len(cleared) == 2 and "Note: they left" in cleared[0]
    assert await pending_timers(app, 1) == []
    assert "does not apply" in await say(app, "ben", "/still R1 yes")


@pytest.mark.parametrize("answer", ["", "maybe", "R1"])
async def test_an_unclear_answer_is_asked_again(app: App, answer: str) -> None:
    from tests.core.test_router import say

    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.decisions.verify(await member(app, "ben"), 1)
    reply = await say(app, "ben", f"/still R1 {answer}")
    assert reply == "Is it still going on? Answer yes or no, for example: /still R1 yes"
    assert (await app.reports.get(1)).state is ReportState.VERIFIED
