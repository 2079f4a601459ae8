"""Where a report's alert and card went, kept as long as the report.

All clears, corrections and retractions go to exactly the chats that got the alert, and
a decision edits the card verifiers saw, even after the outbox rows that carried them
are purged. Group chat addresses come from the config, so they are stored readable.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.models import Broadcast, MessageKind
from storage.connection import Connection
from storage.timecodec import to_db


class SqliteBroadcasts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def record(
        self,
        report_id: int,
        *,
        kind: MessageKind,
        platform: str,
        address: str,
        languages: tuple[str, ...],
        outbox_id: int,
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO broadcasts (report_id, kind, platform, address, languages, outbox_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (report_id, kind.value, platform, address, ",".join(languages), outbox_id, to_db(now)),
        )

    async def for_report(self, report_id: int, kind: MessageKind) -> list[Broadcast]:
        # One row per chat, the first one sent there (a chat gets one alert per report).
        async with self._conn.execute(
            "SELECT report_id, kind, platform, address, languages, external_id, MIN(id) AS first "
            "FROM broadcasts WHERE report_id = ? AND kind = ? "
            "GROUP BY platform, address ORDER BY first",
            (report_id, kind.value),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Broadcast(
                report_id=row["report_id"],
                kind=MessageKind(row["kind"]),
                platform=row["platform"],
                address=row["address"],
                languages=tuple(row["languages"].split(",")),
                external_id=row["external_id"],
            )
            for row in rows
        ]

    async def delivered(self, outbox_id: int, external_id: str | None) -> None:
        await self._conn.execute(
            "UPDATE broadcasts SET external_id = ? WHERE outbox_id = ?", (external_id, outbox_id)
        )
