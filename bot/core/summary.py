"""The optional morning summary for organizers: what is waiting, what is late.

It names reports and tasks by code and counts only, never a person, so it can go to the
organizer chat. It is a timer like any other: one pending at a time, rescheduled for
the next day when it fires, so it survives restarts and never doubles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.core.clock import Clock, next_daily
from bot.core.messenger import Messenger
from bot.core.models import ReportState, Task, TaskState
from bot.core.network import Network
from bot.core.reports import LATE_AFTER
from bot.i18n import Text, _, _n, lines
from storage import reports as report_store
from storage import tasks as task_store
from storage import timers
from storage.database import Database

DAILY = "summary.daily"


class SummaryService:
    def __init__(
        self,
        db: Database,
        network: Network,
        clock: Clock,
        messenger: Messenger,
        on_outbox: Callable[[], None] = lambda: None,
        on_timers: Callable[[], None] = lambda: None,
    ) -> None:
        self.db, self.network, self.clock, self.messenger = db, network, clock, messenger
        self._on_outbox, self._on_timers = on_outbox, on_timers

    def next_time(self, after: datetime) -> datetime | None:
        at = self.network.daily_summary
        return None if at is None else next_daily(after, at, self.network.zone)

    async def ensure_scheduled(self) -> None:
        """At start-up: one pending summary if the config asks for it, none if not."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            await timers.keep_one(conn, DAILY, self.next_time(now), now)
        self._on_timers()

    async def fire_timer(self, timer_id: int) -> bool:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            timer = await timers.claim_recurring(
                conn, timer_id, DAILY, now, LATE_AFTER, self.next_time(now)
            )
            if timer is None:
                return False
            pending = await report_store.in_states(conn, (ReportState.PENDING,))
            active = await report_store.in_states(conn, (ReportState.VERIFIED,))
            open_tasks = await task_store.in_states(
                conn, (TaskState.OPEN, TaskState.OFFERED, TaskState.ACCEPTED)
            )
            overdue = [
                t for t in open_tasks
                if t.state is TaskState.ACCEPTED and t.due_at is not None and t.due_at < now
            ]  # fmt: skip
            await self.messenger.to_organizers(
                conn, "summary", self._text(len(pending), len(active), len(open_tasks), overdue)
            )
        self._on_outbox()
        self._on_timers()
        return True

    @staticmethod
    def _text(pending: int, active: int, open_tasks: int, overdue: Sequence[Task]) -> Text:
        codes = ", ".join(task.code for task in overdue)
        return lines(
            _("Good morning. Where things stand:"),
            _n(
                "{count} report waiting for a verifier",
                "{count} reports waiting for a verifier",
                pending,
            ),
            _n("{count} active alert", "{count} active alerts", active),
            _n("{count} open task", "{count} open tasks", open_tasks),
            _("Overdue: {codes}", codes=codes) if overdue else None,
            _("Send /status for details."),
        )
