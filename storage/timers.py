"""Timers: what is due when, and whether it already fired."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from storage.timecodec import from_db, maybe_from_db, to_db


@dataclass(frozen=True)
class Timer:
    id: int
    kind: str
    subject_id: int
    due_at: datetime
    state: str
    fired_at: datetime | None
    late: bool


def _timer(row: aiosqlite.Row) -> Timer:
    return Timer(
        id=row["id"],
        kind=row["kind"],
        subject_id=row["subject_id"],
        due_at=from_db(row["due_at"]),
        state=row["state"],
        fired_at=maybe_from_db(row["fired_at"]),
        late=bool(row["late"]),
    )


async def schedule(
    conn: aiosqlite.Connection, kind: str, subject_id: int, due_at: datetime, now: datetime
) -> int:
    cursor = await conn.execute(
        "INSERT INTO timers (kind, subject_id, due_at, created_at) VALUES (?, ?, ?, ?)",
        (kind, subject_id, to_db(due_at), to_db(now)),
    )
    assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
    return cursor.lastrowid


async def cancel(conn: aiosqlite.Connection, kinds: Iterable[str], subject_id: int) -> None:
    wanted = list(kinds)
    marks = ",".join("?" for _ in wanted)
    await conn.execute(
        f"UPDATE timers SET state = 'cancelled' WHERE state = 'pending' "  # noqa: S608
        f"AND subject_id = ? AND kind IN ({marks})",
        (subject_id, *wanted),
    )


async def get(conn: aiosqlite.Connection, timer_id: int) -> Timer | None:
    async with conn.execute("SELECT * FROM timers WHERE id = ?", (timer_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else _timer(row)


async def claim(conn: aiosqlite.Connection, timer_id: int, now: datetime, *, late: bool) -> bool:
    """pending -> fired, only once: the second caller (a double schedule) gets False."""
    cursor = await conn.execute(
        "UPDATE timers SET state = 'fired', fired_at = ?, late = ? "
        "WHERE id = ? AND state = 'pending'",
        (to_db(now), int(late), timer_id),
    )
    return cursor.rowcount == 1


async def pending(conn: aiosqlite.Connection, *, due_by: datetime | None = None) -> list[Timer]:
    query = "SELECT * FROM timers WHERE state = 'pending'"
    params: tuple[str, ...] = ()
    if due_by is not None:
        query += " AND due_at <= ?"
        params = (to_db(due_by),)
    async with conn.execute(query + " ORDER BY due_at, id", params) as cursor:
        return [_timer(row) for row in await cursor.fetchall()]


async def for_subject(conn: aiosqlite.Connection, subject_id: int) -> list[Timer]:
    async with conn.execute(
        "SELECT * FROM timers WHERE subject_id = ? ORDER BY id", (subject_id,)
    ) as cursor:
        return [_timer(row) for row in await cursor.fetchall()]


async def claim_due(
    conn: aiosqlite.Connection,
    timer_id: int,
    kinds: Iterable[str],
    now: datetime,
    late_after: timedelta,
) -> Timer | None:
    """The timer, claimed for firing, if it is one of `kinds`, due, and not fired yet."""
    timer = await get(conn, timer_id)
    if timer is None or timer.kind not in set(kinds) or timer.due_at > now:
        return None
    late = now - timer.due_at > late_after
    if not await claim(conn, timer.id, now, late=late):
        return None  # fired already (a second schedule, a rebuilt scheduler)
    return Timer(timer.id, timer.kind, timer.subject_id, timer.due_at, "fired", now, late)


async def keep_one(
    conn: aiosqlite.Connection, kind: str, due: datetime | None, now: datetime
) -> None:
    """Exactly one pending timer of a recurring `kind` (none when `due` is None)."""
    if due is None:
        await cancel(conn, (kind,), 0)
        return
    async with conn.execute(
        "SELECT 1 FROM timers WHERE kind = ? AND state = 'pending' LIMIT 1", (kind,)
    ) as cursor:
        if await cursor.fetchone() is None:
            await schedule(conn, kind, 0, due, now)


async def claim_recurring(
    conn: aiosqlite.Connection,
    timer_id: int,
    kind: str,
    now: datetime,
    late_after: timedelta,
    following: datetime | None,
) -> Timer | None:
    """Claim a recurring timer and schedule its next run in the same transaction."""
    timer = await claim_due(conn, timer_id, (kind,), now, late_after)
    if timer is not None and following is not None:
        await schedule(conn, kind, 0, following, now)
    return timer
