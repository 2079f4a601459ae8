"""What people typed, checked and turned into the values the core acts on.

Lengths are limited with a friendly answer that says by how much; places, agencies,
signs, sources, dates of birth, phone numbers and times are read the same way from the
text grammar, Discord's forms and the step-by-step conversation.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.commands import COMMANDS
from bot.core.errors import UserError
from bot.core.models import (
    Agency,
    PersonDetails,
    ReportDraft,
)
from bot.core.personal_fields import parse_date_of_birth, parse_phone, parse_when
from bot.core.vocabulary import (
    parse_agency,
    parse_signs,
    parse_source,
)
from bot.i18n import (
    Raw,
    Text,
    _,
)

MAX_PLACE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000
MAX_NOTE_CHARS = 500
REPORT_EXAMPLE = next(spec.example for spec in COMMANDS if spec.name == "report")
DETAINED_EXAMPLE = next(spec.example for spec in COMMANDS if spec.name == "detained")


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


def build_draft(
    *,
    where: str,
    what: str = "",
    agency: str = "",
    signs: str = "",
    source: str = "",
    media: tuple[str, ...] = (),
) -> ReportDraft:
    """A report from the words people typed, whichever front end they typed them in."""
    where = check_length(where.strip(), MAX_PLACE_CHARS, _("place"))
    if not where:
        raise UserError(
            _(
                "Where is it? Send the report again with the place, for example: {example}",
                example=Raw(REPORT_EXAMPLE),
            )
        )
    return ReportDraft(
        where=where,
        what=check_length(what.strip(), MAX_DESCRIPTION_CHARS, _("description")),
        agency=parse_agency(agency) if agency.strip() else Agency.UNKNOWN,
        signs=parse_signs(signs),
        source=parse_source(source) if source.strip() else None,
        media=media,
    )


def person_details(fields: dict[str, str], now: datetime, zone: ZoneInfo) -> PersonDetails:
    """A person detained, from the fields an organizer typed (one line, form or steps)."""
    name = check_length(fields.get("name", "").strip(), 100, _("name"))
    if not name:
        raise UserError(
            _(
                "Who was detained? Add their name, for example: {example}",
                example=Raw(DETAINED_EXAMPLE),
            )
        )
    dob = fields.get("dob", "").strip()
    phone = fields.get("phone", "").strip()
    pickup = fields.get("pickup", "").strip()
    return PersonDetails(
        name=name,
        date_of_birth=parse_date_of_birth(dob, now.astimezone(zone).date()) if dob else None,
        contact_name=check_length(fields.get("contact", "").strip(), 100, _("contact")),
        contact_phone=parse_phone(phone) if phone else "",
        contact_relation=check_length(fields.get("relation", "").strip(), 40, _("relation")),
        language=check_length(fields.get("language", "").strip(), 40, _("language")) or None,
        children=check_length(fields.get("children", "").strip(), 200, _("children")),
        children_by=parse_when(pickup, now, zone) if pickup else None,
        notes=check_length(fields.get("notes", "").strip(), MAX_NOTE_CHARS, _("note")),
    )
