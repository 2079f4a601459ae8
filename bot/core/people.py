"""People detained, and the tasks the network promises their families.

Recording a person proposes the standard tasks (call the family within the hour, share
the hotline and a legal referral within a day, pick up the children by the time given),
created open for an organizer to assign. A person's details are seen whole by
organizers; a volunteer sees only what the task about them they hold needs, while they
hold it (`need_to_know`), and is refused kindly once it is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import need_to_know, permissions
from bot.core.clock import Clock
from bot.core.drafts import person_details
from bot.core.errors import UserError
from bot.core.models import (
    Member,
    Person,
    Task,
    TaskKind,
    TaskState,
)
from bot.core.need_to_know import NEEDS, Visible
from bot.core.network import Network
from bot.core.reports import unknown_report
from bot.core.store import Store
from bot.core.tasks import load_task
from bot.i18n import Text, Trusted, _

CALL_WITHIN = timedelta(hours=1)  # the family hears from us within the hour
REFERRAL_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class Recorded:
    person: Person
    tasks: tuple[Task, ...]
    unread: tuple[Text, ...] = ()  # fields kept in the notes as typed, and why


class PeopleService:
    def __init__(self, store: Store, clock: Clock, network: Network) -> None:
        self.store = store
        self.clock = clock
        self.network = network

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
            await tx.audit.record(now, actor.id, "person.recorded", f"P{person_id}")
            person = await tx.people.get(person_id)
        assert person is not None  # noqa: S101 - inserted above
        return Recorded(person=person, tasks=tuple(created), unread=read.unread)

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
