"""People detained, and the tasks the network promises their families.

Recording a person proposes the standard tasks (call the family within the hour, share
the hotline and a legal referral within a day, pick up the children by the time given),
created open for an organizer to assign. A person's details are seen whole by
organizers; a volunteer sees only what the task about them they hold needs, while they
hold it (`need_to_know`), and is refused kindly once it is over.

Organizers correct a record with the labels of /detained (`correct`): a corrected
pick-up time moves the pick-up task and its timers, children added later get their
pick-up task, and a volunteer holding a task that needs a corrected field is sent the
new details. A pick-up time that has already passed is kept, not dropped: the task is
overdue at once and the organizer chats are told, since the children may be waiting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core import need_to_know, permissions
from bot.core.clock import Clock
from bot.core.commands import Example
from bot.core.drafts import PERSON_LABELS, Unread, person_details, read_correction, unpark
from bot.core.errors import UserError
from bot.core.models import (
    Member,
    MessageKind,
    Person,
    Task,
    TaskKind,
    TaskState,
)
from bot.core.need_to_know import NEEDS, PersonField, Visible
from bot.core.network import Network
from bot.core.reports import unknown_report
from bot.core.store import Store, Transaction
from bot.core.task_text import ACTIVE_STATES, person_card, task_title
from bot.core.tasks import TaskService, load_task
from bot.i18n import Trusted, When, _, lines

CALL_WITHIN = timedelta(hours=1)  # the family hears from us within the hour
REFERRAL_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class Recorded:
    person: Person
    tasks: tuple[Task, ...]
    unread: tuple[Unread, ...] = ()  # fields kept in the notes as typed, and why
    overdue: Task | None = None  # the pick-up task, its time already passed


@dataclass(frozen=True)
class Corrected:
    """A person's record after an organizer's correction, and what followed from it."""

    person: Person
    changed: frozenset[PersonField]
    moved: tuple[Task, ...] = ()  # pick-up tasks now due at the corrected time
    proposed: Task | None = None  # the pick-up task for children just added
    told: tuple[tuple[Member, Task], ...] = ()  # volunteers sent the corrected details
    overdue: Task | None = None  # the pick-up task, its time already passed


def which_detail(person_id: int) -> UserError:
    return UserError(
        _(
            "Which detail? Give it with its label, as in /detained, for example: {example}",
            example=Example("person", f"/person P{person_id} dob: 1990-04-12"),
        )
    )


class PeopleService:
    def __init__(self, store: Store, clock: Clock, network: Network, tasks: TaskService) -> None:
        self.store = store
        self.clock = clock
        self.network = network
        self.tasks = tasks
        self.messenger = tasks.messenger

    async def record_person(
        self, actor: Member, report_id: int | None, fields: dict[str, str]
    ) -> Recorded:
        """Check who asks first, then which report, then what they typed: no probing by
        non-organizers, and a wrong report code is named before any detail is checked."""
        permissions.check_can_record_people(actor)
        if report_id is not None:
            async with self.store.reading() as tx:
                if not await tx.reports.exists(report_id):
                    raise unknown_report(report_id)
        now = self.clock.now()
        read = person_details(fields, now, self.network)
        details = read.details
        async with self.store.transaction() as tx:
            if report_id is not None and not await tx.reports.exists(report_id):
                raise unknown_report(report_id)
            person_id = await tx.people.insert(report_id, details, recorded_by=actor.id, now=now)
            proposed: list[tuple[TaskKind, datetime | None]] = [
                (TaskKind.CALL_CONTACT, now + CALL_WITHIN)
            ]
            proposed.append((TaskKind.LEGAL_REFERRAL, now + REFERRAL_WITHIN))
            if details.children:
                proposed.append((TaskKind.PICK_UP_CHILDREN, details.children_by))
            created = []
            for kind, due in proposed:
                task_id = await tx.tasks.insert(
                    kind,
                    "",
                    report_id=report_id,
                    person_id=person_id,
                    due_at=due,
                    created_by=actor.id,
                    now=now,
                )
                created.append(await load_task(tx, task_id))
            overdue = None
            if read.pickup_passed and details.children_by is not None:
                overdue = next((t for t in created if t.kind is TaskKind.PICK_UP_CHILDREN), None)
                if overdue is not None:
                    await self._tell_overdue(tx, overdue, details.children_by)
            await tx.audit.record(now, actor.id, "person.recorded", f"P{person_id}")
            person = await tx.people.get(person_id)
        assert person is not None  # noqa: S101 - inserted above
        return Recorded(person=person, tasks=tuple(created), unread=read.unread, overdue=overdue)

    async def _tell_overdue(self, tx: Transaction, task: Task, was_due: datetime) -> None:
        """The organizer chats hear at once of a pick-up time that has already passed:
        by task code and time only, as every message to a group."""
        await self.messenger.to_organizers(
            tx,
            MessageKind.ESCALATION,
            lines(
                _(
                    "{title} is overdue: the children were to be picked up {when} and may "
                    "still be waiting.",
                    title=task_title(task),
                    when=When(was_due),
                ),
                _("Please assign it now: /task assign {code} <member>", code=task.code)
                if task.state is TaskState.OPEN
                else None,
            ),
        )

    async def correct(self, actor: Member, person_id: int, fields: Mapping[str, str]) -> Corrected:
        """Change what is recorded about a person, read with the rules of /detained.

        Organizers only, checked before anything is looked up. A corrected pick-up time
        moves the pick-up task's due time and timers; children added to a record that had
        none get a pick-up task; a volunteer holding a task that needs a changed field is
        sent the new details by direct message. Audited by field name, never by value."""
        permissions.check_can_change_people(actor)
        now = self.clock.now()
        correction = read_correction(fields, now, self.network)
        if not correction.changes:
            raise which_detail(person_id)
        async with self.store.transaction() as tx:
            person = await tx.people.get(person_id)
            if person is None:
                raise UserError(_("There is no person P{number}.", number=person_id))
            before = person.details
            after = replace(before, **{f.value: v for f, v in correction.changes.items()})
            if PersonField.NOTES not in correction.changes:
                # What was kept in the notes for a field now corrected has done its job.
                corrected = [k for k, f in PERSON_LABELS.items() if f in correction.changes]
                after = replace(after, notes=unpark(before.notes, corrected))
            changed = frozenset(
                f
                for f in PERSON_LABELS.values()
                if getattr(after, f.value) != getattr(before, f.value)
            )
            if not changed:
                return Corrected(person, changed)
            await tx.people.update(person_id, after)
            person = await tx.people.get(person_id)
            assert person is not None  # noqa: S101 - read above, in this unit of work
            ever = [t for t in await tx.tasks.in_states(TaskState) if t.person_id == person_id]
            about = [t for t in ever if t.state in ACTIVE_STATES]
            pick_ups = [t for t in about if t.kind is TaskKind.PICK_UP_CHILDREN]
            moved: list[Task] = []
            if PersonField.CHILDREN_BY in changed and after.children_by is not None:
                for task in pick_ups:
                    # A volunteer holding it hears the new time with the new details.
                    held = task.state is TaskState.ACCEPTED
                    moved.append(
                        await self.tasks.move_due(tx, actor, task, after.children_by, tell=not held)
                    )
            proposed = None
            had_pick_up = any(t.kind is TaskKind.PICK_UP_CHILDREN for t in ever)
            if PersonField.CHILDREN in changed and after.children and not had_pick_up:
                task_id = await tx.tasks.insert(
                    TaskKind.PICK_UP_CHILDREN,
                    "",
                    report_id=person.report_id,
                    person_id=person_id,
                    due_at=after.children_by,
                    created_by=actor.id,
                    now=now,
                )
                proposed = await load_task(tx, task_id)
            told = await self._send_corrections(tx, person, about, changed)
            overdue = None
            if correction.pickup_passed and after.children_by is not None:
                overdue = next(iter(moved), proposed)
                if overdue is not None:
                    await self._tell_overdue(tx, overdue, after.children_by)
            await tx.audit.record(
                now,
                actor.id,
                "person.corrected",
                person.code,
                fields=",".join(sorted(field.value for field in changed)),
            )
        return Corrected(person, changed, tuple(moved), proposed, told, overdue)

    async def _send_corrections(
        self,
        tx: Transaction,
        person: Person,
        about: list[Task],
        changed: frozenset[PersonField],
    ) -> tuple[tuple[Member, Task], ...]:
        """Each volunteer holding a task that needs a changed field gets, by direct
        message, what their tasks need of the person as it now stands: only that."""
        held: dict[int, list[Task]] = defaultdict(list)
        for task in about:
            if task.assignee_id is not None and task.state is TaskState.ACCEPTED:
                held[task.assignee_id].append(task)
        told: list[tuple[Member, Task]] = []
        for member_id, tasks in held.items():
            member = await tx.members.get(member_id)
            needing = [t for t in tasks if NEEDS[t.kind] & changed]
            if member is None or not needing:
                continue
            shown = need_to_know.visible(
                person, need_to_know.person_fields(member, person.id, tasks)
            )
            await self.messenger.to_member(
                tx,
                member,
                MessageKind.TASK_DETAILS,
                lines(
                    _(
                        "The details of {person} were corrected. What {code} needs, as it "
                        "now stands (use this instead of what I sent before):",
                        person=Trusted(person.code),
                        code=needing[0].code,
                    ),
                    person_card(shown, self.network.region),
                ),
            )
            told.append((member, needing[0]))
        return tuple(told)

    async def person_for(self, actor: Member, person_id: int) -> Visible:
        """What `actor` may see of a person: all of it for an organizer, what the task
        they hold needs for a volunteer. A volunteer who may see nothing is refused
        before the person is looked up, so nobody learns which codes exist."""
        async with self.store.reading() as tx:
            theirs = (
                []
                if permissions.is_organizer(actor)
                else await tx.tasks.in_states(TaskState, assignee_id=actor.id)
            )
            fields = need_to_know.person_fields(actor, person_id, theirs)
            if not fields:
                raise no_access(person_id, [t for t in theirs if t.person_id == person_id])
            person = await tx.people.get(person_id)
        if person is None:
            raise UserError(_("There is no person P{number}.", number=person_id))
        return need_to_know.visible(person, fields)


def no_access(person_id: int, their_tasks: list[Task]) -> UserError:
    """A volunteer may not see this person now: said kindly, naming only what they were
    already told (their own tasks), never anything about the person."""
    code = Trusted(f"P{person_id}")

    def first(*states: TaskState, needing: bool = False) -> Task | None:
        return next(
            (t for t in their_tasks if t.state in states and (NEEDS[t.kind] or not needing)),
            None,
        )

    held = first(TaskState.ACCEPTED)
    if held is not None:  # a task that needs none of the person's details
        return UserError(
            _(
                "{task} needs none of {person}'s details, so I do not show them. If you "
                "need something, ask an organizer.",
                task=held.code,
                person=code,
            )
        )
    offered = first(TaskState.OFFERED, needing=True)
    if offered is not None:
        return UserError(
            _(
                "Accept {task} first; then I will send you the details it needs.",
                task=offered.code,
            )
        )
    done = first(TaskState.DONE, needing=True)
    if done is not None:
        return UserError(
            _(
                "{task} is done, so you no longer have access to {person}'s details. Thank "
                "you for your help! If you still need something, ask an organizer.",
                task=done.code,
                person=code,
            )
        )
    cancelled = first(TaskState.CANCELLED, needing=True)
    if cancelled is not None:
        return UserError(
            _(
                "{task} was cancelled, so you no longer have access to {person}'s details. "
                "If you still need something, ask an organizer.",
                task=cancelled.code,
                person=code,
            )
        )
    return UserError(
        _(
            "Only organizers can see {person}'s details, and a volunteer only while they "
            "are doing a task about them.",
            person=code,
        )
    )
