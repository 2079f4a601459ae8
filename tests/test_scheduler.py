"""APScheduler, loaded from the database: on time, once, and catching up after downtime.

Only the first test lets real time pass (a timer of 0.2 s), to prove APScheduler really
wakes the dispatcher. Everything else inspects the jobs (their ids and run dates) and
runs them by hand with a fake clock, so no test waits for a timer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config
from bot.core.models import Timer, TimerKind, TimerState
from bot.core.store import Changes, Transaction
from bot.core.timers import LATE_AFTER
from bot.scheduler import TimerScheduler
from tests.conftest import example_data, outbox_rows
from tests.fakes.chat import ChatHarness
from tests.fakes.clock import FakeClock

REPORT = "dee@organizers: /report where: Elm St & 3rd; what: vans"


def config_with(**timers: Any) -> Config:
    data = example_data()
    data["timers"].update(timers)
    return Config.model_validate(data)


@pytest.fixture
def clock() -> FakeClock:
    # Far ahead of the real date, so APScheduler never runs a job on its own here.
    return FakeClock(datetime(2099, 11, 23, 18, 0, tzinfo=UTC))


async def reasks(app: App) -> int:
    return sum(row.kind == "reask" for row in await outbox_rows(app.store))


def jobs(app_or_scheduler: App | TimerScheduler) -> dict[str, datetime]:
    scheduler = (
        app_or_scheduler.scheduler if isinstance(app_or_scheduler, App) else (app_or_scheduler)
    )
    return {job.id: job.next_run_time for job in scheduler._scheduler.get_jobs()}


async def pending(app: App) -> list[Timer]:
    async with app.store.reading() as tx:
        return await tx.timers.pending()


async def test_a_due_timer_wakes_the_dispatcher_in_real_time(tmp_path: Path) -> None:
    config = config_with(claim_within=timedelta(seconds=1), verification_expiry="30s")
    app = await App.start(config, tmp_path / "t.sqlite3")  # the system clock
    try:
        await app.start_timers()
        wrote = asyncio.Event()
        app.on_outbox(wrote.set)  # after every commit that wrote messages
        started = time.monotonic()  # before the report: its re-ask is due 1 s after it
        await ChatHarness(app).say(REPORT)
        assert await reasks(app) == 0
        wrote.clear()
        await asyncio.wait_for(wrote.wait(), timeout=5)  # the re-ask, written by the job
        assert await reasks(app) == 1
        assert time.monotonic() - started >= 0.95  # not before its time
    finally:
        await app.close()


async def test_start_loads_one_job_per_pending_timer_at_its_time(
    app: App, clock: FakeClock
) -> None:
    chat = ChatHarness(app)
    await chat.say(REPORT)
    clock.advance(timedelta(minutes=3))
    await chat.say("eli@organizers: /report where: Oak Ave & 9th; what: agents")
    await app.start_timers()
    timers = await pending(app)
    assert {t.kind for t in timers} == {
        TimerKind.REPORT_REASK,
        TimerKind.REPORT_EXPIRE,
        TimerKind.DAILY_PURGE,
    }
    assert jobs(app) == {f"timer:{t.id}": t.run_at for t in timers}
    assert app.scheduler.job_count() == len(timers) == 5
    for job in app.scheduler._scheduler.get_jobs():
        assert job.misfire_grace_time is None  # overdue at start-up: run, never skip
        assert job.coalesce


async def test_apply_adds_moves_and_removes_only_the_changed_job(
    app: App, clock: FakeClock
) -> None:
    at = clock.now() + timedelta(hours=1)
    timer = Timer(900, TimerKind.TASK_DUE, 1, at, TimerState.PENDING)
    app.scheduler.apply(Changes(timers={900: timer}))
    assert app.scheduler.job_count() == 0  # not started yet: start() loads from the database
    await app.start_timers()
    before = jobs(app)
    app.scheduler.apply(Changes(timers={900: timer}))
    assert jobs(app) == {**before, "timer:900": at}
    retry = at + timedelta(seconds=40)
    moved = Timer(900, TimerKind.TASK_DUE, 1, at, TimerState.PENDING, attempts=1, retry_at=retry)
    app.scheduler.apply(Changes(timers={900: moved}))
    assert jobs(app) == {**before, "timer:900": retry}  # moved, not doubled
    app.scheduler.apply(Changes(timers={900: None}))
    app.scheduler.apply(Changes(timers={900: None, 901: None}))  # gone already: harmless
    assert jobs(app) == before


async def test_a_failed_run_moves_its_job_to_the_retry_time(
    app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(tx: Transaction, timer: Timer, now: datetime) -> None:
        raise OSError("no route to host")

    monkeypatch.setitem(app.timers.handlers, TimerKind.REPORT_REASK, broken)
    await ChatHarness(app).say(REPORT)
    await app.start_timers()
    [reask] = [t for t in await pending(app) if t.kind is TimerKind.REPORT_REASK]
    clock.advance(reask.due_at - clock.now())
    [job] = [j for j in app.scheduler._scheduler.get_jobs() if j.id == f"timer:{reask.id}"]
    await job.func(*job.args)  # what APScheduler runs when the job is due
    [again] = [t for t in await pending(app) if t.id == reask.id]
    assert again.attempts == 1 and again.retry_at == clock.now() + app.timers.retry.delay(1)
    assert jobs(app)[f"timer:{reask.id}"] == again.retry_at


async def test_a_scheduler_loaded_twice_still_fires_each_timer_once(
    app: App, clock: FakeClock
) -> None:
    await ChatHarness(app).say(REPORT)
    await app.start_timers()
    extra = TimerScheduler(app.timers.fire)  # as if the schedule was loaded twice
    try:
        extra.start(await pending(app))
        assert jobs(extra) == jobs(app)
        clock.advance(app.network.claim_within)
        due = [
            job
            for scheduler in (app.scheduler, extra)
            for job in scheduler._scheduler.get_jobs()
            if job.next_run_time <= clock.now()
        ]
        assert len(due) == 2  # R1's re-ask, once in each scheduler
        await asyncio.gather(*(job.func(*job.args) for job in due))
        assert await reasks(app) == 1
    finally:
        extra.shutdown()


@pytest.fixture
async def restarted(tmp_path: Path) -> AsyncIterator[tuple[App, FakeClock]]:
    """A report filed an hour ago (real time), then the bot was down until now."""
    clock = FakeClock(datetime.now(UTC) - timedelta(hours=1))
    path = tmp_path / "down.sqlite3"
    config = config_with(verification_expiry="3h")
    before = await App.start(config, path, clock)
    await ChatHarness(before).say(REPORT)
    await before.close()
    clock.advance(timedelta(hours=1))  # the first re-ask was due 50 minutes ago
    app = await App.start(config, path, clock)
    yield app, clock
    await app.close()


async def test_what_came_due_during_downtime_fires_once_at_start_up_and_says_late(
    restarted: tuple[App, FakeClock],
) -> None:
    app, clock = restarted
    [reask] = [t for t in await pending(app) if t.kind is TimerKind.REPORT_REASK]
    assert clock.now() - reask.due_at > LATE_AFTER
    await app.start_timers()  # APScheduler runs overdue jobs at once, in this loop
    for _ in range(100):  # no timer to wait for: the job is due already
        if await reasks(app):
            break
        await asyncio.sleep(0.01)
    assert await reasks(app) == 1
    [row] = [r for r in await outbox_rows(app.store) if r.kind == "reask"]
    assert row.body.startswith("(Late: this was due ")
    assert f"timer:{reask.id}" not in jobs(app)  # run, and forgotten by APScheduler
    assert await app.fire_due() == 0  # nothing left over for a second run


async def test_a_timer_committed_while_start_up_loads_is_not_lost(
    app: App, clock: FakeClock
) -> None:
    # Between reading the pending timers and starting APScheduler, another coroutine
    # commits a report: its timers must get their jobs too.
    chat = ChatHarness(app)
    app.scheduler.prepare()
    await chat.say(REPORT)  # committed while "loading": kept, not dropped
    count = app.scheduler.start([])
    assert count == 0
    timers = await pending(app)
    assert {t.kind for t in timers} == {TimerKind.REPORT_REASK, TimerKind.REPORT_EXPIRE}
    assert jobs(app) == {f"timer:{t.id}": t.run_at for t in timers}


async def test_a_run_that_cannot_even_record_its_failure_is_tried_again_later(
    app: App, clock: FakeClock
) -> None:
    async def unreachable(timer_id: int) -> bool:
        raise OSError("database unavailable")

    scheduler = TimerScheduler(unreachable)
    scheduler.start([])
    try:
        before = datetime.now(UTC)
        await scheduler._run(42)
        [job] = scheduler._scheduler.get_jobs()
        assert job.id == "timer:42"
        assert job.next_run_time >= before + timedelta(seconds=55)
    finally:
        scheduler.shutdown()
