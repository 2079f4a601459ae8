"""Forms opened and not yet sent, with what each was opened with (sealed)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.core.models import OpenForm
from storage.connection import Connection
from storage.crypto import seal, unseal_text
from storage.timecodec import from_db, to_db


class SqliteForms:
    """Forms opened and not yet sent."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def save(
        self, token: str, kind: str, member_id: int, data: dict[str, str], now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO open_forms (token, kind, member_id, data, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (token) DO UPDATE SET kind = excluded.kind, "
            "member_id = excluded.member_id, data = excluded.data",
            (token, kind, member_id, seal(json.dumps(data), "open_forms.data"), to_db(now)),
        )

    async def get(self, token: str) -> OpenForm | None:
        async with self._conn.execute(
            "SELECT * FROM open_forms WHERE token = ?", (token,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return OpenForm(
            token=row["token"],
            kind=row["kind"],
            member_id=row["member_id"],
            data=json.loads(unseal_text(row["data"], "open_forms.data")),
            created_at=from_db(row["created_at"]),
        )

    async def delete(self, token: str) -> None:
        await self._conn.execute("DELETE FROM open_forms WHERE token = ?", (token,))
