"""Time is injected, so tests and drills control it without patching the world."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def next_daily(after: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The next moment after `after` when local time in `zone` reads `at`."""
    local = after.astimezone(zone)
    moment = datetime.combine(local.date(), at, tzinfo=zone)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return moment
