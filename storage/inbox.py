"""Messages received from Signal, kept until handled so a crash cannot lose one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.connection import Connection
from storage.crypto import seal, unseal_text
from storage.identities import signal_source_hash
from storage.timecodec import to_db


class SqliteInbox:
    """Signal messages kept until handled."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def store(
        self, source: str, timestamp: int, envelope: dict[str, Any], now: datetime
    ) -> bool:
        """Keep an envelope; False when this message was stored before (a repeat)."""
        cursor = await self._conn.execute(
            "INSERT INTO signal_inbox (source, timestamp, envelope, received_at) "
            "VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source, timestamp) DO NOTHING",
            (
                signal_source_hash(source),
                timestamp,
                seal(json.dumps(envelope), "signal_inbox.envelope"),
                to_db(now),
            ),
        )
        return cursor.rowcount == 1

    async def unhandled(self) -> list[tuple[int, dict[str, Any]]]:
        async with self._conn.execute(
            "SELECT id, envelope FROM signal_inbox WHERE handled_at IS NULL ORDER BY id"
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            (row["id"], json.loads(unseal_text(row["envelope"], "signal_inbox.envelope")))
            for row in rows
        ]

    async def mark_handled(self, entry_id: int, now: datetime) -> bool:
        """Handled: the text goes, only the fact that it came (for deduplication) stays.
        False if it was handled already (by another process, or before a restart)."""
        cursor = await self._conn.execute(
            "UPDATE signal_inbox SET handled_at = ?, envelope = NULL "
            "WHERE id = ? AND handled_at IS NULL",
            (to_db(now), entry_id),
        )
        return cursor.rowcount == 1
