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

# ISSUE 15 MERGE POINT: the one place the dispatch records (wip-dispatch: claims, areas)
# and the drill mark (wip-drill) are read for the numbers. Until they land the three
# columns below are constants; once they do, replace them with:
#   claimed_at: when the report was first claimed (the earliest claim, even if given back)
#   area:       the name of the area the report was placed in, NULL for none
#   drill:      1 for a report made during a drill (left out of every number)
# Nothing above this seam changes: /stats and `rrbot report` already show time to claim,
# the by-area chart and "n drill reports are not counted" as soon as these are filled,
# and "no claims recorded" / "No areas recognised" while they are empty
# (tests/core/test_stats.py `test_claims_areas_and_drills_count_once_they_are_recorded`).
_REPORTS = """
SELECT r.state, r.created_at, d.decided_at, d.reason, d.decided_by IS NOT NULL AS by_member,
       (SELECT COUNT(*) FROM broadcasts b WHERE b.report_id = r.id AND b.kind = 'alert')
           AS alerts,
       NULL AS claimed_at,
       NULL AS area,
       0 AS drill
FROM reports r INDEXED BY reports_by_created
LEFT JOIN decisions d ON d.report_id = r.id
WHERE r.created_at >= ? AND r.created_at <= ?
ORDER BY r.created_at
"""
_TASKS = """
SELECT state, created_at, due_at,
       CASE WHEN state IN ('done', 'cancelled') THEN updated_at END AS closed_at
FROM tasks INDEXED BY tasks_by_created
WHERE created_at >= ? AND created_at <= ?
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
