"""Delivery workers: take outbox rows for one platform and send them, in order.

A platform outage must delay messages, never drop them and never crash the bot. Each
chat's rows go out in the order they were written (an all clear must not overtake its
alert), so a failing row holds back the later rows of its own chat but not of others.
A temporary failure is retried with capped exponential backoff and jitter; a permanent
one (the chat no longer exists) is marked failed so it stops blocking that chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Protocol

from bot.core.clock import Clock
from bot.core.messenger import RECORDED
from bot.core.models import OutboxEntry
from bot.core.store import Store
from bot.redact import redact

log = logging.getLogger(__name__)


class Sender(Protocol):
    platform: str

    async def send(self, entry: OutboxEntry) -> str | None:
        """Deliver one row; return the platform's message id if it has one."""
        ...


class DeliveryError(Exception):
    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        reason = redact(reason)  # kept, logged and shown to organizers: no numbers or ids
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class Backoff:
    base: float = 2.0
    cap: float = 300.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempts: int) -> float:
        """Full-jitter-ish: between half and all of the capped exponential delay."""
        ceiling = min(self.cap, self.base * float(2 ** min(attempts, 20)))
        return ceiling * (0.5 + self.rng.random() / 2)


class OutboxWorker:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        clock: Clock,
        backoff: Backoff | None = None,
        on_unreachable: Callable[[OutboxEntry, str], Awaitable[object]] | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.on_unreachable = on_unreachable
        self.wake = asyncio.Event()
        self._pass = asyncio.Lock()

    async def deliver_due(self) -> int:
        """Send every row that is due now; return how many were delivered."""
        async with self._pass:  # one pass at a time, or a row could go out twice
            async with self.store.reading() as tx:
                rows = await tx.outbox.pending(self.sender.platform)
            delivered = 0
            held: set[tuple[str, bool]] = set()
            for row in rows:
                chat = (row.address, row.is_direct)
                if chat in held:
                    continue
                if row.next_attempt_at > self.clock.now():
                    held.add(chat)
                    continue
                if await self._attempt(row):
                    delivered += 1
                else:
                    held.add(chat)
            return delivered

    async def _with_files(self, row: OutboxEntry) -> OutboxEntry:
        """The clean copies of photos that go with the message, read when it is sent
        (a photo purged meanwhile simply no longer goes)."""
        if not row.media_ids:
            return row
        async with self.store.reading() as tx:
            files = await tx.media.files(row.media_ids)
        return replace(row, files=tuple(files))

    async def _attempt(self, row: OutboxEntry) -> bool:
        try:
            external_id = await self.sender.send(await self._with_files(row))
        except DeliveryError as failure:
            if failure.permanent:
                async with self.store.transaction() as tx:
                    await tx.outbox.mark_failed(row.id, failure.reason)
                if row.is_direct:
                    # A member who cannot be written to (direct messages closed, the
                    # account gone) is not a dead chat organizers could fix, and naming
                    # them would tie them to what the message was about (their report's
                    # outcome): the message is dropped, and the log names no one.
                    log.info(
                        "a direct message on %s could not be delivered (%s); dropped",
                        row.platform,
                        failure.reason,
                    )
                    return True
                log.warning(
                    "outbox %s to %s failed for good: %s", row.id, row.platform, failure.reason
                )
                if self.on_unreachable is not None:
                    await self.on_unreachable(row, failure.reason)
                return True  # a dead chat must not hold back the rows behind it
            await self._retry_later(row, failure.reason, failure.retry_after)
            return False
        except Exception as error:  # an unknown error is treated as temporary: never drop
            log.exception("outbox %s to %s raised; will retry", row.id, row.platform)
            await self._retry_later(row, type(error).__name__, None)
            return False
        async with self.store.transaction() as tx:
            await tx.outbox.mark_delivered(row.id, external_id, self.clock.now())
            await tx.outbox.clear_problem(row.platform, row.address)  # it works again
            if row.kind in RECORDED and row.report_id is not None:
                await tx.broadcasts.delivered(row.id, external_id)  # so the card can be edited
        return True

    async def _retry_later(self, row: OutboxEntry, reason: str, retry_after: float | None) -> None:
        wait = retry_after if retry_after is not None else self.backoff.delay(row.attempts)
        async with self.store.transaction() as tx:
            await tx.outbox.mark_retry(row.id, reason, self.clock.now() + timedelta(seconds=wait))

    async def drain(self, within: float = 30.0) -> None:
        """Deliver until nothing is due (or `within` seconds pass); ends a console script."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            await self.deliver_due()
            async with self.store.reading() as tx:
                soonest = await tx.outbox.next_attempt(self.sender.platform)
            if soonest is None:
                return
            wait = (soonest - self.clock.now()).total_seconds()
            await asyncio.sleep(min(max(wait, 0.05), max(deadline - loop.time(), 0)))

    async def stop(self, running: asyncio.Task[None]) -> None:
        """Stop `running` (this worker's `run`) between two passes, never in a send: a
        message cut off after the platform took it, before it was marked delivered,
        would go out again at the next start."""
        try:
            async with self._pass:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
        finally:
            running.cancel()  # also when this wait is itself cancelled (grace over)

    async def run(self) -> None:
        """Deliver forever, sleeping until the next due row or until woken by a new one."""
        while True:
            self.wake.clear()
            try:
                await self.deliver_due()
                async with self.store.reading() as tx:
                    soonest = await tx.outbox.next_attempt(self.sender.platform)
            except Exception:
                log.exception("delivery pass for %s failed; retrying", self.sender.platform)
                soonest = None
            timeout = 60.0
            if soonest is not None:
                timeout = min(timeout, max((soonest - self.clock.now()).total_seconds(), 0.05))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=timeout)
