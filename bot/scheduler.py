"""Wakes the timer dispatcher when a timer is due, using APScheduler 3 in memory.

The database is the source of truth for every timer; APScheduler only knows when to
wake up. At start-up the pending timers are loaded once; after that every commit tells
the scheduler which timers changed (`apply`, a commit hook), and each change adds,
moves or removes that one job, so scheduling costs the same with ten timers pending or
ten thousand. A timer that came due while the bot was down runs at once
(`misfire_grace_time=None`) and is marked late. Running a timer twice is harmless: the
dispatcher claims it with a compare-and-set first.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.core.models import Timer
from bot.core.store import Changes

log = logging.getLogger(__name__)
# APScheduler logs every job added and run at INFO: thousands of lines on a busy day.
logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _job_id(timer_id: int) -> str:
    return f"timer:{timer_id}"


class TimerScheduler:
    def __init__(self, fire: Callable[[int], Awaitable[bool]]) -> None:
        self.fire = fire
        self._scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True}
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self, pending: Iterable[Timer]) -> int:
        """Start inside the running event loop with one job per pending timer."""
        count = 0
        for timer in pending:  # added before start: APScheduler files them in one go
            self._schedule(timer)
            count += 1
        self._scheduler.start()
        return count

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def apply(self, changes: Changes) -> None:
        """A commit hook: add, move or remove the job of each timer that changed."""
        if not self._scheduler.running:
            return  # started later, from the database
        for timer_id, timer in changes.timers.items():
            if timer is None:
                # A job that ran already is gone: APScheduler forgets a date job once started.
                with contextlib.suppress(JobLookupError):
                    self._scheduler.remove_job(_job_id(timer_id))
            else:
                self._schedule(timer)

    def job_count(self) -> int:
        return len(self._scheduler.get_jobs())

    def _schedule(self, timer: Timer) -> None:
        self._scheduler.add_job(
            self._run,
            DateTrigger(run_date=timer.run_at),
            args=[timer.id],
            id=_job_id(timer.id),
            replace_existing=True,
        )

    async def _run(self, timer_id: int) -> None:
        try:
            await self.fire(timer_id)
        except Exception:  # the dispatcher records failures itself; this is a last resort
            log.exception("timer %s could not be dispatched", timer_id)
