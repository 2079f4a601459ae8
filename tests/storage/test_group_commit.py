"""Group commit: units of work that queue for the writer share one COMMIT (one fsync),
each still atomic, each answered only once it is on disk, hooks only after the commit."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.models import TimerKind
from bot.core.store import Changes
from storage.database import Database
from tests.fakes.clock import FakeClock


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "g.sqlite3")
    yield database
    await database.close()


def on_disk(db: Database) -> list[str]:
    """What another process reading the file sees: the audit entries' subjects."""
    with sqlite3.connect(db.path) as raw:
        return [row[0] for row in raw.execute("SELECT subject FROM audit_log ORDER BY id")]


async def write(db: Database, clock: FakeClock, subject: str, *, fail: bool = False) -> str:
    async with db.transaction() as tx:
        await tx.audit.record(clock.now(), None, "test.write", subject)
        await asyncio.sleep(0)  # let the others queue behind this one
        if fail:
            raise RuntimeError(subject)
    # Answered only after the commit: another process already reads it.
    assert subject in on_disk(db)
    return subject


async def test_units_queued_together_share_a_commit_and_each_is_kept(db: Database) -> None:
    clock = FakeClock()
    commits: list[str] = []
    db.trace(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    done = await asyncio.gather(*(write(db, clock, f"u{n}") for n in range(20)))
    db.trace(None)
    assert done == [f"u{n}" for n in range(20)]
    assert sorted(on_disk(db)) == sorted(done)
    assert 1 <= len(commits) < 20  # fewer fsyncs than units


async def test_a_failing_unit_in_a_group_undoes_only_its_own_writes(db: Database) -> None:
    clock = FakeClock()
    results = await asyncio.gather(
        *(write(db, clock, f"u{n}", fail=n % 3 == 1) for n in range(9)),
        return_exceptions=True,
    )
    failed = [str(r) for r in results if isinstance(r, RuntimeError)]
    assert failed == ["u1", "u4", "u7"]
    assert sorted(on_disk(db)) == sorted(f"u{n}" for n in range(9) if n % 3 != 1)


async def test_a_commit_that_fails_fails_every_unit_of_its_group(db: Database) -> None:
    """A deferred foreign key is checked at COMMIT: the unit that broke it and the one
    that shared its commit both hear of it, and neither is stored."""
    clock = FakeClock()

    async def breaks() -> None:
        async with db.transaction() as tx:
            await tx.conn.execute("PRAGMA defer_foreign_keys = ON")
            await tx.conn.execute(
                "INSERT INTO corroborations (report_id, place, agency, created_at) "
                "VALUES (999, 'x', 'ice', '2026-01-01')"
            )
            await asyncio.sleep(0)

    results = await asyncio.gather(write(db, clock, "innocent"), breaks(), return_exceptions=True)
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results), results
    assert on_disk(db) == []
    assert await write(db, clock, "after") == "after"  # the writer is usable again


async def test_hooks_run_after_the_commit_once_per_unit(db: Database) -> None:
    clock = FakeClock()
    seen: list[tuple[bool, list[str]]] = []
    timers: list[int] = []

    def hook(changes: Changes) -> None:
        seen.append((bool(changes.timers), on_disk(db)))
        timers.extend(changes.timers)

    db.add_commit_hook(hook)

    async def schedule(subject: str) -> None:
        async with db.transaction() as tx:
            await tx.audit.record(clock.now(), None, "test.write", subject)
            await asyncio.sleep(0)
            await tx.timers.schedule(TimerKind.REPORT_REASK, 1, clock.now(), clock.now())

    await asyncio.gather(schedule("a"), schedule("b"), schedule("c"))
    assert len(seen) == 3
    assert all(moved and set(stored) == {"a", "b", "c"} for moved, stored in seen)
    assert timers == sorted(timers)  # unit by unit, in the order they ran


async def test_a_waiter_cancelled_after_the_group_was_left_open_for_it(db: Database) -> None:
    """The first unit leaves its transaction open for the one queued behind it; that one
    is cancelled before it gets the writer. The first is committed all the same."""
    clock = FakeClock()
    go = asyncio.Event()

    async def first() -> None:
        async with db.transaction() as tx:
            await tx.audit.record(clock.now(), None, "test.write", "first")
            await go.wait()

    one = asyncio.create_task(first())
    await asyncio.sleep(0)
    two = asyncio.create_task(write(db, clock, "second"))
    for _ in range(3):
        await asyncio.sleep(0)
    go.set()
    two.cancel()
    await asyncio.wait_for(one, timeout=5)
    assert on_disk(db) == ["first"]
    with pytest.raises(asyncio.CancelledError):
        await two


async def test_reads_do_not_wait_behind_a_write(db: Database) -> None:
    """A unit of work in progress (a purge batch, say) does not hold up a read, which
    sees the last committed state."""
    clock = FakeClock()
    await write(db, clock, "before")
    holding = asyncio.Event()
    release = asyncio.Event()

    async def long_write() -> None:
        async with db.transaction() as tx:
            await tx.audit.record(clock.now(), None, "test.write", "during")
            holding.set()
            await release.wait()

    task = asyncio.create_task(long_write())
    await holding.wait()
    async with db.reading() as tx:
        entries = await asyncio.wait_for(tx.audit.entries(), timeout=1)
    assert [e["subject"] for e in entries] == ["before"]
    release.set()
    await task
    assert on_disk(db) == ["before", "during"]


class Dies(BaseException):
    """The process going down inside a commit hook (a power cut in a test)."""


async def test_a_hook_that_brings_the_process_down_leaves_no_unit_waiting(db: Database) -> None:
    clock = FakeClock()

    def hook(changes: Changes) -> None:
        raise Dies

    db.add_commit_hook(hook)

    async def schedule(subject: str) -> str:
        async with db.transaction() as tx:
            await tx.audit.record(clock.now(), None, "test.write", subject)
            await asyncio.sleep(0)
            await tx.timers.schedule(TimerKind.REPORT_REASK, 1, clock.now(), clock.now())
        return subject

    results = await asyncio.wait_for(
        asyncio.gather(schedule("a"), schedule("b"), return_exceptions=True), timeout=5
    )
    assert any(isinstance(r, Dies) for r in results)  # the committer's task goes down
    assert set(on_disk(db)) == {"a", "b"}  # both were committed all the same
