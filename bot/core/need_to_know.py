"""Need to know: which of a person's details each kind of task needs, and who reads what.

One table, `NEEDS`, says for every kind of task the fields of a person's record the
volunteer doing it needs, and nothing else decides it: the details sent when a task is
accepted, `/person` and every front end read it through `person_fields`. Calling the
family needs the contact; picking up the children needs the children, the time and the
contact; a legal referral needs the name and date of birth that attorneys and the
detainee locator ask for. A task an organizer wrote in their own words needs none: its
description says what to do, and an organizer can add what it takes.

A volunteer reads those fields only while their task is accepted: once it is done,
released, cancelled or given to someone else, `/person` refuses them kindly. Organizers
read everything. Where people's details are shown at all (a direct message) is for the
caller to check; this module says which, and to whom.

A task's description and notes are free text and may name anyone, so they are treated
like a person's details: read only in a direct message, by organizers and by the
volunteer holding the task (`reads_description`). Everywhere else a task is its code,
its kind, its state and its due time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from bot.core.models import Member, Person, PersonDetails, Task, TaskKind, TaskState
from bot.core.permissions import is_organizer


class PersonField(StrEnum):
    """What an organizer may record about a person detained, field by field."""

    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    CONTACT_NAME = "contact_name"
    CONTACT_RELATION = "contact_relation"
    CONTACT_PHONE = "contact_phone"
    LANGUAGE = "language"  # the family's
    CHILDREN = "children"  # the children to pick up: their names, their school
    CHILDREN_BY = "children_by"  # when to pick them up
    NOTES = "notes"  # medication, lawyer, anything else: organizers only
    REPORT = "report"  # the report the person is linked to (where they were taken)


EVERY_FIELD = frozenset(PersonField)
FAMILY_CONTACT = frozenset(
    {
        PersonField.CONTACT_NAME,
        PersonField.CONTACT_RELATION,
        PersonField.CONTACT_PHONE,
        PersonField.LANGUAGE,
    }
)

NEEDS: Mapping[TaskKind, frozenset[PersonField]] = MappingProxyType(
    {
        TaskKind.CALL_CONTACT: FAMILY_CONTACT,
        TaskKind.PICK_UP_CHILDREN: FAMILY_CONTACT | {PersonField.CHILDREN, PersonField.CHILDREN_BY},
        TaskKind.LEGAL_REFERRAL: frozenset({PersonField.NAME, PersonField.DATE_OF_BIRTH}),
        TaskKind.OTHER: frozenset(),
    }
)


def holds(member: Member, task: Task) -> bool:
    """Whether `member` has promised to do `task` and it is not over: the only time a
    volunteer reads what the task needs."""
    return task.assignee_id == member.id and task.state is TaskState.ACCEPTED


def person_fields(
    member: Member, person_id: int, their_tasks: Iterable[Task]
) -> frozenset[PersonField]:
    """The fields of person `person_id` that `member` may read now: every one for an
    organizer; for a volunteer, what the tasks about that person they hold need."""
    if is_organizer(member):
        return EVERY_FIELD
    needed: set[PersonField] = set()
    for task in their_tasks:
        if task.person_id == person_id and holds(member, task):
            needed |= NEEDS[task.kind]
    return frozenset(needed)


def reads_description(member: Member, task: Task, *, direct: bool) -> bool:
    """A task's own words: in a direct message, to organizers and to the volunteer
    holding it; nowhere else (not in a group, not in an offer, not in /status)."""
    return direct and (is_organizer(member) or holds(member, task))


def has_details(task: Task) -> bool:
    """Whether accepting `task` brings details by direct message: its description, or
    fields of the person it is about."""
    return bool(task.description) or (task.person_id is not None and bool(NEEDS[task.kind]))


def visible_details(details: PersonDetails, fields: frozenset[PersonField]) -> PersonDetails:
    """`details` with every field outside `fields` left empty."""
    keep = fields.__contains__
    return replace(
        details,
        name=details.name if keep(PersonField.NAME) else "",
        date_of_birth=details.date_of_birth if keep(PersonField.DATE_OF_BIRTH) else None,
        contact_name=details.contact_name if keep(PersonField.CONTACT_NAME) else "",
        contact_relation=details.contact_relation if keep(PersonField.CONTACT_RELATION) else "",
        contact_phone=details.contact_phone if keep(PersonField.CONTACT_PHONE) else "",
        language=details.language if keep(PersonField.LANGUAGE) else None,
        children=details.children if keep(PersonField.CHILDREN) else "",
        children_by=details.children_by if keep(PersonField.CHILDREN_BY) else None,
        notes=details.notes if keep(PersonField.NOTES) else "",
    )


@dataclass(frozen=True)
class Visible:
    """What one reader may see of a person: their record with the rest left out."""

    person: Person
    fields: frozenset[PersonField]

    @property
    def everything(self) -> bool:
        return self.fields == EVERY_FIELD

    @property
    def report_id(self) -> int | None:
        return self.person.report_id if PersonField.REPORT in self.fields else None


def visible(person: Person, fields: frozenset[PersonField]) -> Visible:
    return Visible(replace(person, details=visible_details(person.details, fields)), fields)
