"""Delivery workers: take outbox rows for one platform and send them.

A platform outage must delay messages, never drop them and never crash the bot.

- **Order per chat.** Each chat's rows go out one after another in the order they were
  written (an all clear must not overtake its alert), so a failing row holds back the
  later rows of its own chat. Chats do not wait for each other: each chat with a row due
  has a *lane*, and lanes send concurrently, at most `Limits.in_flight` sends at once
  (when slots are scarce, the oldest message goes first).
- **Rate limits.** Every send waits for the platform's per-chat and overall limits
  (`bot/pacing.py`) before it starts; a platform that refuses anyway says how long to
  wait, and that row waits exactly that long.
- **Retries.** A temporary failure, and a send with no answer within `Limits.timeout`,
  is retried with capped exponential backoff and jitter; a permanent one (the chat no
  longer exists) is marked failed so it stops blocking that chat, and organizers are
  told (never about a member's direct messages).
- **Bookkeeping in batches.** Outcomes are stored by a group commit (`_Ledger`): while
  one batch is written, the outcomes that come in meanwhile wait and go together in the
  next, so a burst of sends costs a few transactions, and a lone send is written at
  once. A row is marked delivered only after its send returned; until its outcome is
  stored it stays *claimed* in memory, so it is never picked up and sent again.

A crash between a send and the commit of its outcome leaves the row pending: it is sent
again after the restart (at least once, never lost). Discord drops the repeat by its
nonce; on Signal it is the one message that was in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from bot.core.clock import Clock
from bot.core.messenger import EDITS_CARD, RECORDED
from bot.core.models import OutboxEntry, Queued
from bot.core.store import Store
from bot.pacing import Limits, LoopTimer, Pacer, Timer
from bot.redact import redact

log = logging.getLogger(__name__)

Chat = tuple[str, bool]  # (address, is_direct): the unit of order
T = TypeVar("T")
MIN_RETRY = 0.1  # seconds: a platform's "retry after 0" must not become a busy loop
BATCH = 500  # outcomes per transaction at most
STORE_ATTEMPTS = 5  # tries to record a batch of outcomes before giving up on them


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
    """Capped exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential
    Backoff and Jitter"): between half and all of `base * 2**attempts`, at most `cap`.
    The jitter spreads the retries of many chats that failed together (an outage ends
    for everyone at once); the half kept guarantees a real pause between attempts."""

    base: float = 2.0
    cap: float = 300.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempts: int) -> float:
        ceiling = min(self.cap, self.base * float(2 ** min(attempts, 20)))
        return ceiling * (0.5 + self.rng.random() / 2)


class _TimedOutError(Exception):
    pass


class StoreFailedError(Exception):
    """Outcomes of sends could not be stored; their rows wait for a restart."""


@dataclass
class _Outcome:
    row: OutboxEntry
    external_id: str | None = None
    failure: DeliveryError | None = None
    retry_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """Delivered or given up: the chat's next row may go."""
        return self.failure is None or self.failure.permanent


@dataclass
class _Lane:
    """One chat's rows being sent, in order."""

    queue: deque[OutboxEntry]
    held: bool = False  # a row failed for now: the rest wait for its retry
    task: asyncio.Task[None] | None = None


class _Slots:
    """At most `size` sends under way; the waiting row written first gets the next slot.

    A freed slot is handed on at the loop's next turn, so the lane that freed it can
    queue its next row first and take part (a chat's rows interleave with other chats'
    in the order they were written, as one sender would send them)."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []
        self._handing = False

    async def acquire(self, order: int) -> None:
        if self._free > 0 and not self._waiting and not self._handing:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (order, waiter))
        if self._free > 0:
            self._hand_on_soon()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted as the waiter was cancelled: give it back
            raise

    def release(self) -> None:
        self._free += 1
        self._hand_on_soon()

    def _hand_on_soon(self) -> None:
        if not self._handing:
            self._handing = True
            asyncio.get_running_loop().call_soon(self._hand_on)

    def _hand_on(self) -> None:
        self._handing = False
        while self._free > 0 and self._waiting:
            _order, waiter = heapq.heappop(self._waiting)
            if not waiter.done():
                self._free -= 1
                waiter.set_result(None)


class _Ledger:
    """Outcomes of sends, stored in batches (group commit)."""

    def __init__(self, worker: OutboxWorker) -> None:
        self.worker = worker
        self._waiting: list[tuple[_Outcome, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0  # transactions written, for benchmarks and tests

    def write(self, outcome: _Outcome) -> asyncio.Future[None]:
        """Queue an outcome; the future is done once it is stored."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((outcome, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="outbox-ledger")
        return done

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
            try:
                await self._commit_with_retries([outcome for outcome, _ in batch])
            except BaseException as error:
                # Not stored, so the rows are still pending in the store: they stay
                # claimed, so this process never sends them again (after a restart they
                # are sent once more, as anything in flight at a crash is).
                log.exception("could not record %d delivery outcomes", len(batch))
                for _outcome, done in batch:
                    if not done.done():
                        done.set_exception(StoreFailedError())
                if not isinstance(error, Exception):
                    raise
                continue
            self.worker._stored([outcome for outcome, _ in batch])
            for outcome, done in batch:
                if outcome.finished:
                    self.worker.finished += 1
                if not done.done():
                    done.set_result(None)

    async def _commit_with_retries(self, batch: list[_Outcome]) -> None:
        """A store that is busy or briefly failing (a full disk being cleared) is tried
        again: the sends happened, and what matters now is that they are recorded."""
        for attempt in range(STORE_ATTEMPTS):
            try:
                await self._commit(batch)
                return
            except Exception:
                if attempt == STORE_ATTEMPTS - 1:
                    raise
                log.warning("recording delivery outcomes failed; trying again", exc_info=True)
                await asyncio.sleep(0.1 * 2**attempt)

    async def flushed(self) -> None:
        """Wait until every outcome handed over so far is stored (or given up)."""
        while self._writer is not None and not self._writer.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._writer)

    async def _commit(self, batch: list[_Outcome]) -> None:
        worker = self.worker
        delivered = [o for o in batch if o.failure is None]
        retried = [o for o in batch if o.failure is not None and o.retry_at is not None]
        failed = [o for o in batch if o.failure is not None and o.failure.permanent]
        async with worker.store.transaction() as tx:
            await tx.outbox.mark_delivered_many(
                [(o.row.id, o.external_id) for o in delivered], worker.clock.now()
            )
            for platform, address in dict.fromkeys(
                (o.row.platform, o.row.address) for o in delivered
            ):
                await tx.outbox.clear_problem(platform, address)  # it works again
            for o in delivered:
                if o.row.kind in RECORDED and o.row.report_id is not None:
                    await tx.broadcasts.delivered(o.row.id, o.external_id)  # the card can be edited
            await tx.outbox.mark_retry_many(
                [(o.row.id, _reason(o), o.retry_at) for o in retried if o.retry_at is not None]
            )
            await tx.outbox.mark_failed_many([(o.row.id, _reason(o)) for o in failed])
            for o in failed:
                if not o.row.is_direct and worker.on_unreachable is not None:
                    try:  # told in this unit of work: stored with the mark, or neither
                        await worker.on_unreachable(o.row, _reason(o))
                    except Exception:
                        log.exception("could not tell organizers about an unreachable chat")
        self.batches += 1


def _earliest(first: datetime | None, second: datetime) -> datetime:
    return second if first is None else min(first, second)


def _reason(outcome: _Outcome) -> str:
    return outcome.failure.reason if outcome.failure is not None else ""


class OutboxWorker:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        clock: Clock,
        backoff: Backoff | None = None,
        on_unreachable: Callable[[OutboxEntry, str], Awaitable[object]] | None = None,
        *,
        limits: Limits | None = None,
        timer: Timer | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.on_unreachable = on_unreachable
        self.limits = limits or Limits()
        self.timer: Timer = timer or LoopTimer()
        self.pacer = Pacer(self.limits, self.timer)
        self.wake = asyncio.Event()
        self.finished = 0  # rows delivered or given up, since the worker was made
        self.ledger = _Ledger(self)
        self._slots = _Slots(self.limits.in_flight)
        self._lanes: dict[Chat, _Lane] = {}
        self._claimed: set[int] = set()  # in a lane, or sent and not yet recorded
        # Outcomes stored lately: row -> (number of the commit, the retry time or None if
        # the row is done). A plan whose snapshot was read before that commit (a store
        # that reads on its own connection) still sees the row pending, and must not
        # send it again, nor a later row of its chat before its retry.
        self._recorded: dict[int, tuple[int, datetime | None]] = {}
        self._commits = 0
        self._plan_lock = asyncio.Lock()  # one plan at a time, and lanes end between plans
        self._idle = asyncio.Event()
        self._idle.set()
        self._soonest: datetime | None = None  # when a held chat's next row is due
        self._stopping = False

    # -- what callers use ----------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Send every row that is due now, and what becomes due meanwhile (a notice about
        a chat that failed); return how many rows were delivered or given up."""
        before = self.finished
        seen = await self._plan()
        while True:
            await self._idle.wait()
            if self._stopping:
                break
            newest = await self._plan(newer_than=seen)  # only rows written meanwhile
            if newest == seen and self._idle.is_set():
                break
            seen = newest
        return self.finished - before

    async def drain(self, within: float = 30.0) -> None:
        """Deliver until nothing is due (or `within` seconds pass); ends a console script."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            await self.deliver_due()
            if self._soonest is None:
                return
            wait = (self._soonest - self.clock.now()).total_seconds()
            await asyncio.sleep(min(max(wait, 0.05), max(deadline - loop.time(), 0)))

    async def run(self) -> None:
        """Deliver until stopped, planning again when woken by a new row or a held chat's
        retry time; a cancelled run abandons the sends under way (they stay pending)."""
        try:
            while not self._stopping:
                self.wake.clear()
                try:
                    await self._plan()
                except Exception:
                    log.exception("delivery planning for %s failed; retrying", self.sender.platform)
                timeout = 60.0
                if self._soonest is not None:
                    due_in = (self._soonest - self.clock.now()).total_seconds()
                    timeout = min(timeout, max(due_in, 0.05))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=timeout)
        finally:
            if not self._stopping:
                await self._abandon()

    async def stop(self, within: float = 10.0) -> None:
        """Start no new sends; give those under way `within` seconds to finish or time
        out and their outcomes to be stored, then abandon the rest (they stay pending)."""
        self._stopping = True
        self.wake.set()
        lanes = [lane.task for lane in self._lanes.values() if lane.task is not None]
        if lanes:
            _done, late = await asyncio.wait(lanes, timeout=within)
            if late:
                log.warning("%d %s sends still under way at stop", len(late), self.sender.platform)
        await self._abandon()
        await self.ledger.flushed()

    def resume(self) -> None:
        """Take new sends again after `stop` (a console script delivers what is left)."""
        self._stopping = False

    # -- planning ------------------------------------------------------------------------

    async def _plan(self, newer_than: int | None = None) -> int:
        """Give every chat whose next row is due a lane (or more rows for its lane);
        return the newest row id seen. With `newer_than`, only chats with a row newer
        than that are looked at (rows already tried in this pass are not tried again)."""
        async with self._plan_lock:
            if self._stopping:
                return newer_than or 0
            now = self.clock.now()
            read_after = self._commits  # every commit up to this one is in the snapshot
            async with self.store.reading() as tx:
                queued = await tx.outbox.queue(self.sender.platform)
                current = [row for q in queued if (row := self._as_stored(q, read_after))]
                chosen, soonest = self._choose(current, now, newer_than)
                entries = await tx.outbox.entries([q.id for ids in chosen.values() for q in ids])
            self._recorded = {i: r for i, r in self._recorded.items() if r[0] > read_after}
            self._soonest = soonest
            by_id = {entry.id: entry for entry in entries}
            for chat, rows in chosen.items():
                self._extend(chat, [by_id[q.id] for q in rows if q.id in by_id])
            return max((q.id for q in queued), default=newer_than or 0)

    def _as_stored(self, row: Queued, read_after: int) -> Queued | None:
        """The row as the store has it now: None if it was done after the snapshot."""
        recorded = self._recorded.get(row.id)
        if recorded is None or recorded[0] <= read_after:
            return row
        retry_at = recorded[1]
        return None if retry_at is None else replace(row, next_attempt_at=retry_at)

    def _stored(self, outcomes: list[_Outcome]) -> None:
        """A batch of outcomes is committed: the rows are the store's again."""
        self._commits += 1
        for outcome in outcomes:
            self._claimed.discard(outcome.row.id)
            retry_at = None if outcome.finished else outcome.retry_at
            self._recorded[outcome.row.id] = (self._commits, retry_at)

    def _choose(
        self, queued: list[Queued], now: datetime, newer_than: int | None
    ) -> tuple[dict[Chat, list[Queued]], datetime | None]:
        chats: dict[Chat, list[Queued]] = {}
        for row in queued:
            chats.setdefault((row.address, row.is_direct), []).append(row)
        chosen: dict[Chat, list[Queued]] = {}
        soonest: datetime | None = None
        for chat, rows in chats.items():
            lane = self._lanes.get(chat)
            if lane is not None and lane.held:
                continue  # its lane wakes the run loop when it ends
            fresh = [row for row in rows if row.id not in self._claimed]
            if lane is None and len(fresh) != len(rows):
                continue  # an earlier row's outcome could not be stored: wait for a restart
            take: list[Queued] = []
            for row in fresh:
                if row.next_attempt_at > now:
                    soonest = _earliest(soonest, row.next_attempt_at)
                    break
                take.append(row)
            if take and newer_than is not None and rows[-1].id <= newer_than:
                soonest = _earliest(soonest, take[0].next_attempt_at)  # tried in this pass
                continue
            if take:
                chosen[chat] = take
        return chosen, soonest

    def _extend(self, chat: Chat, rows: list[OutboxEntry]) -> None:
        if not rows:
            return
        lane = self._lanes.get(chat)
        if lane is not None and lane.held:
            return
        self._claimed.update(row.id for row in rows)
        if lane is not None:
            lane.queue.extend(rows)
            return
        lane = self._lanes[chat] = _Lane(deque(rows))
        self._idle.clear()
        lane.task = asyncio.create_task(
            self._run_lane(chat, lane), name=f"outbox-{self.sender.platform}"
        )

    # -- a lane --------------------------------------------------------------------------

    async def _run_lane(self, chat: Chat, lane: _Lane) -> None:
        stored: list[asyncio.Future[None]] = []
        try:
            while True:
                while lane.queue and not lane.held and not self._stopping:
                    if lane.queue[0].kind in EDITS_CARD and stored:
                        # The card it edits may have been sent just now: its id is
                        # found only once its outcome is stored.
                        if not await self._all_stored(stored):
                            lane.held = True  # not recorded: this chat waits for a restart
                            break
                        stored = []
                    outcome = await self._attempt(chat, lane.queue[0])
                    if outcome is None:
                        break
                    lane.queue.popleft()
                    stored.append(self.ledger.write(outcome))
                    if not outcome.finished:
                        lane.held = True  # the rest of the chat waits for this row's retry
                if lane.held or self._stopping:
                    self._release(lane.queue)
                for result in await asyncio.gather(*stored, return_exceptions=True):
                    if isinstance(result, Exception):
                        lane.held = True  # not recorded: this chat waits for a restart
                        self._release(lane.queue)
                stored = []
                async with self._plan_lock:  # no plan adds a row between this look and the end
                    if lane.queue and not lane.held and not self._stopping:
                        continue
                    self._end(chat, lane)
                    return
        except BaseException:
            self._release(lane.queue)
            self._end(chat, lane)
            raise

    @staticmethod
    async def _all_stored(stored: list[asyncio.Future[None]]) -> bool:
        results = await asyncio.gather(*stored, return_exceptions=True)
        return not any(isinstance(result, Exception) for result in results)

    def _end(self, chat: Chat, lane: _Lane) -> None:
        if self._lanes.get(chat) is lane:
            del self._lanes[chat]
        if lane.held:
            self.wake.set()  # the run loop plans again: it learns when the retry is due
        if not self._lanes:
            self._idle.set()

    def _release(self, rows: Iterable[OutboxEntry]) -> None:
        """Rows taken but not sent: back to the store's care, sent by a later plan."""
        if isinstance(rows, deque):
            while rows:
                self._claimed.discard(rows.popleft().id)
            return
        for row in rows:
            self._claimed.discard(row.id)

    async def _attempt(self, chat: Chat, row: OutboxEntry) -> _Outcome | None:
        await self.pacer.until_chat_allows(chat)  # waits without taking a slot from others
        await self._slots.acquire(row.id)
        try:
            entry = await self._with_files(row)
            await self.pacer.until_allowed(chat)
            if self._stopping:
                return None  # stopped while waiting for a slot: not sent, stays pending
            external_id = await self._within_timeout(self.sender.send(entry))
        except DeliveryError as failure:
            return self._failed(row, failure)
        except _TimedOutError:
            reason = f"no answer within {self.limits.timeout:g} s"
            return self._failed(row, DeliveryError(reason))
        except Exception as error:  # an unknown error is treated as temporary: never drop
            log.exception("outbox %s to %s raised; will retry", row.id, row.platform)
            return self._failed(row, DeliveryError(type(error).__name__))
        finally:
            self._slots.release()
        return _Outcome(row, external_id)

    async def _within_timeout(self, send: Coroutine[Any, Any, T]) -> T:
        """The send's result, or _TimedOutError once `limits.timeout` passes on the timer.

        The send runs in this task, so it starts at once, in the same turn of the loop as
        the pacer recorded it (a platform counts it from then). A watchdog cancels it at
        the deadline; a send in a worker thread runs on there until the thread's own
        timeout, and its answer is ignored.
        """
        lane = asyncio.current_task()
        assert lane is not None  # noqa: S101 - always called from a lane's task
        fired = False

        async def watchdog() -> None:
            nonlocal fired
            await self.timer.sleep(self.limits.timeout)
            fired = True
            lane.cancel()

        dog = asyncio.create_task(watchdog(), name="outbox-send-timeout")
        try:
            return await send
        except asyncio.CancelledError:
            if fired and lane.uncancel() == 0:  # our own cancel, and nobody else's
                raise _TimedOutError from None
            raise
        finally:
            dog.cancel()

    def _failed(self, row: OutboxEntry, failure: DeliveryError) -> _Outcome:
        if failure.permanent:
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
            else:
                log.warning(
                    "outbox %s to %s failed for good: %s", row.id, row.platform, failure.reason
                )
            return _Outcome(row, failure=failure)
        wait = failure.retry_after
        if wait is None:
            wait = self.backoff.delay(row.attempts)
        retry_at = self.clock.now() + timedelta(seconds=max(wait, MIN_RETRY))
        return _Outcome(row, failure=failure, retry_at=retry_at)

    async def _with_files(self, row: OutboxEntry) -> OutboxEntry:
        """The clean copies of photos that go with the message, read when it is sent
        (a photo purged meanwhile simply no longer goes)."""
        if not row.media_ids:
            return row
        async with self.store.reading() as tx:
            files = await tx.media.files(row.media_ids)
        return replace(row, files=tuple(files))

    async def _abandon(self) -> None:
        """Cancel what is still under way; unrecorded rows stay pending in the store."""
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
