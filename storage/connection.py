"""One SQLite connection, driven from the event loop; only what may wait goes to a thread.

aiosqlite runs every statement in a thread of its own: each one a wake-up of that thread
and of the event loop, 0.1 to 1 ms on a busy two-core machine, while the statement itself
(an indexed read, a one-row insert) takes a few microseconds. A report was a dozen such
trips, so the bot spent most of its time handing statements back and forth.

Here statements run where they are awaited, on the event loop's thread, and only what
can wait is sent to the connection's own thread (`offload`): COMMIT (the fsync), a
BEGIN IMMEDIATE that finds another process writing (`busy_timeout` is 0 on the loop, so
the loop never waits for a lock; the thread waits up to `WAIT_MS`), and work that reads
the whole file (integrity checks, migrations, key rotation). While the thread works, the
loop does not touch the connection: the next statement awaits it first.

The interface is the part of aiosqlite's the storage modules use (`execute` awaitable or
`async with`, `executemany`, `execute_fetchall`, cursors with `fetchone`, `fetchall`, `lastrowid`,
`rowcount`), so the repositories read the same.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
Params = Sequence[Any] | Mapping[str, Any]
WAIT_MS = 5000  # how long the thread waits for another process's lock


class Cursor:
    def __init__(self, connection: Connection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def fetchone(self) -> Any:
        await self._connection.idle()
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        await self._connection.idle()
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Result:
    """What `execute` returns: awaited, a cursor; or `async with … as cursor`."""

    def __init__(self, connection: Connection, sql: str, params: Params) -> None:
        self._connection = connection
        self._sql = sql
        self._params = params
        self._cursor: Cursor | None = None

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._connection.run(self._sql, self._params).__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._connection.run(self._sql, self._params)
        return self._cursor

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._cursor is not None:
            await self._cursor.close()


def _busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


class Connection:
    def __init__(self, raw: sqlite3.Connection, executor: ThreadPoolExecutor) -> None:
        self._raw = raw
        self._executor = executor
        self._working: asyncio.Future[Any] | None = None  # the thread's work, if any
        self._closed = False

    @classmethod
    async def connect(cls, path: str) -> Connection:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        loop = asyncio.get_running_loop()
        try:
            raw = await loop.run_in_executor(
                executor,
                lambda: sqlite3.connect(path, isolation_level=None, check_same_thread=False),
            )
        except BaseException:
            executor.shutdown(wait=False)
            raise
        connection = cls(raw, executor)
        raw.execute("PRAGMA busy_timeout = 0")  # on the loop, a lock is never waited for
        return connection

    @property
    def row_factory(self) -> Any:
        return self._raw.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        self._raw.row_factory = factory

    @property
    def in_transaction(self) -> bool:
        return self._raw.in_transaction

    @property
    def total_changes(self) -> int:
        """Rows inserted, changed or deleted since the connection opened."""
        return self._raw.total_changes

    async def idle(self) -> None:
        """Wait until the thread is done with the connection (usually: not at all)."""
        if self._closed:
            raise ValueError("no active connection")  # as aiosqlite says it
        while self._working is not None:
            working = self._working
            await asyncio.wait([working])
            if self._working is working:
                self._working = None

    async def run(self, sql: str, params: Params = ()) -> Cursor:
        await self.idle()
        return Cursor(self, self._raw.execute(sql, params))

    def execute(self, sql: str, params: Params = ()) -> _Result:
        return _Result(self, sql, params)

    async def executemany(self, sql: str, params: Iterable[Params]) -> Cursor:
        """One statement for many rows (the delivery worker's batched bookkeeping)."""
        await self.idle()
        return Cursor(self, self._raw.executemany(sql, params))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        await self.idle()
        return self._raw.execute(sql, params).fetchall()

    async def offload(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in the connection's thread, where it may wait for a lock (up to
        `WAIT_MS`) or for the disk. A caller cancelled meanwhile does not stop it: the
        next statement waits for it to finish."""
        await self.idle()

        def waiting() -> T:
            self._raw.execute(f"PRAGMA busy_timeout = {WAIT_MS}")
            try:
                return work(self._raw)
            finally:
                self._raw.execute("PRAGMA busy_timeout = 0")

        working = asyncio.get_running_loop().run_in_executor(self._executor, waiting)
        working.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._working = working
        try:
            return await asyncio.shield(working)
        finally:
            if working.done() and self._working is working:
                self._working = None

    async def execute_waiting(self, sql: str, params: Params = ()) -> list[Any]:
        """A statement that may wait (a lock, the disk, a whole-file read), in the thread."""
        return await self.offload(lambda raw: raw.execute(sql, params).fetchall())

    async def begin_immediate(self) -> None:
        """BEGIN IMMEDIATE: on the loop when nobody else writes (always, for one bot), in
        the thread when another process holds the write lock."""
        await self.idle()
        try:
            self._raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
            await self.execute_waiting("BEGIN IMMEDIATE")

    async def executescript(self, script: str) -> None:
        await self.offload(lambda raw: raw.executescript(script))

    def trace(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with every statement run (tests check their query plans)."""
        self._raw.set_trace_callback(callback)

    async def close(self) -> None:
        await self.idle()
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._raw.close)
        finally:
            self._executor.shutdown(wait=False)
