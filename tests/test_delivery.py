"""The outbox worker: in order per chat, retried with backoff, never lost or doubled."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.core.models import MessageKind, OutboxEntry
from bot.delivery import Backoff, DeliveryError, OutboxWorker
from storage.database import Database
from tests.conftest import outbox_rows
from tests.fakes.clock import FakeClock


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
