"""Drills: when one runs, and deleting what it made when it ends.

Rows made while a drill runs are marked by the triggers of migration 19, so ending a
drill finds them by their `drill` flag: its reports (their decisions, corroborations,
updates, broadcast record and photos go with them), the people recorded and the tasks
assigned, their pending timers, the messages already sent about them, and the
conversations and forms begun during the drill. Duty and round-robin turns taken
during the drill end with it (migration 24 keeps what they were before).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.models import Drill, DrillCleanup
from bot.core.store import Changes
from storage.connection import Connection
from storage.queries import row, rows
from storage.timecodec import from_db, to_db


def _drill(found: sqlite3.Row) -> Drill:
    return Drill(
        id=found["id"],
        started_at=from_db(found["started_at"]),
        ends_at=from_db(found["ends_at"]),
        started_by=found["started_by"],
    )


class SqliteDrills:
    def __init__(self, conn: Connection, changes: Changes) -> None:
        self._conn = conn
        self._changes = changes

    async def current(self) -> Drill | None:
        found = await row(self._conn, "SELECT * FROM drills WHERE ended_at IS NULL LIMIT 1")
        return None if found is None else _drill(found)

    async def start(self, started_by: int, ends_at: datetime, now: datetime) -> Drill | None:
        found = await row(
            self._conn,
            "INSERT INTO drills (started_at, ends_at, started_by) "
            "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM drills WHERE ended_at IS NULL) "
            "RETURNING *",
            (to_db(now), to_db(ends_at), started_by),
        )
        return None if found is None else _drill(found)

    async def extend(self, drill_id: int, ends_at: datetime) -> bool:
        cursor = await self._conn.execute(
            "UPDATE drills SET ends_at = ? WHERE id = ? AND ended_at IS NULL",
            (to_db(ends_at), drill_id),
        )
        return cursor.rowcount == 1

    async def end(self, drill_id: int, now: datetime) -> DrillCleanup | None:
        cursor = await self._conn.execute(
            "UPDATE drills SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
            (to_db(now), drill_id),
        )
        if cursor.rowcount != 1:
            return None
        reports = [
            r["id"] for r in await rows(self._conn, "SELECT id FROM reports WHERE drill = 1")
        ]
        tasks = [t["id"] for t in await rows(self._conn, "SELECT id FROM tasks WHERE drill = 1")]
        people = [p["id"] for p in await rows(self._conn, "SELECT id FROM people WHERE drill = 1")]
        for prefix, ids in (("report.", reports), ("task.", tasks)):
            for subject in ids:
                for cancelled in await rows(
                    self._conn,
                    "DELETE FROM timers WHERE subject_id = ? AND kind LIKE ? RETURNING id, state",
                    (subject, prefix + "%"),
                ):
                    if cancelled["state"] == "pending":
                        self._changes.timers[cancelled["id"]] = None
        # What was already sent about them goes too; what is still on its way is
        # delivered (it says DRILL — PRACTICE) and purged with the other messages.
        await self._conn.execute(
            "DELETE FROM outbox WHERE state != 'pending' AND ("
            "report_id IN (SELECT id FROM reports WHERE drill = 1) "
            "OR task_id IN (SELECT id FROM tasks WHERE drill = 1))"
        )
        # Conversations and Discord forms begun during the drill were practice too (a
        # "Where exactly?" about a drill report, a /detained step by step).
        for table, column in (("dialogs", "updated_at"), ("open_forms", "created_at")):
            await self._conn.execute(
                f"DELETE FROM {table} WHERE {column} >= "  # noqa: S608 - constants
                "(SELECT started_at FROM drills WHERE id = ?)",
                (drill_id,),
            )
        await self._end_drill_duty()
        await self._conn.execute("DELETE FROM tasks WHERE drill = 1")
        await self._conn.execute("DELETE FROM people WHERE drill = 1")
        await self._conn.execute("DELETE FROM reports WHERE drill = 1")
        self._changes.purged = True  # messages kept rendered may quote what was deleted
        return DrillCleanup(reports=len(reports), people=len(people), tasks=len(tasks))

    async def _end_drill_duty(self) -> None:
        """Duty and round-robin turns taken during the drill end with it: each member's
        duty and turn from before the drill are put back (none: none)."""
        await self._conn.execute(
            "DELETE FROM duty WHERE member_id IN (SELECT member_id FROM drill_duty WHERE had = 0)"
        )
        await self._conn.execute(
            "UPDATE duty SET since = k.since, until = k.until, areas = k.areas "
            "FROM drill_duty AS k WHERE k.member_id = duty.member_id AND k.had = 1"
        )
        await self._conn.execute("DELETE FROM drill_duty")
        await self._conn.execute(
            "DELETE FROM dispatch_turns WHERE member_id IN "
            "(SELECT member_id FROM drill_turns WHERE last_offered_at IS NULL)"
        )
        await self._conn.execute(
            "UPDATE dispatch_turns SET last_offered_at = k.last_offered_at "
            "FROM drill_turns AS k WHERE k.member_id = dispatch_turns.member_id "
            "AND k.last_offered_at IS NOT NULL"
        )
        await self._conn.execute("DELETE FROM drill_turns")

    async def drill_message(self, report_id: int | None, task_id: int | None) -> bool:
        found = await row(
            self._conn,
            "SELECT EXISTS (SELECT 1 FROM drills WHERE ended_at IS NULL) "
            "AND (:report IS NULL OR EXISTS (SELECT 1 FROM reports WHERE id = :report "
            "AND drill = 1)) "
            "AND (:task IS NULL OR EXISTS (SELECT 1 FROM tasks WHERE id = :task AND drill = 1)) "
            "AS drill",
            {"report": report_id, "task": task_id},
        )
        return bool(found and found["drill"])
