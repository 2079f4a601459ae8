"""Report commands: report, verify, dismiss, all clear, correct, retract, /status."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import homes, media_text, permissions, rendering
from bot.core.clock import Clock
from bot.core.commands import label_table, parse_fields
from bot.core.dispatch import DispatchService, claim_note
from bot.core.drafts import check_length, note_text
from bot.core.drills import DrillService
from bot.core.info_actions import help_for
from bot.core.media import Upload
from bot.core.models import (
    Conversation,
    DismissReason,
    Member,
    PhotoChoice,
    Report,
    ReportDraft,
    ReportState,
    TargetPurpose,
)
from bot.core.network import Network
from bot.core.phone_numbers import PhoneNumber
from bot.core.rendering import chat_list
from bot.core.replies import Reply
from bot.core.report_decisions import ReportDecisions
from bot.core.report_follow_ups import Correction, ReportFollowUps
from bot.core.report_intake import ReportIntake, Submission, SubmissionKind
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
from bot.i18n.words import fold


def _relay_receipt(submission: Submission, conversation: Conversation, region: str) -> list[Text]:
    """What an organizer hears about a hotline relay they filed (the callback number is
    shown back only in a direct message), or a member who gave a callback without being
    one who relays."""
    relay = submission.relay
    if relay.refused:
        return [
            _(
                "Only organizers relay hotline calls, so I filed this as your own report and "
                "did not keep the callback number."
            )
        ]
    if not relay.relayed:
        return []
    code = submission.report.code
    said: list[Text] = [
        _(
            "Filed as a hotline relay. When {code} is decided, I will remind you by direct "
            "message to call the caller back with the outcome.",
            code=code,
        )
    ]
    if relay.callback and conversation.is_direct:
        said.append(
            _(
                "Callback number, kept sealed: {number}",
                number=PhoneNumber(relay.callback, region),
            )
        )
    elif relay.callback:
        said.append(
            _(
                "The callback number is kept sealed and will be shown only in your direct "
                "messages. Next time, send relays with a callback number to me in a direct "
                "message, so the number does not stay in this chat."
            )
        )
    if relay.callback_unread:
        said.append(
            _(
                "The callback number did not read as a phone number (digits, with the area "
                "code), so I kept it as written. Check it before you call back."
            )
        )
    return said


def check_place(text: str) -> str:
    return check_length(text.strip(), MAX_PLACE_CHARS, _("place"))


# /status lists at most this many lines a section (/status all: every one). A phone in
# a surge cannot use hundreds of lines, and listing them was most of /status's cost
# (docs/BENCHMARKS.md). Active alerts and closed reports: the newest (what changed
# last); waiting reports: the oldest first, those waiting longest, nearest to expiring.
STATUS_LIMIT = 15


# "/status all", "/estado todo": every line of every section.
_EVERYTHING = {
    "all", "every", "everything", "todo", "todos", "todas", "tout", "tous", "toutes",
    "tudo", "toda", "lahat", "tout bagay", "full", "completo", "entero",
}  # fmt: skip


def wants_everything(body: str) -> bool:
    """Whether /status was asked for every line ("/status all", "/estado todo")."""
    return fold(" ".join(body.split()[:2])) in _EVERYTHING or any(
        fold(word) in _EVERYTHING for word in body.split()[:1]
    )


def _more(count: int) -> Text | None:
    """ "…and 25 more: /status all shows every one", or nothing."""
    if count <= 0:
        return None
    return _n(
        "…and {count} more: /status all shows it.",
        "…and {count} more: /status all shows every one.",
        count,
    )


class ReportActions:
    network: Network
    clock: Clock
    reports: ReportService
    drills: DrillService
    dispatch: DispatchService
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
        replies = [
            Reply(
                lines(
                    receipt,
                    media_text.receipt(submission.media, self.network.media),
                    *_relay_receipt(submission, conversation, self.network.region),
                )
            )
        ]
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
        targets = list(done.sent_to)
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
                    _(
                        "{code} reads as someone's home: the alert names {where} and does not "
                        "quote the reporter.",
                        code=done.report.code,
                        where=homes.broadcast_place(done.report),
                    )
                    if homes.at_a_home(done.report)
                    else None,
                    homes.changed_words(done.report, done.report.decision_note),
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
                lines(
                    _(
                        "All clear for {code} sent to: {targets}.",
                        code=done.report.code,
                        targets=chat_list(done.targets),
                    ),
                    homes.changed_words(done.report, note_text(note)),
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
                lines(
                    _(
                        "Correction for {code} sent to: {targets}.",
                        code=done.report.code,
                        targets=chat_list(done.targets),
                    ),
                    homes.changed_words(done.report, change.what or "", note_text(note)),
                )
            )
        ]

    async def retract(self, actor: Member, report_id: int, note: str = "") -> list[Reply]:
        done = await self.follow_ups.retract(actor, report_id, note_text(note))
        return [
            Reply(
                lines(
                    _(
                        "{code} is retracted; the retraction went to: {targets}.",
                        code=done.report.code,
                        targets=chat_list(done.targets),
                    ),
                    homes.changed_words(done.report, note_text(note)),
                )
            )
        ]

    async def status(
        self, actor: Member, conversation: Conversation, everything: bool = False
    ) -> list[Reply]:
        """/status: active alerts, and for verifiers and organizers in private the reports
        waiting (a claimed one once, saying someone is going), those closed today, who
        is on duty and the open tasks. At most `STATUS_LIMIT` lines a section unless
        `everything` (/status all): a phone in a surge gets the lines a dispatcher acts
        on (see `STATUS_LIMIT`) and how many more there are."""
        limit = None if everything else STATUS_LIMIT
        drill = await self.drills.current() is not None

        def line(report: Report, text: Text | None = None) -> Text:
            text = text or rendering.status_line(report)
            if drill and not report.drill:  # under the DRILL banner, the real ones stand out
                text = _("REAL, not a drill: {line}", line=text)
            return rendering.bullet(text)

        active, active_total = await self.reports.page(
            ReportState.VERIFIED, limit=limit, newest=True
        )
        parts: list[Text | None] = [
            _("Active alerts:") if active else _("No active alerts right now."),
            *(line(r) for r in active),
            _more(active_total - len(active)),
        ]
        if permissions.sees_pending(actor):
            if conversation.is_private_enough_for_pending:
                pending, pending_total = await self.reports.page(ReportState.PENDING, limit=limit)
                claims = await self.dispatch.claims()
                names = permissions.sees_dispatch(actor)
                parts += [
                    _("Waiting for a verifier:")
                    if pending
                    else _("No reports are waiting for a verifier."),
                ]
                for report in pending:
                    claim = claims.get(report.id)
                    parts.append(
                        line(report)
                        if claim is None
                        else line(
                            report,
                            claim_note(
                                report,
                                rendering.status_line(report),
                                claim[0] if names else None,
                                claim[1],
                            ),
                        )
                    )
                parts.append(_more(pending_total - len(pending)))
                closed, closed_total = await self.reports.page(
                    ReportState.RESOLVED,
                    ReportState.DISMISSED,
                    ReportState.RETRACTED,
                    limit=limit,
                    newest=True,
                    recent=True,
                )
                if closed:
                    parts += [
                        _("Closed in the last 24 hours:"),
                        *(line(r) for r in closed),
                        _more(closed_total - len(closed)),
                    ]
                parts += await self.dispatch_board(actor)
                if permissions.is_organizer(actor):
                    now = self.clock.now()
                    open_tasks = await self.tasks.listing()
                    shown = open_tasks if limit is None else open_tasks[:limit]
                    parts += [
                        _("Open tasks:") if open_tasks else _("There are no open tasks."),
                        *(rendering.bullet(task_line(t, m, now)) for t, m in shown),
                        _more(len(open_tasks) - len(shown)),
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
