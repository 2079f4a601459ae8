"""Reports with their decision, corroborations and later updates."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.core.models import (
    Agency,
    Decision,
    DismissReason,
    Report,
    ReportDraft,
    ReportState,
    Sign,
    Source,
)
from storage.timecodec import from_db, maybe_from_db, to_db

_SELECT = (
    "SELECT r.*, d.decided_by, d.decided_at, d.reason, d.note AS decision_note "
    "FROM reports r LEFT JOIN decisions d ON d.report_id = r.id"
)


def _signs(text: str) -> tuple[Sign, ...]:
    return tuple(Sign(part) for part in text.split(",") if part)


async def _reporters(
    conn: aiosqlite.Connection, report_id: int, first: int | None
) -> frozenset[int]:
    async with conn.execute(
        "SELECT DISTINCT reporter_id FROM corroborations "
        "WHERE report_id = ? AND reporter_id IS NOT NULL",
        (report_id,),
    ) as cursor:
        others = {row["reporter_id"] for row in await cursor.fetchall()}
    return frozenset(others | ({first} if first is not None else set()))


async def _report(conn: aiosqlite.Connection, row: aiosqlite.Row) -> Report:
    return Report(
        id=row["id"],
        state=ReportState(row["state"]),
        where=row["place"],
        what=row["description"],
        agency=Agency(row["agency"]),
        signs=_signs(row["signs"]),
        source=Source(row["source"]) if row["source"] else None,
        media=tuple(json.loads(row["media"])),
        reporter_id=row["reporter_id"],
        place_key=row["place_key"],
        known_location=row["known_location"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        decided_by=row["decided_by"],
        decided_at=maybe_from_db(row["decided_at"]),
        dismiss_reason=DismissReason(row["reason"]) if row["reason"] else None,
        decision_note=row["decision_note"] or "",
        reporters=await _reporters(conn, row["id"], row["reporter_id"]),
    )


async def insert(
    conn: aiosqlite.Connection,
    draft: ReportDraft,
    *,
    place_key: str,
    known_location: str | None,
    reporter_id: int,
    now: datetime,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO reports (place, place_key, known_location, description, agency, signs, "
        "source, media, reporter_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft.where,
            place_key,
            known_location,
            draft.what,
            draft.agency.value,
            ",".join(sign.value for sign in draft.signs),
            draft.source.value if draft.source else None,
            json.dumps(list(draft.media)),
            reporter_id,
            to_db(now),
            to_db(now),
        ),
    )
    assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
    return cursor.lastrowid


async def get(conn: aiosqlite.Connection, report_id: int) -> Report | None:
    async with conn.execute(f"{_SELECT} WHERE r.id = ?", (report_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else await _report(conn, row)


async def find_open_match(
    conn: aiosqlite.Connection, place_key: str, since: datetime
) -> Report | None:
    """The newest open report of the same place made since `since`, if any."""
    async with conn.execute(
        f"{_SELECT} WHERE r.place_key = ? AND r.state IN ('pending', 'verified') "
        "AND r.created_at >= ? ORDER BY r.id DESC LIMIT 1",
        (place_key, to_db(since)),
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else await _report(conn, row)


async def in_states(
    conn: aiosqlite.Connection, states: Iterable[ReportState], *, since: datetime | None = None
) -> list[Report]:
    wanted = [state.value for state in states]
    marks = ",".join("?" for _ in wanted)
    query = f"{_SELECT} WHERE r.state IN ({marks})"
    params: list[str] = list(wanted)
    if since is not None:
        query += " AND r.updated_at >= ?"
        params.append(to_db(since))
    async with conn.execute(query + " ORDER BY r.id", params) as cursor:
        rows = await cursor.fetchall()
    return [await _report(conn, row) for row in rows]


async def add_corroboration(
    conn: aiosqlite.Connection,
    report_id: int,
    draft: ReportDraft,
    *,
    reporter_id: int,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO corroborations (report_id, reporter_id, place, description, agency, signs, "
        "source, media, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            report_id,
            reporter_id,
            draft.where,
            draft.what,
            draft.agency.value,
            ",".join(sign.value for sign in draft.signs),
            draft.source.value if draft.source else None,
            json.dumps(list(draft.media)),
            to_db(now),
        ),
    )
    await conn.execute("UPDATE reports SET updated_at = ? WHERE id = ?", (to_db(now), report_id))


async def change_state(
    conn: aiosqlite.Connection,
    report_id: int,
    *,
    expected: ReportState,
    new: ReportState,
    now: datetime,
) -> bool:
    """Move the report only if it is still in `expected`: the guard against double presses."""
    cursor = await conn.execute(
        "UPDATE reports SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
        (new.value, to_db(now), report_id, expected.value),
    )
    return cursor.rowcount == 1


async def record_decision(
    conn: aiosqlite.Connection,
    report_id: int,
    decision: Decision,
    *,
    reason: DismissReason | None,
    note: str,
    decided_by: int | None,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO decisions (report_id, decision, reason, note, decided_by, decided_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (report_id, decision.value, reason.value if reason else None, note, decided_by, to_db(now)),
    )


async def update_details(
    conn: aiosqlite.Connection,
    report_id: int,
    *,
    where: str | None = None,
    place_key: str | None = None,
    what: str | None = None,
    agency: Agency | None = None,
    now: datetime,
) -> None:
    await conn.execute(
        "UPDATE reports SET place = COALESCE(?, place), place_key = COALESCE(?, place_key), "
        "description = COALESCE(?, description), agency = COALESCE(?, agency), updated_at = ? "
        "WHERE id = ?",
        (where, place_key, what, agency.value if agency else None, to_db(now), report_id),
    )


async def record_update(
    conn: aiosqlite.Connection,
    report_id: int,
    kind: str,
    *,
    note: str,
    actor_id: int,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO report_updates (report_id, kind, note, actor_id, at) VALUES (?, ?, ?, ?, ?)",
        (report_id, kind, note, actor_id, to_db(now)),
    )


async def next_id(conn: aiosqlite.Connection) -> int:
    """The number the next report will get (AUTOINCREMENT never reuses one)."""
    async with conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'reports'") as cursor:
        row = await cursor.fetchone()
    return (int(row["seq"]) if row else 0) + 1
