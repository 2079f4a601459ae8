"""Human durations ("90s", "15m", "2h", "1h30m") for config and commands.

Organizers write timers in config and tests and drills shrink them to seconds, so one
parser must accept the forms people actually type and refuse anything ambiguous.
"""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
}
_PART = re.compile(r"(\d{1,6})\s*([a-z]+)")
# Nobody needs a timer longer than a year, and the bound keeps arithmetic safe.
MAX_DURATION = timedelta(days=366)


class DurationError(ValueError):
    """The text is not a duration; the message is safe to show to a person."""


def parse_duration(text: str) -> timedelta:
    """Parse "90s", "15m", "2h", "1d" or combinations such as "1h 30m"."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise DurationError("empty duration")
    position = 0
    total = 0
    seen: set[int] = set()
    for match in _PART.finditer(cleaned):
        if cleaned[position : match.start()].strip():
            break
        amount, unit = int(match.group(1)), match.group(2)
        if unit not in _UNITS:
            raise DurationError(f"unknown unit {unit!r}")
        size = _UNITS[unit]
        if size in seen:
            raise DurationError(f"unit {unit!r} given twice")
        seen.add(size)
        total += amount * size
        position = match.end()
    if position == 0 or cleaned[position:].strip():
        raise DurationError(f"{text.strip()!r} is not a duration like 90s, 15m or 2h")
    if total <= 0:
        raise DurationError("a duration must be longer than zero")
    result = timedelta(seconds=total)
    if result > MAX_DURATION:
        raise DurationError("a duration must be shorter than a year")
    return result


def format_duration(value: timedelta) -> str:
    """The shortest exact human form, so config round-trips ("5400s" -> "1h30m")."""
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"
