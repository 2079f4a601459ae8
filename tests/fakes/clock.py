"""A clock tests move by hand, so no test waits for real time to pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 18, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, amount: timedelta | float) -> None:
        self._now += amount if isinstance(amount, timedelta) else timedelta(seconds=amount)
