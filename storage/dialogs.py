"""Step-by-step conversations in progress."""

from __future__ import annotations

import json
from datetime import datetime

from bot.core.models import Dialog
from storage.connection import Connection
from storage.crypto import seal, unseal_text
from storage.queries import row
from storage.timecodec import from_db, to_db


class SqliteDialogs:
    """Step-by-step conversations in progress."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def get(self, member_id: int) -> Dialog | None:
        found = await row(self._conn, "SELECT * FROM dialogs WHERE member_id = ?", (member_id,))
        if found is None:
            return None
        return Dialog(
            found["member_id"],
            found["kind"],
            found["step"],
            json.loads(unseal_text(found["data"], "dialogs.data")),
            from_db(found["updated_at"]),
        )

    async def save(
        self,
        member_id: int,
        kind: str,
        step: str,
        data: dict[str, str],
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO dialogs (member_id, kind, step, data, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (member_id) DO UPDATE SET kind = excluded.kind, step = excluded.step, "
            "data = excluded.data, updated_at = excluded.updated_at",
            (member_id, kind, step, seal(json.dumps(data), "dialogs.data"), to_db(now)),
        )

    async def end(self, member_id: int) -> None:
        await self._conn.execute("DELETE FROM dialogs WHERE member_id = ?", (member_id,))
