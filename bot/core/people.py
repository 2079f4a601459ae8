"""People detained, and the tasks the network promises their families.

Recording a person proposes the standard tasks (call the family within the hour, share
the hotline and a legal referral within a day, pick up the children by the time given),
created open for an organizer to assign. A person's details are seen only by organizers
and by a volunteer who accepted a task about them (`permissions.may_see_person`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import permissions
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
from bot.core.network import Network
from bot.core.reports import unknown_report
from bot.core.store import Store
from bot.core.tasks import load_task
from bot.i18n import Text, _

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

    async def person_for(self, actor: Member, person_id: int) -> Person:
        """Organizers, and a volunteer who accepted a task about this person, may see it."""
        async with self.store.reading() as tx:
            person = await tx.people.get(person_id)
            if person is None:
                raise UserError(_("There is no person P{number}.", number=person_id))
            theirs = await tx.tasks.in_states(
                (TaskState.ACCEPTED, TaskState.DONE), assignee_id=actor.id
            )
        permissions.check_can_see_person(actor, person_id, theirs)
        return person
