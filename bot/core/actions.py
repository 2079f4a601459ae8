"""What each command does and says, with typed arguments, for every front end.

The text grammar (console, Signal) parses a line and calls these; Discord's slash
commands, buttons and modals call them with their typed options. Either way the rules
and the replies are the same, written once here. Each method returns the replies for the
member who acted, or raises `UserError`; `guarded` turns both into replies.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime

from bot.core import permissions, rendering
from bot.core.commands import COMMANDS, Audience, CommandSpec, find_command, local_name
from bot.core.errors import UserError
from bot.core.members import MemberService
from bot.core.models import (
    Agency,
    Conversation,
    DismissReason,
    Member,
    PersonDetails,
    ReportDraft,
    ReportState,
    TargetPurpose,
)
from bot.core.network import Network
from bot.core.personal_fields import parse_date_of_birth, parse_phone, parse_when
from bot.core.rendering import chat_list
from bot.core.reports import Correction, ReportService, SubmissionKind
from bot.core.rights import MORE_WORDS, card_for, cards
from bot.core.tasks import (
    TaskService,
    person_card,
    require_organizer,
    task_line,
    task_title,
)
from bot.core.vocabulary import (
    REASON_NAMES,
    ROLE_NAMES,
    STATE_NAMES,
    parse_agency,
    parse_role,
    parse_signs,
    parse_source,
)
from bot.i18n import (
    Lines,
    ListOf,
    Raw,
    Renderer,
    Text,
    Trusted,
    _,
    _n,
    language_name,
    languages,
    lines,
    normalise_language,
)

log = logging.getLogger(__name__)

MAX_PLACE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000
MAX_NOTE_CHARS = 500
REPORT_EXAMPLE = next(spec.example for spec in COMMANDS if spec.name == "report")
DETAINED_EXAMPLE = next(spec.example for spec in COMMANDS if spec.name == "detained")
MORE_HINT = _("For the longer card, with advice for bystanders: /rights more")
PERSONAL_DATA_IN_GROUP = _(
    "Please send personal details to me in a direct message next time: everyone in this "
    "chat can read them. Consider deleting your message."
)


@dataclass(frozen=True)
class Reply:
    text: Text
    language: str | None = None  # None: the member's own language


def check_length(value: str, limit: int, field: Text) -> str:
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


def note_text(text: str) -> str:
    return check_length(text.strip(), MAX_NOTE_CHARS, _("note"))


def build_draft(
    *,
    where: str,
    what: str = "",
    agency: str = "",
    signs: str = "",
    source: str = "",
    media: tuple[str, ...] = (),
) -> ReportDraft:
    """A report from the words people typed, whichever front end they typed them in."""
    where = check_length(where.strip(), MAX_PLACE_CHARS, _("place"))
    if not where:
        raise UserError(
            _(
                "Where is it? Send the report again with the place, for example: {example}",
                example=Raw(REPORT_EXAMPLE),
            )
        )
    return ReportDraft(
        where=where,
        what=check_length(what.strip(), MAX_DESCRIPTION_CHARS, _("description")),
        agency=parse_agency(agency) if agency.strip() else Agency.UNKNOWN,
        signs=parse_signs(signs),
        source=parse_source(source) if source.strip() else None,
        media=media,
    )


async def guarded(operation: Awaitable[list[Reply]], name: str, actor: Member) -> list[Reply]:
    """Run an action; refusals become replies and bugs become an apology, never a crash."""
    try:
        return await operation
    except UserError as refusal:
        return [Reply(refusal.message)]
    except Exception:
        # Only the command name and member id: message text may name people or places.
        log.exception("command %s from member %s failed", name, actor.id)
        return [
            Reply(
                _(
                    "Something went wrong on my side and nothing was changed. "
                    "Please try again, or tell an organizer."
                )
            )
        ]


class Actions:
    def __init__(
        self,
        reports: ReportService,
        members: MemberService,
        network: Network,
        tasks: TaskService,
    ) -> None:
        self.reports = reports
        self.members = members
        self.network = network
        self.tasks = tasks

    # -- reports -------------------------------------------------------------------------

    async def report(
        self, actor: Member, conversation: Conversation, draft: ReportDraft
    ) -> list[Reply]:
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

    async def verify(self, actor: Member, report_id: int, note: str = "") -> list[Reply]:
        report = await self.reports.verify(actor, report_id, note_text(note))
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

    async def dismiss(
        self, actor: Member, report_id: int, reason: DismissReason, note: str = ""
    ) -> list[Reply]:
        report = await self.reports.dismiss(actor, report_id, reason, note_text(note))
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
        done = await self.reports.resolve(actor, report_id, note_text(note))
        return [
            Reply(
                _(
                    "All clear for {code} sent to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
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
        permissions.check_can_correct(actor)
        change = Correction(
            where=check_length(where.strip(), MAX_PLACE_CHARS, _("place")) or None,
            what=check_length(what.strip(), MAX_DESCRIPTION_CHARS, _("description")) or None,
            agency=parse_agency(agency) if agency.strip() else None,
        )
        done = await self.reports.correct(actor, report_id, change, note_text(note))
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
        done = await self.reports.retract(actor, report_id, note_text(note))
        return [
            Reply(
                _(
                    "{code} is retracted; the retraction went to: {targets}.",
                    code=done.report.code,
                    targets=chat_list(done.targets),
                )
            )
        ]

    async def role(self, actor: Member, action: str, who: str, role: str) -> list[Reply]:
        verb = action.strip().lower()
        if verb not in ("add", "remove", "dar", "quitar") or not who.strip() or not role.strip():
            raise UserError(
                _(
                    "Write it as /role add <member> <role> or /role remove <member> <role>, "
                    "for example: /role add +15551234567 verifier"
                )
            )
        grant = verb in ("add", "dar")
        parsed = parse_role(role)
        member = await self.members.change_role(actor, who.strip(), parsed, grant=grant)
        roles = (
            ListOf(tuple(ROLE_NAMES[r] for r in sorted(member.roles)))
            if member.roles
            else _("no role")
        )
        return [
            Reply(
                _(
                    "{member} now has: {roles}.",
                    member=Trusted(member.handle),
                    roles=roles,
                )
            )
        ]

    # -- follow-through ------------------------------------------------------------------

    async def detained(
        self,
        actor: Member,
        conversation: Conversation,
        report_id: int | None,
        fields: dict[str, str],
    ) -> list[Reply]:
        if not permissions.is_organizer(actor):
            raise UserError(_("Only organizers can record people detained."))
        details = self.person_details(fields)
        recorded = await self.tasks.record_person(actor, report_id, details)
        now = self.reports.clock.now()
        replies = [
            Reply(
                lines(
                    _("Recorded {code}. Proposed tasks:", code=recorded.person.code),
                    *(rendering.bullet(task_line(t, None, now)) for t in recorded.tasks),
                    _(
                        "Assign one with /task assign {code} <member> [when], change one with "
                        "/task edit {code} due: 16:00, or drop one with /task cancel {code}.",
                        code=recorded.tasks[0].code,
                    ),
                )
            )
        ]
        if not conversation.is_direct:
            replies.append(Reply(PERSONAL_DATA_IN_GROUP))
        return replies

    def person_details(self, fields: dict[str, str]) -> PersonDetails:
        now = self.reports.clock.now()
        name = check_length(fields.get("name", "").strip(), 100, _("name"))
        if not name:
            raise UserError(
                _(
                    "Who was detained? Add their name, for example: {example}",
                    example=Raw(DETAINED_EXAMPLE),
                )
            )
        dob = fields.get("dob", "").strip()
        phone = fields.get("phone", "").strip()
        pickup = fields.get("pickup", "").strip()
        return PersonDetails(
            name=name,
            date_of_birth=parse_date_of_birth(dob, now.astimezone(self.network.zone).date())
            if dob
            else None,
            contact_name=check_length(fields.get("contact", "").strip(), 100, _("contact")),
            contact_phone=parse_phone(phone) if phone else "",
            contact_relation=check_length(fields.get("relation", "").strip(), 40, _("relation")),
            language=check_length(fields.get("language", "").strip(), 40, _("language")) or None,
            children=check_length(fields.get("children", "").strip(), 200, _("children")),
            children_by=parse_when(pickup, now, self.network.zone) if pickup else None,
            notes=check_length(fields.get("notes", "").strip(), MAX_NOTE_CHARS, _("note")),
        )

    async def task_add(
        self,
        actor: Member,
        description: str,
        *,
        report_id: int | None = None,
        person_id: int | None = None,
        when: str = "",
    ) -> list[Reply]:
        if not description.strip():
            raise UserError(
                _("What is the task? For example: /task add bring water to the vigil; due: 2h")
            )
        due = self._when(when)
        task = await self.tasks.add(
            actor,
            check_length(description.strip(), 300, _("description")),
            report_id=report_id,
            person_id=person_id,
            due_at=due,
        )
        return [
            Reply(
                _(
                    "Added {title}. Assign it with /task assign {code} <member> [when].",
                    title=task_title(task),
                    code=task.code,
                )
            )
        ]

    def _when(self, text: str) -> datetime | None:
        if not text.strip():
            return None
        return parse_when(text, self.reports.clock.now(), self.network.zone)

    async def task_assign(
        self, actor: Member, task_id: int, assignee: str, when: str = ""
    ) -> list[Reply]:
        require_organizer(actor)  # before looking anyone up: no probing who is a member
        member = await self.members.find(actor.platform, assignee.strip().lstrip("@"))
        if member is None:
            raise UserError(
                _(
                    "I don't know “{member}” yet. They need to send me a message first "
                    "(for example /help).",
                    member=Raw(assignee.strip()),
                )
            )
        task = await self.tasks.assign(actor, task_id, member, self._when(when))
        return [
            Reply(
                _(
                    "Offered {code} to {member}. They will be reminded, and you will hear if "
                    "nobody accepts it.",
                    code=task.code,
                    member=Trusted(member.handle),
                )
            )
        ]

    async def task_accept(self, actor: Member, task_id: int) -> list[Reply]:
        task = await self.tasks.accept(actor, task_id)
        details = (
            _("The details are in your direct messages.") if task.person_id is not None else None
        )
        return [Reply(lines(_("Thank you: {code} is yours.", code=task.code), details))]

    async def task_decline(self, actor: Member, task_id: int, reason: str = "") -> list[Reply]:
        task = await self.tasks.decline(actor, task_id, note_text(reason))
        return [
            Reply(_("You declined {code}. The organizers will find someone else.", code=task.code))
        ]

    async def task_done(self, actor: Member, task_id: int, note: str = "") -> list[Reply]:
        task = await self.tasks.done(actor, task_id, note_text(note))
        return [Reply(_("Thank you! {code} is marked done.", code=task.code))]

    async def task_release(self, actor: Member, task_id: int, reason: str = "") -> list[Reply]:
        task = await self.tasks.release(actor, task_id, note_text(reason))
        return [
            Reply(_("{code} is released. The organizers will find someone else.", code=task.code))
        ]

    async def task_edit(
        self, actor: Member, task_id: int, *, what: str = "", when: str = ""
    ) -> list[Reply]:
        if not what.strip() and not when.strip():
            raise UserError(
                _(
                    "Say what to change, for example: /task edit T{number} due: 16:00; what: "
                    "bring the car seat",
                    number=task_id,
                )
            )
        task = await self.tasks.edit(
            actor,
            task_id,
            description=check_length(what.strip(), 300, _("description")) or None,
            due_at=self._when(when),
        )
        now = self.reports.clock.now()
        return [Reply(lines(_("Changed:"), task_line(task, None, now)))]

    async def task_cancel(self, actor: Member, task_id: int) -> list[Reply]:
        task = await self.tasks.cancel(actor, task_id)
        return [Reply(_("{code} is cancelled.", code=task.code))]

    async def task_list(self, actor: Member, which: str = "") -> list[Reply]:
        now = self.reports.clock.now()
        everyone = which.strip().lower() in ("open", "all", "abiertas", "todas")
        if everyone and not permissions.is_organizer(actor):
            raise UserError(_("Only organizers can see every task. Send /tasks to see yours."))
        found = await self.tasks.listing(assignee=None if everyone else actor)
        if not found:
            return [Reply(_("There are no open tasks.") if everyone else _("You have no tasks."))]
        head = _("Open tasks:") if everyone else _("Your tasks:")
        return [Reply(lines(head, *(rendering.bullet(task_line(t, m, now)) for t, m in found)))]

    async def person(
        self, actor: Member, conversation: Conversation, person_id: int
    ) -> list[Reply]:
        if not conversation.is_direct:
            raise UserError(
                _(
                    "Personal details are only shown in a direct message. Send me /person "
                    "P{number} directly.",
                    number=person_id,
                )
            )
        person = await self.tasks.person_for(actor, person_id)
        return [Reply(person_card(person))]

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
                if permissions.is_organizer(actor):
                    now = self.reports.clock.now()
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

    async def task_codes(self, actor: Member, *, everyone: bool) -> list[tuple[str, str]]:
        """(code, kind) of tasks this member may act on, for autocomplete.

        Everyone sees their own; only organizers are offered every open task.
        """
        if everyone and not permissions.is_organizer(actor):
            return []
        found = await self.tasks.listing(assignee=None if everyone else actor)
        return [(task.code, task.kind.value) for task, _assignee in found]

    # -- everyone ------------------------------------------------------------------------

    async def rights(self, actor: Member, language: str = "", *, more: bool = False) -> list[Reply]:
        """The short card, or with `more` the longer one; "/rights es more" in any order."""
        words = language.lower().split()
        more = more or any(word in MORE_WORDS for word in words)
        codes = [word for word in words if word not in MORE_WORDS]
        wanted = normalise_language(codes[0]) if codes else actor.language
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
        card = card_for(wanted)
        review_note = (
            None if card.reviewed else _("This card has not been reviewed by the community yet.")
        )
        return [
            Reply(
                lines(
                    Raw(card.more if more else card.text),
                    rendering.hotline_lines(self.network),
                    None if more else MORE_HINT,
                    review_note,
                ),
                language=card.language,
            )
        ]

    async def hotline(self, actor: Member) -> list[Reply]:
        return [Reply(rendering.hotline_lines(self.network))]

    async def lang(self, actor: Member, code: str = "") -> list[Reply]:
        if not code.strip():
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
        updated = await self.members.set_language(actor, code)
        info = languages().get(updated.language)
        unreviewed = (
            _(
                "This translation has not been reviewed by the community yet. If something "
                "reads wrong, please tell an organizer."
            )
            if info is None or not info.reviewed
            else None
        )
        return [
            Reply(
                lines(
                    _(
                        "From now on I will write to you in {language}.",
                        language=Raw(language_name(updated.language, menu=False)),
                    ),
                    unreviewed,
                ),
                language=updated.language,
            )
        ]

    async def help(self, actor: Member, command: str = "") -> list[Reply]:
        if command.strip():
            spec = find_command(command.split()[0])
            if spec is None:
                raise UserError(
                    _(
                        "I don't know the command /{name}. Send /help to see what I can do.",
                        name=Raw(command.split()[0].lstrip("/")[:32]),
                    )
                )
            return [Reply(help_entry(spec))]
        visible = [spec for spec in COMMANDS if audience_includes(spec.audience, actor)]
        return [Reply(lines(_("What I can do:"), *(help_entry(spec) for spec in visible)))]


def audience_includes(audience: Audience, member: Member) -> bool:
    if audience is Audience.VERIFIERS:
        return permissions.is_verifier(member)
    if audience is Audience.ORGANIZERS:
        return permissions.is_organizer(member)
    return True


@dataclass(frozen=True)
class CommandName:
    """ "/report", or "/report (/signaler)" for a reader whose language has its own name."""

    name: str

    def render(self, renderer: Renderer, language: str) -> str:
        local = local_name(self.name, language)
        return f"/{self.name}" + (f" (/{local})" if local and local != self.name else "")


def help_entry(spec: CommandSpec) -> Text:
    summary = Lines((CommandName(spec.name), Raw(": "), spec.summary), separator="")
    example = Lines((Raw("    "), _("Example: {example}", example=Raw(spec.example))), separator="")
    return lines(summary, example)
