"""After the decision: all clear, corrections and retractions of an alert.

Each goes to exactly the chats that got the alert (the broadcast record), even if the
config changed since, so nobody who saw an alert misses the news that it is over. News
resets the "still going on?" timer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core import permissions, rendering
from bot.core.errors import UserError
from bot.core.models import (
    Agency,
    Member,
    MessageKind,
    Report,
    ReportState,
    Target,
    TargetPurpose,
    TimerKind,
)
from bot.core.places import match_place
from bot.core.report_decisions import already_decided
from bot.core.reports import load_report
from bot.core.service import Service
from bot.core.transitions import REPORTS, ReportMove
from bot.core.vocabulary import STATE_NAMES
from bot.i18n import Text, _


@dataclass(frozen=True)
class Correction:
    where: str | None = None
    what: str | None = None
    agency: Agency | None = None

    @property
    def empty(self) -> bool:
        return self.where is None and self.what is None and self.agency is None


@dataclass(frozen=True)
class FollowUp:
    report: Report
    targets: tuple[str, ...]


def _does_not_apply(report: Report) -> UserError:
    return UserError(
        _(
            "{code} is {state}, so this does not apply to it. Send /status to see active alerts.",
            code=report.code,
            state=STATE_NAMES[report.state],
        )
    )


class ReportFollowUps(Service):
    async def _follow_up(
        self,
        actor: Member,
        report_id: int,
        *,
        move: ReportMove,
        kind: MessageKind,
        build: Callable[[Report], Text],
        note: str,
        apply: Correction | None = None,
        changes: Sequence[Text] = (),
    ) -> FollowUp:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            report = await load_report(tx, report_id)
            transition = REPORTS[move]
            if not transition.allows(report.state):
                raise _does_not_apply(report)
            new_state = transition.target(report.state)
            if new_state is not report.state and not await tx.reports.change_state(
                report.id, expected=report.state, new=new_state, now=now
            ):
                raise await already_decided(tx, report)
            if apply is not None:
                await tx.reports.update_details(
                    report.id,
                    where=apply.where,
                    place_key=(
                        match_place(apply.where, self.network.known_places).key
                        if apply.where
                        else None
                    ),
                    what=apply.what,
                    agency=apply.agency,
                    now=now,
                )
            await tx.reports.record_update(report.id, kind, note=note, actor_id=actor.id, now=now)
            report = await load_report(tx, report.id)
            text = build(report)
            labels: list[str] = []
            for sent in await tx.broadcasts.for_report(report.id, MessageKind.ALERT):
                known = self.network.target(sent.platform, sent.address)
                target = known or Target(
                    sent.platform,
                    sent.address,
                    TargetPurpose.BROADCAST,
                    sent.languages,
                    sent.address,
                )
                await self.messenger.to_chat(tx, target, kind, text, report_id=report.id)
                labels.append(target.label)
            notice = rendering.update_notice(
                report, actor, labels, kind, changes=changes, note=note
            )
            await self.messenger.report_notice(tx, MessageKind.UPDATE, notice, report.id)
            await tx.audit.record(now, actor.id, f"report.{kind}", report.code)
            await tx.timers.cancel((TimerKind.REPORT_ACTIVE_CHECK,), report.id)
            if report.state is ReportState.VERIFIED:  # news resets the "still going on?" clock
                await tx.timers.schedule(
                    TimerKind.REPORT_ACTIVE_CHECK,
                    report.id,
                    now + self.network.timings(drill=report.drill).active_check,
                    now,
                )
        return FollowUp(report=report, targets=tuple(labels))

    async def resolve(self, actor: Member, report_id: int, note: str = "") -> FollowUp:
        permissions.check_can_resolve(actor)
        return await self._follow_up(
            actor,
            report_id,
            move=ReportMove.RESOLVE,
            kind=MessageKind.RESOLVED,
            build=lambda report: rendering.all_clear(report, note, self.network),
            note=note,
        )

    async def confirm_active(self, actor: Member, report_id: int, note: str = "") -> datetime:
        """The "still going on?" check answered yes: the alert stays active, the answer is
        recorded (audit log, organizer chat) and the next check is due one interval from
        now. Returns when that is. The network hears nothing: nothing changed for them."""
        permissions.check_can_resolve(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            report = await load_report(tx, report_id)
            next_check = now + self.network.timings(drill=report.drill).active_check
            if not REPORTS[ReportMove.CONFIRM_ACTIVE].allows(report.state):
                raise _does_not_apply(report)
            await tx.timers.cancel((TimerKind.REPORT_ACTIVE_CHECK,), report.id)
            await tx.timers.schedule(TimerKind.REPORT_ACTIVE_CHECK, report.id, next_check, now)
            await self.messenger.report_notice(
                tx,
                MessageKind.UPDATE,
                rendering.still_active_confirmed(report, actor, next_check, note),
                report.id,
            )
            await tx.audit.record(now, actor.id, "report.still_active", report.code)
        return next_check

    async def correct(
        self, actor: Member, report_id: int, change: Correction, note: str = ""
    ) -> FollowUp:
        permissions.check_can_correct(actor)
        if change.empty and not note:
            raise UserError(
                _(
                    "Say what to correct, for example: "
                    "/correct R{number} where: 5th and Main; agency: CBP",
                    number=report_id,
                )
            )
        changed = [
            name
            for name, value in (
                (_("place"), change.where),
                (_("description"), change.what),
                (_("agency"), change.agency),
            )
            if value is not None
        ]
        return await self._follow_up(
            actor,
            report_id,
            move=ReportMove.CORRECT,
            kind=MessageKind.CORRECTED,
            build=lambda report: rendering.correction(
                report,
                changed,
                note,
                described=change.what is not None,
                region=self.network.region,
            ),
            note=note,
            apply=change,
            changes=changed,
        )

    async def retract(self, actor: Member, report_id: int, note: str = "") -> FollowUp:
        permissions.check_can_correct(actor)
        return await self._follow_up(
            actor,
            report_id,
            move=ReportMove.RETRACT,
            kind=MessageKind.RETRACTED,
            build=lambda report: rendering.retraction(report, note, self.network.region),
            note=note,
        )
