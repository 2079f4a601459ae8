"""A clock tests move by hand, so no test waits for real time to pass.

It is also a timer (`bot.pacing.Timer`): `sleep` returns when a test has advanced the
clock past the sleeper's deadline, never by itself, so pacing and send timeouts run on
the test's time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._now

    def advance(self, amount: timedelta | float) -> None:
        self._now += amount if isinstance(amount, timedelta) else timedelta(seconds=amount)
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _deadline, _order, waiter = heapq.heappop(self._sleepers)
            if not waiter.done():
                waiter.set_result(None)

    # -- as a timer ----------------------------------------------------------------------

    def monotonic(self) -> float:
        return (self._now - EPOCH).total_seconds()

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        deadline = self._now + timedelta(seconds=seconds)
        heapq.heappush(self._sleepers, (deadline, next(self._order), waiter))
        await waiter

    def next_wake(self) -> datetime | None:
        """When the soonest sleeper wakes, if any sleeps."""
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)  # a sleeper that was cancelled
        return self._sleepers[0][0] if self._sleepers else None

    def advance_to_next_wake(self) -> bool:
        """Move to the soonest sleeper's deadline and wake it; False if none sleeps."""
        wake = self.next_wake()
        if wake is None:
            return False
        self.advance(max(wake - self._now, timedelta(0)))
        return True
