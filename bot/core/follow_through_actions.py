"""Follow-through commands: people detained, tasks, /person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core import need_to_know, permissions, rendering
from bot.core.clock import Clock
from bot.core.commands import Example
from bot.core.drafts import (
    PERSON_LABELS,
    SAMPLES,
    Unread,
    check_length,
    note_text,
)
from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.members import MemberService
from bot.core.models import (
    Conversation,
    Member,
    Person,
    Task,
)
from bot.core.network import Network
from bot.core.people import PeopleService, which_detail
from bot.core.personal_fields import parse_when
from bot.core.replies import Reply
from bot.core.task_text import (
    field_line,
    field_value,
    forget_details,
    person_card,
    task_line,
    task_title,
)
from bot.core.tasks import TaskService
from bot.i18n import (
    Raw,
    Text,
    When,
    _,
    lines,
)

PERSONAL_DATA_IN_GROUP = _(
    "Please send personal details to me in a direct message next time: everyone in this "
    "chat can read them. Consider deleting your message."
)
EDIT_IN_GROUP = _(
    "Personal details are only changed in a direct message: send me your correction "
    "there, and consider deleting your message, since everyone in this chat can read it."
)
DESCRIPTION_IN_GROUP = _(
    "A task's description may name people, so I show it only in direct messages. Next "
    "time, add tasks in a direct message with me, and consider deleting your message."
)


def unread_text(person: Person, unread: Sequence[Unread]) -> Text:
    """What /detained could not read, kept in the notes, each with the command that
    fixes it (in the reader's language: /persona P3 fecha de nacimiento: …)."""

    def fix(item: Unread) -> Text:
        commands = [
            Example("person", f"/person {person.code} {item.label}: {value}")
            for value in item.choices or (SAMPLES[item.label],)
        ]
        if len(commands) == 2:
            return _("Send {first} or {second}", first=commands[0], second=commands[1])
        return _("Send {command}", command=commands[0])

    return lines(
        _(
            "I could not read these, so I kept them in the notes as you typed them (only "
            "organizers see the notes). Fix each with the command under it:"
        ),
        *(lines(rendering.bullet(item.problem), fix(item)) for item in unread),
    )


class FollowThroughActions:
    network: Network
    clock: Clock
    members: MemberService
    tasks: TaskService
    people: PeopleService

    async def detained(
        self,
        actor: Member,
        conversation: Conversation,
        report_id: int | None,
        fields: dict[str, str],
    ) -> list[Reply]:
        recorded = await self.people.record_person(actor, report_id, fields)
        now = self.clock.now()
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
        if recorded.overdue is not None:
            replies.append(Reply(self._pickup_passed(recorded.person, recorded.overdue)))
        if recorded.unread:
            replies.append(Reply(unread_text(recorded.person, recorded.unread)))
        if not conversation.is_direct:
            replies.append(Reply(PERSONAL_DATA_IN_GROUP))
        return replies

    def _pickup_passed(self, person: Person, task: Task) -> Text:
        """A pick-up time earlier today, kept: said plainly, with the command that moves
        it to another day if that was meant."""
        when = person.details.children_by
        assert when is not None  # noqa: S101 - only said of a pick-up time given
        local = when.astimezone(self.network.zone)
        tomorrow = f"{local.date() + timedelta(days=1)} {local:%H:%M}"  # the same clock time
        return _(
            "The pick-up time, {when}, has already passed, so {code} is overdue: the "
            "children may still be waiting. I kept the time as you gave it and told the "
            "organizers. If you meant another day, send {command}",
            when=When(when),
            code=task.code,
            command=Example("person", f"/person {person.code} pickup: {tomorrow}"),
        )

    async def person_edit(
        self,
        actor: Member,
        conversation: Conversation,
        person_id: int,
        fields: dict[str, str],
        free: str = "",
    ) -> list[Reply]:
        """An organizer corrects a person's record, in a direct message, with the labels
        of /detained: /person P3 dob: 1990-04-12; pickup: tomorrow 15:00."""
        permissions.check_can_change_people(actor)
        if not conversation.is_direct:
            raise UserError(EDIT_IN_GROUP)
        if free.strip():  # words without a label: which field they are for is a guess
            raise which_detail(person_id)
        corrected = await self.people.correct(actor, person_id, fields)
        person = corrected.person
        if not corrected.changed:
            return [
                Reply(_("{code} already has these details; nothing was changed.", code=person.code))
            ]
        region = self.network.region
        changed = (
            rendering.bullet(field_line(field, field_value(field, person.details, region)))
            for field in PERSON_LABELS.values()
            if field in corrected.changed
        )
        proposed = corrected.proposed
        return [
            Reply(
                lines(
                    _("Changed {code}:", code=person.code),
                    *changed,
                    *(
                        _("{code} is now due {when}.", code=t.code, when=When(t.due_at))
                        for t in corrected.moved
                        if t.due_at is not None
                    ),
                    _(
                        "Proposed {title}. Assign it with /task assign {code} <member>.",
                        title=task_title(proposed),
                        code=proposed.code,
                    )
                    if proposed is not None
                    else None,
                    *(
                        _(
                            "{member} is doing {code} and was sent the corrected details.",
                            member=member_name(member),
                            code=task.code,
                        )
                        for member, task in corrected.told
                    ),
                    self._pickup_passed(person, corrected.overdue)
                    if corrected.overdue is not None
                    else None,
                )
            )
        ]

    async def task_add(
        self,
        actor: Member,
        conversation: Conversation,
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
        direct = conversation.is_direct
        described = need_to_know.reads_description(actor, task, direct=direct)
        replies = [
            Reply(
                _(
                    "Added {title}. Assign it with /task assign {code} <member> [when].",
                    title=task_title(task, description=described),
                    code=task.code,
                )
            )
        ]
        if not direct:
            replies.append(Reply(DESCRIPTION_IN_GROUP))
        return replies

    def _when(self, text: str) -> datetime | None:
        if not text.strip():
            return None
        return parse_when(text, self.clock.now(), self.network.zone, self.network.languages)

    async def task_assign(
        self, actor: Member, task_id: int, assignee: str, when: str = ""
    ) -> list[Reply]:
        # Before looking anyone up: nobody else may probe who is a member.
        permissions.check_can_manage_tasks(actor)
        member = await self.members.named(actor.platform, assignee)
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
                    member=member_name(member),
                )
            )
        ]

    async def task_accept(
        self, actor: Member, task_id: int, *, in_direct_message: bool = False
    ) -> list[Reply]:
        """`in_direct_message`: answered in the direct messages the details go to, where
        "they are in your direct messages" would send the member looking elsewhere."""
        task = await self.tasks.accept(actor, task_id)
        details = None
        if need_to_know.has_details(task):
            details = (
                _("The details follow in the next message.")
                if in_direct_message
                else _("The details are in your direct messages.")
            )
        return [Reply(lines(_("Thank you: {code} is yours.", code=task.code), details))]

    async def task_decline(self, actor: Member, task_id: int, reason: str = "") -> list[Reply]:
        task = await self.tasks.decline(actor, task_id, note_text(reason))
        return [
            Reply(_("You declined {code}. The organizers will find someone else.", code=task.code))
        ]

    async def task_done(self, actor: Member, task_id: int, note: str = "") -> list[Reply]:
        moved = await self.tasks.done(actor, task_id, note_text(note))
        task = moved.task
        return [
            Reply(
                lines(
                    _("Thank you! {code} is marked done.", code=task.code),
                    forget_details(task) if moved.was_held else None,
                )
            )
        ]

    async def task_release(self, actor: Member, task_id: int, reason: str = "") -> list[Reply]:
        moved = await self.tasks.release(actor, task_id, note_text(reason))
        task = moved.task
        return [
            Reply(
                lines(
                    _(
                        "{code} is released. The organizers will find someone else.",
                        code=task.code,
                    ),
                    forget_details(task) if moved.was_held else None,
                )
            )
        ]

    async def task_edit(
        self,
        actor: Member,
        conversation: Conversation,
        task_id: int,
        *,
        what: str = "",
        when: str = "",
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
        now = self.clock.now()
        described = need_to_know.reads_description(actor, task, direct=conversation.is_direct)
        return [Reply(lines(_("Changed:"), task_line(task, None, now, description=described)))]

    async def task_cancel(self, actor: Member, task_id: int) -> list[Reply]:
        task = await self.tasks.cancel(actor, task_id)
        return [Reply(_("{code} is cancelled.", code=task.code))]

    async def task_list(
        self, actor: Member, conversation: Conversation, which: str = ""
    ) -> list[Reply]:
        now = self.clock.now()
        everyone = which.strip().lower() in ("open", "all", "abiertas", "todas")
        if everyone:
            permissions.check_can_see_every_task(actor)
        found = await self.tasks.listing(assignee=None if everyone else actor)
        if not found:
            return [Reply(_("There are no open tasks.") if everyone else _("You have no tasks."))]
        head = _("Open tasks:") if everyone else _("Your tasks:")
        direct = conversation.is_direct
        listed = (
            task_line(
                t, m, now, description=need_to_know.reads_description(actor, t, direct=direct)
            )
            for t, m in found
        )
        return [Reply(lines(head, *(rendering.bullet(line) for line in listed)))]

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
        shown = await self.people.person_for(actor, person_id)
        return [Reply(person_card(shown, self.network.region))]

    async def task_codes(self, actor: Member, *, everyone: bool) -> list[tuple[str, str]]:
        """(code, kind) of tasks this member may act on, for autocomplete.

        Everyone sees their own; only organizers are offered every open task.
        """
        if everyone and not permissions.is_organizer(actor):
            return []
        found = await self.tasks.listing(assignee=None if everyone else actor)
        return [(task.code, task.kind.value) for task, _assignee in found]
