"""Timers: what is due when, and whether it already fired.

Every change is noted in the unit of work's `Changes`, so after the commit the timer
dispatcher adds, moves or removes exactly the jobs of the timers that changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.core.models import Timer, TimerKind, TimerState
from bot.core.store import Changes
from storage.connection import Connection
from storage.queries import row, rows
from storage.timecodec import from_db, maybe_from_db, to_db

_ERROR_CHARS = 300


def _timer(row: sqlite3.Row) -> Timer:
    return Timer(
        id=row["id"],
        kind=TimerKind(row["kind"]),
        subject_id=row["subject_id"],
        due_at=from_db(row["due_at"]),
        state=TimerState(row["state"]),
        fired_at=maybe_from_db(row["fired_at"]),
        late=bool(row["late"]),
        attempts=row["attempts"],
        retry_at=maybe_from_db(row["retry_at"]),
    )


class SqliteTimers:
    def __init__(self, conn: Connection, changes: Changes) -> None:
        self._conn = conn
        self._changes = changes

    async def schedule(
        self, kind: TimerKind, subject_id: int, due_at: datetime, now: datetime
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO timers (kind, subject_id, due_at, created_at) VALUES (?, ?, ?, ?)",
            (kind.value, subject_id, to_db(due_at), to_db(now)),
        )
        timer_id = cursor.lastrowid
        assert timer_id is not None  # noqa: S101 - an INSERT always has one
        self._changes.timers[timer_id] = Timer(
            timer_id, kind, subject_id, due_at, TimerState.PENDING
        )
        return timer_id

    async def cancel(self, kinds: Iterable[TimerKind], subject_id: int) -> None:
        wanted = [kind.value for kind in kinds]
        marks = ",".join("?" for _ in wanted)
        for cancelled in await rows(
            self._conn,
            "UPDATE timers SET state = 'cancelled' WHERE state = 'pending' "  # noqa: S608
            f"AND subject_id = ? AND kind IN ({marks}) RETURNING id",
            (subject_id, *wanted),
        ):
            self._changes.timers[cancelled["id"]] = None

    async def get(self, timer_id: int) -> Timer | None:
        found = await row(self._conn, "SELECT * FROM timers WHERE id = ?", (timer_id,))
        return None if found is None else _timer(found)

    async def claim(self, timer_id: int, now: datetime, *, late: bool) -> bool:
        cursor = await self._conn.execute(
            "UPDATE timers SET state = 'fired', fired_at = ?, late = ? "
            "WHERE id = ? AND state = 'pending'",
            (to_db(now), int(late), timer_id),
        )
        if cursor.rowcount != 1:
            return False
        self._changes.timers[timer_id] = None
        return True

    async def pending(self, *, due_by: datetime | None = None) -> list[Timer]:
        query = "SELECT * FROM timers WHERE state = 'pending'"
        params: tuple[str, ...] = ()
        if due_by is not None:
            query += " AND COALESCE(retry_at, due_at) <= ?"
            params = (to_db(due_by),)
        return [
            _timer(each) for each in await rows(self._conn, f"{query} ORDER BY due_at, id", params)
        ]

    async def for_subject(self, subject_id: int) -> list[Timer]:
        found = await rows(
            self._conn, "SELECT * FROM timers WHERE subject_id = ? ORDER BY id", (subject_id,)
        )
        return [_timer(each) for each in found]

    async def keep_one(self, kind: TimerKind, due: datetime | None, now: datetime) -> None:
        if due is None:
            await self.cancel((kind,), 0)
            return
        if (
            await row(
                self._conn,
                "SELECT 1 FROM timers WHERE kind = ? AND state = 'pending' LIMIT 1",
                (kind.value,),
            )
            is None
        ):
            await self.schedule(kind, 0, due, now)

    async def retry(self, timer_id: int, at: datetime, error: str) -> bool:
        found = await row(
            self._conn,
            "UPDATE timers SET attempts = attempts + 1, retry_at = ?, last_error = ? "
            "WHERE id = ? AND state = 'pending' RETURNING *",
            (to_db(at), error[:_ERROR_CHARS], timer_id),
        )
        if found is None:
            return False
        self._changes.timers[timer_id] = _timer(found)
        return True

    async def fail(self, timer_id: int, error: str) -> bool:
        cursor = await self._conn.execute(
            "UPDATE timers SET state = 'failed', attempts = attempts + 1, last_error = ? "
            "WHERE id = ? AND state = 'pending'",
            (error[:_ERROR_CHARS], timer_id),
        )
        if cursor.rowcount != 1:
            return False
        self._changes.timers[timer_id] = None
        return True
