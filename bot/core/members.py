"""Members as the core knows them: identified by platform id, with roles and a language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.models import Member, Role
from bot.core.network import Network
from bot.i18n import ListOf, Raw, _, language_name, normalise_language
from storage import audit, members
from storage.database import Database


@dataclass(frozen=True)
class ConfiguredMember:
    external_id: str
    roles: frozenset[Role]
    language: str | None = None


class MemberService:
    def __init__(self, db: Database, network: Network, clock: Clock) -> None:
        self.db = db
        self.network = network
        self.clock = clock

    async def sync_configured(self, platform: str, configured: Iterable[ConfiguredMember]) -> None:
        """Give config-listed members exactly their config roles, at every start-up.

        A configured language is only the starting language: a member's own /lang
        choice is theirs and survives restarts.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            for entry in configured:
                member = await members.ensure(
                    conn,
                    platform,
                    entry.external_id,
                    entry.language or self.network.default_language,
                    now,
                )
                await members.sync_config_roles(conn, member.id, entry.roles, now)

    async def identify(self, platform: str, external_id: str) -> Member:
        async with self.db.transaction() as conn:
            return await members.ensure(
                conn, platform, external_id, self.network.default_language, self.clock.now()
            )

    async def identify_with_roles(
        self, platform: str, external_id: str, roles: frozenset[Role]
    ) -> Member:
        """A member whose roles the platform itself knows (Discord roles), kept in step.

        Called on every interaction, so taking a Discord role away takes the power away
        at the member's very next press, not at the next restart.
        """
        now = self.clock.now()
        async with self.db.transaction() as conn:
            member = await members.ensure(
                conn, platform, external_id, self.network.default_language, now
            )
            if member.roles != roles:
                await members.sync_config_roles(conn, member.id, roles, now)
                member = await members.get(conn, member.id) or member
            return member

    async def find(self, platform: str, external_id: str) -> Member | None:
        async with self.db.reading() as conn:
            return await members.find(conn, platform, external_id)

    async def get(self, member_id: int) -> Member | None:
        async with self.db.reading() as conn:
            return await members.get(conn, member_id)

    async def with_role(self, platform: str, role: Role) -> list[Member]:
        async with self.db.reading() as conn:
            return await members.with_role(conn, platform, role)

    async def change_role(
        self, actor: Member, external_id: str, role: Role, *, grant: bool
    ) -> Member:
        """Organizers give and take roles; the change is stored and audited."""
        if not actor.has(Role.ORGANIZER):
            raise UserError(_("Only organizers can give or take roles."))
        now = self.clock.now()
        async with self.db.transaction() as conn:
            target = await members.find(conn, actor.platform, external_id)
            if target is None:
                raise UserError(
                    _(
                        "I don't know “{member}” yet. They need to send me a message first "
                        "(for example /help).",
                        member=Raw(external_id),
                    )
                )
            if grant:
                await members.grant_role(conn, target.id, role, now)
            else:
                await members.revoke_role(conn, target.id, role)
            await audit.record(
                conn,
                now,
                actor.id,
                "member.role_granted" if grant else "member.role_revoked",
                audit.member_ref(target.id),
                role=role.value,
            )
            updated = await members.get(conn, target.id)
        assert updated is not None  # noqa: S101 - found above in the same transaction
        return updated

    def check_language(self, code: str) -> str:
        wanted = normalise_language(code)
        if wanted not in self.network.languages:
            raise UserError(
                _(
                    "I can't write in “{code}” yet. Choose one of: {choices}.",
                    code=code.strip(),
                    choices=self.language_choices(),
                )
            )
        return wanted

    def language_choices(self) -> ListOf:
        return ListOf(tuple(Raw(f"{language_name(c)} ({c})") for c in self.network.languages))

    async def set_language(self, member: Member, code: str) -> Member:
        language = self.check_language(code)
        async with self.db.transaction() as conn:
            await members.set_language(conn, member.id, language)
            await audit.record(
                conn, self.clock.now(), member.id, "member.language", language=language
            )
            updated = await members.get(conn, member.id)
        assert updated is not None  # noqa: S101 - the member exists: we just updated it
        return updated
