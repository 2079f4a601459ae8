"""People detained. Personal data: read it only to show it where the core allows."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.core.models import Person, PersonDetails
from storage.connection import Connection
from storage.crypto import seal, unseal, unseal_text
from storage.timecodec import from_db, maybe_from_db, to_db


def _open(row: sqlite3.Row, column: str) -> str:
    return unseal_text(row[column], f"people.{column}")


def _person(row: sqlite3.Row) -> Person:
    dob = unseal(row["date_of_birth"], "people.date_of_birth")
    return Person(
        id=row["id"],
        report_id=row["report_id"],
        details=PersonDetails(
            name=_open(row, "name"),
            date_of_birth=date.fromisoformat(dob) if dob else None,
            contact_name=_open(row, "contact_name"),
            contact_phone=_open(row, "contact_phone"),
            contact_relation=_open(row, "contact_relation"),
            language=unseal(row["language"], "people.language"),
            children=_open(row, "children"),
            children_by=maybe_from_db(row["children_by"]),
            notes=_open(row, "notes"),
        ),
        created_at=from_db(row["created_at"]),
    )


def _sealed(details: PersonDetails) -> tuple[str | None, ...]:
    """The columns name … notes, in that order, each sealed to its column."""
    return (
        seal(details.name, "people.name"),
        seal(
            details.date_of_birth.isoformat() if details.date_of_birth else None,
            "people.date_of_birth",
        ),
        seal(details.contact_name, "people.contact_name"),
        seal(details.contact_phone, "people.contact_phone"),
        seal(details.contact_relation, "people.contact_relation"),
        seal(details.language, "people.language"),
        seal(details.children, "people.children"),
        to_db(details.children_by) if details.children_by else None,
        seal(details.notes, "people.notes"),
    )


class SqlitePeople:
    """People detained."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def insert(
        self,
        report_id: int | None,
        details: PersonDetails,
        *,
        recorded_by: int,
        now: datetime,
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO people (report_id, name, date_of_birth, contact_name, contact_phone, "
            "contact_relation, language, children, children_by, notes, recorded_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (report_id, *_sealed(details), recorded_by, to_db(now)),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cursor.lastrowid

    async def update(self, person_id: int, details: PersonDetails) -> bool:
        """Replace what is recorded about a person, sealed like the first time."""
        cursor = await self._conn.execute(
            "UPDATE people SET name = ?, date_of_birth = ?, contact_name = ?, "
            "contact_phone = ?, contact_relation = ?, language = ?, children = ?, "
            "children_by = ?, notes = ? WHERE id = ?",
            (*_sealed(details), person_id),
        )
        return cursor.rowcount == 1

    async def get(self, person_id: int) -> Person | None:
        async with self._conn.execute("SELECT * FROM people WHERE id = ?", (person_id,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _person(row)
