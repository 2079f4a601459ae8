"""Step-by-step conversations in progress."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.crypto import seal, unseal_text
from storage.timecodec import from_db, to_db


@dataclass(frozen=True)
class Dialog:
    member_id: int
    kind: str
    step: str
    data: dict[str, str]
    updated_at: datetime


async def get(conn: aiosqlite.Connection, member_id: int) -> Dialog | None:
    async with conn.execute("SELECT * FROM dialogs WHERE member_id = ?", (member_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return Dialog(
        row["member_id"],
        row["kind"],
        row["step"],
        json.loads(unseal_text(row["data"], "dialogs.data")),
        from_db(row["updated_at"]),
    )


async def save(
    conn: aiosqlite.Connection,
    member_id: int,
    kind: str,
    step: str,
    data: dict[str, str],
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO dialogs (member_id, kind, step, data, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (member_id) DO UPDATE SET kind = excluded.kind, step = excluded.step, "
        "data = excluded.data, updated_at = excluded.updated_at",
        (member_id, kind, step, seal(json.dumps(data), "dialogs.data"), to_db(now)),
    )


async def end(conn: aiosqlite.Connection, member_id: int) -> None:
    await conn.execute("DELETE FROM dialogs WHERE member_id = ?", (member_id,))
