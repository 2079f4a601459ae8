"""The append-only audit log: who did what, when.

Details hold codes and decisions, never report text or personal data, so the log can
be kept longer than the reports it describes.
"""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from storage.timecodec import to_db


async def record(
    conn: aiosqlite.Connection,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str | None = None,
    **detail: str | int | None,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (to_db(at), actor_id, action, subject, json.dumps(detail, sort_keys=True)),
    )


async def entries(
    conn: aiosqlite.Connection, subject: str | None = None
) -> list[dict[str, object]]:
    query = "SELECT * FROM audit_log"
    params: tuple[str, ...] = ()
    if subject is not None:
        query += " WHERE subject = ?"
        params = (subject,)
    async with conn.execute(query + " ORDER BY id", params) as cursor:
        rows = await cursor.fetchall()
    return [
        {
            "at": row["at"],
            "actor_id": row["actor_id"],
            "action": row["action"],
            "subject": row["subject"],
            "detail": json.loads(row["detail"]),
        }
        for row in rows
    ]
