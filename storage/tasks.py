"""Follow-up tasks and their state changes, each a conditional update."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.core.models import Task, TaskKind, TaskState
from storage.connection import Connection
from storage.crypto import seal, unseal_text
from storage.timecodec import from_db, maybe_from_db, to_db


def _task(row: sqlite3.Row) -> Task:
    return Task(
        id=row["id"],
        kind=TaskKind(row["kind"]),
        description=unseal_text(row["description"], "tasks.description"),
        report_id=row["report_id"],
        person_id=row["person_id"],
        assignee_id=row["assignee_id"],
        due_at=maybe_from_db(row["due_at"]),
        state=TaskState(row["state"]),
        note=unseal_text(row["note"], "tasks.note"),
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        drill=bool(row["drill"]),
    )


class SqliteTasks:
    """Follow-up tasks."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def insert(
        self,
        kind: TaskKind,
        description: str,
        *,
        report_id: int | None,
        person_id: int | None,
        due_at: datetime | None,
        created_by: int,
        now: datetime,
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO tasks (kind, description, report_id, person_id, due_at, created_by, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind.value,
                seal(description, "tasks.description"),
                report_id,
                person_id,
                to_db(due_at) if due_at else None,
                created_by,
                to_db(now),
                to_db(now),
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cursor.lastrowid

    async def get(self, task_id: int) -> Task | None:
        async with self._conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _task(row)

    async def move(
        self,
        task_id: int,
        *,
        expected: Iterable[TaskState],
        expected_assignee: int | None,
        new: TaskState,
        assignee_id: int | None,
        now: datetime,
        due_at: datetime | None = None,
        note: str | None = None,
        keep_due: bool = True,
    ) -> bool:
        """Change state only from one of `expected`, so a race has one winner."""
        allowed = [state.value for state in expected]
        marks = ",".join("?" for _ in allowed)
        cursor = await self._conn.execute(
            "UPDATE tasks SET state = ?, assignee_id = ?, updated_at = ?, "  # noqa: S608
            "due_at = CASE WHEN ? THEN COALESCE(?, due_at) ELSE ? END, "
            "note = COALESCE(?, note) "
            f"WHERE id = ? AND state IN ({marks}) AND assignee_id IS ?",
            (
                new.value,
                assignee_id,
                to_db(now),
                int(keep_due),
                to_db(due_at) if due_at else None,
                to_db(due_at) if due_at else None,
                seal(note, "tasks.note"),
                task_id,
                *allowed,
                expected_assignee,
            ),
        )
        return cursor.rowcount == 1

    async def in_states(
        self, states: Iterable[TaskState], *, assignee_id: int | None = None
    ) -> list[Task]:
        wanted = [state.value for state in states]
        marks = ",".join("?" for _ in wanted)
        query = f"SELECT * FROM tasks WHERE state IN ({marks})"  # noqa: S608
        params: list[object] = list(wanted)
        if assignee_id is not None:
            query += " AND assignee_id = ?"
            params.append(assignee_id)
        async with self._conn.execute(
            query + " ORDER BY COALESCE(due_at, created_at), id", params
        ) as cur:
            return [_task(row) for row in await cur.fetchall()]

    async def edit(
        self,
        task_id: int,
        *,
        description: str | None,
        due_at: datetime | None,
        expected: Iterable[TaskState],
        now: datetime,
    ) -> bool:
        allowed = [state.value for state in expected]
        marks = ",".join("?" for _ in allowed)
        cursor = await self._conn.execute(
            "UPDATE tasks SET description = COALESCE(?, description), "  # noqa: S608
            "due_at = COALESCE(?, due_at), updated_at = ? "
            f"WHERE id = ? AND state IN ({marks})",
            (
                seal(description, "tasks.description"),
                to_db(due_at) if due_at else None,
                to_db(now),
                task_id,
                *allowed,
            ),
        )
        return cursor.rowcount == 1
