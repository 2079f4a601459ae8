"""How fast a platform may be sent to: per-chat and overall limits, and time to wait.

A platform refuses a sender that goes faster than its limits, and a refusal costs far
more than waiting (Discord answers 429 and counts it against the bot; Signal may ask
for a captcha). So the delivery worker paces itself: before each send it asks the
`Pacer` how long to wait, and records the send when it starts. A limit is a sliding
window, "at most `count` sends in any `per` seconds", the strictest reading of a
platform's published numbers; a window that starts at the first send (Discord's
buckets) or a token bucket never refuses what this allows.

Time comes from a `Timer`, so tests drive it: the event loop's own clock in
production, a fake clock that moves only when a test advances it in tests.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Protocol


class Timer(Protocol):
    """Monotonic seconds, and a way to wait for them to pass."""

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class LoopTimer:
    """The event loop's clock: what every delivery worker uses outside tests."""

    def monotonic(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Rate:
    """At most `count` sends in any `per` seconds."""

    count: int
    per: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.per <= 0:
            raise ValueError(f"a rate needs a count >= 1 and a period > 0, not {self}")


@dataclass(frozen=True)
class Limits:
    """What a platform allows, and how long the worker waits for one send.

    `in_flight` bounds the sends under way at once (across chats; a chat's own
    messages always go one after another). `timeout` is how long a send may take
    before it is abandoned and retried later with backoff.
    """

    per_chat: Rate | None = None
    overall: Rate | None = None
    in_flight: int = 8
    timeout: float = 60.0
    # The platform counts a send from when it arrives, a network's jitter after the
    # worker counted it: each window is kept this much longer, so jitter never makes two
    # sends a window apart look closer to the platform.
    margin: float = 0.02

    def __post_init__(self) -> None:
        if self.in_flight < 1 or self.timeout <= 0 or self.margin < 0:
            raise ValueError(f"in_flight must be >= 1, timeout > 0, margin >= 0, not {self}")


class _Window:
    """The start times of the last `rate.count` sends, oldest first."""

    def __init__(self, rate: Rate, margin: float) -> None:
        self.rate = rate
        self.span = rate.per + margin
        self.starts: deque[float] = deque(maxlen=rate.count)

    def wait(self, now: float) -> float:
        if len(self.starts) < self.rate.count:
            return 0.0
        return max(0.0, self.starts[0] + self.span - now)

    def record(self, now: float) -> None:
        self.starts.append(now)  # the oldest falls out: only the last `count` matter

    def idle(self, now: float) -> bool:
        return not self.starts or self.starts[-1] + self.span <= now


class Pacer:
    """Keeps one platform's sends within its limits, per chat and overall.

    `wait` and `record` are called with no await between them (the event loop runs
    one coroutine at a time), so two chats never both take the last free slot.
    """

    PRUNE_EVERY = 256  # sends between sweeps of chats that have been quiet for a window

    def __init__(self, limits: Limits, timer: Timer) -> None:
        self.limits = limits
        self.timer = timer
        self._overall = _Window(limits.overall, limits.margin) if limits.overall else None
        self._chats: dict[Hashable, _Window] = {}
        self._recorded = 0

    def chat_wait(self, chat: Hashable) -> float:
        """Seconds until the chat's own limit allows a send."""
        window = self._chats.get(chat)
        return window.wait(self.timer.monotonic()) if window is not None else 0.0

    def wait(self, chat: Hashable) -> float:
        """Seconds until both the chat's limit and the overall one allow a send."""
        now = self.timer.monotonic()
        overall = self._overall.wait(now) if self._overall is not None else 0.0
        window = self._chats.get(chat)
        return max(overall, window.wait(now) if window is not None else 0.0)

    def record(self, chat: Hashable) -> None:
        """A send to `chat` starts now."""
        now = self.timer.monotonic()
        if self._overall is not None:
            self._overall.record(now)
        if self.limits.per_chat is not None:
            window = self._chats.get(chat)
            if window is None:
                window = self._chats[chat] = _Window(self.limits.per_chat, self.limits.margin)
            window.record(now)
        self._recorded += 1
        if self._recorded % self.PRUNE_EVERY == 0:
            self._chats = {c: w for c, w in self._chats.items() if not w.idle(now)}

    async def until_chat_allows(self, chat: Hashable) -> None:
        while (wait := self.chat_wait(chat)) > 0:
            await self.timer.sleep(wait)

    async def until_allowed(self, chat: Hashable) -> None:
        """Wait for a slot, then take it (record the send as starting now)."""
        while (wait := self.wait(chat)) > 0:
            await self.timer.sleep(wait)
        self.record(chat)
