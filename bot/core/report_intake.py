"""Reports coming in: a new report, or more eyes on one already open.

A report of a place that already has an open report within the corroboration window is
added to it ("3 independent reports") instead of starting a second one. Each member may
send `limits.reports_per_hour`; organizers, who relay hotline calls, are not limited.
The report, its card for the verifiers, its timers and the audit entry are one unit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core import permissions, rendering
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.messenger import Messenger
from bot.core.models import (
    Member,
    MessageKind,
    PlaceOrigin,
    Report,
    ReportDraft,
    ReportState,
    TimerKind,
)
from bot.core.network import Network
from bot.core.notices import Notices
from bot.core.places import match_place
from bot.core.report_places import related_reports, set_place
from bot.core.reports import load_report
from bot.core.service import Service
from bot.core.store import Store
from bot.i18n import Trusted, When, _, lines

RATE_WINDOW = timedelta(hours=1)


class SubmissionKind(StrEnum):
    NEW = "new"
    CORROBORATION = "corroboration"
    REPEAT = "repeat"  # the same person reporting the same place again


@dataclass(frozen=True)
class Submission:
    report: Report
    kind: SubmissionKind
    asked_where: bool = False  # the reporter is asked "Where exactly?" (a dialog waits)


# The step-by-step answer to "Where exactly?": the reporter's next direct message.
PLACE_DIALOG = "report_place"
PLACE_ANSWER_WINDOW = timedelta(hours=2)


class ReportIntake(Service):
    def __init__(
        self, store: Store, network: Network, clock: Clock, messenger: Messenger, notices: Notices
    ) -> None:
        super().__init__(store, network, clock, messenger)
        self.notices = notices

    async def _check_rate(self, reporter: Member, now: datetime) -> None:
        """A member may send `reports_per_hour` reports; organizers, who relay calls from
        the hotline, are not limited. A flood is refused before any work is done, so it
        costs one indexed count and never slows anyone else."""
        if permissions.is_organizer(reporter):
            return
        limit = self.network.reports_per_hour
        async with self.store.reading() as tx:
            count, oldest = await tx.reports.reports_by(reporter.id, now - RATE_WINDOW)
        if count < limit or oldest is None:
            return
        hour = int(now.timestamp() // RATE_WINDOW.total_seconds())
        await self.notices.tell_organizers_once(
            "rate",
            f"{reporter.platform}:{reporter.external_id}:{hour}",
            "too many reports",
            _(
                "{member} has sent {count} reports within an hour, the most one member may "
                "send, and I am refusing more for now. If they are relaying a real emergency, "
                "an organizer can send the reports for them; if it is a flood, consider "
                "removing them from the network.",
                member=Trusted(reporter.handle),
                count=count,
            ),
        )
        raise UserError(
            lines(
                _(
                    "You have sent {count} reports within an hour, the most one member can "
                    "send, so I did not take this one. You can report again from {when}. If "
                    "people are in danger now, call:",
                    count=count,
                    when=When(oldest + RATE_WINDOW),
                ),
                rendering.hotline_lines(self.network),
            )
        )

    async def submit(
        self, reporter: Member, draft: ReportDraft, *, ask_by_message: bool = False
    ) -> Submission:
        """File a report. Without an exact place it is filed anyway, never merged with
        another, and the reporter is asked where exactly: in the reply, or with
        `ask_by_message` in a direct message (when they reported in a group)."""
        now = self.clock.now()
        await self._check_rate(reporter, now)
        missing = draft.place_origin is PlaceOrigin.MISSING
        place = match_place(draft.where, self.network.known_places)
        # A report without a place has a key of its own: no other report can match it.
        key = f"missing:{secrets.token_hex(16)}" if missing else place.key
        asked = False
        async with self.store.transaction() as tx:
            match = await tx.reports.find_open_match(key, now - self.network.corroboration_window)
            if match is not None:
                repeat = reporter.id in match.reporters
                await tx.reports.add_corroboration(
                    match.id, draft, reporter_id=reporter.id, now=now
                )
                report = await load_report(tx, match.id)
                await self.messenger.report_notice(
                    tx,
                    MessageKind.CORROBORATION,
                    rendering.corroboration_card(report, draft),
                    report.id,
                )
                await tx.audit.record(
                    now, reporter.id, "report.corroborated", report.code, repeat=int(repeat)
                )
                kind = SubmissionKind.REPEAT if repeat else SubmissionKind.CORROBORATION
            else:
                report_id = await tx.reports.insert(
                    draft,
                    place_key=key,
                    known_location=place.known.name if place.known and not missing else None,
                    reporter_id=reporter.id,
                    now=now,
                )
                report = await load_report(tx, report_id)
                related = await related_reports(tx, report, now)
                if missing and await tx.dialogs.get(reporter.id) is None:
                    await tx.dialogs.save(
                        reporter.id, PLACE_DIALOG, "where", {"report": str(report.id)}, now
                    )
                    asked = True
                    if ask_by_message:
                        await self.messenger.to_member(
                            tx, reporter, MessageKind.REPLY, rendering.where_exactly(report)
                        )
                await self.messenger.report_notice(
                    tx,
                    MessageKind.NEW_REPORT,
                    rendering.new_report_card(report, related=related, reporter_asked=asked),
                    report.id,
                    ping=True,
                )
                await tx.audit.record(now, reporter.id, "report.submitted", report.code)
                await tx.timers.schedule(
                    TimerKind.REPORT_REASK, report.id, now + self.network.verification_reminder, now
                )
                await tx.timers.schedule(
                    TimerKind.REPORT_EXPIRE, report.id, now + self.network.verification_expiry, now
                )
                kind = SubmissionKind.NEW
        return Submission(report=report, kind=kind, asked_where=asked)

    async def waiting_for_place(self, reporter: Member) -> int | None:
        """The report whose place this member was asked for, if the question is open."""
        async with self.store.reading() as tx:
            dialog = await tx.dialogs.get(reporter.id)
        if dialog is None or dialog.kind != PLACE_DIALOG:
            return None
        if self.clock.now() - dialog.updated_at > PLACE_ANSWER_WINDOW:
            async with self.store.transaction() as tx:
                await tx.dialogs.end(reporter.id)
            return None
        return int(dialog.data["report"])

    async def add_place(self, reporter: Member, report_id: int, answer: str) -> Report:
        """The reporter's answer to "Where exactly?", added to the same report. Verifiers
        hear it; a report already decided keeps its place and gets the answer as news."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.dialogs.end(reporter.id)
            report = await load_report(tx, report_id)
            if reporter.id not in report.reporters:
                return report  # the question was for whoever reported it, and only them
            if report.state is ReportState.PENDING:
                await set_place(tx, self.network, report.id, answer, now)
                report = await load_report(tx, report.id)
            await self.messenger.report_notice(
                tx, MessageKind.UPDATE, rendering.place_from_reporter(report, answer), report.id
            )
            await tx.audit.record(now, reporter.id, "report.place_added", report.code)
        return report
