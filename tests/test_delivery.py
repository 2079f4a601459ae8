"""The outbox worker: in order per chat, chats side by side within the platform's limits,
retried with backoff, never lost or doubled."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.app import App
from bot.core.models import MessageKind, OutboxEntry
from bot.delivery import Backoff, DeliveryError, OutboxWorker
from bot.pacing import Limits, Rate
from storage.database import Database
from tests.conftest import outbox_rows
from tests.fakes.clock import FakeClock
from tests.fakes.platform import FAIL, STALL, FakePlatform


class FlakySender:
    """Fails on command, and remembers every attempt and every real delivery."""

    platform = "test"

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.attempts: list[int] = []
        self.failures: dict[str, list[BaseException]] = {}

    def fail(self, address: str, *errors: BaseException) -> None:
        self.failures.setdefault(address, []).extend(errors)

    async def send(self, entry: OutboxEntry) -> str | None:
        self.attempts.append(entry.id)
        pending = self.failures.get(entry.address)
        if pending:
            raise pending.pop(0)
        self.delivered.append((entry.address, entry.body))
        return f"msg-{entry.id}"


async def enqueue(db: Database, clock: FakeClock, address: str, body: str) -> None:
    async with db.transaction() as tx:
        await tx.outbox.enqueue(
            platform="test",
            address=address,
            is_direct=False,
            languages=("en",),
            kind=MessageKind.ALERT,
            body=body,
            now=clock.now(),
        )


async def setup(tmp_path, clock: FakeClock) -> tuple[Database, FlakySender, OutboxWorker]:  # type: ignore[no-untyped-def]
    db = await Database.open(tmp_path / "d.sqlite3")
    sender = FlakySender()
    worker = OutboxWorker(db, sender, clock, Backoff(base=2, cap=60, rng=random.Random(7)))
    return db, sender, worker


async def test_rows_go_out_in_order_and_are_marked_with_their_message_id(
    tmp_path, clock: FakeClock
) -> None:
    db, sender, worker = await setup(tmp_path, clock)
    try:
        for body in ("alert", "correction", "all clear"):
            await enqueue(db, clock, "alerts", body)
        assert await worker.deliver_due() == 3
        assert sender.delivered == [
            ("alerts", "alert"),
            ("alerts", "correction"),
            ("alerts", "all clear"),
        ]
        rows = await outbox_rows(db)
        assert [(r.state, r.external_id, r.attempts) for r in rows] == [
            ("delivered", f"msg-{r.id}", 1) for r in rows
        ]
        assert await worker.deliver_due() == 0  # nothing is sent twice
    finally:
        await db.close()


async def test_a_temporary_failure_is_retried_later_without_duplicates(
    tmp_path, clock: FakeClock
) -> None:
    db, sender, worker = await setup(tmp_path, clock)
    try:
        await enqueue(db, clock, "alerts", "alert")
        await enqueue(db, clock, "alerts", "all clear")
        sender.fail("alerts", DeliveryError("gateway down"), DeliveryError("still down"))
        assert await worker.deliver_due() == 0
        first = (await outbox_rows(db))[0]
        assert (first.state, first.attempts, first.last_error) == ("pending", 1, "gateway down")
        wait = first.next_attempt_at - clock.now()
        assert timedelta(seconds=1) <= wait <= timedelta(seconds=2)  # base 2s, jittered down
        assert await worker.deliver_due() == 0  # not due yet: nothing attempted
        assert len(sender.attempts) == 1
        clock.advance(wait)
        assert await worker.deliver_due() == 0  # second failure: backoff grows
        second = (await outbox_rows(db))[0]
        assert second.next_attempt_at - clock.now() > wait
        clock.advance(60)
        assert await worker.deliver_due() == 2
        assert sender.delivered == [("alerts", "alert"), ("alerts", "all clear")]
    finally:
        await db.close()


async def test_backoff_is_capped(tmp_path, clock: FakeClock) -> None:
    backoff = Backoff(base=2, cap=60, rng=random.Random(1))
    assert all(30 <= backoff.delay(n) <= 60 for n in range(6, 40))


async def test_retry_after_from_the_platform_is_obeyed(tmp_path, clock: FakeClock) -> None:
    db, sender, worker = await setup(tmp_path, clock)
    try:
        await enqueue(db, clock, "alerts", "alert")
        sender.fail("alerts", DeliveryError("rate limited", retry_after=120))
        await worker.deliver_due()
        row = (await outbox_rows(db))[0]
        assert row.next_attempt_at - clock.now() == timedelta(seconds=120)
    finally:
        await db.close()


async def test_one_failing_chat_does_not_hold_back_another(tmp_path, clock: FakeClock) -> None:
    db, sender, worker = await setup(tmp_path, clock)
    try:
        await enqueue(db, clock, "alerts", "en alert")
        await enqueue(db, clock, "alertas", "es alert")
        sender.fail("alerts", DeliveryError("down"))
        assert await worker.deliver_due() == 1
        assert sender.delivered == [("alertas", "es alert")]
    finally:
        await db.close()


async def test_a_permanent_failure_stops_blocking_its_chat(tmp_path, clock: FakeClock) -> None:
    db, sender, worker = await setup(tmp_path, clock)
    try:
        await enqueue(db, clock, "gone", "first")
        await enqueue(db, clock, "gone", "second")
        sender.fail("gone", DeliveryError("channel deleted", permanent=True))
        await worker.deliver_due()
        rows = await outbox_rows(db)
        assert [(r.state, r.last_error) for r in rows] == [
            ("failed", "channel deleted"),
            ("delivered", None),
        ]
    finally:
        await db.close()


async def test_an_unexpected_exception_is_retried_not_dropped(tmp_path, clock: FakeClock) -> None:
    db, sender, worker = await setup(tmp_path, clock)
    try:
        await enqueue(db, clock, "alerts", "alert")
        sender.fail("alerts", ConnectionResetError("reset"))
        await worker.deliver_due()
        assert (await outbox_rows(db))[0].state == "pending"
        clock.advance(10)
        await worker.deliver_due()
        assert sender.delivered == [("alerts", "alert")]
    finally:
        await db.close()


async def test_drain_waits_for_retries_then_returns(tmp_path) -> None:
    clock = FakeClock()

    class Ticking(FakeClock):
        def now(self):  # type: ignore[no-untyped-def]
            clock.advance(0.5)  # time passes as the worker looks at it
            return clock.now()

    db = await Database.open(tmp_path / "d.sqlite3")
    sender = FlakySender()
    worker = OutboxWorker(db, sender, Ticking(), Backoff(base=0.1, cap=0.2))
    try:
        await enqueue(db, clock, "alerts", "alert")
        sender.fail("alerts", DeliveryError("blip"))
        await worker.drain(within=5)
        assert sender.delivered == [("alerts", "alert")]
    finally:
        await db.close()


# -- concurrency, timeouts, pacing, batches: against a platform with limits ------------------


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for work under way (the store's thread, other tasks) to get somewhere. The
    bound is only for a hung worker: no passing test waits for time to pass."""
    for _ in range(2000):
        if await check():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


async def states(db: Database) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in await outbox_rows(db):
        found.setdefault(row.body, []).append(row.state)
    return found


def worker_for(
    db: Database, platform: FakePlatform, clock: FakeClock, limits: Limits, seed: int = 7
) -> OutboxWorker:
    backoff = Backoff(base=2, cap=60, rng=random.Random(seed))
    return OutboxWorker(db, platform, clock, backoff, limits=limits, timer=clock)


async def test_a_stalled_send_times_out_and_is_retried_with_backoff_while_other_chats_go_on(
    tmp_path, clock: FakeClock
) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    platform = FakePlatform(clock)
    worker = worker_for(db, platform, clock, Limits(in_flight=4, timeout=30))
    try:
        await enqueue(db, clock, "alerts", "alert")
        await enqueue(db, clock, "alerts", "all clear")
        await enqueue(db, clock, "alertas", "alerta")
        await enqueue(db, clock, "organizers", "verified")
        platform.next(STALL)  # the first send, the alert, never answers
        sending = asyncio.create_task(worker.deliver_due())

        async def others_recorded() -> bool:
            found = await states(db)
            return found["alerta"] == ["delivered"] and found["verified"] == ["delivered"]

        await eventually(others_recorded, "the other chats delivered while one stalls")
        assert platform.to("alertas") == ["alerta"] and platform.to("organizers") == ["verified"]
        assert platform.to("alerts") == []  # the all clear waits behind its alert
        assert not sending.done() and platform.stalled == 1
        clock.advance(30)  # the send timeout passes, on the test's clock
        assert await sending == 2
        [alert] = [r for r in await outbox_rows(db) if r.body == "alert"]
        assert (alert.state, alert.attempts) == ("pending", 1)
        assert alert.last_error == "no answer within 30 s"
        first_wait = alert.next_attempt_at - clock.now()
        assert timedelta(seconds=1) <= first_wait <= timedelta(seconds=2)  # jittered backoff
        assert platform.abandoned == [alert.id]

        platform.next(STALL)  # it stalls again: the wait grows
        clock.advance(first_wait)
        sending = asyncio.create_task(worker.deliver_due())
        await eventually(lambda: _true(platform.stalled == 1), "the retry under way")
        clock.advance(30)
        assert await sending == 0
        [alert] = [r for r in await outbox_rows(db) if r.body == "alert"]
        second_wait = alert.next_attempt_at - clock.now()
        assert alert.attempts == 2 and timedelta(seconds=2) <= second_wait <= timedelta(seconds=4)

        clock.advance(second_wait)
        assert await worker.deliver_due() == 2
        assert platform.to("alerts") == ["alert", "all clear"]  # once each, in order
    finally:
        await db.close()


async def _true(value: bool) -> bool:
    return value


async def test_chats_that_fail_together_retry_at_different_moments(tmp_path, clock) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    platform = FakePlatform(clock)
    worker = worker_for(db, platform, clock, Limits(in_flight=8, timeout=30))
    try:
        for n in range(8):
            await enqueue(db, clock, f"chat{n}", "alert")
        platform.next(*[FAIL] * 8)  # an outage: every chat fails at once
        await worker.deliver_due()
        retries = {row.next_attempt_at for row in await outbox_rows(db)}
        assert len(retries) == 8  # jitter: they do not all come back at the same instant
    finally:
        await db.close()


async def test_sends_keep_to_the_platforms_limits_per_chat_and_overall(
    tmp_path, clock: FakeClock
) -> None:
    per_chat, overall = Rate(2, 10.0), Rate(3, 1.0)
    db = await Database.open(tmp_path / "d.sqlite3")
    platform = FakePlatform(clock, per_chat=per_chat, overall=overall, latency=0.2)
    worker = worker_for(db, platform, clock, Limits(per_chat, overall, in_flight=8, timeout=30))
    try:
        for n in range(4):
            for chat in ("a", "b", "c"):
                await enqueue(db, clock, chat, f"{chat}{n}")
        sending = asyncio.create_task(worker.deliver_due())
        while not sending.done():  # time moves only when the worker waits for it
            await asyncio.sleep(0.002)
            clock.advance_to_next_wake()
        assert await sending == 12
        assert platform.refused == []  # never over a limit
        for chat in ("a", "b", "c"):
            assert platform.to(chat) == [f"{chat}{n}" for n in range(4)]
        starts = sorted(sent.started for sent in platform.sent)
        assert all(
            later - earlier >= 1.0 for earlier, later in zip(starts, starts[3:], strict=False)
        )
        assert platform.most_in_flight <= 8
    finally:
        await db.close()


async def test_no_more_sends_are_under_way_at_once_than_allowed(tmp_path, clock) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    platform = FakePlatform(clock, latency=1.0)
    worker = worker_for(db, platform, clock, Limits(in_flight=3, timeout=30))
    try:
        for n in range(10):
            await enqueue(db, clock, f"chat{n}", "alert")
        sending = asyncio.create_task(worker.deliver_due())
        while not sending.done():
            await asyncio.sleep(0.002)
            clock.advance_to_next_wake()
        assert await sending == 10
        assert platform.most_in_flight == 3
    finally:
        await db.close()


async def test_when_slots_are_scarce_the_oldest_message_goes_first(tmp_path, clock) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    platform = FakePlatform(clock)
    worker = worker_for(db, platform, clock, Limits(in_flight=1, timeout=30))
    try:
        for address, body in [("a", "1"), ("a", "2"), ("b", "3"), ("a", "4"), ("c", "5")]:
            await enqueue(db, clock, address, body)
        assert await worker.deliver_due() == 5
        assert [sent.body for sent in platform.sent] == ["1", "2", "3", "4", "5"]
    finally:
        await db.close()


async def test_outcomes_are_recorded_in_batches_and_never_before_the_send_returned(
    tmp_path, clock: FakeClock
) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    seen_pending: list[bool] = []

    class Watching(FakePlatform):
        async def send(self, entry: OutboxEntry) -> str | None:
            result = await super().send(entry)
            # The send has returned, but the worker has not had it back yet: still pending.
            seen_pending.append((await states(db))[entry.body] == ["pending"])
            return result

    platform = Watching(clock)
    worker = worker_for(db, platform, clock, Limits(in_flight=20, timeout=30))
    try:
        for n in range(20):
            await enqueue(db, clock, f"chat{n}", f"alert {n}")
        assert await worker.deliver_due() == 20
        assert seen_pending == [True] * 20
        assert {state for found in (await states(db)).values() for state in found} == {"delivered"}
        assert worker.ledger.batches < 20 / 2  # far fewer transactions than messages
        assert await worker.deliver_due() == 0 and len(platform.attempts) == 20
    finally:
        await db.close()


async def test_a_stop_lets_the_send_under_way_finish_and_records_it_and_starts_no_other(
    tmp_path, clock: FakeClock
) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    platform = FakePlatform(clock, latency=5.0)
    worker = worker_for(db, platform, clock, Limits(in_flight=1, timeout=30))
    try:
        await enqueue(db, clock, "alerts", "alert")
        await enqueue(db, clock, "alerts", "all clear")
        running = asyncio.create_task(worker.run())
        await eventually(lambda: _true(platform.in_flight == 1), "the first send under way")
        stopping = asyncio.create_task(worker.stop(within=10))
        await asyncio.sleep(0)
        clock.advance(5)  # the send under way answers
        await stopping
        await running
        assert await states(db) == {"alert": ["delivered"], "all clear": ["pending"]}
        assert platform.attempts == [platform.sent[0].id]  # nothing new started
    finally:
        await db.close()


async def test_a_worker_is_woken_only_for_messages_on_its_own_platform(app: App) -> None:
    woken: list[str] = []
    app.on_outbox(lambda: woken.append("signal"), "signal")
    app.on_outbox(lambda: woken.append("console"), "console")
    app.on_outbox(lambda: woken.append("every platform"))
    async with app.store.transaction() as tx:
        await tx.outbox.enqueue(
            platform="console",
            address="alerts",
            is_direct=False,
            languages=("en",),
            kind=MessageKind.ALERT,
            body="alert",
            now=app.clock.now(),
        )
    assert woken == ["console", "every platform"]


class ReadsBeforeWrites:
    """The store, reading the outbox's queue from a snapshot taken before a write that
    commits meanwhile (as a store with its own read connection may)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.hold_next_read: Callable[[], Awaitable[None]] | None = None

    def transaction(self):  # type: ignore[no-untyped-def]
        return self.db.transaction()

    @contextlib.asynccontextmanager
    async def reading(self):  # type: ignore[no-untyped-def]
        async with self.db.reading() as tx:
            queued = await tx.outbox.queue("test")
            rows = await tx.outbox.entries([row.id for row in queued])
        hold, self.hold_next_read = self.hold_next_read, None
        if hold is not None:
            await hold()  # the worker records an outcome now; this read is already taken
        async with self.db.reading() as tx:
            tx.outbox.queue = lambda platform: _returning(queued)  # type: ignore[method-assign]
            tx.outbox.entries = lambda ids: _returning([r for r in rows if r.id in ids])  # type: ignore[method-assign]
            yield tx


async def _returning(value: object) -> object:
    return value


async def test_a_plan_read_before_an_outcome_was_stored_does_not_send_that_row_again(
    tmp_path, clock: FakeClock
) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    store = ReadsBeforeWrites(db)
    platform = FakePlatform(clock, latency=1.0)
    worker = OutboxWorker(db, platform, clock, limits=Limits(timeout=30), timer=clock)
    worker.store = store  # type: ignore[assignment]
    try:
        await enqueue(db, clock, "alerts", "alert")
        first = asyncio.create_task(worker.deliver_due())
        await eventually(lambda: _true(platform.in_flight == 1), "the alert under way")

        async def alert_recorded() -> None:
            clock.advance(1)  # the alert's answer comes back, and its outcome is stored
            platform.latency = 0
            await eventually(lambda: _true(worker.finished == 1), "the alert recorded")

        store.hold_next_read = alert_recorded
        await worker.deliver_due()  # planned from a snapshot that still has it pending
        await first
        assert platform.attempts == [platform.sent[0].id]  # sent once
        assert await states(db) == {"alert": ["delivered"]}
    finally:
        await db.close()
