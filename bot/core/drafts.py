"""What people typed, checked and turned into the values the core acts on.

Lengths are limited with a friendly answer that says by how much; places, agencies,
signs, sources, dates of birth, phone numbers and times are read the same way from the
text grammar, Discord's forms and the step-by-step conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from bot.core.commands import Example
from bot.core.errors import UserError
from bot.core.models import PersonDetails
from bot.core.network import Network
from bot.core.personal_fields import parse_date_of_birth, parse_when, read_language
from bot.core.phone_numbers import parse_phone
from bot.core.yes_no import skips
from bot.i18n import (
    Text,
    _,
)

MAX_NOTE_CHARS = 500
T = TypeVar("T")
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


@dataclass(frozen=True)
class ReadPerson:
    details: PersonDetails
    unread: tuple[Text, ...] = ()  # why a field was kept in the notes as typed


def person_details(fields: dict[str, str], now: datetime, network: Network) -> ReadPerson:
    """A person detained, from the fields an organizer typed (one line, form or steps);
    dates and times in the network's zone and languages, phones of its region.

    Only a missing name is refused. A date, phone or time that cannot be read is kept in
    the notes exactly as typed, and `unread` says why, so nothing typed is lost and the
    organizer can fix it later (/person shows it)."""
    zone, languages = network.zone, network.languages
    name = check_length(fields.get("name", "").strip(), 100, _("name"))
    if not name:
        raise UserError(
            _(
                "Who was detained? Add their name, for example: {example}",
                example=DETAINED_EXAMPLE,
            )
        )
    kept: list[str] = []
    unread: list[Text] = []
    today = now.astimezone(zone).date()

    def read(key: str, parse: Callable[[str], T]) -> T | None:
        typed = fields.get(key, "").strip()
        if not typed:
            return None
        try:
            return parse(typed)
        except UserError as problem:
            kept.append(f"{key}: {typed}")
            unread.append(problem.message)
            return None

    date_of_birth = read("dob", lambda typed: parse_date_of_birth(typed, today, languages))
    phone = read("phone", lambda typed: parse_phone(typed, network.region))
    children_by = read("pickup", lambda typed: parse_when(typed, now, zone, languages))
    notes = "; ".join(part for part in (fields.get("notes", "").strip(), *kept) if part)
    details = PersonDetails(
        name=name,
        date_of_birth=date_of_birth,
        contact_name=check_length(fields.get("contact", "").strip(), 100, _("contact")),
        contact_phone=phone or "",
        contact_relation=check_length(fields.get("relation", "").strip(), 40, _("relation")),
        language=read_language(check_length(fields.get("language", ""), 40, _("language"))) or None,
        children=_children(fields.get("children", "")),
        children_by=children_by,
        notes=check_length(notes, MAX_NOTE_CHARS, _("note")),
    )
    return ReadPerson(details, tuple(unread))


def _children(text: str) -> str:
    """Where to pick children up; "none", "no", "ninguno" mean there are none to pick up
    (and no pick-up task is proposed)."""
    return "" if skips(text) else check_length(text.strip(), 200, _("children"))
