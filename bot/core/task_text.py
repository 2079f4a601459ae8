"""What tasks and people detained are called in messages.

Task titles and lines name tasks and people by code (T4, P2), kind, state and due time,
never the person, so they are safe for any chat. A task's own words (its description)
are added only when the caller asks, which it does where `need_to_know.reads_description`
allows: a direct message, to an organizer or to the volunteer holding the task. The
person card holds personal data, only the fields the reader may see
(`need_to_know.person_fields`): for a direct message only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.member_names import member_name
from bot.core.models import (
    Member,
    PersonDetails,
    Task,
    TaskKind,
    TaskState,
)
from bot.core.need_to_know import PersonField, Visible, has_details
from bot.core.phone_numbers import show_phone
from bot.i18n import (
    Lines,
    Raw,
    Renderer,
    Text,
    Trusted,
    When,
    _,
    available_languages,
    language_name,
    lines,
)

KIND_NAMES: dict[TaskKind, Text] = {
    TaskKind.CALL_CONTACT: _("call the family contact"),
    TaskKind.LEGAL_REFERRAL: _("find legal help: an attorney or a legal-aid referral"),
    TaskKind.PICK_UP_CHILDREN: _("pick up the children"),
    TaskKind.OTHER: _("other task"),
}
ACTIVE_STATES = frozenset({TaskState.OPEN, TaskState.OFFERED, TaskState.ACCEPTED})
STATE_NAMES: dict[TaskState, Text] = {
    TaskState.OPEN: _("open"),
    TaskState.OFFERED: _("offered"),
    TaskState.ACCEPTED: _("accepted"),
    TaskState.DONE: _("done"),
    TaskState.CANCELLED: _("cancelled"),
}


def task_title(task: Task, *, description: bool = False) -> Text:
    """What a task is: its code, its kind and whom it is about, by code only, safe for any
    chat. With `description`, its own words too (see the module's note on where)."""
    words = task.description if description else ""
    head = Raw(words) if words and task.kind is TaskKind.OTHER else KIND_NAMES[task.kind]
    parts: list[Text] = [_("{code}: {what}", code=task.code, what=head)]
    if words and task.kind is not TaskKind.OTHER:
        parts.append(Raw(f" ({words})"))
    if task.person_id:
        parts.append(_(" (about {person})", person=Trusted(f"P{task.person_id}")))
    return Lines(tuple(parts), separator="")


def task_line(
    task: Task, assignee: Member | None, now: datetime, *, description: bool = False
) -> Text:
    parts: list[Text] = [
        task_title(task, description=description),
        _(" · {state}", state=STATE_NAMES[task.state]),
    ]
    if assignee is not None:
        parts.append(_(" · {member}", member=member_name(assignee)))
    if task.due_at is not None:
        # Overdue whoever has it, or nobody yet: children whose pick-up time has passed
        # are waiting whether or not the task was assigned.
        overdue = task.state in ACTIVE_STATES and task.due_at < now
        parts.append(
            _(" · OVERDUE since {when}", when=When(task.due_at))
            if overdue
            else _(" · due {when}", when=When(task.due_at))
        )
    return Lines(tuple(parts), separator="")


def offer_text(task: Task) -> Text:
    """Asking a volunteer to take a task: its kind, when, and that it is a promise. What
    it says in its own words, and whom it is about, come once it is accepted."""
    return lines(
        _("You are asked to take {title}.", title=task_title(task)),
        _("Due: {when}", when=When(task.due_at)) if task.due_at else None,
        _("I will send you the details when you accept.") if has_details(task) else None,
        _(
            "Accept only if you will follow through: a family is counting on it. "
            "Send /task accept {code} or /task decline {code}.",
            code=task.code,
        ),
    )


def task_details(task: Task, person: Visible | None, region: str) -> Text:
    """What a volunteer who accepted `task` needs, by direct message: its own words and
    what it needs of the person it is about (`person`, already cut to that)."""
    return lines(
        _("Thank you. The details for {code}:", code=task.code),
        _("What to do: {what}", what=Raw(task.description)) if task.description else None,
        person_card(person, region) if person is not None and person.fields else None,
        _(
            "Send /task done {code} when it is done, or /task release {code} "
            "if you cannot do it after all.",
            code=task.code,
        ),
    )


def forget_details(task: Task) -> Text | None:
    """Once a task with details is over for its volunteer: the bot cannot take back what
    it sent, so it asks them to delete it."""
    if not has_details(task):
        return None
    return _(
        "Please delete the details of {code} you kept: you no longer need them.", code=task.code
    )


def person_card(visible: Visible, region: str) -> Text:
    """What one reader may see of a person (`Visible`): for a direct message only.
    `region`: the network's country, whose phone numbers are shown the way people there
    write them."""
    person = visible.person
    return lines(
        _("{code}: {name}", code=person.code, name=Raw(person.details.name))
        if person.details.name
        else Trusted(person.code),
        details_lines(person.details, region),
        _("Linked to report R{number}.", number=visible.report_id) if visible.report_id else None,
        None if visible.everything else _("Only what your task needs is shown."),
    )


@dataclass(frozen=True)
class LanguageName:
    """A language the bot knows by its code, named in the reader's language ("es" is
    "Spanish" in English and "español" in Spanish)."""

    code: str

    def render(self, renderer: Renderer, language: str) -> str:
        return language_name(self.code, language, menu=False)


def language_text(value: str) -> Text:
    """A family's language: named for the reader when it is a code, as typed otherwise."""
    return LanguageName(value) if value in available_languages() else Raw(value)


def _contact(d: PersonDetails, region: str) -> Text:
    """ "Marta Díaz (sister), (555) 010-0199", leaving out whatever was not given."""
    who = d.contact_name
    if d.contact_relation:
        who = f"{who} ({d.contact_relation})" if who else f"({d.contact_relation})"
    phone = show_phone(d.contact_phone, region) if d.contact_phone else ""
    return Raw(", ".join(part for part in (who, phone) if part))


def field_line(field: PersonField, shown: Text) -> Text:
    """One field of a person's record, named, with its value as shown (— for none)."""
    labels: dict[PersonField, Text] = {
        PersonField.NAME: _("Name: {value}", value=shown),
        PersonField.DATE_OF_BIRTH: _("Date of birth: {dob}", dob=shown),
        PersonField.CONTACT_NAME: _("Contact: {who}", who=shown),
        PersonField.CONTACT_RELATION: _("Relation: {value}", value=shown),
        PersonField.CONTACT_PHONE: _("Phone: {value}", value=shown),
        PersonField.LANGUAGE: _("Language: {language}", language=shown),
        PersonField.CHILDREN: _("Children to pick up: {where}", where=shown),
        PersonField.CHILDREN_BY: _("Pick up by: {when}", when=shown),
        PersonField.NOTES: _("Notes: {notes}", notes=shown),
    }
    return labels[field]


def field_value(field: PersonField, d: PersonDetails, region: str) -> Text:
    """How one field of `d` is shown: — when it is empty."""
    value = getattr(d, field.value)
    if not value:
        return Trusted("—")
    if field is PersonField.DATE_OF_BIRTH:
        return Raw(d.date_of_birth.isoformat()) if d.date_of_birth else Trusted("—")
    if field is PersonField.CONTACT_PHONE:
        return Raw(show_phone(d.contact_phone, region))
    if field is PersonField.LANGUAGE:
        return language_text(value)
    if field is PersonField.CHILDREN_BY:
        return When(value)
    return Raw(str(value))


def details_lines(d: PersonDetails, region: str) -> Text:
    return lines(
        _("Date of birth: {dob}", dob=Raw(d.date_of_birth.isoformat()))
        if d.date_of_birth
        else None,
        _("Contact: {who}", who=_contact(d, region))
        if d.contact_name or d.contact_phone or d.contact_relation
        else None,
        _("Language: {language}", language=language_text(d.language)) if d.language else None,
        _("Children to pick up: {where}", where=Raw(d.children)) if d.children else None,
        _("Pick up by: {when}", when=When(d.children_by)) if d.children_by else None,
        _("Notes: {notes}", notes=Raw(d.notes)) if d.notes else None,
    )
