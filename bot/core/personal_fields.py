"""Reading the fields of a person's record and of task times, with friendly refusals.

Dates of birth are written year first (1990-04-12): 04/05/1990 means April in the US
and May in most Spanish-speaking countries, and a wrong birth date can keep a family
from finding someone in a detention database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.durations import DurationError, parse_duration
from bot.core.errors import UserError
from bot.i18n import Raw, _

_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ().-]+$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)
_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$")


def parse_date_of_birth(text: str, today: date) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            _(
                "“{value}” is not a date of birth I can read. Write it year first, "
                "like 1990-04-12.",
                value=Raw(text.strip()),
            )
        ) from None
    if value > today or value.year < 1900:
        raise UserError(
            _(
                "The date of birth {value} cannot be right. Please check it.",
                value=Raw(value.isoformat()),
            )
        )
    return value


def parse_phone(text: str) -> str:
    cleaned = text.strip()
    digits = re.sub(r"\D", "", cleaned)
    if not _PHONE_ALLOWED.match(cleaned) or not 7 <= len(digits) <= 15:
        raise UserError(
            _(
                "“{value}” is not a phone number I can use. Write it with digits, like "
                "+1 555 010 0199.",
                value=Raw(cleaned),
            )
        )
    return ("+" if cleaned.startswith("+") else "") + digits


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """ "2h" or "90m" from now, "15:30" or "3pm" today, or "2026-11-24 08:00"."""
    cleaned = text.strip().lower()
    try:
        return now + parse_duration(cleaned)
    except DurationError:
        pass
    local_now = now.astimezone(zone)
    full = _DATE_TIME.match(cleaned)
    clock = _CLOCK.match(cleaned)
    moment: datetime | None = None
    if full:
        try:
            moment = datetime.fromisoformat(f"{full.group(1)} {full.group(2)}").replace(tzinfo=zone)
        except ValueError:
            moment = None
    elif clock:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        suffix = (clock.group(3) or "").replace(".", "")
        if suffix == "pm" and hour < 12:
            hour += 12
        if suffix == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            moment = datetime.combine(local_now.date(), time(hour, minute), tzinfo=zone)
            if moment < local_now:
                raise UserError(
                    _(
                        "{value} has already passed today. Give a date too, like "
                        "2026-11-24 08:00, or a time from now, like 2h.",
                        value=Raw(text.strip()),
                    )
                )
    if moment is None:
        raise UserError(
            _(
                "“{value}” is not a time I can read. Use a time from now (2h, 90m), a time "
                "today (15:30, 3pm) or a date and time (2026-11-24 08:00).",
                value=Raw(text.strip()),
            )
        )
    if moment < now - timedelta(minutes=1):
        raise UserError(_("{value} is in the past.", value=Raw(text.strip())))
    return moment
