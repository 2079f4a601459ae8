"""Files reporters sent: what became of each, and the clean copies of photos.

The SHA-256 of an original is sealed (with it, whoever holds the reporter's phone
could tie the phone to the report); the clean copy of a photo is sealed as bytes.
Rows go with their report (foreign key, and the retention rule that names them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.core.models import Media, MediaFile, MediaKind, ReceivedMedia
from storage.connection import Connection
from storage.crypto import seal, seal_bytes, unseal, unseal_bytes
from storage.timecodec import to_db

_NUMBERED = (
    "SELECT m.*, (SELECT COUNT(*) FROM media o WHERE o.report_id = m.report_id "
    "AND o.id <= m.id) AS number FROM media m"
)


def _media(row: sqlite3.Row) -> Media:
    return Media(
        id=row["id"],
        report_id=row["report_id"],
        number=int(row["number"]),
        kind=MediaKind(row["kind"]),
        format=row["format"],
        size=row["size"],
        sha256=unseal(row["sha256"], "media.sha256"),
        width=row["width"],
        height=row["height"],
        corroboration_id=row["corroboration_id"],
    )


class SqliteMedia:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(
        self,
        report_id: int,
        item: ReceivedMedia,
        *,
        corroboration_id: int | None,
        now: datetime,
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO media (report_id, corroboration_id, kind, format, size, sha256, data, "
            "width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report_id,
                corroboration_id,
                item.kind.value,
                item.format,
                item.size,
                seal(item.sha256, "media.sha256"),
                None if item.data is None else seal_bytes(item.data, "media.data"),
                item.width,
                item.height,
                to_db(now),
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cursor.lastrowid

    async def for_report(self, report_id: int) -> list[Media]:
        async with self._conn.execute(
            f"{_NUMBERED} WHERE m.report_id = ? ORDER BY m.id", (report_id,)
        ) as cursor:
            return [_media(row) for row in await cursor.fetchall()]

    async def files(self, media_ids: Iterable[int]) -> list[MediaFile]:
        wanted = list(dict.fromkeys(media_ids))
        if not wanted:
            return []
        marks = ",".join("?" for _ in wanted)
        async with self._conn.execute(
            f"SELECT m.id, m.report_id, m.data, (SELECT COUNT(*) FROM media o "  # noqa: S608
            "WHERE o.report_id = m.report_id AND o.id <= m.id) AS number "
            f"FROM media m WHERE m.id IN ({marks}) AND m.data IS NOT NULL ORDER BY m.id",
            wanted,
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            MediaFile(
                name=f"R{row['report_id']}-photo-{row['number']}.jpg",
                content_type="image/jpeg",
                data=unseal_bytes(row["data"], "media.data"),
            )
            for row in rows
        ]
