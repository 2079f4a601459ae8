"""The optional morning summary for organizers: what is waiting, what is late.

It names reports and tasks by code and counts only, never a person, so it can go to the
organizer chat. It is a timer like any other: one pending at a time, rescheduled for
the next day when it fires, so it survives restarts and never doubles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.clock import next_daily
from bot.core.models import MessageKind, ReportState, Task, TaskState, Timer, TimerKind
from bot.core.service import Service
from bot.core.store import Transaction
from bot.i18n import Text, _, _n, lines

DAILY = TimerKind.DAILY_SUMMARY


class SummaryService(Service):
    def next_time(self, after: datetime) -> datetime | None:
        at = self.network.daily_summary
        return None if at is None else next_daily(after, at, self.network.zone)

    async def ensure_scheduled(self) -> None:
        """At start-up: one pending summary if the config asks for it, none if not."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.timers.keep_one(DAILY, self.next_time(now), now)

    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        """Send this morning's summary and schedule tomorrow's, in the timer's transaction."""
        following = self.next_time(now)
        if following is not None:
            await tx.timers.schedule(DAILY, 0, following, now)
        # A drill's reports and tasks are practice: left out of the numbers.
        pending = [r for r in await tx.reports.in_states((ReportState.PENDING,)) if not r.drill]
        active = [r for r in await tx.reports.in_states((ReportState.VERIFIED,)) if not r.drill]
        open_tasks = [
            t
            for t in await tx.tasks.in_states(
                (TaskState.OPEN, TaskState.OFFERED, TaskState.ACCEPTED)
            )
            if not t.drill
        ]
        overdue = [
            t for t in open_tasks
            if t.state is TaskState.ACCEPTED and t.due_at is not None and t.due_at < now
        ]  # fmt: skip
        await self.messenger.to_organizers(
            tx,
            MessageKind.SUMMARY,
            self._text(len(pending), len(active), len(open_tasks), overdue),
        )

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
