"""The outbox as delivery sees it: planned without texts, marked in batches, each mark a
compare-and-set, direct messages erased once done with."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.models import MessageKind
from storage.database import Database
from tests.conftest import outbox_rows
from tests.fakes.clock import FakeClock


async def write(db: Database, clock: FakeClock, *rows: tuple[str, bool]) -> list[int]:
    async with db.transaction() as tx:
        return [
            await tx.outbox.enqueue(
                platform="test",
                address=address,
                is_direct=direct,
                languages=("en",),
                kind=MessageKind.ALERT,
                body=f"to {address}",
                now=clock.now(),
            )
            for address, direct in rows
        ]


async def test_the_queue_names_chats_and_due_times_and_rows_are_read_whole_by_id(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    try:
        first, dm, last = await write(
            db, clock, ("alerts", False), ("+15550100", True), ("x", False)
        )
        async with db.reading() as tx:
            queued = await tx.outbox.queue("test")
            rows = await tx.outbox.entries([last, first])
        assert [(q.id, q.address, q.is_direct) for q in queued] == [
            (first, "alerts", False),
            (dm, "+15550100", True),  # a member's address, unsealed for the worker
            (last, "x", False),
        ]
        assert [(r.id, r.body) for r in rows] == [(first, "to alerts"), (last, "to x")]
    finally:
        await db.close()


async def test_batch_marks_touch_only_rows_still_owed_and_erase_direct_messages(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = await Database.open(tmp_path / "d.sqlite3")
    try:
        alert, dm, gone, later = await write(
            db, clock, ("alerts", False), ("+15550100", True), ("old", False), ("later", False)
        )
        async with db.transaction() as tx:
            await tx.outbox.mark_delivered_many([(alert, "m1"), (dm, "m2")], clock.now())
            await tx.outbox.mark_failed_many([(gone, "channel deleted")])
            await tx.outbox.mark_retry_many([(later, "down", clock.now() + timedelta(seconds=5))])
        async with db.transaction() as tx:  # a second mark of a row already done: no effect
            await tx.outbox.mark_failed_many([(alert, "too late")])
            await tx.outbox.mark_delivered_many([(gone, "m3")], clock.now())
        rows = {row.id: row for row in await outbox_rows(db)}
        assert (rows[alert].state, rows[alert].external_id, rows[alert].attempts) == (
            "delivered",
            "m1",
            1,
        )
        assert (rows[dm].state, rows[dm].body, rows[dm].address) == ("delivered", "", "")
        assert (rows[gone].state, rows[gone].last_error) == ("failed", "channel deleted")
        assert (rows[later].state, rows[later].attempts) == ("pending", 1)
        assert rows[later].next_attempt_at == clock.now() + timedelta(seconds=5)
        async with db.reading() as tx:
            assert [q.id for q in await tx.outbox.queue("test")] == [later]
            assert await tx.outbox.entries([alert, dm, gone]) == []  # none still owed
    finally:
        await db.close()
