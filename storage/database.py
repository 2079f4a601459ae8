"""The SQLite database: the core's `Store`, with durable settings and migrations.

SQLite is the source of truth for everything the bot promises (reports, decisions,
messages still to send), so it runs in WAL mode with `synchronous=FULL`: a power cut
after we said "verified" must not forget the verification. One aiosqlite connection
is shared by the coroutines of a process; an asyncio lock keeps two BEGINs from
interleaving on it (a property of one connection, not of correctness: the core checks
every compare-and-set, so two processes, or two connections, stay correct too).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import secrets
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.store import Changes, CommitHook
from storage import crypto, identities
from storage.crypto import DataKeyError, FieldCipher
from storage.private_files import create_directory, create_file, database_files, keep_private
from storage.unit_of_work import SqliteTransaction

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """The database cannot be used; the message is one line for the operator."""


def migrations() -> list[tuple[int, str, str]]:
    """Numbered migrations shipped with the package, in order: (number, name, sql)."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise DatabaseError(f"migrations are not numbered 1..N without gaps: {numbers}")
    return found


# Columns that hold personal data or message text, sealed with the data key, with the
# rows they apply to (group chat addresses come from the config and stay readable, so
# alerts can be grouped by chat).
SEALED_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("people", "id", "name", ""),
    ("people", "id", "date_of_birth", ""),
    ("people", "id", "contact_name", ""),
    ("people", "id", "contact_phone", ""),
    ("people", "id", "contact_relation", ""),
    ("people", "id", "children", ""),
    ("people", "id", "notes", ""),
    ("people", "id", "language", ""),
    ("tasks", "id", "description", ""),
    ("tasks", "id", "note", ""),
    ("dialogs", "member_id", "data", ""),
    ("open_forms", "token", "data", ""),
    ("outbox", "id", "body", ""),
    ("outbox", "id", "address", "is_direct = 1"),
    ("signal_inbox", "id", "envelope", ""),
    ("members", "id", "external_sealed", ""),
    ("members", "id", "name_sealed", ""),
    ("reports", "id", "place", ""),
    ("reports", "id", "description", ""),
    ("reports", "id", "media", ""),
    ("reports", "id", "reporter_sealed", ""),
    ("corroborations", "id", "place", ""),
    ("corroborations", "id", "description", ""),
    ("corroborations", "id", "media", ""),
    ("corroborations", "id", "reporter_sealed", ""),
    ("decisions", "id", "note", ""),
    ("report_updates", "id", "note", ""),
    ("media", "id", "sha256", ""),
)
# Columns that hold sealed bytes (clean copies of photos): (table, key, column).
SEALED_BLOBS: tuple[tuple[str, str, str], ...] = (("media", "id", "data"),)
_KEY_CHECK = "rapid response bot key check"


@dataclass
class _Open:
    """The unit of work a task has open, so the units it opens inside join it."""

    database: Database
    task: asyncio.Task[object] | None
    tx: SqliteTransaction
    depth: int = 0


_OPEN: ContextVar[_Open | None] = ContextVar("rrbot_open_unit_of_work", default=None)


def _prepare_file(path: Path) -> None:
    """A new database file is created owner-only (SQLite gives its -wal and -shm the same
    mode); an existing one open to others is tightened, and the log says so."""
    create_directory(path.parent)
    try:
        create_file(path)
    except FileExistsError:
        for file in database_files(path):
            keep_private(file, "database file")


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: str, cipher: FieldCipher) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._hooks: list[CommitHook] = []
        self.path = path
        self.cipher = cipher

    def add_commit_hook(self, hook: CommitHook) -> None:
        self._hooks.append(hook)

    @classmethod
    async def open(cls, path: Path | str, cipher: FieldCipher | None = None) -> Database:
        """Open (creating if needed) and migrate the database at `path`.

        Without a cipher a throwaway key is used: fine for a test, useless for data that
        must survive a restart, which is why the application always passes one.
        """
        target = str(path)
        try:
            if target != ":memory:":
                _prepare_file(Path(target))
            connection = await aiosqlite.connect(target, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise DatabaseError(f"cannot open database {target}: {error}") from None
        database = cls(
            connection, target, cipher or FieldCipher(bytes.fromhex(secrets.token_hex(32)))
        )
        try:
            await database._configure()
            await database._migrate()
            await database._check_key()
            await database._load_hash_key()
            await database._seal_plaintext()
            await database._hash_identities()
        except sqlite3.DatabaseError as error:
            await connection.close()
            raise DatabaseError(f"cannot use database {target}: {error}") from None
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        # Fold the WAL back into the main file so a copy of the .sqlite3 alone is whole.
        await self.checkpoint()
        async with self._lock:
            await self._connection.close()

    async def _configure(self) -> None:
        connection = self._connection
        connection.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA secure_delete = ON",
        ):
            await connection.execute(pragma)
        async with connection.execute("PRAGMA quick_check") as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] != "ok":
            raise DatabaseError(f"database {self.path} is damaged: {row[0] if row else '?'}")

    async def schema_version(self) -> int:
        async with self._connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.schema_version()
        known = migrations()
        if current > len(known):
            raise DatabaseError(
                f"database {self.path} is at schema {current}, newer than this version of "
                f"the bot knows ({len(known)}); upgrade the bot instead"
            )
        for number, _name, sql in known[current:]:
            # Each migration and its version bump commit together or not at all.
            script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
            try:
                await self._connection.executescript(script)
            except Exception:
                if self._connection.in_transaction:
                    await self._connection.execute("ROLLBACK")
                raise

    async def _check_key(self) -> None:
        async with self._raw_transaction() as conn:
            async with conn.execute("SELECT value FROM settings WHERE name = 'key_check'") as c:
                row = await c.fetchone()
            if row is None:
                sealed = self.cipher.seal(_KEY_CHECK, "settings.key_check")
                await conn.execute(
                    "INSERT INTO settings (name, value) VALUES ('key_check', ?)", (sealed,)
                )
                return
            try:
                ok = self.cipher.open(row["value"], "settings.key_check") == _KEY_CHECK
            except DataKeyError:
                ok = False
            if not ok:
                raise DatabaseError(
                    f"the data key does not open {self.path}: start the bot with the key this "
                    "database was created with"
                )

    async def rotate_key(self, new: FieldCipher) -> int:
        """Re-seal every sealed value with `new`, in one transaction; returns how many.

        The WAL is then folded into the main file and truncated, so no page sealed with
        the old key lingers beside the database.
        """
        count = 0
        async with self._raw_transaction() as conn:
            for table, key, column, rows_filter in SEALED_COLUMNS:
                field = f"{table}.{column}"
                async for row_key, value in _sealed_values(conn, table, key, column, rows_filter):
                    plain = self.cipher.open(value, field)
                    await conn.execute(
                        f"UPDATE {table} SET {column} = ? WHERE {key} = ?",  # noqa: S608
                        (new.seal(plain, field), row_key),
                    )
                    count += 1
            for table, key, column in SEALED_BLOBS:
                field = f"{table}.{column}"
                async for row_key, blob in _sealed_values(conn, table, key, column, ""):
                    assert isinstance(blob, bytes)  # noqa: S101 - a BLOB column
                    await conn.execute(
                        f"UPDATE {table} SET {column} = ? WHERE {key} = ?",  # noqa: S608
                        (new.seal_bytes(self.cipher.open_bytes(blob, field), field), row_key),
                    )
                    count += 1
            await conn.execute(
                "UPDATE settings SET value = ? WHERE name = 'key_check'",
                (new.seal(_KEY_CHECK, "settings.key_check"),),
            )
            new.hash_key = self.cipher.hash_key
            await conn.execute(
                "UPDATE settings SET value = ? WHERE name = 'hash_key'",
                (new.seal(_encode_key(new.hash_key), "settings.hash_key"),),
            )
        self.cipher = new
        await self.checkpoint()
        return count

    async def _load_hash_key(self) -> None:
        """Load the key for keyed hashes, making it the first time (see FieldCipher)."""
        async with self._raw_transaction() as conn:
            async with conn.execute("SELECT value FROM settings WHERE name = 'hash_key'") as c:
                row = await c.fetchone()
            if row is None:
                key = secrets.token_bytes(32)
                await conn.execute(
                    "INSERT INTO settings (name, value) VALUES ('hash_key', ?)",
                    (self.cipher.seal(_encode_key(key), "settings.hash_key"),),
                )
            else:
                key = base64.b64decode(self.cipher.open(row["value"], "settings.hash_key"))
        self.cipher.hash_key = key

    async def _seal_plaintext(self) -> None:
        """Seal values written before field encryption existed (a one-time upgrade)."""
        async with self._raw_transaction() as conn:
            for table, key, column, rows_filter in SEALED_COLUMNS:
                field = f"{table}.{column}"
                plaintext = f"{column} NOT LIKE 'enc1:%' AND {column} != ''" + (
                    f" AND {rows_filter}" if rows_filter else ""
                )
                async for row_key, value in _sealed_values(conn, table, key, column, plaintext):
                    if not crypto.is_sealed(value):
                        await conn.execute(
                            f"UPDATE {table} SET {column} = ? WHERE {key} = ?",  # noqa: S608
                            (self.cipher.seal(value, field), row_key),
                        )

    async def _hash_identities(self) -> None:
        """Move identities written before migration 9 to their sealed and hashed columns."""
        async with self._raw_transaction() as conn:
            # Once done, never needed again: later versions only write hashed identities,
            # so start-up does not rescan the tables every time.
            async with conn.execute("SELECT 1 FROM settings WHERE name = 'identities'") as c:
                if await c.fetchone() is not None:
                    return
            await identities.upgrade(conn)
            await conn.execute("INSERT INTO settings (name, value) VALUES ('identities', 'hashed')")

    async def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it: deleted rows leave the -wal."""
        async with self._lock:
            await self._settle()
            await self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def _settle(self) -> None:
        """Undo what a cancelled operation may have left behind.

        A coroutine cancelled while awaiting BEGIN (at shutdown, say) never reaches its
        COMMIT or ROLLBACK, but aiosqlite still runs the BEGIN in its thread. Waiting for
        the queue to drain, then rolling back any open transaction, makes every
        transaction start clean however the previous one ended.
        """
        await self._connection.execute("SELECT 1")
        if self._connection.in_transaction:
            await self._connection.execute("ROLLBACK")

    @asynccontextmanager
    async def _raw_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction on the bare connection, for the database's own upkeep."""
        async with self._lock:
            await self._settle()
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                with crypto.using(self.cipher):
                    yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    def _enclosing(self) -> _Open | None:
        """The unit of work this task has open on this database, if any."""
        found = _OPEN.get()
        if found is None or found.database is not self:
            return None
        return found if found.task is asyncio.current_task() else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        """Run a block as one atomic write; everything or nothing is stored.

        Opened inside another unit of work of the same task, it is part of that one (a
        savepoint): what it writes is kept only if the enclosing unit commits, and the
        commit hooks run once, after that commit, with the changes of both.
        """
        enclosing = self._enclosing()
        if enclosing is not None:
            async with self._savepoint(enclosing) as tx:
                yield tx
            return
        async with self._raw_transaction() as conn:
            tx = SqliteTransaction(conn)
            token = _OPEN.set(_Open(self, asyncio.current_task(), tx))
            try:
                yield tx
            finally:
                _OPEN.reset(token)
        await self._committed(tx.changes)

    @asynccontextmanager
    async def _savepoint(self, enclosing: _Open) -> AsyncIterator[SqliteTransaction]:
        enclosing.depth += 1
        name = f"unit_{enclosing.depth}"  # a counter, never outside input
        conn = enclosing.tx.conn
        tx = SqliteTransaction(conn)
        await conn.execute(f"SAVEPOINT {name}")
        try:
            yield tx
        except BaseException:
            await conn.execute(f"ROLLBACK TO {name}")
            await conn.execute(f"RELEASE {name}")
            raise
        else:
            await conn.execute(f"RELEASE {name}")
            enclosing.tx.changes.merge(tx.changes)
        finally:
            enclosing.depth -= 1

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[SqliteTransaction]:
        """Read a consistent snapshot without racing another coroutine's transaction.

        Inside a unit of work of the same task it reads that unit's state, writes included.
        """
        enclosing = self._enclosing()
        if enclosing is not None:
            yield SqliteTransaction(enclosing.tx.conn)
            return
        async with self._lock:
            await self._settle()
            await self._connection.execute("BEGIN")
            try:
                with crypto.using(self.cipher):
                    yield SqliteTransaction(self._connection)
            finally:
                await self._connection.execute("COMMIT")

    async def _committed(self, changes: Changes) -> None:
        if not changes:
            return
        if changes.purged:
            await self.checkpoint()  # deleted rows must not linger in the -wal file
        for hook in self._hooks:
            try:
                hook(changes)
            except Exception:  # a hook must never undo a commit that already happened
                log.exception("a commit hook failed")


def _encode_key(key: bytes | None) -> str:
    assert key is not None  # noqa: S101 - loaded at open, before any rotation
    return base64.b64encode(key).decode()


async def _sealed_values(
    conn: aiosqlite.Connection, table: str, key: str, column: str, rows_filter: str
) -> AsyncIterator[tuple[object, Any]]:
    where = f"{column} IS NOT NULL" + (f" AND {rows_filter}" if rows_filter else "")
    async with conn.execute(
        f"SELECT {key} AS k, {column} AS v FROM {table} WHERE {where}"  # noqa: S608 - constants
    ) as cursor:
        rows = await cursor.fetchall()
    for row in rows:
        yield row["k"], row["v"]
