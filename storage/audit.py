"""The append-only audit log: who did what, when.

Details hold codes and decisions, never report text or personal data, and actors are
named by keyed hash, so the log can be kept longer than the reports it describes and a
copied log does not say who reported what. With the data key an organizer can still
check whether a given member did something (`member_hash`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.connection import Connection
from storage.identities import member_hash
from storage.timecodec import to_db


class SqliteAudit:
    """The append-only audit log."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def member_ref(self, member_id: int) -> str:
        """How an entry names a member it is about (not only its actor): by keyed hash."""
        return member_hash(member_id)

    async def record(
        self,
        at: datetime,
        actor_id: int | None,
        action: str,
        subject: str | None = None,
        **detail: str | int | None,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (
                to_db(at),
                None if actor_id is None else member_hash(actor_id),
                action,
                subject,
                json.dumps(detail, sort_keys=True),
            ),
        )

    async def entries(self, subject: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM audit_log"
        params: tuple[str, ...] = ()
        if subject is not None:
            query += " WHERE subject = ?"
            params = (subject,)
        async with self._conn.execute(query + " ORDER BY id", params) as cursor:
            rows = await cursor.fetchall()
        return [
            {
                "at": row["at"],
                "actor": row["actor"],
                "action": row["action"],
                "subject": row["subject"],
                "detail": json.loads(row["detail"]),
            }
            for row in rows
        ]
