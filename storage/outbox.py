"""The outbox: every message the bot owes, one row per message per chat.

Rows are written in the same transaction as the state change that causes them, so a
crash can never leave a verified report without its alert, or an alert without its
verification. Delivery workers take rows per platform in order and record the outcome.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.core.models import MessageKind, OutboxEntry
from bot.core.store import Changes
from storage.crypto import digest, seal, unseal_text
from storage.timecodec import from_db, maybe_from_db, to_db


def _problem_key(platform: str, address: str) -> str:
    """Problems are only looked up, never listed, so a hash serves (and hides DMs)."""
    return digest(address, f"chat:{platform}")


def _entry(row: aiosqlite.Row) -> OutboxEntry:
    return OutboxEntry(
        id=row["id"],
        platform=row["platform"],
        address=unseal_text(row["address"], "outbox.address")
        if row["is_direct"]
        else row["address"],
        is_direct=bool(row["is_direct"]),
        languages=tuple(row["languages"].split(",")),
        kind=MessageKind(row["kind"]),
        report_id=row["report_id"],
        body=unseal_text(row["body"], "outbox.body"),
        ping=row["ping"],
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=from_db(row["next_attempt_at"]),
        last_error=row["last_error"],
        external_id=row["external_id"],
        created_at=from_db(row["created_at"]),
        delivered_at=maybe_from_db(row["delivered_at"]),
        task_id=row["task_id"],
        media_ids=tuple(int(part) for part in row["media"].split(",") if part),
    )


class SqliteOutbox:
    """Messages still to send, and what became of them."""

    def __init__(self, conn: aiosqlite.Connection, changes: Changes) -> None:
        self._conn = conn
        self._changes = changes

    async def enqueue(
        self,
        *,
        platform: str,
        address: str,
        is_direct: bool,
        languages: tuple[str, ...],
        kind: MessageKind,
        body: str,
        now: datetime,
        report_id: int | None = None,
        ping: str | None = None,
        task_id: int | None = None,
        media: tuple[int, ...] = (),
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO outbox (platform, address, is_direct, languages, kind, report_id, body, "
            "ping, next_attempt_at, created_at, task_id, media) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                platform,
                # A member's platform id (a phone number) is personal data; a chat's is config.
                seal(address, "outbox.address") if is_direct else address,
                int(is_direct),
                ",".join(languages),
                kind.value,
                report_id,
                seal(body, "outbox.body"),
                ping,
                to_db(now),
                to_db(now),
                task_id,
                ",".join(str(media_id) for media_id in media),
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        self._changes.outbox.add(platform)
        return cursor.lastrowid

    async def pending(self, platform: str) -> list[OutboxEntry]:
        """Undelivered rows of a platform in the order they were written."""
        async with self._conn.execute(
            "SELECT * FROM outbox WHERE platform = ? AND state = 'pending' ORDER BY id",
            (platform,),
        ) as cursor:
            return [_entry(row) for row in await cursor.fetchall()]

    async def next_attempt(self, platform: str) -> datetime | None:
        async with self._conn.execute(
            "SELECT MIN(next_attempt_at) AS soonest FROM outbox "
            "WHERE platform = ? AND state = 'pending'",
            (platform,),
        ) as cursor:
            row = await cursor.fetchone()
        return maybe_from_db(row["soonest"] if row else None)

    async def mark_delivered(self, entry_id: int, external_id: str | None, now: datetime) -> bool:
        cursor = await self._conn.execute(
            "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, external_id = ?, "
            "delivered_at = ?, last_error = NULL WHERE id = ? AND state = 'pending'",
            (external_id, to_db(now), entry_id),
        )
        # A direct message, once delivered, is the member's to keep and nobody else's: its
        # text and its address (who got a receipt for R12, who was sent a person's details)
        # are erased at once. Group messages stay until the purge, for edits and follow-ups.
        await self._conn.execute(
            "UPDATE outbox SET body = '', address = '' WHERE id = ? AND is_direct = 1",
            (entry_id,),
        )
        return cursor.rowcount == 1

    async def mark_retry(self, entry_id: int, error: str, next_attempt_at: datetime) -> None:
        await self._conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
            "WHERE id = ? AND state = 'pending'",
            (error[:500], to_db(next_attempt_at), entry_id),
        )

    async def mark_failed(self, entry_id: int, error: str) -> None:
        await self._conn.execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? "
            "WHERE id = ? AND state = 'pending'",
            (error[:500], entry_id),
        )
        # A direct message that can never be delivered is dropped like a delivered one
        # is erased: nothing says whom it was for or what it said.
        await self._conn.execute(
            "UPDATE outbox SET body = '', address = '' WHERE id = ? AND is_direct = 1",
            (entry_id,),
        )

    async def all_entries(self) -> list[OutboxEntry]:
        async with self._conn.execute("SELECT * FROM outbox ORDER BY id") as cursor:
            return [_entry(row) for row in await cursor.fetchall()]

    async def record_problem(self, platform: str, address: str, reason: str, now: datetime) -> bool:
        """Remember that a chat is unreachable; True only the first time, so it is told once."""
        cursor = await self._conn.execute(
            "INSERT INTO delivery_problems (platform, address, reason, reported_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (platform, address) DO NOTHING",
            (platform, _problem_key(platform, address), reason[:200], to_db(now)),
        )
        return cursor.rowcount == 1

    async def clear_problem(self, platform: str, address: str) -> bool:
        """Forget a problem once it is over; True if there was one (so a new one is told)."""
        cursor = await self._conn.execute(
            "DELETE FROM delivery_problems WHERE platform = ? AND address = ?",
            (platform, _problem_key(platform, address)),
        )
        return cursor.rowcount == 1
