"""The SQLite database: the core's `Store`, with durable settings and migrations.

SQLite is the source of truth for everything the bot promises (reports, decisions,
messages still to send), so it runs in WAL mode with `synchronous=FULL`: a power cut
after we said "verified" must not forget the verification.

Two connections (`storage.connection`: statements run on the event loop, COMMIT's fsync
and anything that may wait in a thread of the connection's own): one writes, one reads.
WAL lets the reader see the last committed state while a write is in progress, so
`reading()` never waits behind a write or its fsync. Writes are serialised on the writer by an
asyncio lock, because one connection cannot interleave two transactions; correctness
never rests on that (the core checks every compare-and-set, so two processes, or two
connections, stay correct too).

Group commit: while one unit of work runs, others queue for the writer. When it ends
and others are waiting, its transaction is left open and the next unit runs inside it,
as a savepoint; the last of the group commits them all with one fsync. Each unit is
still atomic (a failing unit rolls back to its savepoint, the others are kept), and each
returns only after the commit that stores it, so nobody is answered before their words
are on disk. A lone unit commits at once, as before.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bot.core.store import Changes, CommitHook
from storage import crypto, identities
from storage.connection import Connection
from storage.crypto import DataKeyError, FieldCipher
from storage.private_files import create_directory, create_file, database_files, keep_private
from storage.queries import row, rows
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
    # Numbers only ever grow; one may be missing while parallel branches each hold the
    # number they were given (a database records the highest it applied).
    if len(set(numbers)) != len(numbers) or (numbers and numbers[0] < 1):
        raise DatabaseError(f"migrations must have distinct numbers from 1 up: {numbers}")
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
    ("report_relays", "id", "relayed_by", ""),
    ("report_relays", "id", "callback", ""),
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


# A group commits once it has this many units, or has been open this long, even with
# more queued: its first unit waits for the others' work, and must not wait long. One
# fsync for eight units is most of what grouping can save.
GROUP_LIMIT = 8
GROUP_OPEN_FOR = 0.010  # seconds
# The connection settings; the reader gets them too, and `query_only` besides.
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
)
# What the start-up knows it has done once and for all (the settings table).
SEALED_SETTING = "sealed_columns"


@dataclass
class _Group:
    """Units of work sharing one write transaction, and the commit they wait for."""

    done: asyncio.Future[None]
    changes_before: int  # the connection's total_changes at BEGIN
    began: float  # loop time
    units: int = 0
    changes: list[Changes] = field(default_factory=list)  # each unit's, in order

    def full(self) -> bool:
        return (
            self.units >= GROUP_LIMIT or self.done.get_loop().time() - self.began >= GROUP_OPEN_FOR
        )

    def __post_init__(self) -> None:
        # A unit cancelled while it waits never reads the outcome: mark it read.
        self.done.add_done_callback(lambda f: f.cancelled() or f.exception())


class Database:
    def __init__(
        self,
        connection: Connection,
        path: str,
        cipher: FieldCipher,
        reader: Connection | None = None,
    ) -> None:
        self._connection = connection
        self._reader = reader  # None for ":memory:": reads share the writer
        self._lock = asyncio.Lock()
        self._reader_lock = asyncio.Lock()
        self._waiting = 0  # units of work queued for the writer
        self._group: _Group | None = None  # the write transaction units are joining
        self._clean = True  # False: a cancelled statement may still be queued (see _settle)
        self._reader_clean = True
        self._hooks: list[CommitHook] = []
        self._checking: asyncio.Future[None] | None = None
        self._flusher: asyncio.Future[None] | None = None
        self._checked_at: float | None = None
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
            connection = await Connection.connect(target)
        except (OSError, sqlite3.Error) as error:
            raise DatabaseError(f"cannot open database {target}: {error}") from None
        database = cls(
            connection, target, cipher or FieldCipher(bytes.fromhex(secrets.token_hex(32)))
        )
        try:
            await database._configure(connection)
            await database._migrate()
            await database._upkeep()
            if target != ":memory:":
                database._reader = await Connection.connect(target)
                await database._configure(database._reader)
                await database._reader.execute("PRAGMA query_only = ON")
        except sqlite3.DatabaseError as error:
            await database._close_connections()
            raise DatabaseError(f"cannot use database {target}: {error}") from None
        except BaseException:
            await database._close_connections()
            raise
        return database

    def trace(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with every statement either connection runs (for tests)."""
        for connection in (self._connection, self._reader):
            if connection is not None:
                connection.trace(callback)

    async def _close_connections(self) -> None:
        for connection in (self._connection, self._reader):
            if connection is not None:
                await connection.close()

    async def close(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
            await asyncio.gather(self._checking, return_exceptions=True)
        # Fold the WAL back into the main file so a copy of the .sqlite3 alone is whole.
        await self.checkpoint()
        async with self._reader_lock, self._lock:
            await self._close_connections()

    @staticmethod
    async def _configure(connection: Connection) -> None:
        connection.row_factory = sqlite3.Row

        def configure(raw: sqlite3.Connection) -> None:
            for pragma in PRAGMAS:
                raw.execute(pragma)

        await connection.offload(configure)  # WAL mode may wait for another process

    async def check_integrity(self) -> str:
        """`PRAGMA quick_check` on a read snapshot: "ok", or what is damaged. It reads the
        whole file, so it runs after the daily purge, never at start-up, on a connection
        of its own: writes and reads go on meanwhile."""
        if self._reader is None:  # in memory: there is no file to open twice
            async with self._reading_connection() as conn:
                found = await conn.execute_waiting("PRAGMA quick_check")
        else:
            # A connection of its own, so reads do not queue behind the whole-file read.
            checker = await Connection.connect(self.path)
            try:
                await checker.execute_waiting("PRAGMA query_only = ON")
                found = await checker.execute_waiting("PRAGMA quick_check")
            finally:
                await checker.close()
        return str(found[0][0]) if found else "?"

    async def _check_after_purge(self) -> None:
        try:
            result = await self.check_integrity()
        except sqlite3.Error as error:
            result = str(error)
        if result != "ok":
            log.error("database %s is damaged (PRAGMA quick_check): %s", self.path, result)
        else:
            log.info("database %s passed its integrity check", self.path)

    async def schema_version(self) -> int:
        found = await row(self._connection, "PRAGMA user_version")
        return int(found[0]) if found else 0

    async def _migrate(self) -> None:
        current = await self.schema_version()
        known = migrations()
        newest = known[-1][0] if known else 0
        if current > newest:
            raise DatabaseError(
                f"database {self.path} is at schema {current}, newer than this version of "
                f"the bot knows ({newest}); upgrade the bot instead"
            )
        for number, _name, sql in (m for m in known if m[0] > current):
            # Each migration and its version bump commit together or not at all.
            script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
            try:
                await self._connection.executescript(script)
            except Exception:
                if self._connection.in_transaction:
                    await self._connection.execute("ROLLBACK")
                raise

    async def _upkeep(self) -> None:
        """Start-up work in one transaction whose cost does not grow with the data: the
        key check, the hash key, and one-time upgrades that record that they ran."""
        async with self._raw_transaction() as conn:
            settings = {
                found["name"]: found["value"]
                for found in await rows(conn, "SELECT name, value FROM settings")
            }
            await self._check_key(conn, settings.get("key_check"))
            await self._load_hash_key(conn, settings.get("hash_key"))
            await self._seal_plaintext(conn, settings.get(SEALED_SETTING))
            if "identities" not in settings:
                # Once done, never needed again: later versions only write hashed
                # identities, so start-up does not rescan the tables every time.
                await identities.upgrade(conn)
                await conn.execute(
                    "INSERT INTO settings (name, value) VALUES ('identities', 'hashed')"
                )

    async def _check_key(self, conn: Connection, sealed: str | None) -> None:
        if sealed is None:
            await conn.execute(
                "INSERT INTO settings (name, value) VALUES ('key_check', ?)",
                (self.cipher.seal(_KEY_CHECK, "settings.key_check"),),
            )
            return
        try:
            ok = self.cipher.open(sealed, "settings.key_check") == _KEY_CHECK
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

    async def _load_hash_key(self, conn: Connection, sealed: str | None) -> None:
        """Load the key for keyed hashes, making it the first time (see FieldCipher)."""
        if sealed is None:
            key = secrets.token_bytes(32)
            await conn.execute(
                "INSERT INTO settings (name, value) VALUES ('hash_key', ?)",
                (self.cipher.seal(_encode_key(key), "settings.hash_key"),),
            )
        else:
            key = base64.b64decode(self.cipher.open(sealed, "settings.hash_key"))
        self.cipher.hash_key = key

    async def _seal_plaintext(self, conn: Connection, done: str | None) -> None:
        """Seal values written before field encryption existed (a one-time upgrade).

        Each sealed column is scanned once, ever: the columns done are recorded, so a
        start-up scans nothing unless a new version seals a new column.
        """
        sealed = set((done or "").split())
        for table, key, column, rows_filter in SEALED_COLUMNS:
            field = f"{table}.{column}"
            if field in sealed:
                continue
            plaintext = f"{column} NOT LIKE 'enc1:%' AND {column} != ''" + (
                f" AND {rows_filter}" if rows_filter else ""
            )
            async for row_key, value in _sealed_values(conn, table, key, column, plaintext):
                if not crypto.is_sealed(value):
                    await conn.execute(
                        f"UPDATE {table} SET {column} = ? WHERE {key} = ?",  # noqa: S608
                        (self.cipher.seal(value, field), row_key),
                    )
            sealed.add(field)
        recorded = " ".join(sorted(sealed))
        if recorded != (done or ""):
            await conn.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (SEALED_SETTING, recorded),
            )

    async def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it: deleted rows leave the -wal."""
        async with self._writer():
            await self._connection.execute_waiting("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- the writer ---------------------------------------------------------------------

    async def _settle(self) -> None:
        """Undo what a cancelled operation may have left behind.

        A coroutine cancelled while awaiting BEGIN (at shutdown, say) never reaches its
        COMMIT or ROLLBACK, but the BEGIN may still run in the connection's thread. Only then
        (`_clean` is False) is the queue drained and any open transaction rolled back, so
        every transaction starts clean however the previous one ended, and an ordinary
        one costs no extra round trip.
        """
        if self._clean:
            return
        await self._connection.idle()
        if self._connection.in_transaction:
            await self._connection.execute("ROLLBACK")
        self._clean = True

    async def _acquire(self) -> None:
        """Queue for the writer (counted, so the unit before knows to leave its
        transaction open for the group)."""
        self._waiting += 1
        try:
            await self._lock.acquire()
        except BaseException:
            self._waiting -= 1
            # Cancelled in the queue: if the unit before left the group open for us,
            # nobody else may be coming to commit it.
            if self._group is not None and not self._lock.locked():
                self._flusher = asyncio.ensure_future(self._flush_alone())
                self._flusher.add_done_callback(_log_failure)
            raise
        self._waiting -= 1

    async def _flush_alone(self) -> None:
        async with self._writer():
            pass

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[None]:
        """The writer, alone: the open group (if any) committed first."""
        await self._acquire()
        try:
            await self._commit_group()
            await self._settle()
            yield
        finally:
            self._lock.release()

    async def _commit_group(self) -> None:
        """Commit the open group, if any; its units learn the outcome from `done`.

        The COMMIT is shielded: a committer cancelled meanwhile (at shutdown) must not
        tell the other units of the group that their writes failed when they did not.
        """
        group, self._group = self._group, None
        if group is None:
            return
        if self._connection.total_changes == group.changes_before:
            # Nothing was written (a member already known, a refusal): nothing to fsync,
            # so no trip to the thread either.
            try:
                await self._connection.execute("COMMIT")
            except Exception as error:
                self._clean = False
                group.done.set_exception(error)
                return
            self._stored(group)
            return
        commit = asyncio.ensure_future(self._connection.execute_waiting("COMMIT"))

        def failed(finished: asyncio.Task[list[Any]]) -> None:
            if group.done.done():
                return
            if finished.cancelled():
                group.done.set_exception(DatabaseError("the commit was interrupted"))
            elif (error := finished.exception()) is not None:
                group.done.set_exception(error)

        commit.add_done_callback(failed)
        try:
            await asyncio.shield(commit)
        except Exception:
            self._clean = False  # a failed COMMIT may leave the transaction open
            return
        except BaseException:
            # Cancelled while the COMMIT goes on: the group hears of it when it is done.
            self._clean = False
            if not commit.done():
                commit.add_done_callback(lambda finished: self._stored_if_committed(group))
            else:
                self._stored_if_committed(group)
            raise
        self._stored(group)

    def _stored_if_committed(self, group: _Group) -> None:
        if not group.done.done():
            self._stored(group)

    @asynccontextmanager
    async def _raw_transaction(self) -> AsyncIterator[Connection]:
        """A write transaction on the bare connection, for the database's own upkeep."""
        async with self._writer():
            self._clean = False  # until this transaction has ended, one way or the other
            await self._connection.begin_immediate()
            try:
                with crypto.using(self.cipher):
                    yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                self._clean = True
                raise
            await self._connection.execute_waiting("COMMIT")
            self._clean = True

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

        Units of different tasks that queue for the writer share a commit (see the module
        notes); each still returns only once it is committed.
        """
        enclosing = self._enclosing()
        if enclosing is not None:
            async with self._savepoint(enclosing) as tx:
                yield tx
            return
        group = await self._join()
        conn = self._connection
        joined = group.units > 0  # the group's first unit needs no savepoint
        tx = SqliteTransaction(conn)
        token = _OPEN.set(_Open(self, asyncio.current_task(), tx))
        try:
            if joined:
                await conn.execute("SAVEPOINT unit")
            with crypto.using(self.cipher):
                yield tx
        except BaseException:
            _OPEN.reset(token)
            await self._undo(group, joined)
            raise
        _OPEN.reset(token)
        try:
            if joined:
                await conn.execute("RELEASE unit")
            group.units += 1
            group.changes.append(tx.changes)
        except BaseException:
            await self._undo(group, joined)
            raise
        await self._leave()
        await asyncio.shield(group.done)  # raises if the commit failed
        await self._committed(tx.changes)

    async def _join(self) -> _Group:
        """The writer, and the group this unit joins (a new transaction if none is open)."""
        await self._acquire()
        try:
            if self._group is None:
                await self._settle()
                await self._connection.begin_immediate()
                loop = asyncio.get_running_loop()
                self._group = _Group(
                    loop.create_future(), self._connection.total_changes, loop.time()
                )
            return self._group
        except BaseException:
            self._clean = False
            self._group = None
            self._lock.release()
            raise

    async def _undo(self, group: _Group, joined: bool) -> None:
        """A unit failed: undo its writes only, then let the group go on or commit."""
        try:
            if joined:
                await self._connection.execute("ROLLBACK TO unit")
                await self._connection.execute("RELEASE unit")
            else:  # the group's first unit: nothing else is in the transaction
                self._group = None
                await self._connection.execute("ROLLBACK")
                if not group.done.done():
                    group.done.set_result(None)
        except BaseException:
            # Cancelled mid-undo: roll back the whole group; its units are told.
            self._clean = False
            self._group = None
            if not group.done.done():
                group.done.set_exception(DatabaseError("the write was interrupted"))
            self._lock.release()
            raise
        try:
            await self._leave()
        except BaseException:
            log.exception("committing the units before a failed one failed")

    async def _leave(self) -> None:
        """The unit is done with the writer: commit the group, unless others are queued
        to join it (the last of them commits)."""
        try:
            group = self._group
            if group is not None and (self._waiting == 0 or group.full()):
                await self._commit_group()
        finally:
            self._lock.release()

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

    # -- the reader ---------------------------------------------------------------------

    @asynccontextmanager
    async def _reading_connection(self) -> AsyncIterator[Connection]:
        """A read transaction: on the reader (never behind a write), or on the writer for
        an in-memory database."""
        if self._reader is None:
            async with self._writer():
                self._clean = False
                await self._connection.execute("BEGIN")
                try:
                    yield self._connection
                finally:
                    await self._connection.execute("COMMIT")
                    self._clean = True
            return
        reader = self._reader
        async with self._reader_lock:
            if not self._reader_clean:  # see _settle
                await reader.idle()
                if reader.in_transaction:
                    await reader.execute("ROLLBACK")
                self._reader_clean = True
            self._reader_clean = False  # until this read has ended, one way or the other
            await reader.execute("BEGIN")
            try:
                yield reader
            finally:
                await reader.execute("COMMIT")
                self._reader_clean = True

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[SqliteTransaction]:
        """Read a consistent snapshot of what is committed, without waiting for writes.

        Inside a unit of work of the same task it reads that unit's state, writes included.
        """
        enclosing = self._enclosing()
        if enclosing is not None:
            yield SqliteTransaction(enclosing.tx.conn)
            return
        async with self._reading_connection() as conn:
            with crypto.using(self.cipher):
                yield SqliteTransaction(conn)

    def _stored(self, group: _Group) -> None:
        """The group is committed: the commit hooks, unit by unit in the order they ran
        (so a timer moved by one and cancelled by the next ends cancelled), then the
        units are told."""
        try:
            for changes in group.changes:
                if not changes:
                    continue
                for hook in self._hooks:
                    try:
                        hook(changes)
                    except Exception:  # a hook must never undo a commit that happened
                        log.exception("a commit hook failed")
        finally:  # even when the process is going down (a BaseException): never a hang
            if not group.done.done():
                group.done.set_result(None)

    async def _committed(self, changes: Changes) -> None:
        """After the commit, in the unit's own task: what a purge leaves to do."""
        if changes.purged:
            self.cipher.forget()  # no opened copy of what was deleted stays in memory
            await self.checkpoint()  # deleted rows must not linger in the -wal file
            self._check_daily()

    def _check_daily(self) -> None:
        """After a purge, at most once a day: the integrity check, in the background."""
        loop = asyncio.get_running_loop()
        if self._checked_at is not None and loop.time() - self._checked_at < CHECK_EVERY:
            return
        if self._checking is not None and not self._checking.done():
            return
        self._checked_at = loop.time()
        self._checking = asyncio.ensure_future(self._check_after_purge())


# The integrity check runs after a purge at most this often (seconds).
CHECK_EVERY = 12 * 3600


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("committing a group left open failed", exc_info=task.exception())


def _encode_key(key: bytes | None) -> str:
    assert key is not None  # noqa: S101 - loaded at open, before any rotation
    return base64.b64encode(key).decode()


async def _sealed_values(
    conn: Connection, table: str, key: str, column: str, rows_filter: str
) -> AsyncIterator[tuple[object, Any]]:
    where = f"{column} IS NOT NULL" + (f" AND {rows_filter}" if rows_filter else "")
    for found in await rows(
        conn,
        f"SELECT {key} AS k, {column} AS v FROM {table} WHERE {where}",  # noqa: S608 - constants
    ):
        yield found["k"], found["v"]
