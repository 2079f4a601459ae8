"""What people typed, checked and turned into the values the core acts on.

Lengths are limited with a friendly answer that says by how much; places, agencies,
signs, sources, dates of birth, phone numbers and times are read the same way from the
text grammar, Discord's forms and the step-by-step conversation.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.commands import Example
from bot.core.errors import UserError
from bot.core.models import PersonDetails
from bot.core.network import Network
from bot.core.personal_fields import parse_date_of_birth, parse_when, read_language
from bot.core.phone_numbers import parse_phone
from bot.i18n import (
    Text,
    _,
)
from bot.i18n.words import fold, vocabulary

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


def person_details(fields: dict[str, str], now: datetime, network: Network) -> PersonDetails:
    """A person detained, from the fields an organizer typed (one line, form or steps);
    dates and times in the network's zone and languages, phones of its region."""
    zone, languages = network.zone, network.languages
    name = check_length(fields.get("name", "").strip(), 100, _("name"))
    if not name:
        raise UserError(
            _(
                "Who was detained? Add their name, for example: {example}",
                example=DETAINED_EXAMPLE,
            )
        )
    dob = fields.get("dob", "").strip()
    phone = fields.get("phone", "").strip()
    pickup = fields.get("pickup", "").strip()
    today = now.astimezone(zone).date()
    return PersonDetails(
        name=name,
        date_of_birth=parse_date_of_birth(dob, today, languages) if dob else None,
        contact_name=check_length(fields.get("contact", "").strip(), 100, _("contact")),
        contact_phone=parse_phone(phone, network.region) if phone else "",
        contact_relation=check_length(fields.get("relation", "").strip(), 40, _("relation")),
        language=read_language(check_length(fields.get("language", ""), 40, _("language"))) or None,
        children=_children(fields.get("children", "")),
        children_by=parse_when(pickup, now, zone, languages) if pickup else None,
        notes=check_length(fields.get("notes", "").strip(), MAX_NOTE_CHARS, _("note")),
    )


def _children(text: str) -> str:
    """Where to pick children up; "none", "no", "ninguno" mean there are none to pick up
    (and no pick-up task is proposed)."""
    answer = vocabulary().index("answers").get(fold(text))
    return "" if answer in ("no", "skip") else check_length(text.strip(), 200, _("children"))
