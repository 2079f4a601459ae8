"""People detained. Personal data: read it only to show it where the core allows."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.core.models import Person, PersonDetails
from storage.timecodec import from_db, maybe_from_db, to_db


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"],
        report_id=row["report_id"],
        details=PersonDetails(
            name=row["name"],
            date_of_birth=date.fromisoformat(row["date_of_birth"])
            if row["date_of_birth"]
            else None,
            contact_name=row["contact_name"],
            contact_phone=row["contact_phone"],
            contact_relation=row["contact_relation"],
            language=row["language"],
            children=row["children"],
            children_by=maybe_from_db(row["children_by"]),
            notes=row["notes"],
        ),
        created_at=from_db(row["created_at"]),
    )


async def insert(
    conn: aiosqlite.Connection,
    report_id: int | None,
    details: PersonDetails,
    *,
    recorded_by: int,
    now: datetime,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO people (report_id, name, date_of_birth, contact_name, contact_phone, "
        "contact_relation, language, children, children_by, notes, recorded_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            report_id,
            details.name,
            details.date_of_birth.isoformat() if details.date_of_birth else None,
            details.contact_name,
            details.contact_phone,
            details.contact_relation,
            details.language,
            details.children,
            to_db(details.children_by) if details.children_by else None,
            details.notes,
            recorded_by,
            to_db(now),
        ),
    )
    assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
    return cursor.lastrowid


async def get(conn: aiosqlite.Connection, person_id: int) -> Person | None:
    async with conn.execute("SELECT * FROM people WHERE id = ?", (person_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else _person(row)
