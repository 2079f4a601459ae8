"""Reading the fields of a person's record and of task times, with friendly refusals.

Dates of birth are written year first (1990-04-12) or with the month's name (12 April
1990, 12 de abril de 1990): 04/05/1990 means April in the US and May in most
Spanish-speaking countries, and a wrong birth date can keep a family from finding
someone in a detention database, so a date that can be read two ways is refused.

Times are read in the network's time zone, relative to the bot's clock (never the
machine's): "2h", "15:30", "3pm", "tomorrow 3pm", "mañana a las 3", "in 2 hours",
"en 2 horas", "2026-11-24 08:00", in any of the network's languages (with dateparser).

Phone numbers are read as numbers of the network's country (`region`) unless they
start with + and are kept as E.164 (+15550100199); they are shown the way people there
write them: (555) 010-0199.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import dateparser
from dateparser.data import languages_info

from bot.core.durations import DurationError, parse_duration
from bot.core.errors import UserError
from bot.core.vocabulary import language_code
from bot.i18n import SOURCE_LANGUAGE, Raw, Text, _, available_languages

_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_FULL_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d{2}(?!\d)")
_LETTER = re.compile(r"[^\W\d_]")
# A clock time inside a longer text: "3pm", "15:30", "a las 3", "at 3", "demain 15h", "3 de
# la tarde". A bare number counts only after a word like "at" ("in 2 hours" has none);
# "2h" alone is two hours from now, read before this.
_TIME = re.compile(
    r"(?:(?<!\w)(?P<marker>a\s+las|a\s+la|para\s+las|antes\s+de\s+las|at|by|before|à|às|as)"
    r"\s+)?(?<![\w:./-])(?P<hour>\d{1,2})(?:\s*(?P<sep>[:h.])\s*(?P<minute>\d{2}))?"
    r"(?:\s*(?P<suffix>a\.?\s?m\.?|p\.?\s?m\.?)|(?P<hours>h))?"
    r"(?:\s+(?P<part>de\s+la\s+ma[ñn]ana|de\s+la\s+madrugada|de\s+la\s+tarde|de\s+la\s+noche))?"
    r"(?![\w:])",
    re.IGNORECASE,
)
_TODAY = frozenset({"today", "hoy", "aujourd'hui", "hoje", "tonight", "esta noche"})
# Words before a day that dateparser does not expect ("el viernes", "this friday").
_LEADING = frozenset({"el", "la", "este", "esta", "this", "on", "le", "ce", "o", "no", "na"})
# Days dateparser does not know in these languages.
_DAY_NAMES = {"pasado mañana": "day after tomorrow", "pasado manana": "day after tomorrow",
              "depois de amanhã": "day after tomorrow"}  # fmt: skip


class AmbiguousDateError(UserError):
    """A day and month that could be read either way: the two days it could be."""

    def __init__(self, message: Text, readings: tuple[date, date]) -> None:
        super().__init__(message)
        self.readings = readings


class PassedTodayError(UserError):
    """A time of day that was earlier today. A task's due time cannot be in the past, but
    a pick-up time can: children who were due at 3pm may still be waiting at 5."""

    def __init__(self, message: Text, moment: datetime) -> None:
        super().__init__(message)
        self.moment = moment


def _passed_today(text: str, moment: datetime) -> PassedTodayError:
    return PassedTodayError(
        _(
            "{value} has already passed today. Say the day too, like tomorrow 8am, or "
            "a time from now, like 2h.",
            value=Raw(text),
        ),
        moment,
    )


def _date_of_birth_refusal(text: str) -> UserError:
    return UserError(
        _(
            "“{value}” is not a date of birth I can read. Write it year first, like 1990-04-12.",
            value=Raw(text),
        )
    )


@cache
def _dateparser_languages(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The network's languages that dateparser reads, English always among them."""
    wanted = dict.fromkeys((*languages, SOURCE_LANGUAGE))
    return tuple(code for code in wanted if code in languages_info.language_order)


def _numeric_date(day_or_month: int, month_or_day: int, year: int, text: str) -> date:
    """12/25/1990 or 25/12/1990 (only one reading is a date), 05/05/1990 (both readings
    are the same day); 04/05/1990 is refused, naming both days it could be."""
    readings: list[date] = []
    for month, day in ((day_or_month, month_or_day), (month_or_day, day_or_month)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    if not readings:
        raise _date_of_birth_refusal(text)
    if len(set(readings)) > 1:
        raise AmbiguousDateError(
            _(
                "“{value}” could be {first} or {second}. Write it year first, like "
                "1990-04-12, or with the month's name, like 12 April 1990.",
                value=Raw(text),
                first=Raw(readings[0].isoformat()),
                second=Raw(readings[1].isoformat()),
            ),
            (readings[0], readings[1]),
        )
    return readings[0]


def parse_date_of_birth(text: str, today: date, languages: Sequence[str] = ()) -> date:
    """1990-04-12 (also 1990/04/12), "12 April 1990", "12 de abril de 1990", "April 12,
    1990" in the network's languages, or a day/month pair only one way can be read."""
    cleaned = text.strip()
    value: date | None = None
    year_first = _YEAR_FIRST.match(cleaned)
    numeric = _NUMERIC_DATE.match(cleaned)
    if year_first:
        try:
            value = date(*(int(part) for part in year_first.groups()))
        except ValueError:
            value = None
    elif numeric:
        first, second, year = (int(part) for part in numeric.groups())
        value = _numeric_date(first, second, year, cleaned)
    elif _FULL_YEAR.search(cleaned) and _LETTER.search(cleaned):
        # A month's name and a four-digit year: nothing relative ("yesterday") and no
        # two-digit year to guess the century of.
        settings: Any = {
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "RELATIVE_BASE": datetime.combine(today, time()),
        }
        found = dateparser.parse(
            cleaned, languages=list(_dateparser_languages(tuple(languages))), settings=settings
        )
        value = found.date() if found is not None else None
    if value is None:
        raise _date_of_birth_refusal(cleaned)
    if value > today or value.year < 1900:
        raise UserError(
            _(
                "The date of birth {value} cannot be right. Please check it.",
                value=Raw(value.isoformat()),
            )
        )
    return value


def read_language(text: str) -> str:
    """The code of a language the bot writes ("spanish", "español", "es-MX" -> "es"),
    or the words as typed: a family that speaks Mixteco or K'iche' is never refused."""
    cleaned = text.strip()
    code = language_code(cleaned)
    return code if code in available_languages() else cleaned


def parse_when(text: str, now: datetime, zone: ZoneInfo, languages: Sequence[str] = ()) -> datetime:
    """A moment from what someone typed, relative to `now` (the bot's clock), in `zone`:
    "2h" or "90m" from now, "15:30" or "3pm" today, "tomorrow 3pm", "mañana a las 3",
    "in 2 hours", "en 2 horas", "2026-11-24 08:00", in `languages`.

    An hour without am/pm ("3", "a las 3") is the next such hour today, or on another
    day the daytime one (1 to 6 in the afternoon, 7 to 12 in the morning); the answer is
    always shown back, so a wrong guess is seen and changed. A time earlier today is
    refused with `PassedTodayError`, which carries it (see `parse_pickup`).
    """
    cleaned = text.strip()
    lowered = cleaned.lower()
    for candidate in (lowered, re.sub(r"^(?:in|en|dans|em)\s+", "", lowered)):
        try:
            return now + parse_duration(candidate)
        except DurationError:
            pass
    local_now = now.astimezone(zone)
    full = _DATE_TIME.match(lowered)
    moment: datetime | None = None
    if full:
        try:
            moment = datetime.fromisoformat(f"{full.group(1)} {full.group(2)}").replace(tzinfo=zone)
        except ValueError:
            moment = None
    else:
        moment = _natural(cleaned, local_now, zone, tuple(languages))
    if moment is None:
        raise UserError(
            _(
                "“{value}” is not a time I can read. Use a time from now (2h, in 90 minutes), "
                "a time today (15:30, 3pm) or a day and time (tomorrow 3pm, 2026-11-24 08:00).",
                value=Raw(cleaned),
            )
        )
    if moment < now - timedelta(minutes=1):
        past = _("{value} is in the past.", value=Raw(cleaned))
        if moment.astimezone(zone).date() == local_now.date():
            raise PassedTodayError(past, moment)
        raise UserError(past)
    return moment


def parse_pickup(
    text: str, now: datetime, zone: ZoneInfo, languages: Sequence[str] = ()
) -> tuple[datetime, bool]:
    """When children must be picked up, and whether that time has already passed.

    Unlike a task's due time, a pick-up time earlier today is kept: an organizer who
    records at 5:26 PM that the children were to be picked up at 15:00 is saying they
    may still be waiting, and the pick-up task is overdue at once."""
    try:
        return parse_when(text, now, zone, languages), False
    except PassedTodayError as passed:
        return passed.moment, True


def _natural(
    text: str, local_now: datetime, zone: ZoneInfo, languages: tuple[str, ...]
) -> datetime | None:
    """A day (today unless one is named) and a clock time, or a time from now."""
    alone = _TIME.fullmatch(text)  # "3" alone is a time of day, not the 3rd
    clock = alone or next((m for m in _TIME.finditer(text) if _is_clock(m)), None)
    if clock is None:
        return _from_now(text, local_now, zone, languages)
    rest = " ".join(f"{text[: clock.start()]} {text[clock.end() :]}".split()).strip(" ,")
    today = not rest or rest.lower() in _TODAY
    day = local_now.date() if today else _day(rest, local_now, languages)
    if day is None:
        return None
    hours = _hours(clock, today=today)
    minute = int(clock.group("minute") or 0)
    if not hours or minute > 59:
        return None
    moments = [datetime.combine(day, time(hour, minute), tzinfo=zone) for hour in hours]
    upcoming = [moment for moment in moments if moment >= local_now - timedelta(minutes=1)]
    if today and not upcoming:
        raise _passed_today(text, max(moments))
    return (upcoming or moments)[0]


def _is_clock(match: re.Match[str]) -> bool:
    """A number that is a time of day, not "2" in "in 2 hours" or "24" in "24 nov"."""
    return bool(
        match.group("marker")
        or match.group("minute")
        or match.group("suffix")
        or match.group("part")
        or match.group("hours")  # "15h": "demain 15h", "amanhã às 8h"
    )


def _hours(clock: re.Match[str], *, today: bool) -> list[int]:
    """The hours (24-hour clock) a typed hour may mean, most likely first."""
    hour = int(clock.group("hour"))
    suffix = (clock.group("suffix") or "").replace(".", "").replace(" ", "").lower()
    part = " ".join((clock.group("part") or "").lower().split())
    afternoon = suffix == "pm" or part in ("de la tarde", "de la noche")
    morning = suffix == "am" or part in ("de la mañana", "de la manana", "de la madrugada")
    if hour > 23 or ((afternoon or morning) and not 1 <= hour <= 12):
        return []
    if afternoon:
        return [hour if hour == 12 else hour + 12]
    if morning:
        return [0 if hour == 12 else hour]
    if hour == 0 or hour > 12 or clock.group("hour").startswith("0"):
        return [hour]  # a 24-hour clock: 08:00, 15:00
    if today:
        return [hour % 12, hour % 12 + 12] if hour != 12 else [12]
    return [hour + 12] if hour <= 6 else [hour]


def _settings(local_now: datetime) -> Any:
    return {
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _parse(text: str, local_now: datetime, languages: tuple[str, ...]) -> datetime | None:
    found: datetime | None = dateparser.parse(
        text, languages=list(_dateparser_languages(languages)), settings=_settings(local_now)
    )
    return found


def _day(text: str, local_now: datetime, languages: tuple[str, ...]) -> date | None:
    """ "tomorrow", "mañana", "friday", "el viernes", "24 nov": the day named. Only a
    little word like "el" or "this" is left out: "pasado mañana" is not "mañana"."""
    words = _DAY_NAMES.get(" ".join(text.lower().split()), text).split()
    if len(words) > 1 and words[0].lower() in _LEADING:
        words = words[1:]
    found = _parse(" ".join(words), local_now, languages)
    return found.date() if found is not None else None


def _from_now(
    text: str, local_now: datetime, zone: ZoneInfo, languages: tuple[str, ...]
) -> datetime | None:
    """ "in 2 hours", "en 2 horas", "tomorrow" (this time tomorrow); a day with no time
    ("friday") would be midnight, which nobody means, so it is asked for."""
    found = _parse(text, local_now, languages)
    if found is None:
        return None
    shift = timedelta(minutes=97)  # a time from now moves with now; "friday" does not
    moved = _parse(text, local_now + shift, languages)
    if found.time() == time() and (moved is None or moved - found != shift):
        raise UserError(
            _(
                "At what time on {value}? Add a time, like tomorrow 3pm.",
                value=Raw(text),
            )
        )
    return found.replace(tzinfo=zone)
