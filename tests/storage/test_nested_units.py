"""A unit of work opened inside another, by the same task, is part of it (a savepoint).

That is what lets a received message be handled in one unit of work however many blocks
the actions it runs open: their effects and the "handled" mark commit together.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.models import MessageKind
from bot.core.store import Changes
from storage.database import Database
from storage.unit_of_work import SqliteTransaction
from tests.fakes.clock import FakeClock

CLOCK = FakeClock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "n.sqlite3")
    try:
        yield database
    finally:
        await database.close()


async def actions(db: Database) -> list[str]:
    async with db.reading() as tx:
        return [entry["action"] for entry in await tx.audit.entries()]


async def note(tx: SqliteTransaction, action: str) -> None:
    await tx.audit.record(CLOCK.now(), None, action)


async def enqueue(tx: SqliteTransaction, platform: str) -> None:
    await tx.outbox.enqueue(
        platform=platform,
        address="chat",
        is_direct=False,
        languages=("en",),
        kind=MessageKind.REPLY,
        body="hello",
        now=CLOCK.now(),
    )


async def test_what_a_nested_unit_wrote_is_stored_only_with_the_outer_one(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as outer:
            await note(outer, "outer.before")
            async with db.transaction() as inner:
                await note(inner, "inner")
            raise RuntimeError("the outer unit fails after the inner one ended")
    assert await actions(db) == []


async def test_a_failing_nested_unit_undoes_only_its_own_writes(db: Database) -> None:
    async with db.transaction() as outer:
        await note(outer, "outer.before")
        with pytest.raises(RuntimeError):
            async with db.transaction() as inner:
                await note(inner, "inner.undone")
                raise RuntimeError("refused")
        async with db.transaction() as inner:
            await note(inner, "inner.kept")
        await note(outer, "outer.after")
    assert await actions(db) == ["outer.before", "inner.kept", "outer.after"]


async def test_reading_inside_a_unit_sees_its_writes(db: Database) -> None:
    async with db.transaction() as outer:
        await note(outer, "written")
        async with db.reading() as tx:
            assert [e["action"] for e in await tx.audit.entries()] == ["written"]


async def test_commit_hooks_run_once_after_the_outer_commit_with_every_change(
    db: Database,
) -> None:
    seen: list[Changes] = []
    db.add_commit_hook(seen.append)
    async with db.transaction() as outer:
        await enqueue(outer, "console")
        async with db.transaction() as inner:
            await enqueue(inner, "signal")
        with pytest.raises(RuntimeError):
            async with db.transaction() as undone:
                await enqueue(undone, "discord")
                raise RuntimeError("rolled back: its platform must not be woken")
        assert seen == []  # nothing is committed yet
    assert [changes.outbox for changes in seen] == [{"console", "signal"}]


async def test_another_task_does_not_join_a_unit_it_did_not_open(db: Database) -> None:
    """A second task waits for the unit to end and writes in its own, as before."""
    started = asyncio.Event()

    async def other() -> None:
        await started.wait()
        async with db.transaction() as tx:
            await note(tx, "other.task")

    task = asyncio.create_task(other())  # inherits no open unit: it is made before one
    with pytest.raises(RuntimeError):
        async with db.transaction() as outer:
            await note(outer, "outer")
            started.set()
            await asyncio.sleep(0.05)  # the other task runs now and must wait
            assert not task.done()
            raise RuntimeError("the outer unit fails")
    await task
    assert await actions(db) == ["other.task"]


async def test_a_task_started_inside_a_unit_does_not_join_it(db: Database) -> None:
    async def child() -> None:
        async with db.transaction() as tx:
            await note(tx, "child")

    async with db.transaction() as outer:
        await note(outer, "outer")
        task = asyncio.create_task(child())  # copies the context, but is another task
    await task
    assert await actions(db) == ["outer", "child"]
