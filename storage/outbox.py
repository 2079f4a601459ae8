"""The outbox: every message the bot owes, one row per message per chat.

Rows are written in the same transaction as the state change that causes them, so a
crash can never leave a verified report without its alert, or an alert without its
verification. Delivery workers take rows per platform in order and record the outcome.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from bot.core.models import MessageKind, OutboxEntry, Queued
from bot.core.store import Changes
from storage.connection import Connection
from storage.crypto import digest, seal, unseal_text
from storage.timecodec import from_db, maybe_from_db, to_db

_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on parameters


def _problem_key(platform: str, address: str) -> str:
    """Problems are only looked up, never listed, so a hash serves (and hides DMs)."""
    return digest(address, f"chat:{platform}")


def _entry(row: sqlite3.Row) -> OutboxEntry:
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

    def __init__(self, conn: Connection, changes: Changes) -> None:
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

    async def queue(self, platform: str) -> list[Queued]:
        async with self._conn.execute(
            "SELECT id, address, is_direct, next_attempt_at FROM outbox "
            "WHERE platform = ? AND state = 'pending' ORDER BY id",
            (platform,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Queued(
                id=row["id"],
                address=unseal_text(row["address"], "outbox.address")
                if row["is_direct"]
                else row["address"],
                is_direct=bool(row["is_direct"]),
                next_attempt_at=from_db(row["next_attempt_at"]),
            )
            for row in rows
        ]

    async def entries(self, ids: Sequence[int]) -> list[OutboxEntry]:
        found: list[OutboxEntry] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ", ".join("?" * len(chunk))
            async with self._conn.execute(
                f"SELECT * FROM outbox WHERE id IN ({marks}) AND state = 'pending'",  # noqa: S608 - only placeholders
                chunk,
            ) as cursor:
                found.extend(_entry(row) for row in await cursor.fetchall())
        return sorted(found, key=lambda entry: entry.id)

    async def mark_delivered(self, entry_id: int, external_id: str | None, now: datetime) -> bool:
        cursor = await self._conn.execute(
            "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, external_id = ?, "
            "delivered_at = ?, last_error = NULL WHERE id = ? AND state = 'pending'",
            (external_id, to_db(now), entry_id),
        )
        await self._erase_direct([entry_id])
        return cursor.rowcount == 1

    async def mark_delivered_many(
        self, delivered: Sequence[tuple[int, str | None]], now: datetime
    ) -> None:
        if not delivered:
            return
        moment = to_db(now)
        await self._conn.executemany(
            "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, external_id = ?, "
            "delivered_at = ?, last_error = NULL WHERE id = ? AND state = 'pending'",
            [(external_id, moment, entry_id) for entry_id, external_id in delivered],
        )
        await self._erase_direct([entry_id for entry_id, _ in delivered])

    async def _erase_direct(self, ids: Sequence[int]) -> None:
        """A direct message, once delivered or given up, is the member's to keep and
        nobody else's: its text and its address (who got a receipt for R12, who was sent
        a person's details) are erased at once. Group messages stay until the purge, for
        edits and follow-ups."""
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ", ".join("?" * len(chunk))
            await self._conn.execute(
                f"UPDATE outbox SET body = '', address = '' "  # noqa: S608 - only placeholders
                f"WHERE id IN ({marks}) AND is_direct = 1 AND state != 'pending'",
                chunk,
            )

    async def mark_retry(self, entry_id: int, error: str, next_attempt_at: datetime) -> None:
        await self.mark_retry_many([(entry_id, error, next_attempt_at)])

    async def mark_retry_many(self, retries: Sequence[tuple[int, str, datetime]]) -> None:
        if not retries:
            return
        await self._conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
            "WHERE id = ? AND state = 'pending'",
            [(error[:500], to_db(at), entry_id) for entry_id, error, at in retries],
        )

    async def mark_failed(self, entry_id: int, error: str) -> None:
        await self.mark_failed_many([(entry_id, error)])

    async def mark_failed_many(self, failed: Sequence[tuple[int, str]]) -> None:
        if not failed:
            return
        await self._conn.executemany(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? "
            "WHERE id = ? AND state = 'pending'",
            [(error[:500], entry_id) for entry_id, error in failed],
        )
        # A direct message that can never be delivered is dropped like a delivered one
        # is erased: nothing says whom it was for or what it said.
        await self._erase_direct([entry_id for entry_id, _ in failed])

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
