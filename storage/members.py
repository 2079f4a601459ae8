"""Members and their roles.

A member's platform id (a Signal phone number, a Discord user id) is stored sealed, and
found by its keyed hash: a copied database does not list who is in the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.core.models import Member, Role
from bot.core.store import ConfigNote
from storage.crypto import seal, unseal_text
from storage.identities import member_key
from storage.timecodec import to_db


def _member(row: aiosqlite.Row, roles: frozenset[Role]) -> Member:
    sealed_name = row["name_sealed"]
    return Member(
        id=row["id"],
        platform=row["platform"],
        external_id=unseal_text(row["external_sealed"], "members.external_sealed"),
        language=row["language"],
        roles=roles,
        name=unseal_text(sealed_name, "members.name_sealed") if sealed_name else None,
    )


class SqliteMembers:
    """Members and their roles."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _roles(self, member_id: int) -> frozenset[Role]:
        async with self._conn.execute(
            "SELECT role FROM member_roles WHERE member_id = ?", (member_id,)
        ) as cursor:
            return frozenset(Role(row["role"]) for row in await cursor.fetchall())

    async def get(self, member_id: int) -> Member | None:
        async with self._conn.execute("SELECT * FROM members WHERE id = ?", (member_id,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _member(row, await self._roles(member_id))

    async def find(self, platform: str, external_id: str) -> Member | None:
        async with self._conn.execute(
            "SELECT * FROM members WHERE platform = ? AND external_key = ?",
            (platform, member_key(platform, external_id)),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _member(row, await self._roles(row["id"]))

    async def ensure(self, platform: str, external_id: str, language: str, now: datetime) -> Member:
        """The member with this platform id, created with `language` on first sight."""
        member = await self.find(platform, external_id)
        if member is not None:
            return member
        cursor = await self._conn.execute(
            "INSERT INTO members (platform, external_key, external_sealed, language, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                platform,
                member_key(platform, external_id),
                seal(external_id, "members.external_sealed"),
                language,
                to_db(now),
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return Member(
            id=cursor.lastrowid,
            platform=platform,
            external_id=external_id,
            language=language,
            roles=frozenset(),
        )

    async def set_name(self, member_id: int, name: str | None, *, from_config: bool) -> bool:
        """What messages call the member; True if it changed. A name from the config wins:
        a profile name is kept only while the config gives none."""
        if from_config and name is None:  # the config no longer names them
            cursor = await self._conn.execute(
                "UPDATE members SET name_sealed = NULL, name_source = NULL "
                "WHERE id = ? AND name_source = 'config'",
                (member_id,),
            )
        elif from_config:
            cursor = await self._conn.execute(
                "UPDATE members SET name_sealed = ?, name_source = 'config' WHERE id = ?",
                (seal(name, "members.name_sealed"), member_id),
            )
        else:
            cursor = await self._conn.execute(
                "UPDATE members SET name_sealed = ?, name_source = 'profile' "
                "WHERE id = ? AND (name_source IS NULL OR name_source = 'profile')",
                (seal(name, "members.name_sealed") if name else None, member_id),
            )
        return cursor.rowcount == 1

    async def set_language(self, member_id: int, language: str) -> None:
        await self._conn.execute(
            "UPDATE members SET language = ? WHERE id = ?", (language, member_id)
        )

    async def set_roles(self, member_id: int, roles: Iterable[Role], now: datetime) -> None:
        """Make the member's roles exactly `roles` (the config's, re-applied by an
        organizer; Discord's, read at every press). Roles kept keep their source."""
        wanted = {role.value for role in roles}
        async with self._conn.execute(
            "SELECT role FROM member_roles WHERE member_id = ?", (member_id,)
        ) as cursor:
            have = {row["role"] for row in await cursor.fetchall()}
        for role in sorted(have - wanted):
            await self._conn.execute(
                "DELETE FROM member_roles WHERE member_id = ? AND role = ?", (member_id, role)
            )
        for role in sorted(wanted - have):
            await self._conn.execute(
                "INSERT INTO member_roles (member_id, role, source, granted_at) "
                "VALUES (?, ?, 'config', ?)",
                (member_id, role, to_db(now)),
            )

    async def config_notes(self, platform: str) -> dict[int, ConfigNote]:
        async with self._conn.execute(
            "SELECT c.member_id, c.listed, c.told FROM config_members c "
            "JOIN members m ON m.id = c.member_id WHERE m.platform = ? ORDER BY c.member_id",
            (platform,),
        ) as cursor:
            rows = await cursor.fetchall()
        return {
            row["member_id"]: ConfigNote(listed=bool(row["listed"]), told=row["told"])
            for row in rows
        }

    async def note_config(self, member_id: int, *, listed: bool, told: str | None) -> None:
        await self._conn.execute(
            "INSERT INTO config_members (member_id, listed, told) VALUES (?, ?, ?) "
            "ON CONFLICT (member_id) DO UPDATE SET listed = excluded.listed, told = excluded.told",
            (member_id, int(listed), told),
        )

    async def with_role(self, platform: str, role: Role) -> list[Member]:
        async with self._conn.execute(
            "SELECT m.* FROM members m JOIN member_roles r ON r.member_id = m.id "
            "WHERE m.platform = ? AND r.role = ? ORDER BY m.id",
            (platform, role.value),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_member(row, await self._roles(row["id"])) for row in rows]

    async def grant_role(
        self, member_id: int, role: Role, now: datetime, *, from_config: bool = False
    ) -> None:
        await self._conn.execute(
            "INSERT INTO member_roles (member_id, role, source, granted_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (member_id, role) DO NOTHING",
            (member_id, role.value, "config" if from_config else "command", to_db(now)),
        )

    async def with_any_role(self, platform: str) -> list[Member]:
        async with self._conn.execute(
            "SELECT * FROM members WHERE platform = ? AND id IN "
            "(SELECT member_id FROM member_roles) ORDER BY id",
            (platform,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_member(row, await self._roles(row["id"])) for row in rows]

    async def revoke_role(self, member_id: int, role: Role, *, unless_last: bool = False) -> bool:
        """Take the role away; with `unless_last`, only while another member of the same
        platform holds it too (one statement, so two taking it at once leave one)."""
        if not unless_last:
            cursor = await self._conn.execute(
                "DELETE FROM member_roles WHERE member_id = ? AND role = ?",
                (member_id, role.value),
            )
            return cursor.rowcount == 1
        cursor = await self._conn.execute(
            "DELETE FROM member_roles WHERE member_id = ? AND role = ? AND EXISTS ("
            " SELECT 1 FROM member_roles other JOIN members m ON m.id = other.member_id"
            " WHERE other.role = ? AND other.member_id != ?"
            " AND m.platform = (SELECT platform FROM members WHERE id = ?))",
            (member_id, role.value, role.value, member_id, member_id),
        )
        return cursor.rowcount == 1
