"""Reports from first sighting to all clear: submit, corroborate, decide, follow up.

Every method is one transaction: the state change, the messages it causes (outbox
rows) and the audit entry are stored together or not at all. Decisions are a single
conditional update from `pending`, so two verifiers pressing at once produce exactly
one decision and one broadcast; the second is told politely who was first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core import permissions, rendering
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.messenger import Messenger
from bot.core.models import (
    Agency,
    Decision,
    DismissReason,
    Member,
    MessageKind,
    Report,
    ReportDraft,
    ReportState,
    Target,
    TargetPurpose,
    Timer,
    TimerKind,
)
from bot.core.network import Network
from bot.core.places import match_place
from bot.core.store import Store, Transaction
from bot.core.vocabulary import SOURCE_NAMES, STATE_NAMES
from bot.i18n import Raw, Renderer, Text, Trusted, When, _, lines

# How far back /status looks for closed reports: one day covers a shift and its handover.
RECENT = timedelta(hours=24)
REASK, EXPIRE, ACTIVE_CHECK = (
    TimerKind.REPORT_REASK,
    TimerKind.REPORT_EXPIRE,
    TimerKind.REPORT_ACTIVE_CHECK,
)
REPORT_TIMERS = (REASK, EXPIRE, ACTIVE_CHECK)
RATE_WINDOW = timedelta(hours=1)


class SubmissionKind(StrEnum):
    NEW = "new"
    CORROBORATION = "corroboration"
    REPEAT = "repeat"  # the same person reporting the same place again


@dataclass(frozen=True)
class Submission:
    report: Report
    kind: SubmissionKind


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


@dataclass(frozen=True)
class PostedCard:
    external_id: str  # the platform's message id
    languages: tuple[str, ...]
    body: str


def unknown_report(report_id: int) -> UserError:
    return UserError(
        _(
            "There is no report R{number}. Send /status to see open reports.",
            number=report_id,
        )
    )


class ReportService:
    def __init__(
        self,
        store: Store,
        network: Network,
        clock: Clock,
        renderer: Renderer,
        messenger: Messenger,
    ) -> None:
        self.store = store
        self.network = network
        self.clock = clock
        self.renderer = renderer
        self.messenger = messenger

    async def _to_organizers(
        self,
        tx: Transaction,
        kind: MessageKind,
        text: Text,
        report_id: int,
        *,
        ping: bool = False,
    ) -> None:
        await self.messenger.to_organizers(
            tx, kind, text, report_id=report_id, ping="verifiers" if ping else None
        )

    async def _load(self, tx: Transaction, report_id: int) -> Report:
        report = await tx.reports.get(report_id)
        if report is None:
            raise unknown_report(report_id)
        return report

    async def get(self, report_id: int) -> Report:
        async with self.store.reading() as tx:
            return await self._load(tx, report_id)

    # -- submit ---------------------------------------------------------------------

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
        await self.tell_organizers_once(
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

    async def submit(self, reporter: Member, draft: ReportDraft) -> Submission:
        now = self.clock.now()
        await self._check_rate(reporter, now)
        place = match_place(draft.where, self.network.known_places)
        async with self.store.transaction() as tx:
            match = await tx.reports.find_open_match(
                place.key, now - self.network.corroboration_window
            )
            if match is not None:
                repeat = reporter.id in match.reporters
                await tx.reports.add_corroboration(
                    match.id, draft, reporter_id=reporter.id, now=now
                )
                report = await self._load(tx, match.id)
                source = SOURCE_NAMES[draft.source] if draft.source else _("source not given")
                await self._to_organizers(
                    tx,
                    MessageKind.CORROBORATION,
                    rendering.corroboration_card(report, what=draft.what, source_text=source),
                    report.id,
                )
                await tx.audit.record(
                    now, reporter.id, "report.corroborated", report.code, repeat=int(repeat)
                )
                kind = SubmissionKind.REPEAT if repeat else SubmissionKind.CORROBORATION
            else:
                report_id = await tx.reports.insert(
                    draft,
                    place_key=place.key,
                    known_location=place.known.name if place.known else None,
                    reporter_id=reporter.id,
                    now=now,
                )
                report = await self._load(tx, report_id)
                await self._to_organizers(
                    tx,
                    MessageKind.NEW_REPORT,
                    rendering.new_report_card(report),
                    report.id,
                    ping=True,
                )
                await tx.audit.record(now, reporter.id, "report.submitted", report.code)
                await tx.timers.schedule(
                    REASK, report.id, now + self.network.verification_reminder, now
                )
                await tx.timers.schedule(
                    EXPIRE, report.id, now + self.network.verification_expiry, now
                )
                kind = SubmissionKind.NEW
        return Submission(report=report, kind=kind)

    # -- decide ---------------------------------------------------------------------

    async def _already_decided(self, tx: Transaction, report: Report) -> UserError:
        who: Text = _("someone")
        if report.decided_by is not None:
            decider = await tx.members.get(report.decided_by)
            if decider is not None:
                who = Trusted(decider.handle)
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

    async def _decide(
        self,
        actor: Member,
        report_id: int,
        decision: Decision,
        reason: DismissReason | None,
        note: str,
    ) -> Report:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            report = await self._load(tx, report_id)
            permissions.check_can_decide(actor, report)
            new_state = (
                ReportState.VERIFIED if decision is Decision.VERIFIED else ReportState.DISMISSED
            )
            changed = await tx.reports.change_state(
                report.id, expected=ReportState.PENDING, new=new_state, now=now
            )
            if not changed:
                raise await self._already_decided(tx, report)
            await tx.reports.record_decision(
                report.id, decision, reason=reason, note=note, decided_by=actor.id, now=now
            )
            reporters = report.reporters  # the report is closed (and forgets them) below
            report = await self._load(tx, report.id)
            await self._tell_reporters(tx, reporters, report)
            sent_to: list[str] = []
            if decision is Decision.VERIFIED:
                for target in self.network.targets_for(TargetPurpose.BROADCAST):
                    await self.messenger.to_chat(
                        tx,
                        target,
                        MessageKind.ALERT,
                        rendering.alert(report, self.network),
                        report_id=report.id,
                    )
                    sent_to.append(target.label)
            await self._to_organizers(
                tx,
                MessageKind.DECISION,
                rendering.decision_notice(report, actor, sent_to),
                report.id,
            )
            await tx.audit.record(
                now,
                actor.id,
                f"report.{decision.value}",
                report.code,
                reason=reason.value if reason else None,
            )
            await tx.timers.cancel((REASK, EXPIRE), report.id)
            if decision is Decision.VERIFIED:
                await tx.timers.schedule(
                    ACTIVE_CHECK, report.id, now + self.network.active_check, now
                )
        return report

    async def verify(self, actor: Member, report_id: int, note: str = "") -> Report:
        return await self._decide(actor, report_id, Decision.VERIFIED, None, note)

    async def dismiss(
        self, actor: Member, report_id: int, reason: DismissReason, note: str = ""
    ) -> Report:
        return await self._decide(actor, report_id, Decision.DISMISSED, reason, note)

    # -- after the decision -----------------------------------------------------------

    async def _follow_up(
        self,
        actor: Member,
        report_id: int,
        *,
        allowed_from: Sequence[ReportState],
        new_state: ReportState,
        kind: MessageKind,
        build: Callable[[Report], Text],
        note: str,
        apply: Correction | None = None,
    ) -> FollowUp:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            report = await self._load(tx, report_id)
            if report.state not in allowed_from:
                raise UserError(
                    _(
                        "{code} is {state}, so this does not apply to it. "
                        "Send /status to see active alerts.",
                        code=report.code,
                        state=STATE_NAMES[report.state],
                    )
                )
            if new_state is not report.state and not await tx.reports.change_state(
                report.id, expected=report.state, new=new_state, now=now
            ):
                raise await self._already_decided(tx, report)
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
            report = await self._load(tx, report.id)
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
            await self._to_organizers(
                tx, MessageKind.UPDATE, rendering.update_notice(report, actor, labels), report.id
            )
            await tx.audit.record(now, actor.id, f"report.{kind}", report.code)
            await tx.timers.cancel((ACTIVE_CHECK,), report.id)
            if report.state is ReportState.VERIFIED:  # news resets the "still going on?" clock
                await tx.timers.schedule(
                    ACTIVE_CHECK, report.id, now + self.network.active_check, now
                )
        return FollowUp(report=report, targets=tuple(labels))

    async def resolve(self, actor: Member, report_id: int, note: str = "") -> FollowUp:
        permissions.check_can_resolve(actor)
        return await self._follow_up(
            actor,
            report_id,
            allowed_from=(ReportState.VERIFIED,),
            new_state=ReportState.RESOLVED,
            kind=MessageKind.RESOLVED,
            build=lambda report: rendering.all_clear(report, note, self.network),
            note=note,
        )

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
            allowed_from=(ReportState.VERIFIED,),
            new_state=ReportState.VERIFIED,
            kind=MessageKind.CORRECTED,
            build=lambda report: rendering.correction(report, changed, note),
            note=note,
            apply=change,
        )

    async def retract(self, actor: Member, report_id: int, note: str = "") -> FollowUp:
        permissions.check_can_correct(actor)
        return await self._follow_up(
            actor,
            report_id,
            allowed_from=(ReportState.VERIFIED, ReportState.RESOLVED),
            new_state=ReportState.RETRACTED,
            kind=MessageKind.RETRACTED,
            build=lambda report: rendering.retraction(report, note),
            note=note,
        )

    # -- timers -------------------------------------------------------------------------

    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        """Do what a report timer promised (the dispatcher claimed it in `tx`)."""
        report = await tx.reports.get(timer.subject_id)
        if report is not None:
            await self._timer_effect(tx, timer.kind, report, now, timer.late, timer.due_at)

    async def _timer_effect(
        self,
        tx: Transaction,
        kind: str,
        report: Report,
        now: datetime,
        late: bool,
        due_at: datetime,
    ) -> None:
        def with_lateness(text: Text) -> Text:
            return lines(rendering.late_note(due_at), text) if late else text

        if kind == REASK and report.state is ReportState.PENDING:
            await self._to_organizers(
                tx, MessageKind.REASK, with_lateness(rendering.reask(report)), report.id, ping=True
            )
            expires = report.created_at + self.network.verification_expiry
            if now + self.network.verification_reminder < expires:
                await tx.timers.schedule(
                    REASK, report.id, now + self.network.verification_reminder, now
                )
        elif kind == EXPIRE and report.state is ReportState.PENDING:
            await tx.reports.change_state(
                report.id, expected=ReportState.PENDING, new=ReportState.DISMISSED, now=now
            )
            await tx.reports.record_decision(
                report.id,
                Decision.DISMISSED,
                reason=DismissReason.UNVERIFIABLE,
                note="",
                decided_by=None,
                now=now,
            )
            await tx.timers.cancel((REASK,), report.id)
            await self._tell_reporters(tx, report.reporters, await self._load(tx, report.id))
            notice = rendering.expired(report, self.network.verification_expiry)
            await self._to_organizers(tx, MessageKind.DECISION, with_lateness(notice), report.id)
            await tx.audit.record(now, None, "report.expired", report.code)
        elif kind == ACTIVE_CHECK and report.state is ReportState.VERIFIED:
            await self._to_organizers(
                tx,
                MessageKind.ACTIVE_CHECK,
                with_lateness(rendering.still_active(report)),
                report.id,
            )
            await tx.timers.schedule(ACTIVE_CHECK, report.id, now + self.network.active_check, now)

    async def _tell_reporters(
        self, tx: Transaction, reporters: frozenset[int], report: Report
    ) -> None:
        """Everyone who reported the place hears the outcome, privately."""
        for member_id in sorted(reporters):
            member = await tx.members.get(member_id)
            if member is not None:
                await self.messenger.to_member(
                    tx, member, MessageKind.OUTCOME, rendering.outcome_for_reporter(report)
                )

    # -- delivery problems --------------------------------------------------------------

    async def tell_organizers_once(
        self, platform: str, key: str, reason: str, text: Text, *, skip: Target | None = None
    ) -> bool:
        """Post `text` to every organizer chat, once per (platform, key) until cleared."""
        async with self.store.transaction() as tx:
            if not await tx.outbox.record_problem(platform, key, reason, self.clock.now()):
                return False
            await self.messenger.to_organizers(tx, MessageKind.DELIVERY_PROBLEM, text, skip=skip)
            # The key may be a member's phone number: the platform is all the log needs.
            await tx.audit.record(self.clock.now(), None, "delivery.problem", platform)
        return True

    async def chat_unreachable(self, platform: str, address: str, reason: str) -> bool:
        """Tell the organizers, once, that a chat cannot be posted to. True if told now."""
        target = self.network.target(platform, address)
        notice = _(
            "I cannot post in {chat} any more ({reason}). Messages for it are not getting "
            "through: check that the chat still exists and that I may post there.",
            chat=Trusted(target.label if target else address),
            reason=Raw(reason),
        )
        return await self.tell_organizers_once(platform, address, reason, notice, skip=target)

    async def send_reply(
        self, platform: str, address: str, *, is_direct: bool, language: str, text: Text
    ) -> None:
        """An answer to a member, through the outbox, so an outage delays it, never drops it."""
        async with self.store.transaction() as tx:
            await self.messenger.to_address(
                tx,
                platform,
                address,
                is_direct=is_direct,
                language=language,
                kind=MessageKind.REPLY,
                text=text,
            )

    # -- overview ---------------------------------------------------------------------

    async def posted_card(self, report_id: int, platform: str, address: str) -> PostedCard | None:
        """The card verifiers saw in a chat, as it reads now, so a front end can edit it."""
        async with self.store.reading() as tx:
            cards = await tx.broadcasts.for_report(report_id, MessageKind.NEW_REPORT)
            report = await tx.reports.get(report_id)
        for card in cards:
            if (card.platform, card.address) == (platform, address) and card.external_id:
                if report is None:
                    return None
                body = self.messenger.renderer_for(platform).render_all(
                    rendering.new_report_card(report), card.languages
                )
                return PostedCard(card.external_id, card.languages, body)
        return None

    async def in_states(self, *states: ReportState) -> list[Report]:
        async with self.store.reading() as tx:
            return await tx.reports.in_states(states)

    async def recently_closed(self) -> list[Report]:
        since = self.clock.now() - RECENT
        async with self.store.reading() as tx:
            return await tx.reports.in_states(
                (ReportState.RESOLVED, ReportState.DISMISSED, ReportState.RETRACTED),
                since=since,
            )
