"""Wakes the core when a timer is due, using APScheduler 3 with an in-memory job store.

The database is the source of truth for every timer; APScheduler only knows when to
wake up. At start-up (and after every change the core makes) the jobs are rebuilt from
the pending timers, so a restart loses nothing. A timer that came due while the bot was
down runs at once (`misfire_grace_time=None`) and the core marks it late. Running the
same timer twice is harmless: the core claims it with a conditional update first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from storage import timers
from storage.database import Database

log = logging.getLogger(__name__)


class TimerScheduler:
    def __init__(self, db: Database, fire: Callable[[int], Awaitable[bool]]) -> None:
        self.db = db
        self.fire = fire
        self._scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True}
        )
        self._sync_task: asyncio.Task[None] | None = None
        self._again = False

    async def start(self) -> None:
        """Start inside the running event loop and load every pending timer."""
        self._scheduler.start()
        await self.sync()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def sync(self) -> int:
        """One job per pending timer; returns how many are scheduled."""
        async with self.db.reading() as conn:
            pending = await timers.pending(conn)
        wanted = {f"timer:{timer.id}" for timer in pending}
        for job in self._scheduler.get_jobs():
            if job.id not in wanted:
                job.remove()  # cancelled or fired elsewhere
        for timer in pending:
            self._scheduler.add_job(
                self._run,
                DateTrigger(run_date=timer.due_at),
                args=[timer.id],
                id=f"timer:{timer.id}",
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
            )
        return len(pending)

    def request_sync(self) -> None:
        """Called by the core after a commit that changed timers; coalesces bursts."""
        if not self._scheduler.running:
            return
        if self._sync_task is not None and not self._sync_task.done():
            self._again = True
            return
        self._sync_task = asyncio.get_running_loop().create_task(self._sync_soon())

    async def _sync_soon(self) -> None:
        while True:
            self._again = False
            try:
                await self.sync()
            except Exception:
                log.exception("could not rebuild the timer schedule")
            if not self._again:
                return

    async def _run(self, timer_id: int) -> None:
        try:
            await self.fire(timer_id)
        except Exception:
            log.exception("timer %s failed; it stays pending and is retried", timer_id)
            await asyncio.sleep(5)
            self.request_sync()
