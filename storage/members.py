"""Members and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.core.models import Member, Role
from storage.timecodec import to_db


async def _roles(conn: aiosqlite.Connection, member_id: int) -> frozenset[Role]:
    async with conn.execute(
        "SELECT role FROM member_roles WHERE member_id = ?", (member_id,)
    ) as cursor:
        return frozenset(Role(row["role"]) for row in await cursor.fetchall())


def _member(row: aiosqlite.Row, roles: frozenset[Role]) -> Member:
    return Member(
        id=row["id"],
        platform=row["platform"],
        external_id=row["external_id"],
        language=row["language"],
        roles=roles,
    )


async def get(conn: aiosqlite.Connection, member_id: int) -> Member | None:
    async with conn.execute("SELECT * FROM members WHERE id = ?", (member_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else _member(row, await _roles(conn, member_id))


async def find(conn: aiosqlite.Connection, platform: str, external_id: str) -> Member | None:
    async with conn.execute(
        "SELECT * FROM members WHERE platform = ? AND external_id = ?", (platform, external_id)
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else _member(row, await _roles(conn, row["id"]))


async def ensure(
    conn: aiosqlite.Connection, platform: str, external_id: str, language: str, now: datetime
) -> Member:
    """The member with this platform id, created with `language` on first sight."""
    await conn.execute(
        "INSERT INTO members (platform, external_id, language, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (platform, external_id) DO NOTHING",
        (platform, external_id, language, to_db(now)),
    )
    member = await find(conn, platform, external_id)
    assert member is not None  # noqa: S101 - inserted just above in the same transaction
    return member


async def set_language(conn: aiosqlite.Connection, member_id: int, language: str) -> None:
    await conn.execute("UPDATE members SET language = ? WHERE id = ?", (language, member_id))


async def sync_config_roles(
    conn: aiosqlite.Connection, member_id: int, roles: Iterable[Role], now: datetime
) -> None:
    """Make the config-given roles exactly `roles`; roles granted by command stay."""
    wanted = {role.value for role in roles}
    async with conn.execute(
        "SELECT role FROM member_roles WHERE member_id = ? AND source = 'config'", (member_id,)
    ) as cursor:
        have = {row["role"] for row in await cursor.fetchall()}
    for role in have - wanted:
        await conn.execute(
            "DELETE FROM member_roles WHERE member_id = ? AND role = ? AND source = 'config'",
            (member_id, role),
        )
    for role in sorted(wanted - have):
        await conn.execute(
            "INSERT INTO member_roles (member_id, role, source, granted_at) "
            "VALUES (?, ?, 'config', ?) ON CONFLICT (member_id, role) DO NOTHING",
            (member_id, role, to_db(now)),
        )


async def with_role(conn: aiosqlite.Connection, platform: str, role: Role) -> list[Member]:
    async with conn.execute(
        "SELECT m.* FROM members m JOIN member_roles r ON r.member_id = m.id "
        "WHERE m.platform = ? AND r.role = ? ORDER BY m.id",
        (platform, role.value),
    ) as cursor:
        rows = await cursor.fetchall()
    return [_member(row, await _roles(conn, row["id"])) for row in rows]


async def grant_role(conn: aiosqlite.Connection, member_id: int, role: Role, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO member_roles (member_id, role, source, granted_at) "
        "VALUES (?, ?, 'command', ?) ON CONFLICT (member_id, role) DO NOTHING",
        (member_id, role.value, to_db(now)),
    )


async def revoke_role(conn: aiosqlite.Connection, member_id: int, role: Role) -> None:
    await conn.execute(
        "DELETE FROM member_roles WHERE member_id = ? AND role = ?", (member_id, role.value)
    )
