"""One timer dispatcher: each kind of timer has one handler, run exactly once.

A timer is claimed (pending -> fired) and its handler runs in the same unit of work, so
the promise and its effect (the reminder, the expiry, the purge) are stored together or
not at all, and a timer scheduled twice still fires once. A handler that fails is tried
again with capped exponential backoff; after the last attempt the timer is marked
failed and the organizers are told once, in their languages.

The dispatcher does not know when to wake up: `bot.scheduler` (APScheduler) calls
`fire` when a timer is due, and tests and drills call `fire_due` with a fake clock.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.messenger import Messenger
from bot.core.models import MessageKind, Timer, TimerKind, TimerState
from bot.core.store import Store, Transaction
from bot.i18n import _

log = logging.getLogger(__name__)

# A timer that fires this much after its time says so ("Late: …").
LATE_AFTER = timedelta(minutes=1)

TimerHandler = Callable[[Transaction, Timer, datetime], Awaitable[None]]
# For a recurring kind (the daily summary, the daily purge): when the next one is due
# after a given moment (None: not any more), so giving up on one day keeps the next.
NextTime = Callable[[datetime], datetime | None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # in all, the first one included
    first_delay: timedelta = timedelta(seconds=5)
    max_delay: timedelta = timedelta(minutes=10)

    def delay(self, failures: int) -> timedelta:
        """Wait before the next try after `failures` failed attempts: 5 s, 10 s, 20 s …"""
        delay: timedelta = self.first_delay * 2 ** max(failures - 1, 0)
        return min(self.max_delay, delay)


class TimerDispatcher:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        messenger: Messenger,
        handlers: Mapping[TimerKind, TimerHandler],
        retry: RetryPolicy | None = None,
        recurring: Mapping[TimerKind, NextTime] | None = None,
    ) -> None:
        missing = set(TimerKind) - set(handlers)
        if missing:
            raise ValueError(f"no handler for timer kinds: {sorted(missing)}")
        self.store = store
        self.clock = clock
        self.messenger = messenger
        self.handlers = dict(handlers)
        self.retry = retry or RetryPolicy()
        self.recurring = dict(recurring or {})

    async def fire(self, timer_id: int) -> bool:
        """Run a due timer's handler once; False if it was not (or no longer) due."""
        now = self.clock.now()
        timer: Timer | None = None
        try:
            async with self.store.transaction() as tx:
                timer = await tx.timers.get(timer_id)
                if timer is None or timer.state is not TimerState.PENDING or timer.run_at > now:
                    return False
                late = now - timer.due_at > LATE_AFTER
                if not await tx.timers.claim(timer.id, now, late=late):
                    return False  # fired already (scheduled twice, or another process)
                claimed = replace(timer, state=TimerState.FIRED, fired_at=now, late=late)
                await self.handlers[timer.kind](tx, claimed, now)
        except Exception as error:
            # Everything the handler wrote was rolled back with the claim: try again later.
            log.exception("timer %s (%s) failed", timer_id, timer.kind if timer else "?")
            await self._failed(timer_id, type(error).__name__)
            return False
        return True

    async def _failed(self, timer_id: int, error: str) -> None:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            timer = await tx.timers.get(timer_id)
            if timer is None or timer.state is not TimerState.PENDING:
                return
            failures = timer.attempts + 1
            if failures < self.retry.attempts:
                await tx.timers.retry(timer.id, now + self.retry.delay(failures), error)
                return
            if await tx.timers.fail(timer.id, error):
                log.error("timer %s (%s) gave up after %s attempts", timer.id, timer.kind, failures)
                await self.messenger.to_organizers(
                    tx,
                    MessageKind.TIMER_FAILED,
                    _(
                        "A scheduled job ({kind}) failed {count} times and I stopped trying. "
                        "Reminders or follow-ups it would have sent did not go out: please "
                        "check /status, and ask whoever runs the bot to look at its log.",
                        kind=timer.kind.value,
                        count=failures,
                    ),
                )
                await tx.audit.record(now, None, "timer.failed", timer.kind.value)
                following = self.recurring.get(timer.kind)
                if following is not None:  # today's run is lost; tomorrow's must not be
                    await tx.timers.keep_one(timer.kind, following(now), now)

    async def fire_due(self) -> int:
        """Fire everything due now; start-up catch-up, tests and drills use it."""
        async with self.store.reading() as tx:
            due = await tx.timers.pending(due_by=self.clock.now())
        return sum([await self.fire(timer.id) for timer in due])
