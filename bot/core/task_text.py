"""What tasks and people detained are called in messages.

Task titles and lines name tasks and people by code (T4, P2) and kind only, never the
person, so they are safe for any chat: a free-text task shows its words only where the
reader may see them. The person card holds personal data: for a direct message only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.member_names import member_name
from bot.core.models import (
    Member,
    Person,
    PersonDetails,
    Task,
    TaskKind,
    TaskState,
)
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
    TaskKind.LEGAL_REFERRAL: _("share the hotline and a legal referral with the family"),
    TaskKind.PICK_UP_CHILDREN: _("pick up the children"),
    TaskKind.OTHER: _("other"),
}
STATE_NAMES: dict[TaskState, Text] = {
    TaskState.OPEN: _("open"),
    TaskState.OFFERED: _("offered"),
    TaskState.ACCEPTED: _("accepted"),
    TaskState.DONE: _("done"),
    TaskState.CANCELLED: _("cancelled"),
}


def task_title(task: Task) -> Text:
    """What a task is, without personal data: safe for any chat."""
    head = KIND_NAMES[task.kind] if task.kind is not TaskKind.OTHER else Raw(task.description)
    parts: list[Text] = [_("{code}: {what}", code=task.code, what=head)]
    if task.kind is not TaskKind.OTHER and task.description:
        parts.append(Raw(f" ({task.description})"))
    if task.person_id:
        parts.append(_(" (about {person})", person=Trusted(f"P{task.person_id}")))
    return Lines(tuple(parts), separator="")


def task_line(task: Task, assignee: Member | None, now: datetime) -> Text:
    parts: list[Text] = [task_title(task), _(" · {state}", state=STATE_NAMES[task.state])]
    if assignee is not None:
        parts.append(_(" · {member}", member=member_name(assignee)))
    if task.due_at is not None:
        overdue = task.state is TaskState.ACCEPTED and task.due_at < now
        parts.append(
            _(" · OVERDUE since {when}", when=When(task.due_at))
            if overdue
            else _(" · due {when}", when=When(task.due_at))
        )
    return Lines(tuple(parts), separator="")


def offer_text(task: Task) -> Text:
    """Asking a volunteer to take a task: what it is, when, and that it is a promise."""
    return lines(
        _("You are asked to take {title}.", title=task_title(task)),
        _("Due: {when}", when=When(task.due_at)) if task.due_at else None,
        _(
            "Accept only if you will follow through: a family is counting on it. "
            "Send /task accept {code} or /task decline {code}.",
            code=task.code,
        ),
    )


def person_card(person: Person, region: str) -> Text:
    """Everything recorded about a person: for a direct message only. `region`: the
    network's country, whose phone numbers are shown the way people there write them."""
    return lines(
        _("{code}: {name}", code=person.code, name=Raw(person.details.name)),
        details_lines(person.details, region),
        _("Linked to report R{number}.", number=person.report_id) if person.report_id else None,
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
