"""Runs text commands against the core and says what happened, in the member's language.

Console and Signal hand every incoming message here. Refusals and bad input come back
as friendly replies; an unexpected error is logged (never with the message text, which
may name people or places) and answered with an apology, and because every core call is
one transaction, nothing is half-written.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core import permissions, rendering
from bot.core.commands import (
    COMMANDS,
    Audience,
    CommandLine,
    CommandSpec,
    find_command,
    label_table,
    parse_fields,
    split_command,
    take_report_code,
)
from bot.core.errors import UserError
from bot.core.members import MemberService
from bot.core.models import Agency, Conversation, Member, ReportDraft, ReportState, TargetPurpose
from bot.core.network import Network
from bot.core.rendering import chat_list
from bot.core.reports import Correction, ReportService, SubmissionKind
from bot.core.rights import card_for, cards
from bot.core.vocabulary import (
    REASON_NAMES,
    STATE_NAMES,
    parse_agency,
    parse_reason,
    parse_signs,
    parse_source,
    reason_choices,
)
from bot.i18n import Lines, ListOf, Raw, Text, _, _n, language_name, lines

log = logging.getLogger(__name__)

MAX_PLACE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000
MAX_NOTE_CHARS = 500

REPORT_LABELS = label_table(
    {
        "where": ("where", "place", "location", "address", "donde", "lugar", "direccion"),
        "what": ("what", "details", "description", "que", "detalles", "descripcion"),
        "agency": ("agency", "agencia"),
        "signs": ("signs", "sign", "senales", "senal", "indicios"),
        "source": ("source", "fuente"),
        "media": ("media", "photo", "photos", "video", "videos", "foto", "fotos"),
    }
)
CORRECTION_LABELS = label_table(
    {
        "where": ("where", "place", "location", "donde", "lugar"),
        "what": ("what", "details", "description", "que", "detalles", "descripcion"),
        "agency": ("agency", "agencia"),
        "note": ("note", "nota"),
    }
)


@dataclass(frozen=True)
class Reply:
    text: Text
    language: str | None = None  # None: the member's own language


Handler = Callable[[Member, Conversation, CommandLine], Awaitable[list[Reply]]]


def _check_length(value: str, limit: int, field: Text) -> str:
    if len(value) > limit:
        raise UserError(
            _(
                "The {field} is too long ({length} characters; the limit is {limit}). "
                "Please shorten it and send it again.",
                field=field,
                length=len(value),
                limit=limit,
            )
        )
    return value


def _note(text: str) -> str:
    return _check_length(text, MAX_NOTE_CHARS, _("note"))


class CommandRouter:
    def __init__(self, reports: ReportService, members: MemberService, network: Network) -> None:
        self.reports = reports
        self.members = members
        self.network = network
        self._handlers: dict[str, Handler] = {
            "report": self._report,
            "verify": self._verify,
            "dismiss": self._dismiss,
            "resolve": self._resolve,
            "correct": self._correct,
            "retract": self._retract,
            "status": self._status,
            "rights": self._rights,
            "hotline": self._hotline,
            "lang": self._lang,
            "help": self._help,
        }
        missing = {spec.name for spec in COMMANDS} - set(self._handlers)
        if missing:  # a command in /help that does nothing would be a lie
            raise RuntimeError(f"commands without handlers: {sorted(missing)}")

    async def handle(self, actor: Member, conversation: Conversation, text: str) -> list[Reply]:
        if len(text) > self.network.max_message_chars:
            return [
                Reply(
                    _(
                        "That message is too long ({length} characters; the limit is {limit}). "
                        "Please shorten it and send it again.",
                        length=len(text),
                        limit=self.network.max_message_chars,
                    )
                )
            ]
        command = split_command(text)
        if command is None:
            if conversation.is_direct:
                return [
                    Reply(
                        _(
                            "I only understand commands. Send /report to report what you see, "
                            "or /help to see everything I can do."
                        )
                    )
                ]
            return []  # ordinary conversation in a group is not for the bot
        if command.spec is None:
            return [
                Reply(
                    _(
                        "I don't know the command /{name}. Send /help to see what I can do.",
                        name=Raw(command.name[:32]),
                    )
                )
            ]
        handler = self._handlers[command.spec.name]
        try:
            return await handler(actor, conversation, command)
        except UserError as refusal:
            return [Reply(refusal.message)]
        except Exception:
            log.exception("command /%s from member %s failed", command.spec.name, actor.id)
            return [
                Reply(
                    _(
                        "Something went wrong on my side and nothing was changed. "
                        "Please try again, or tell an organizer."
                    )
                )
            ]

    # -- reports -----------------------------------------------------------------------

    async def _report(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        assert command.spec is not None  # noqa: S101 - the router only dispatches known commands
        free, fields = parse_fields(command.body, REPORT_LABELS)
        where = _check_length(fields.get("where", ""), MAX_PLACE_CHARS, _("place"))
        if not where:
            raise UserError(
                _(
                    "Where is it? Send the report again with the place, for example: {example}",
                    example=Raw(command.spec.example),
                )
            )
        what = "; ".join(part for part in (free, fields.get("what", "")) if part)
        draft = ReportDraft(
            where=where,
            what=_check_length(what, MAX_DESCRIPTION_CHARS, _("description")),
            agency=parse_agency(fields["agency"]) if fields.get("agency") else Agency.UNKNOWN,
            signs=parse_signs(fields.get("signs", "")),
            source=parse_source(fields["source"]) if fields.get("source") else None,
            media=tuple(part for part in fields.get("media", "").replace(",", " ").split()),
        )
        submission = await self.reports.submit(actor, draft)
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
        replies = [Reply(receipt)]
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

    async def _verify(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, note = take_report_code(command.body, "/verify R3")
        report = await self.reports.verify(actor, report_id, _note(note))
        targets = [t.label for t in self.network.targets_for(TargetPurpose.BROADCAST)]
        return [
            Reply(
                _(
                    "Verified {code}. The alert is going out to: {targets}.",
                    code=report.code,
                    targets=chat_list(targets),
                )
            )
        ]

    async def _dismiss(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, rest = take_report_code(command.body, "/dismiss R3 routine")
        words = rest.split()
        for size in (3, 2, 1):
            reason = parse_reason(" ".join(words[:size])) if len(words) >= size else None
            if reason is not None:
                note = " ".join(words[size:])
                break
        else:
            raise UserError(
                _(
                    "Why dismiss it? Add a reason: {choices}. For example: "
                    "/dismiss R{number} routine agents at lunch",
                    choices=reason_choices(),
                    number=report_id,
                )
            )
        report = await self.reports.dismiss(actor, report_id, reason, _note(note))
        return [
            Reply(
                _(
                    "Dismissed {code} ({reason}). Nothing was broadcast.",
                    code=report.code,
                    reason=REASON_NAMES[reason],
                )
            )
        ]

    async def _resolve(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, note = take_report_code(command.body, "/resolve R3")
        done = await self.reports.resolve(actor, report_id, _note(note))
        return [
            Reply(
                _(
                    "All clear for {code} sent to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
                )
            )
        ]

    async def _correct(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, rest = take_report_code(command.body, "/correct R3 where: 5th & Maple")
        permissions.check_can_correct(actor)
        free, fields = parse_fields(rest, CORRECTION_LABELS)
        note = "; ".join(part for part in (fields.get("note", ""), free) if part)
        change = Correction(
            where=_check_length(fields["where"], MAX_PLACE_CHARS, _("place"))
            if fields.get("where")
            else None,
            what=_check_length(fields["what"], MAX_DESCRIPTION_CHARS, _("description"))
            if fields.get("what")
            else None,
            agency=parse_agency(fields["agency"]) if fields.get("agency") else None,
        )
        done = await self.reports.correct(actor, report_id, change, _note(note))
        return [
            Reply(
                _(
                    "Correction for {code} sent to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
                )
            )
        ]

    async def _retract(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, note = take_report_code(command.body, "/retract R3 it was a film crew")
        done = await self.reports.retract(actor, report_id, _note(note))
        return [
            Reply(
                _(
                    "{code} is retracted; the retraction went to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
                )
            )
        ]

    async def _status(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
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
            else:
                parts.append(
                    _(
                        "Reports waiting for a check are only shown in the organizer chat "
                        "or in a direct message."
                    )
                )
        return [Reply(lines(*parts))]

    # -- everyone ------------------------------------------------------------------------

    async def _rights(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        language = actor.language
        if command.body:
            wanted = command.body.split()[0].lower()
            if wanted not in cards():
                raise UserError(
                    _(
                        "I don't have a rights card in “{code}”. Available: {choices}.",
                        code=Raw(wanted[:16]),
                        choices=ListOf(
                            tuple(Raw(f"{language_name(c)} ({c})") for c in sorted(cards()))
                        ),
                    )
                )
            language = wanted
        card = card_for(language)
        review_note = (
            None if card.reviewed else _("This card has not been reviewed by the community yet.")
        )
        return [
            Reply(
                lines(Raw(card.text), rendering.hotline_lines(self.network), review_note),
                language=card.language,
            )
        ]

    async def _hotline(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        return [Reply(rendering.hotline_lines(self.network))]

    async def _lang(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        if not command.body:
            return [
                Reply(
                    _(
                        "I write to you in {language}. To change it, send for example /lang es. "
                        "Available: {choices}.",
                        language=Raw(language_name(actor.language, menu=False)),
                        choices=self.members.language_choices(),
                    )
                )
            ]
        updated = await self.members.set_language(actor, command.body.split()[0])
        return [
            Reply(
                _(
                    "From now on I will write to you in {language}.",
                    language=Raw(language_name(updated.language, menu=False)),
                ),
                language=updated.language,
            )
        ]

    async def _help(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        if command.body:
            spec = find_command(command.body.split()[0])
            if spec is None:
                raise UserError(
                    _(
                        "I don't know the command /{name}. Send /help to see what I can do.",
                        name=Raw(command.body.split()[0].lstrip("/")[:32]),
                    )
                )
            return [Reply(_help_entry(spec, with_example=True))]
        visible = [spec for spec in COMMANDS if _audience_includes(spec.audience, actor)]
        return [
            Reply(
                lines(
                    _("What I can do:"),
                    *(_help_entry(spec, with_example=True) for spec in visible),
                )
            )
        ]


def _audience_includes(audience: Audience, member: Member) -> bool:
    if audience is Audience.VERIFIERS:
        return permissions.is_verifier(member)
    if audience is Audience.ORGANIZERS:
        return permissions.is_organizer(member)
    return True


def _help_entry(spec: CommandSpec, *, with_example: bool) -> Text:
    summary = Lines((Raw(f"/{spec.name}: "), spec.summary), separator="")
    if not with_example:
        return summary
    example = Lines((Raw("    "), _("Example: {example}", example=Raw(spec.example))), separator="")
    return lines(summary, example)
