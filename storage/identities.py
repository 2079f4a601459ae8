"""Keyed hashes of identities, and the upgrade of rows written before they existed.

A keyed hash answers "is this the same member (place, sender)?" without storing who
it is. Each use has its own purpose string, so a hash from one table cannot be matched
against another's.
"""

from __future__ import annotations

from collections.abc import Callable

from storage.connection import Connection
from storage.crypto import HASH_PREFIX, digest, seal

REPORTER_FIELD = "reporter_sealed"


def member_key(platform: str, external_id: str) -> str:
    return digest(external_id, f"member:{platform}")


def member_hash(member_id: int) -> str:
    """How a member is named where only "the same person?" must be answerable."""
    return digest(str(member_id), "member")


def place_hash(place_key: str) -> str:
    return digest(place_key, "place")


def signal_source_hash(source: str) -> str:
    return digest(source, "signal-source")


async def upgrade(conn: Connection) -> None:
    """Convert identities stored in plaintext by versions before migration 9."""
    async with conn.execute(
        "SELECT id, platform, external_key FROM members WHERE external_sealed IS NULL"
    ) as cursor:
        for row in await cursor.fetchall():
            await conn.execute(
                "UPDATE members SET external_key = ?, external_sealed = ? WHERE id = ?",
                (
                    member_key(row["platform"], row["external_key"]),
                    seal(row["external_key"], "members.external_sealed"),
                    row["id"],
                ),
            )
    for table in ("reports", "corroborations"):
        report = "id" if table == "reports" else "report_id"
        async with conn.execute(
            f"SELECT t.id, t.reporter_id, r.state FROM {table} t "  # noqa: S608 - constants
            f"JOIN reports r ON r.id = t.{report} WHERE t.reporter_id IS NOT NULL"
        ) as cursor:
            for row in await cursor.fetchall():
                is_open = row["state"] in ("pending", "verified")
                await conn.execute(
                    f"UPDATE {table} SET reporter_id = NULL, reporter_hash = ?, "  # noqa: S608
                    "reporter_sealed = ? WHERE id = ?",
                    (
                        member_hash(row["reporter_id"]),
                        seal(str(row["reporter_id"]), f"{table}.{REPORTER_FIELD}")
                        if is_open
                        else None,
                        row["id"],
                    ),
                )
    async with conn.execute(
        "SELECT id, actor_id FROM audit_log WHERE actor_id IS NOT NULL"
    ) as cursor:
        for row in await cursor.fetchall():
            await conn.execute(
                "UPDATE audit_log SET actor_id = NULL, actor = ? WHERE id = ?",
                (member_hash(row["actor_id"]), row["id"]),
            )
    await _hash_column(conn, "reports", "place_key", place_hash)
    await _hash_column(conn, "signal_inbox", "source", signal_source_hash)


async def _hash_column(
    conn: Connection, table: str, column: str, hasher: Callable[[str], str]
) -> None:
    """Replace the plaintext values of a column that is only ever compared by hash."""
    async with conn.execute(
        f"SELECT id, {column} AS v FROM {table} "  # noqa: S608 - constants
        f"WHERE {column} NOT LIKE '{HASH_PREFIX}%'"
    ) as cursor:
        for row in await cursor.fetchall():
            await conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE id = ?",  # noqa: S608 - constants
                (hasher(row["v"]), row["id"]),
            )
