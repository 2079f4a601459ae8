"""The timer dispatcher: failures back off and end in one notice, the purge is atomic with
its claim, and one changed timer moves one scheduler job, never a rebuild."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config
from bot.core.models import TargetPurpose, Timer, TimerKind, TimerState
from bot.core.retention import DAILY
from bot.core.store import Changes, Transaction
from bot.core.timers import RetryPolicy
from storage.audit import SqliteAudit
from storage.retention import SqliteRetention
from tests.conftest import example_data, outbox_rows
from tests.fakes.chat import ChatHarness
from tests.fakes.clock import FakeClock

FAILING = TimerKind.DAILY_SUMMARY


@pytest.fixture
def clock() -> FakeClock:
    # Well ahead of the real date: a job APScheduler thinks is overdue would run at once.
    return FakeClock(datetime(2099, 11, 23, 18, 0, tzinfo=UTC))


@pytest.fixture
async def bilingual_app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    """The example network, with an organizer chat that reads Spanish, then English."""
    data = example_data()
    for chat in data["console"]["chats"]:
        if chat["purpose"] == "organizers":
            chat["languages"] = ["es", "en"]
    application = await App.start(Config.model_validate(data), tmp_path / "b.sqlite3", clock)
    yield application
    await application.close()


async def get_timer(app: App, timer_id: int) -> Timer:
    async with app.store.reading() as tx:
        timer = await tx.timers.get(timer_id)
    assert timer is not None
    return timer


async def schedule(app: App, kind: TimerKind, subject: int, due: datetime) -> int:
    async with app.store.transaction() as tx:
        return await tx.timers.schedule(kind, subject, due, app.clock.now())


async def test_a_failing_timer_backs_off_then_gives_up_with_one_notice(
    bilingual_app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = bilingual_app
    calls: list[datetime] = []

    async def broken(tx: Transaction, timer: Timer, now: datetime) -> None:
        calls.append(now)
        raise RuntimeError("the summary service is down")

    monkeypatch.setitem(app.timers.handlers, FAILING, broken)
    policy = RetryPolicy(
        attempts=6, first_delay=timedelta(seconds=5), max_delay=timedelta(seconds=20)
    )
    monkeypatch.setattr(app.timers, "retry", policy)
    timer_id = await schedule(app, FAILING, 0, clock.now() + timedelta(minutes=1))

    assert await app.timers.fire(timer_id) is False and calls == []  # not due yet
    clock.advance(timedelta(minutes=1))
    assert await app.timers.fire(timer_id) is False  # due, ran, failed
    assert len(calls) == 1

    waits: list[timedelta] = []
    for failures in range(1, policy.attempts):
        timer = await get_timer(app, timer_id)
        assert (timer.state, timer.attempts) == (TimerState.PENDING, failures)
        assert timer.retry_at is not None
        wait = timer.retry_at - clock.now()
        waits.append(wait)
        # Not before its retry time, neither by id nor by the catch-up sweep.
        clock.advance(wait - timedelta(seconds=1))
        assert await app.timers.fire(timer_id) is False
        assert await app.fire_due() == 0
        assert len(calls) == failures
        clock.advance(timedelta(seconds=1))
        assert await app.fire_due() == 0  # ran, and failed again
        assert len(calls) == failures + 1

    seconds = [int(w.total_seconds()) for w in waits]
    assert seconds == [5, 10, 20, 20, 20]  # doubling, capped at max_delay
    timer = await get_timer(app, timer_id)
    assert (timer.state, timer.attempts) == (TimerState.FAILED, policy.attempts)

    notices = [row for row in await outbox_rows(app.store) if row.kind == "timer_failed"]
    [notice] = notices
    organizer_chats = app.network.targets_for(TargetPurpose.ORGANIZERS)
    assert [(notice.platform, notice.address, notice.languages)] == [
        (t.platform, t.address, t.languages) for t in organizer_chats
    ]
    assert notice.languages == ("es", "en")
    assert notice.body.index("falló 6 veces") < notice.body.index("failed 6 times")
    assert "summary.daily" in notice.body
    names = [m.name for m in app.config.console.members] if app.config.console else []
    assert names
    for name in names:
        assert not re.search(rf"\b{name}\b", notice.body, re.IGNORECASE), name

    # Given up: firing again, however late, runs nothing and tells nobody again.
    clock.advance(timedelta(days=2))
    assert await app.timers.fire(timer_id) is False
    assert await app.fire_due() == 0
    assert len(calls) == policy.attempts
    assert sum(r.kind == "timer_failed" for r in await outbox_rows(app.store)) == 1
    async with app.store.reading() as tx:
        failed = [e for e in await tx.audit.entries() if e["action"] == "timer.failed"]
    assert [e["actor"] for e in failed] == [None]


async def test_a_timer_that_recovers_before_the_last_attempt_tells_nobody(
    app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = app.timers.handlers[FAILING]
    calls = 0

    async def flaky(tx: Transaction, timer: Timer, now: datetime) -> None:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError("blip")
        await original(tx, timer, now)

    monkeypatch.setitem(app.timers.handlers, FAILING, flaky)
    timer_id = await schedule(app, FAILING, 0, clock.now())
    for _ in range(3):
        await app.fire_due()
        clock.advance(app.timers.retry.max_delay)
    timer = await get_timer(app, timer_id)
    assert (timer.state, timer.attempts, calls) == (TimerState.FIRED, 2, 3)
    assert not [r for r in await outbox_rows(app.store) if r.kind == "timer_failed"]


# -- the purge and its claim -------------------------------------------------------------


async def purgeable(app: App, clock: FakeClock) -> dict[str, int]:
    """A dismissed report with its delivered messages, all older than the message limit."""
    chat = ChatHarness(app)
    await chat.say("dee@organizers: /report where: 5th & Main; what: 2 vans")
    await chat.say("ben@organizers: /dismiss R1 routine")
    clock.advance(timedelta(days=8))
    plan = await app.retention.plan()
    assert plan["sent messages"] > 0
    return plan


def fail_after(original: Callable[..., Any], when: Callable[..., bool]) -> Callable[..., Any]:
    async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = await original(self, *args, **kwargs)
        if when(*args, **kwargs):
            raise RuntimeError("disk full")
        return result

    return wrapper


@pytest.mark.parametrize("breaks", ["delete", "audit"])
async def test_the_purge_and_its_claim_are_one_transaction(
    app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, breaks: str
) -> None:
    await app.retention.ensure_scheduled()
    plan = await purgeable(app, clock)
    async with app.store.reading() as tx:
        [daily] = [t for t in await tx.timers.pending() if t.kind == DAILY]
    assert daily.due_at <= clock.now()
    rows_before = await outbox_rows(app.store)

    with monkeypatch.context() as patch:
        if breaks == "delete":  # every row deleted, then the transaction fails
            patch.setattr(
                SqliteRetention, "delete", fail_after(SqliteRetention.delete, lambda *a: True)
            )
        else:  # the purge's audit entry fails after the rows went
            patch.setattr(
                SqliteAudit,
                "record",
                fail_after(
                    SqliteAudit.record, lambda at, actor, action, *a, **k: "purge" in action
                ),
            )
        assert await app.timers.fire(daily.id) is False

    timer = await get_timer(app, daily.id)
    assert (timer.state, timer.attempts) == (TimerState.PENDING, 1)  # not claimed: retried
    assert await app.retention.plan() == plan  # nothing was deleted
    assert await outbox_rows(app.store) == rows_before
    async with app.store.reading() as tx:
        assert [t.id for t in await tx.timers.pending() if t.kind == DAILY] == [daily.id]
        assert not [e for e in await tx.audit.entries() if e["action"] == "retention.purged"]

    assert timer.retry_at is not None
    clock.advance(timer.retry_at - clock.now())
    assert await app.fire_due() >= 1
    async with app.store.reading() as tx:
        claimed = await tx.timers.get(daily.id)
    assert claimed is None  # claimed, then forgotten by its own purge as a finished timer
    after = await app.retention.plan()
    assert after["sent messages"] == 0
    assert not [r for r in await outbox_rows(app.store) if r.state != "pending"]
    async with app.store.reading() as tx:
        following = [t for t in await tx.timers.pending() if t.kind == DAILY]
        purged = [e for e in await tx.audit.entries() if e["action"] == "retention.purged"]
    assert len(following) == 1 and following[0].due_at > clock.now()
    assert following[0].due_at - daily.due_at == timedelta(days=8)  # the next 03:30 local
    assert len(purged) == 1


# -- scheduling cost ---------------------------------------------------------------------


class JobSpy:
    """Counts what the commit hook asks of APScheduler."""

    def __init__(self, app: App, monkeypatch: pytest.MonkeyPatch) -> None:
        self.added: list[str] = []
        self.removed: list[str] = []
        self.applied: list[Changes] = []
        inner = app.scheduler._scheduler
        add, remove, apply = inner.add_job, inner.remove_job, app.scheduler.apply

        def add_job(*args: Any, **kwargs: Any) -> Any:
            self.added.append(kwargs["id"])
            return add(*args, **kwargs)

        def remove_job(job_id: str, *args: Any, **kwargs: Any) -> Any:
            self.removed.append(job_id)
            return remove(job_id, *args, **kwargs)

        def spy_apply(changes: Changes) -> None:
            self.applied.append(changes)
            apply(changes)

        def no_rebuild(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the scheduler was started (rebuilt) again")

        monkeypatch.setattr(inner, "add_job", add_job)
        monkeypatch.setattr(inner, "remove_job", remove_job)
        monkeypatch.setattr(app.scheduler, "apply", spy_apply)
        monkeypatch.setattr(app.scheduler, "start", no_rebuild)

    def reset(self) -> None:
        self.added.clear()
        self.removed.clear()
        self.applied.clear()


async def pending_ids(app: App, subject: int) -> dict[TimerKind, int]:
    async with app.store.reading() as tx:
        return {
            t.kind: t.id
            for t in await tx.timers.for_subject(subject)
            if t.state is TimerState.PENDING and t.kind not in (DAILY, TimerKind.DAILY_SUMMARY)
        }


def run_dates(app: App) -> dict[str, datetime]:
    return {job.id: job.trigger.run_date for job in app.scheduler._scheduler.get_jobs()}


async def test_one_changed_timer_moves_one_job_among_two_hundred(
    app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    far = clock.now() + timedelta(days=30)
    async with app.store.transaction() as tx:
        for n in range(200):
            await tx.timers.schedule(TimerKind.TASK_DUE, 10_000 + n, far, clock.now())
    await app.start_timers()
    assert app.scheduler.running
    base = app.scheduler.job_count()
    assert base == 201  # the 200, and the daily purge

    spy = JobSpy(app, monkeypatch)
    chat = ChatHarness(app)
    await chat.say("dee@organizers: /report where: 5th & Main; what: 2 vans")
    report_timers = await pending_ids(app, 1)
    assert set(report_timers) == {TimerKind.REPORT_REASK, TimerKind.REPORT_EXPIRE}
    assert sorted(spy.added) == sorted(f"timer:{i}" for i in report_timers.values())
    assert spy.removed == []
    assert app.scheduler.job_count() == base + 2
    dates = run_dates(app)
    reask = await get_timer(app, report_timers[TimerKind.REPORT_REASK])
    assert dates[f"timer:{reask.id}"] == reask.run_at == clock.now() + (app.network.claim_within)

    spy.reset()
    await chat.say("ben@organizers: /verify R1")
    [check] = (await pending_ids(app, 1)).values()
    assert sorted(spy.removed) == sorted(f"timer:{i}" for i in report_timers.values())
    assert spy.added == [f"timer:{check}"]
    assert app.scheduler.job_count() == base + 1
    assert run_dates(app)[f"timer:{check}"] == clock.now() + app.network.active_check
    assert all(set(c.timers) <= {*report_timers.values(), check} for c in spy.applied)

    # A move (news on the alert) replaces that one job, at its new time.
    spy.reset()
    clock.advance(timedelta(hours=1))
    reply = await chat.text("ana@organizers: /correct R1 what: 3 vans")
    assert "CORRECTION to alert R1" in reply
    [moved] = (await pending_ids(app, 1)).values()
    assert len(spy.added) == 1 and spy.added == [f"timer:{moved}"]
    assert spy.removed == [f"timer:{check}"]
    assert app.scheduler.job_count() == base + 1
    assert run_dates(app)[f"timer:{moved}"] == clock.now() + app.network.active_check

    # A plain command touches no job at all.
    spy.reset()
    await chat.say("eli@organizers: /help")
    assert (spy.added, spy.removed, spy.applied) == ([], [], [])


async def test_giving_up_on_todays_purge_keeps_tomorrows(
    app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(tx: Transaction, timer: Timer, now: datetime) -> None:
        raise OSError("disk full")

    monkeypatch.setitem(app.timers.handlers, TimerKind.DAILY_PURGE, broken)
    monkeypatch.setattr(app.timers, "retry", RetryPolicy(attempts=2))
    await app.retention.ensure_scheduled()
    async with app.store.reading() as tx:
        [today] = [t for t in await tx.timers.pending() if t.kind is TimerKind.DAILY_PURGE]
    clock.advance(today.due_at - clock.now())
    assert await app.timers.fire(today.id) is False  # first attempt fails
    clock.advance(app.timers.retry.delay(1))
    assert await app.timers.fire(today.id) is False  # the last one: given up
    assert (await get_timer(app, today.id)).state is TimerState.FAILED
    async with app.store.reading() as tx:
        [tomorrow] = [t for t in await tx.timers.pending() if t.kind is TimerKind.DAILY_PURGE]
    assert tomorrow.due_at == app.retention.next_time(clock.now())
    assert timedelta(hours=23) < tomorrow.due_at - today.due_at <= timedelta(hours=25)
