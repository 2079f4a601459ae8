"""Members and their roles.

A member's platform id (a Signal phone number, a Discord user id) is stored sealed, and
found by its keyed hash: a copied database does not list who is in the network.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.core.models import Member, Role
from bot.core.store import ConfigNote
from storage.connection import Connection
from storage.crypto import seal, unseal_text
from storage.identities import member_key
from storage.queries import row, rows
from storage.timecodec import to_db

# A member with their roles, in one query.
_SELECT = (
    "SELECT m.*, (SELECT group_concat(r.role) FROM member_roles r WHERE r.member_id = m.id) "
    "AS roles FROM members m"
)


def _member(row: sqlite3.Row) -> Member:
    sealed_name = row["name_sealed"]
    roles = frozenset(Role(role) for role in (row["roles"] or "").split(",") if role)
    return Member(
        id=row["id"],
        platform=row["platform"],
        external_id=unseal_text(row["external_sealed"], "members.external_sealed"),
        language=row["language"],
        language_chosen=bool(row["language_chosen"]),
        roles=roles,
        name=unseal_text(sealed_name, "members.name_sealed") if sealed_name else None,
    )


class SqliteMembers:
    """Members and their roles."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def get(self, member_id: int) -> Member | None:
        found = await row(self._conn, f"{_SELECT} WHERE m.id = ?", (member_id,))
        return None if found is None else _member(found)

    async def find(self, platform: str, external_id: str) -> Member | None:
        found = await row(
            self._conn,
            f"{_SELECT} WHERE m.platform = ? AND m.external_key = ?",
            (platform, member_key(platform, external_id)),
        )
        return None if found is None else _member(found)

    async def ensure(
        self,
        platform: str,
        external_id: str,
        language: str,
        now: datetime,
        *,
        language_chosen: bool = False,
    ) -> Member:
        """The member with this platform id, created with `language` on first sight
        (`language_chosen`: the config names it, so no command's language changes it)."""
        member = await self.find(platform, external_id)
        if member is not None:
            return member
        cursor = await self._conn.execute(
            "INSERT INTO members (platform, external_key, external_sealed, language, "
            "language_chosen, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                platform,
                member_key(platform, external_id),
                seal(external_id, "members.external_sealed"),
                language,
                int(language_chosen),
                to_db(now),
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return Member(
            id=cursor.lastrowid,
            platform=platform,
            external_id=external_id,
            language=language,
            language_chosen=language_chosen,
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
            "UPDATE members SET language = ?, language_chosen = 1 WHERE id = ?",
            (language, member_id),
        )

    async def set_roles(self, member_id: int, roles: Iterable[Role], now: datetime) -> None:
        """Make the member's roles exactly `roles` (the config's, re-applied by an
        organizer; Discord's, read at every press). Roles kept keep their source."""
        wanted = {role.value for role in roles}
        have = {
            found["role"]
            for found in await rows(
                self._conn, "SELECT role FROM member_roles WHERE member_id = ?", (member_id,)
            )
        }
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
        found = await rows(
            self._conn,
            "SELECT c.member_id, c.listed, c.told FROM config_members c "
            "JOIN members m ON m.id = c.member_id WHERE m.platform = ? ORDER BY c.member_id",
            (platform,),
        )
        return {
            each["member_id"]: ConfigNote(listed=bool(each["listed"]), told=each["told"])
            for each in found
        }

    async def note_config(self, member_id: int, *, listed: bool, told: str | None) -> None:
        await self._conn.execute(
            "INSERT INTO config_members (member_id, listed, told) VALUES (?, ?, ?) "
            "ON CONFLICT (member_id) DO UPDATE SET listed = excluded.listed, told = excluded.told",
            (member_id, int(listed), told),
        )

    async def with_role(self, platform: str, role: Role) -> list[Member]:
        found = await rows(
            self._conn,
            f"{_SELECT} WHERE m.platform = ? AND EXISTS (SELECT 1 FROM member_roles g "  # noqa: S608
            "WHERE g.member_id = m.id AND g.role = ?) ORDER BY m.id",
            (platform, role.value),
        )
        return [_member(each) for each in found]

    async def grant_role(
        self, member_id: int, role: Role, now: datetime, *, from_config: bool = False
    ) -> None:
        await self._conn.execute(
            "INSERT INTO member_roles (member_id, role, source, granted_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (member_id, role) DO NOTHING",
            (member_id, role.value, "config" if from_config else "command", to_db(now)),
        )

    async def with_any_role(self, platform: str) -> list[Member]:
        found = await rows(
            self._conn,
            f"{_SELECT} WHERE m.platform = ? AND m.id IN "  # noqa: S608
            "(SELECT member_id FROM member_roles) ORDER BY m.id",
            (platform,),
        )
        return [_member(each) for each in found]

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
