"""What people typed, checked and turned into the values the core acts on.

Lengths are limited with a friendly answer that says by how much; places, agencies,
signs, sources, dates of birth, phone numbers and times are read the same way from the
text grammar, Discord's forms and the step-by-step conversation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.core.commands import Example
from bot.core.errors import UserError
from bot.core.models import PersonDetails
from bot.core.need_to_know import PersonField
from bot.core.network import Network
from bot.core.personal_fields import (
    AmbiguousDateError,
    PassedTodayError,
    parse_date_of_birth,
    parse_when,
    read_language,
)
from bot.core.phone_numbers import parse_phone
from bot.core.yes_no import skips
from bot.i18n import (
    Text,
    _,
    lines,
)
from bot.i18n.words import fold

MAX_NOTE_CHARS = 500
DETAINED_EXAMPLE = Example("detained")


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


# The labels of a person's record (the keys of the words files' [labels.person]) and
# the field each one fills; a `PersonField`'s value is its name in `PersonDetails`.
PERSON_LABELS: dict[str, PersonField] = {
    "name": PersonField.NAME,
    "dob": PersonField.DATE_OF_BIRTH,
    "contact": PersonField.CONTACT_NAME,
    "relation": PersonField.CONTACT_RELATION,
    "phone": PersonField.CONTACT_PHONE,
    "language": PersonField.LANGUAGE,
    "children": PersonField.CHILDREN,
    "pickup": PersonField.CHILDREN_BY,
    "notes": PersonField.NOTES,
}
# Fields read from what was typed (a date, a number, a time): one that cannot be read
# is kept in the notes as typed when a person is recorded, rather than refused.
PARSED = ("dob", "phone", "pickup")
# What a correction can send for each of them, shown as an example.
SAMPLES = {"dob": "1990-04-12", "phone": "+1 555 010 0199", "pickup": "15:30"}
EMPTY = PersonDetails(name="")


@dataclass(frozen=True)
class Unread:
    """A field kept in the notes as typed, because it could not be read."""

    label: str  # its key in the words files: dob, phone, pickup
    problem: Text  # why, as the parser says it
    choices: tuple[str, ...] = ()  # what it may have meant (a date read two ways)


@dataclass(frozen=True)
class ReadPerson:
    details: PersonDetails
    unread: tuple[Unread, ...] = ()
    pickup_passed: bool = False  # the pick-up time was earlier today: kept, overdue


def _value(label: str, typed: str, now: datetime, network: Network) -> object:
    """One field as it is stored, from what was typed; a UserError says why it cannot be.
    A pick-up time earlier today raises `PassedTodayError`, which carries it."""
    zone, languages = network.zone, network.languages
    if label == "dob":
        return parse_date_of_birth(typed, now.astimezone(zone).date(), languages)
    if label == "phone":
        return parse_phone(typed, network.region)
    if label == "pickup":
        return parse_when(typed, now, zone, languages)
    if label == "language":
        return read_language(check_length(typed, 40, _("language"))) or None
    if label == "children":
        return _children(typed)
    limits = {"name": (100, _("name")), "contact": (100, _("contact")),
              "relation": (40, _("relation"))}  # fmt: skip
    limit, field = limits.get(label, (MAX_NOTE_CHARS, _("note")))
    return check_length(typed, limit, field)


def person_details(fields: Mapping[str, str], now: datetime, network: Network) -> ReadPerson:
    """A person detained, from the fields an organizer typed (one line, form or steps);
    dates and times in the network's zone and languages, phones of its region.

    Only a missing name is refused. A date, phone or time that cannot be read is kept in
    the notes exactly as typed, and `unread` says why, so nothing typed is lost and the
    organizer can fix it later (/person P3 dob: …). A pick-up time earlier today is kept
    as given: the children may still be waiting (`pickup_passed`)."""
    name = check_length(fields.get("name", "").strip(), 100, _("name"))
    if not name:
        raise UserError(
            _(
                "Who was detained? Add their name, for example: {example}",
                example=DETAINED_EXAMPLE,
            )
        )
    values: dict[str, Any] = {"name": name}
    kept: list[str] = []
    unread: list[Unread] = []
    passed = False
    for label, field in PERSON_LABELS.items():
        typed = fields.get(label, "").strip()
        if not typed or label in ("name", "notes"):
            continue
        try:
            values[field.value] = _value(label, typed, now, network)
        except PassedTodayError as late:
            values[field.value], passed = late.moment, True
        except UserError as problem:
            if label not in PARSED:
                raise
            kept.append(f"{label}: {typed}")
            unread.append(Unread(label, problem.message, _choices(problem)))
    notes = "; ".join(part for part in (fields.get("notes", "").strip(), *kept) if part)
    values["notes"] = check_length(notes, MAX_NOTE_CHARS, _("note"))
    details = replace(EMPTY, **values)
    return ReadPerson(details, tuple(unread), pickup_passed=passed)


def _choices(problem: UserError) -> tuple[str, ...]:
    if isinstance(problem, AmbiguousDateError):
        return tuple(day.isoformat() for day in problem.readings)
    return ()


@dataclass(frozen=True)
class Correction:
    """What an organizer changes in a person's record (/person P3 dob: …)."""

    changes: dict[PersonField, Any]  # the new values; an empty one clears the field
    pickup_passed: bool = False


def read_correction(fields: Mapping[str, str], now: datetime, network: Network) -> Correction:
    """The corrected fields, read exactly as /detained reads them. Here nothing is kept
    in the notes: a value that cannot be read refuses the whole correction, saying why
    for each, since the organizer is there to send it again. "-" (or "none", "ninguno")
    clears a field; the name cannot be cleared."""
    changes: dict[PersonField, Any] = {}
    problems: list[Text] = []
    passed = False
    for label, value in fields.items():
        field = PERSON_LABELS[label]
        typed = value.strip()
        if not typed:
            continue
        if label == "name" and (skips(typed) or not fold(typed)):
            problems.append(_("A name is needed so the family and lawyers can find them."))
        elif skips(typed):
            changes[field] = getattr(EMPTY, field.value)
        else:
            try:
                changes[field] = _value(label, typed, now, network)
            except PassedTodayError as late:
                changes[field], passed = late.moment, True
            except UserError as problem:
                problems.append(problem.message)
    if problems:
        raise UserError(lines(_("Nothing was changed."), *problems))
    return Correction(changes, pickup_passed=passed)


def unpark(notes: str, labels: Iterable[str]) -> str:
    """The notes without what was kept in them for `labels` ("dob: 12/04/1990"), once
    those fields are corrected."""
    prefixes = tuple(f"{label}: " for label in labels)
    if not prefixes:
        return notes
    return "; ".join(part for part in notes.split("; ") if not part.startswith(prefixes))


def _children(text: str) -> str:
    """Where to pick children up; "none", "no", "ninguno" mean there are none to pick up
    (and no pick-up task is proposed)."""
    return "" if skips(text) else check_length(text.strip(), 200, _("children"))
