"""A chat platform for delivery tests and the fan-out benchmark.

It enforces rate limits the way a platform does, on arrival: more than `per_chat.count`
messages to one chat, or `overall.count` in all, within their periods, and the send is
refused with how long to wait (Discord's 429 and its `retry_after`). Each send takes
`latency` seconds on the timer. It can be told what the next sends do: fail for now,
fail for good, stall (never answer), or refuse as rate-limited. Time comes from a timer
(`bot.pacing.Timer`): the fake clock in tests, the event loop's in the benchmark.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from bot.core.models import OutboxEntry
from bot.delivery import DeliveryError
from bot.pacing import Rate, Timer

OK, FAIL, PERMANENT, STALL, THROTTLE = "ok", "fail", "permanent", "stall", "throttle"


@dataclass(frozen=True)
class Sent:
    id: int
    address: str
    body: str
    started: float  # on the timer
    finished: float


@dataclass
class Limit:
    rate: Rate
    arrivals: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        while self.arrivals and self.arrivals[0] <= now - self.rate.per:
            self.arrivals.popleft()
        if len(self.arrivals) < self.rate.count:
            return 0.0
        return self.arrivals[0] + self.rate.per - now


class FakePlatform:
    def __init__(
        self,
        timer: Timer,
        *,
        platform: str = "test",
        per_chat: Rate | None = None,
        overall: Rate | None = None,
        latency: float = 0.0,
        throttle_wait: float = 30.0,
    ) -> None:
        self.platform = platform
        self.timer = timer
        self.per_chat = per_chat
        self.overall = Limit(overall) if overall else None
        self.chats: dict[str, Limit] = {}
        self.latency = latency
        self.throttle_wait = throttle_wait
        self.sent: list[Sent] = []
        self.refused: list[tuple[int, float]] = []  # (row id, wait asked) over the limits
        self.attempts: list[int] = []
        self.abandoned: list[int] = []  # sends the sender gave up waiting for
        self.script: deque[str] = deque()  # what the next sends do (then: OK)
        self.in_flight = 0
        self.most_in_flight = 0
        self.stalled = 0
        self.changed = asyncio.Event()  # set whenever a send starts or ends

    def next(self, *actions: str) -> None:
        self.script.extend(actions)

    def to(self, address: str) -> list[str]:
        return [sent.body for sent in self.sent if sent.address == address]

    def _over_limit(self, address: str, now: float) -> float:
        waits = [0.0]
        if self.overall is not None:
            waits.append(self.overall.wait(now))
        if self.per_chat is not None:
            chat = self.chats.setdefault(address, Limit(self.per_chat))
            waits.append(chat.wait(now))
        return max(waits)

    async def send(self, entry: OutboxEntry) -> str | None:
        started = self.timer.monotonic()
        self.attempts.append(entry.id)
        wait = self._over_limit(entry.address, started)
        if wait > 0:
            self.refused.append((entry.id, wait))
            raise DeliveryError("rate limited", retry_after=wait)
        if self.overall is not None:
            self.overall.arrivals.append(started)
        if self.per_chat is not None:
            self.chats[entry.address].arrivals.append(started)
        action = self.script.popleft() if self.script else OK
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.changed.set()
        try:
            if action == STALL:
                self.stalled += 1
                try:
                    await asyncio.Future()  # no answer, ever
                finally:
                    self.stalled -= 1
            if self.latency:
                await self.timer.sleep(self.latency)
        except asyncio.CancelledError:
            self.abandoned.append(entry.id)
            raise
        finally:
            self.in_flight -= 1
            self.changed.set()
        if action == FAIL:
            raise DeliveryError("gateway error")
        if action == PERMANENT:
            raise DeliveryError("channel deleted", permanent=True)
        if action == THROTTLE:
            raise DeliveryError("rate limited", retry_after=self.throttle_wait)
        self.sent.append(Sent(entry.id, entry.address, entry.body, started, self.timer.monotonic()))
        return f"m{entry.id}"
