"""Wakes the timer dispatcher when a timer is due, using APScheduler 3 in memory.

The database is the source of truth for every timer; APScheduler only knows when to
wake up. At start-up the pending timers are loaded once; after that every commit tells
the scheduler which timers changed (`apply`, a commit hook), and each change adds,
moves or removes that one job, so scheduling costs the same with ten timers pending or
ten thousand. A timer that came due while the bot was down runs at once
(`misfire_grace_time=None`) and is marked late. Running a timer twice is harmless: the
dispatcher claims it with a compare-and-set first.

Two costs of APScheduler are kept off the hot path (bench/bench_intake.py and
bench/bench_timers.py measure them): every `add_job` on a running scheduler wakes it
through the loop's self-pipe and recomputes its next wake-up, so a commit that schedules
a reminder ten minutes away cost an extra loop round trip; now a commit's jobs are filed
quietly and the scheduler is woken once, only if one of them is due before its next
wake-up. And every job checks its function's arguments with `inspect.signature`, which
was half the cost of loading 10,000 timers at start-up; the job function carries its
signature, computed once.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.core.models import Timer
from bot.core.store import Changes

log = logging.getLogger(__name__)
# APScheduler logs every job added and run at INFO: thousands of lines on a busy day.
logging.getLogger("apscheduler").setLevel(logging.WARNING)


# When even a failure could not be recorded (the database unavailable), try again after:
UNREACHABLE_RETRY = timedelta(minutes=1)


def _job_id(timer_id: int) -> str:
    return f"timer:{timer_id}"


class _QuietScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """An AsyncIOScheduler that can file jobs without waking up for each one."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._quiet = False
        self._deadline: float | None = None  # loop time of the next wake-up, if any

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def wakeup(self) -> None:
        if not self._quiet:
            super().wakeup()

    def _start_timer(self, wait_seconds: float | None) -> None:
        super()._start_timer(wait_seconds)
        self._deadline = None if wait_seconds is None else self._eventloop.time() + wait_seconds

    def wake_for(self, run_at: datetime) -> None:
        """Wake up now if a job due at `run_at` comes before the next planned wake-up."""
        if self._eventloop is None:
            return
        wait = (run_at - datetime.now(UTC)).total_seconds()
        if self._deadline is None or self._eventloop.time() + wait < self._deadline:
            self._deadline = self._eventloop.time()  # one wake-up for a burst of commits
            super().wakeup()


class TimerScheduler:
    def __init__(self, fire: Callable[[int], Awaitable[bool]]) -> None:
        self.fire = fire
        self._scheduler = _QuietScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True}
        )
        self._early: list[Changes] | None = None  # commits seen while start() loads

        async def run(timer_id: int) -> None:
            try:
                await self.fire(timer_id)
            except Exception:
                # The dispatcher records a failing handler itself; this is for when even
                # that could not be stored (the database unavailable): try again later
                # rather than leave a pending timer without a job until the next restart.
                log.exception("timer %s could not be dispatched; trying again", timer_id)
                self._scheduler.add_job(
                    self._run,
                    DateTrigger(run_date=datetime.now(UTC) + UNREACHABLE_RETRY),
                    args=[timer_id],
                    id=_job_id(timer_id),
                    name="timer",
                    replace_existing=True,
                )

        # APScheduler checks a job's arguments with inspect.signature: computed once here.
        run.__signature__ = inspect.signature(run)  # type: ignore[attr-defined]
        self._run = run

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def prepare(self) -> None:
        """Keep every commit's timer changes from now on, until `start` has loaded the
        pending timers: a change committed while they are read is not lost."""
        self._early = []

    def start(self, pending: Iterable[Timer]) -> int:
        """Start inside the running event loop with one job per pending timer."""
        count = 0
        for timer in pending:  # added before start: APScheduler files them in one go
            self._schedule(timer)
            count += 1
        for changes in self._early or ():  # replayed in order; each step is idempotent
            self._file(changes)
        self._early = None
        self._scheduler.start()
        return count

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def apply(self, changes: Changes) -> None:
        """A commit hook: add, move or remove the job of each timer that changed."""
        if self._early is not None:
            self._early.append(changes)  # start() is loading the pending timers
            return
        if not self._scheduler.running:
            return  # started later, from the database
        with self._scheduler.quietly():
            soonest = self._file(changes)
        if soonest is not None:
            self._scheduler.wake_for(soonest)

    def _file(self, changes: Changes) -> datetime | None:
        """Add, move or remove the changed timers' jobs; the soonest new run time."""
        soonest: datetime | None = None
        for timer_id, timer in changes.timers.items():
            if timer is None:
                # A job that ran already is gone: APScheduler forgets a date job once
                # started. A removed job needs no wake-up: a spare one finds nothing.
                with contextlib.suppress(JobLookupError):
                    self._scheduler.remove_job(_job_id(timer_id))
            else:
                self._schedule(timer)
                soonest = timer.run_at if soonest is None else min(soonest, timer.run_at)
        return soonest

    def job_count(self) -> int:
        return len(self._scheduler.get_jobs())

    def _schedule(self, timer: Timer) -> None:
        self._scheduler.add_job(
            self._run,
            DateTrigger(run_date=timer.run_at),
            args=[timer.id],
            id=_job_id(timer.id),
            name="timer",
            replace_existing=True,
        )
