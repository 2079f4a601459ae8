from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.crypto import FieldCipher, generate_key, parse_key
from storage.database import Database, DatabaseError, migrations
from tests.fakes.clock import FakeClock


async def pragma(db: Database, name: str) -> object:
    async with db.reading() as tx, tx.conn.execute(f"PRAGMA {name}") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row[0]


async def test_durable_settings_are_on(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        assert await pragma(db, "journal_mode") == "wal"
        assert await pragma(db, "synchronous") == 2  # FULL
        assert await pragma(db, "foreign_keys") == 1
        assert await pragma(db, "secure_delete") == 1
        assert await db.schema_version() == migrations()[-1][0]
    finally:
        await db.close()


async def test_migrations_are_numbered_and_applied_once(tmp_path: Path) -> None:
    numbers = [number for number, _, _ in migrations()]
    assert numbers == sorted(set(numbers)) and numbers[0] == 1
    path = tmp_path / "a.sqlite3"
    cipher = FieldCipher(parse_key(generate_key()))
    for _ in range(2):  # reopening must not re-run migrations
        db = await Database.open(path, cipher)
        await db.close()
    with sqlite3.connect(path) as raw:
        tables = {
            row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert {
        "members",
        "member_roles",
        "reports",
        "decisions",
        "corroborations",
        "report_updates",
        "outbox",
        "audit_log",
    } <= tables


async def test_a_database_from_a_newer_bot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    cipher = FieldCipher(parse_key(generate_key()))
    db = await Database.open(path, cipher)
    await db.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 99")
    with pytest.raises(DatabaseError, match="newer than this version"):
        await Database.open(path, cipher)


async def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    clock = FakeClock()
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.audit.record(clock.now(), None, "test.entry")
                raise RuntimeError("boom")
        async with db.reading() as tx:
            assert await tx.audit.entries() == []
    finally:
        await db.close()


async def test_the_audit_log_is_append_only(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    clock = FakeClock()
    try:
        async with db.transaction() as tx:
            await tx.audit.record(clock.now(), 1, "report.verified", "R1")
        for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                async with db.transaction() as tx:
                    await tx.conn.execute(statement)
        async with db.reading() as tx:
            entries = await tx.audit.entries()
        assert [(e["action"], e["subject"]) for e in entries] == [("report.verified", "R1")]
    finally:
        await db.close()


async def test_unopenable_path_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(DatabaseError, match="cannot open database"):
        await Database.open(blocker / "db.sqlite3")


async def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="not a database"):
        await Database.open(path)


async def test_cancelled_transactions_leave_the_database_usable(tmp_path: Path) -> None:
    """Shutdown cancels tasks at any await; the next transaction must still start clean."""
    import asyncio

    db = await Database.open(tmp_path / "c.sqlite3")
    clock = FakeClock()

    async def write(number: int) -> None:
        async with db.transaction() as tx:
            await tx.audit.record(clock.now(), number, "test.write", str(number))
            await asyncio.sleep(0)
            await tx.audit.record(clock.now(), number, "test.write", str(number))

    async def read() -> None:
        async with db.reading() as tx:
            await tx.audit.entries()

    try:
        for delay_steps in range(12):  # cancel after 0, 1, 2, ... event-loop steps
            tasks = [asyncio.create_task(write(delay_steps)), asyncio.create_task(read())]
            for _ in range(delay_steps):
                await asyncio.sleep(0)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await write(100 + delay_steps)  # never "cannot start a transaction within ..."
        async with db.reading() as tx:
            entries = await tx.audit.entries()
        by_actor: dict[int, int] = {}
        for entry in entries:
            actor = int(str(entry["subject"]))
            by_actor[actor] = by_actor.get(actor, 0) + 1
        assert all(count == 2 for count in by_actor.values())  # all or nothing, never half
        assert all(by_actor.get(100 + n) == 2 for n in range(12))
    finally:
        await db.close()


async def test_start_up_does_not_read_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PRAGMA quick_check reads every page: at 100,000 reports it made every start take
    seconds. It runs after the daily purge instead (next test), never at start-up."""
    from storage.connection import Connection

    waited: list[str] = []
    original = Connection.execute_waiting

    async def spy(self: Connection, sql: str, params: Any = ()) -> list[Any]:
        waited.append(sql)
        return await original(self, sql, params)

    monkeypatch.setattr(Connection, "execute_waiting", spy)
    path = tmp_path / "s.sqlite3"
    cipher = FieldCipher(parse_key(generate_key()))
    for _ in range(2):
        await (await Database.open(path, cipher)).close()
    assert waited and not any("quick_check" in sql or "integrity" in sql for sql in waited)


async def test_the_integrity_check_follows_the_daily_purge(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.app import App
    from bot.config import load_config
    from tests.conftest import EXAMPLE_CONFIG

    clock = FakeClock()
    app = await App.start(load_config(EXAMPLE_CONFIG), tmp_path / "p.sqlite3", clock)
    try:
        store = app.store
        assert isinstance(store, Database)
        caplog.set_level(logging.INFO, logger="storage.database")
        await app.retention.ensure_scheduled()
        clock.advance(timedelta(days=1))
        assert await app.fire_due() == 1
        assert store._checking is not None  # started after the purge's commit
        await store._checking
        assert "passed its integrity check" in caplog.text
        assert await store.check_integrity() == "ok"
        await app.retention.purge()  # a second purge the same day: not checked again
        assert store._checking.done()
    finally:
        await app.close()
