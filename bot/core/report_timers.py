"""What a report's timers do: expire it, ask "still going on?" (asking verifiers to
go is `dispatch`'s escalation chain).

The dispatcher (`bot.core.timers`) claims the timer and calls `on_timer` in the same
unit of work, so the reminder and the claim are stored together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from bot.core import rendering
from bot.core.models import (
    Decision,
    DismissReason,
    MessageKind,
    Report,
    ReportState,
    Timer,
    TimerKind,
)
from bot.core.report_decisions import forget_dispatch, tell_reporters
from bot.core.reports import load_report
from bot.core.service import Service
from bot.core.store import Transaction
from bot.core.transitions import REPORTS, ReportMove
from bot.i18n import Text, lines


class ReportTimers(Service):
    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        """Do what a report timer promised (the dispatcher claimed it in `tx`)."""
        report = await tx.reports.get(timer.subject_id)
        if report is not None:
            await self._timer_effect(tx, timer.kind, report, now, timer.late, timer.due_at)

    async def _timer_effect(
        self,
        tx: Transaction,
        kind: TimerKind,
        report: Report,
        now: datetime,
        late: bool,
        due_at: datetime,
    ) -> None:
        def with_lateness(text: Text) -> Text:
            return lines(rendering.late_note(due_at), text) if late else text

        if kind is TimerKind.REPORT_EXPIRE and REPORTS[ReportMove.EXPIRE].allows(report.state):
            expired = REPORTS[ReportMove.EXPIRE].target(report.state)
            if not await tx.reports.change_state(
                report.id, expected=report.state, new=expired, now=now
            ):
                return  # decided meanwhile (another process): that decision stands
            await tx.reports.record_decision(
                report.id,
                Decision.DISMISSED,
                reason=DismissReason.UNVERIFIABLE,
                note="",
                decided_by=None,
                now=now,
            )
            await forget_dispatch(tx, report.id)
            await tell_reporters(
                self.messenger, tx, report.reporters, await load_report(tx, report.id)
            )
            notice = rendering.expired(report, self.network.verification_expiry)
            await self.messenger.report_notice(
                tx, MessageKind.DECISION, with_lateness(notice), report.id
            )
            await tx.audit.record(now, None, "report.expired", report.code)
        elif kind is TimerKind.REPORT_ACTIVE_CHECK and report.state is ReportState.VERIFIED:
            await self.messenger.report_notice(
                tx,
                MessageKind.ACTIVE_CHECK,
                with_lateness(rendering.still_active(report)),
                report.id,
            )
            await tx.timers.schedule(
                TimerKind.REPORT_ACTIVE_CHECK, report.id, now + self.network.active_check, now
            )
