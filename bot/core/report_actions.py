"""Report commands: report, verify, dismiss, all clear, correct, retract, /status."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import media_text, permissions, rendering
from bot.core.clock import Clock
from bot.core.commands import label_table, parse_fields
from bot.core.drafts import check_length, note_text
from bot.core.info_actions import help_for
from bot.core.media import Upload
from bot.core.models import (
    Conversation,
    DismissReason,
    Member,
    PhotoChoice,
    ReportDraft,
    ReportState,
    TargetPurpose,
)
from bot.core.network import Network
from bot.core.rendering import chat_list
from bot.core.replies import Reply
from bot.core.report_decisions import ReportDecisions
from bot.core.report_follow_ups import Correction, ReportFollowUps
from bot.core.report_intake import ReportIntake, SubmissionKind
from bot.core.report_reading import MAX_DESCRIPTION_CHARS, MAX_PLACE_CHARS
from bot.core.reports import ReportService
from bot.core.task_text import task_line
from bot.core.tasks import TaskService
from bot.core.vocabulary import (
    REASON_NAMES,
    STATE_NAMES,
    parse_agency,
)
from bot.i18n import (
    Text,
    When,
    _,
    _n,
    lines,
)


def check_place(text: str) -> str:
    return check_length(text.strip(), MAX_PLACE_CHARS, _("place"))


class ReportActions:
    network: Network
    clock: Clock
    reports: ReportService
    intake: ReportIntake
    decisions: ReportDecisions
    follow_ups: ReportFollowUps
    tasks: TaskService

    async def dispatch_board(self, actor: Member) -> list[Text]:
        """Who is on duty and who is going where (`DispatchActions`, first in `Actions`)."""
        raise NotImplementedError

    async def report(
        self,
        actor: Member,
        conversation: Conversation,
        draft: ReportDraft,
        uploads: Sequence[Upload] = (),
    ) -> list[Reply]:
        """File a report; `uploads`: the photos and videos sent with it."""
        submission = await self.intake.submit(
            actor, draft, ask_by_message=not conversation.is_direct, uploads=uploads
        )
        report = submission.report
        if submission.kind is SubmissionKind.NEW:
            receipt: Text = _(
                "Thank you. Report {code} is with the verifiers. Nothing is shared with the "
                "network until a second person confirms it. Stay safe and keep your distance.",
                code=report.code,
            )
        elif submission.kind is SubmissionKind.REPEAT:
            receipt = _(
                "You already reported this place as {code}; your new details were added to it.",
                code=report.code,
            )
        else:
            receipt = _n(
                "Thank you. This matches report {code} ({state}); your report was added to it. "
                "{count} independent report so far.",
                "Thank you. This matches report {code} ({state}); your report was added to it. "
                "{count} independent reports so far.",
                report.independent_reports,
                code=report.code,
                state=STATE_NAMES[report.state],
            )
        replies = [Reply(lines(receipt, media_text.receipt(submission.media, self.network.media)))]
        if submission.asked_where:
            replies.append(
                Reply(
                    rendering.where_exactly(report)
                    if conversation.is_direct
                    else _("I sent you a direct message to ask where exactly.")
                )
            )
        if conversation.purpose is TargetPurpose.BROADCAST:
            # The report text is already visible here; steer the next one somewhere private.
            replies.append(
                Reply(
                    _(
                        "Next time, please send reports to me in a direct message, so "
                        "unconfirmed news does not spread in this chat."
                    )
                )
            )
        return replies

    async def place_answer(self, actor: Member, answer: str) -> list[Reply]:
        """The reporter's reply to "Where exactly?"."""
        done = await self.intake.add_place(actor, check_place(answer))
        code = done.report.code
        if done.closed:
            return [
                Reply(
                    _(
                        "{code} is already closed, so I did not pass your answer on. If it is "
                        "happening now, report it again: /report what you see, and where.",
                        code=code,
                    )
                )
            ]
        if not done.placed:
            return [
                Reply(help_for(self.network, actor.language, answer)),
                Reply(
                    _(
                        "I passed your words on to the verifiers of {code}. When you can, "
                        "reply with where exactly it is: a street and the nearest corner, or "
                        "a place people know.",
                        code=code,
                    )
                ),
            ]
        replies = [
            Reply(_("Thank you. I added the place to {code}; the verifiers can see it.", code=code))
        ]
        if done.still_waiting:
            other = f"R{done.still_waiting[-1]}"
            replies.append(
                Reply(
                    _(
                        "I still need the place of {code}: reply with it, starting with {code}.",
                        code=other,
                    )
                )
            )
        return replies

    async def verify(
        self,
        actor: Member,
        report_id: int,
        note: str = "",
        photos: PhotoChoice | None = None,
    ) -> list[Reply]:
        """`note` may carry the place the verifier confirmed: "where: 5th & Main; …";
        `photos`: the report's photos to send with the alert (none unless chosen)."""
        fields = parse_fields(note, label_table("correction"))
        where = fields.values.get("where", "")
        rest = "; ".join(part for part in (fields.values.get("note", ""), fields.free) if part)
        done = await self.decisions.verify_with(
            actor,
            report_id,
            note_text(rest if where else note),
            where=check_place(where),
            photos=photos,
        )
        targets = [t.label for t in self.network.targets_for(TargetPurpose.BROADCAST)]
        return [
            Reply(
                lines(
                    _(
                        "Verified {code}. The alert is going out to: {targets}.",
                        code=done.report.code,
                        targets=chat_list(targets),
                    ),
                    media_text.sent_with(done.photos) if done.photos else None,
                    media_text.none_to_send(done.report.code) if done.no_photo else None,
                )
            )
        ]

    async def dismiss(
        self, actor: Member, report_id: int, reason: DismissReason, note: str = ""
    ) -> list[Reply]:
        report = await self.decisions.dismiss(actor, report_id, reason, note_text(note))
        return [
            Reply(
                _(
                    "Dismissed {code} ({reason}). Nothing was broadcast.",
                    code=report.code,
                    reason=REASON_NAMES[reason],
                )
            )
        ]

    async def resolve(self, actor: Member, report_id: int, note: str = "") -> list[Reply]:
        done = await self.follow_ups.resolve(actor, report_id, note_text(note))
        return [
            Reply(
                _(
                    "All clear for {code} sent to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
                )
            )
        ]

    async def still(
        self, actor: Member, report_id: int, going_on: bool, note: str = ""
    ) -> list[Reply]:
        """The answer to "is it still going on?": yes keeps the alert active until the next
        check; no is the all clear, exactly as /resolve."""
        if not going_on:
            return await self.resolve(actor, report_id, note)
        next_check = await self.follow_ups.confirm_active(actor, report_id, note_text(note))
        return [
            Reply(
                _(
                    "Thank you. R{number} stays active; I will ask again {when}. "
                    "Send /resolve R{number} as soon as it is over.",
                    number=report_id,
                    when=When(next_check),
                )
            )
        ]

    async def correct(
        self,
        actor: Member,
        report_id: int,
        *,
        where: str = "",
        what: str = "",
        agency: str = "",
        note: str = "",
    ) -> list[Reply]:
        change = Correction(
            where=check_place(where) or None,
            what=check_length(what.strip(), MAX_DESCRIPTION_CHARS, _("description")) or None,
            agency=parse_agency(agency) if agency.strip() else None,
        )
        done = await self.follow_ups.correct(actor, report_id, change, note_text(note))
        return [
            Reply(
                _(
                    "Correction for {code} sent to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
                )
            )
        ]

    async def retract(self, actor: Member, report_id: int, note: str = "") -> list[Reply]:
        done = await self.follow_ups.retract(actor, report_id, note_text(note))
        return [
            Reply(
                _(
                    "{code} is retracted; the retraction went to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
                )
            )
        ]

    async def status(self, actor: Member, conversation: Conversation) -> list[Reply]:
        active = await self.reports.in_states(ReportState.VERIFIED)
        parts: list[Text | None] = [
            _("Active alerts:") if active else _("No active alerts right now."),
            *(rendering.bullet(rendering.status_line(r)) for r in active),
        ]
        if permissions.sees_pending(actor):
            if conversation.is_private_enough_for_pending:
                pending = await self.reports.in_states(ReportState.PENDING)
                closed = await self.reports.recently_closed()
                parts += [
                    _("Waiting for a verifier:")
                    if pending
                    else _("No reports are waiting for a verifier."),
                    *(rendering.bullet(rendering.status_line(r)) for r in pending),
                ]
                if closed:
                    parts += [
                        _("Closed in the last 24 hours:"),
                        *(rendering.bullet(rendering.status_line(r)) for r in closed),
                    ]
                parts += await self.dispatch_board(actor)
                if permissions.is_organizer(actor):
                    now = self.clock.now()
                    open_tasks = await self.tasks.listing()
                    parts += [
                        _("Open tasks:") if open_tasks else _("There are no open tasks."),
                        *(rendering.bullet(task_line(t, m, now)) for t, m in open_tasks),
                    ]
            else:
                parts.append(
                    _(
                        "Reports waiting for a check are only shown in the organizer chat "
                        "or in a direct message."
                    )
                )
        return [Reply(lines(*parts))]

    async def open_reports(self, actor: Member, *states: ReportState) -> list[tuple[str, str]]:
        """(code, place) of reports in `states` this member may act on, for autocomplete.

        Only verifiers are shown pending reports: an autocomplete list is a way to read them.
        """
        if not permissions.sees_pending(actor):
            states = tuple(s for s in states if s is not ReportState.PENDING)
        if not states:
            return []
        return [(r.code, r.where) for r in await self.reports.in_states(*states)]
