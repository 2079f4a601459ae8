"""The after-action numbers' reads: how each report ended and when, counts of the rest.

Nothing here opens a sealed column: a report's place, words and reporter are never read,
so the numbers cannot carry them, and 100,000 reports are read in well under a second.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.models import DismissReason, ReportState, TaskState
from bot.core.store import ReportFacts, TaskFacts
from storage.connection import Connection
from storage.timecodec import from_db, maybe_from_db, to_db

# Time to claim, area and drill come from the report row (migration 0022): when it was
# first claimed (never by whom: the dispatch record is deleted once it is decided), the
# area it was placed in, and whether a drill still running made it.
_REPORTS = """
SELECT r.state, r.created_at, d.decided_at, d.reason, d.decided_by IS NOT NULL AS by_member,
       (SELECT COUNT(*) FROM broadcasts b WHERE b.report_id = r.id AND b.kind = 'alert')
           AS alerts,
       r.first_claimed_at AS claimed_at,
       r.area AS area,
       r.drill AS drill
FROM reports r INDEXED BY reports_by_created
LEFT JOIN decisions d ON d.report_id = r.id
WHERE r.created_at >= ? AND r.created_at <= ?
ORDER BY r.created_at
"""
_TASKS = """
SELECT state, created_at, due_at,
       CASE WHEN state IN ('done', 'cancelled') THEN updated_at END AS closed_at
FROM tasks INDEXED BY tasks_by_created
WHERE created_at >= ? AND created_at <= ? AND drill = 0
"""
_PEOPLE = """
SELECT COUNT(*) FROM audit_log
WHERE at >= ? AND at <= ? AND action = 'person.recorded'
"""


class SqliteStats:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def reports(self, since: datetime, until: datetime) -> list[ReportFacts]:
        rows = await self._conn.execute_fetchall(_REPORTS, (to_db(since), to_db(until)))
        states = {state.value: state for state in ReportState}
        reasons = {reason.value: reason for reason in DismissReason}
        moment = datetime.fromisoformat  # stored in UTC (timecodec): already aware
        return [
            ReportFacts(
                states[state],
                moment(created),
                None if decided is None else moment(decided),
                None if reason is None else reasons[reason],
                bool(by_member),
                alerts,
                None if claimed is None else moment(claimed),
                area,
                bool(drill),
            )
            for state, created, decided, reason, by_member, alerts, claimed, area, drill in rows
        ]

    async def tasks(self, since: datetime, until: datetime) -> list[TaskFacts]:
        rows = await self._conn.execute_fetchall(_TASKS, (to_db(since), to_db(until)))
        states = {state.value: state for state in TaskState}
        return [
            TaskFacts(
                state=states[row[0]],
                created_at=from_db(row[1]),
                due_at=maybe_from_db(row[2]),
                closed_at=maybe_from_db(row[3]),
            )
            for row in rows
        ]

    async def people_recorded(self, since: datetime, until: datetime) -> int:
        rows = await self._conn.execute_fetchall(_PEOPLE, (to_db(since), to_db(until)))
        return int(rows[0][0])
