"""Deciding a report: verified (then broadcast) or dismissed, by a second person.

A decision is one compare-and-set from `pending`, so two verifiers pressing at once
produce exactly one decision and one broadcast; the second is told who was first. The
chats the alert goes to are recorded as it is written (the broadcast record), and
everyone who reported the place hears the outcome privately, never who decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import media_text, permissions, rendering
from bot.core.areas import area_of
from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.messenger import Messenger
from bot.core.models import (
    Decision,
    DismissReason,
    Media,
    Member,
    MessageKind,
    PhotoChoice,
    PlaceOrigin,
    Report,
    ReportState,
    Role,
    TargetPurpose,
    TimerKind,
)
from bot.core.report_places import set_place
from bot.core.reports import load_report
from bot.core.service import Service
from bot.core.store import Transaction
from bot.core.transitions import REPORTS, ReportMove
from bot.core.vocabulary import STATE_NAMES
from bot.i18n import ListOf, Raw, Text, When, _, lines


def chosen_photos(report: Report, media: Sequence[Media], choice: PhotoChoice) -> list[Media]:
    """The photos a verifier chose. None to send does not hold the alert back (the
    verifier is told it went without); a photo number that is not there is refused,
    because it may mean the wrong report."""
    photos = [item for item in media if item.shareable]
    if not photos:
        return []
    if not choice.numbers:
        return photos
    by_number = {item.number: item for item in photos}
    wrong = [number for number in dict.fromkeys(choice.numbers) if number not in by_number]
    if wrong:
        raise UserError(
            _(
                "{code} has no photo {numbers} to send: its photos are {photos}. Nothing changed.",
                code=report.code,
                numbers=ListOf(tuple(Raw(str(number)) for number in wrong)),
                photos=ListOf(tuple(Raw(str(number)) for number in by_number)),
            )
        )
    return [by_number[number] for number in dict.fromkeys(choice.numbers)]


@dataclass(frozen=True)
class Verified:
    report: Report
    photos: tuple[int, ...] = ()  # the numbers of the photos that went with the alert
    no_photo: bool = False  # photos were asked for, but the report has none to send
    sent_to: tuple[str, ...] = ()  # the chats the alert went to


async def already_decided(tx: Transaction, report: Report) -> UserError:
    who: Text = _("someone")
    if report.decided_by is not None:
        decider = await tx.members.get(report.decided_by)
        if decider is not None:
            who = member_name(decider)
    if report.decided_at is not None and report.decided_by is None:
        return UserError(
            _(
                "{code} expired without a verification ({when}). Nothing changed. If it "
                "is still happening, report it again.",
                code=report.code,
                when=When(report.decided_at),
            )
        )
    if report.decided_at is None:
        return UserError(
            _(
                "{code} is already {state}. Nothing changed.",
                code=report.code,
                state=STATE_NAMES[report.state],
            )
        )
    return UserError(
        _(
            "{code} was already decided: {state} by {member} ({when}). Nothing changed.",
            code=report.code,
            state=STATE_NAMES[report.state],
            member=who,
            when=When(report.decided_at),
        )
    )


async def forget_dispatch(tx: Transaction, report_id: int) -> None:
    """The report was decided or expired: nobody is asked any more, and who went to
    check it is not kept (`dispatch`)."""
    await tx.timers.cancel((TimerKind.REPORT_REASK, TimerKind.CLAIM_OVERDUE), report_id)
    await tx.dispatch.forget(report_id)


async def tell_reporters(
    messenger: Messenger,
    tx: Transaction,
    reporters: frozenset[int],
    report: Report,
    region: str = "US",
) -> None:
    """Everyone who reported the place hears the outcome, privately. An organizer who
    relayed a hotline call hears it as a reminder to call the caller back, with the
    callback number (in their direct messages only); then who relayed is forgotten."""
    relays = await tx.reports.relays(report.id)
    relayers = {relay.relayed_by for relay in relays if relay.relayed_by is not None}
    for member_id in sorted(reporters - relayers):
        member = await tx.members.get(member_id)
        if member is not None:
            await messenger.to_member(
                tx, member, MessageKind.OUTCOME, rendering.outcome_for_reporter(report)
            )
    for relay in relays:
        if relay.relayed_by is None:
            continue
        relayer = await tx.members.get(relay.relayed_by)
        recipients: list[Member] = []
        if relayer is not None and permissions.is_organizer(relayer):
            recipients = [relayer]
        elif relayer is not None:
            # No longer an organizer: the caller still waits, and the number is only an
            # organizer's to read, so every organizer (on that platform) is reminded.
            recipients = await tx.members.with_role(relayer.platform, Role.ORGANIZER)
        for organizer in recipients:
            await messenger.to_member(
                tx,
                organizer,
                MessageKind.OUTCOME,
                rendering.call_back(report, relay.callback, region),
            )
        await tx.reports.relay_reminded(relay.id)


class ReportDecisions(Service):
    async def _decide(
        self,
        actor: Member,
        report_id: int,
        decision: Decision,
        reason: DismissReason | None,
        note: str,
        where: str = "",
        photos: PhotoChoice | None = None,
    ) -> Verified:
        permissions.check_can_decide_reports(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            report = await load_report(tx, report_id)
            permissions.check_two_person_rule(actor, report)
            if decision is Decision.VERIFIED and report.state is ReportState.PENDING:
                if where:  # the verifier confirmed the place: it is the one alerts name
                    await set_place(tx, self.network, report.id, where, now)
                elif report.place_origin is PlaceOrigin.MISSING:
                    raise UserError(
                        _(
                            "{code} has no exact place yet, and an alert needs one. Add the "
                            "place you confirmed: /verify {code} where: 5th & Main",
                            code=report.code,
                        )
                    )
            move = REPORTS[
                ReportMove.VERIFY if decision is Decision.VERIFIED else ReportMove.DISMISS
            ]
            if not move.allows(report.state) or not await tx.reports.change_state(
                report.id, expected=report.state, new=move.target(report.state), now=now
            ):
                raise await already_decided(tx, report)
            await tx.reports.record_decision(
                report.id, decision, reason=reason, note=note, decided_by=actor.id, now=now
            )
            if decision is Decision.VERIFIED and note:
                # What the verifier saw is the alert's description (the reporter's own
                # words are not broadcast when a verifier describes it: see homes.py).
                await tx.reports.update_details(report.id, what=note, now=now)
            shared: list[Media] = []
            if decision is Decision.VERIFIED and photos is not None:
                # A refusal here rolls the whole decision back: nothing half-done.
                shared = chosen_photos(report, await tx.media.for_report(report.id), photos)
            reporters = report.reporters  # the report is closed (and forgets them) below
            report = await load_report(tx, report.id)
            await tell_reporters(self.messenger, tx, reporters, report, self.network.region)
            sent_to: list[str] = []
            if decision is Decision.VERIFIED:
                # A drill's alert goes to the drill chats only (by default the organizers');
                # a real one placed in an area to its chats and the network-wide ones.
                area = area_of((report.where, report.what), self.network.areas)
                await tx.reports.place_in_area(report.id, area.name if area else None)
                alerted = (
                    self.network.drill_targets()
                    if report.drill
                    else [
                        target
                        for target in self.network.targets_for(TargetPurpose.BROADCAST)
                        if target.covers(area.name if area is not None else None)
                    ]
                )
                for target in alerted:
                    await self.messenger.to_chat(
                        tx,
                        target,
                        MessageKind.ALERT,
                        rendering.alert(report, self.network),
                        report_id=report.id,
                        media=tuple(item.id for item in shared),
                    )
                    sent_to.append(target.label)
            numbers = tuple(item.number for item in shared)
            no_photo = photos is not None and decision is Decision.VERIFIED and not shared
            await self.messenger.report_notice(
                tx,
                MessageKind.DECISION,
                lines(
                    rendering.decision_notice(report, actor, sent_to, self.network.region),
                    media_text.sent_with(numbers) if numbers else None,
                    media_text.none_to_send(report.code) if no_photo else None,
                ),
                report.id,
            )
            await tx.audit.record(
                now,
                actor.id,
                f"report.{decision.value}",
                report.code,
                reason=reason.value if reason else None,
                photos=",".join(str(number) for number in numbers) or None,
            )
            await tx.timers.cancel((TimerKind.REPORT_EXPIRE,), report.id)
            await forget_dispatch(tx, report.id)
            if decision is Decision.VERIFIED:
                await tx.timers.schedule(
                    TimerKind.REPORT_ACTIVE_CHECK,
                    report.id,
                    now + self.network.timings(drill=report.drill).active_check,
                    now,
                )
        return Verified(report, numbers, no_photo, tuple(sent_to))

    async def verify(
        self, actor: Member, report_id: int, note: str = "", *, where: str = ""
    ) -> Report:
        """Verify; `where` is the place the verifier confirmed, if the report lacked one."""
        return (await self.verify_with(actor, report_id, note, where=where)).report

    async def verify_with(
        self,
        actor: Member,
        report_id: int,
        note: str = "",
        *,
        where: str = "",
        photos: PhotoChoice | None = None,
    ) -> Verified:
        """Verify, and send the photos chosen (if any) with the alert."""
        return await self._decide(actor, report_id, Decision.VERIFIED, None, note, where, photos)

    async def dismiss(
        self, actor: Member, report_id: int, reason: DismissReason, note: str = ""
    ) -> Report:
        return (await self._decide(actor, report_id, Decision.DISMISSED, reason, note)).report
