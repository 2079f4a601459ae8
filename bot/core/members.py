"""Members as the core knows them: identified by platform id, with roles and a language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.core import permissions
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.models import Member, Role
from bot.core.network import Network
from bot.core.store import Store
from bot.core.vocabulary import language_code
from bot.i18n import ListOf, Raw, _, language_name, one_of

# A profile name longer than this is cut: Signal's own limit is lower.
NAME_LIMIT = 60


@dataclass(frozen=True)
class ConfiguredMember:
    external_id: str
    roles: frozenset[Role]
    language: str | None = None
    name: str | None = None  # what messages call them; wins over their profile name


class MemberService:
    def __init__(self, store: Store, network: Network, clock: Clock) -> None:
        self.store = store
        self.network = network
        self.clock = clock
        # Platforms whose roles are their own (Discord's server roles, re-read at every
        # press): /role cannot change them, it would only be undone at the next press.
        self.roles_kept_by: set[str] = set()

    async def sync_configured(self, platform: str, configured: Iterable[ConfiguredMember]) -> None:
        """Give config-listed members exactly their config roles, at every start-up.

        A configured language is only the starting language: a member's own /lang
        choice is theirs and survives restarts.
        """
        now = self.clock.now()
        async with self.store.transaction() as tx:
            for entry in configured:
                member = await tx.members.ensure(
                    platform,
                    entry.external_id,
                    entry.language or self.network.default_language,
                    now,
                )
                await tx.members.sync_config_roles(member.id, entry.roles, now)
                if entry.name != member.name:
                    await tx.members.set_name(member.id, entry.name, from_config=True)

    async def note_profile_name(self, member: Member, profile_name: object) -> Member:
        """The name the member's platform shows for them now (Signal's sourceName), kept
        to name them in messages unless the config names them. The member as it stands.

        Only for members with a role: organizers hear about what verifiers, organizers
        and volunteers did; a reporter's name is not theirs to collect.
        """
        name = " ".join(profile_name.split())[:NAME_LIMIT] if isinstance(profile_name, str) else ""
        if not name or name == member.name or not member.roles:
            return member
        async with self.store.transaction() as tx:
            if not await tx.members.set_name(member.id, name, from_config=False):
                return member  # the config names them
        return replace(member, name=name)

    async def identify(self, platform: str, external_id: str) -> Member:
        """The member, made on first sight. Known members (nearly every message) are a
        read, which never waits behind a write."""
        async with self.store.reading() as tx:
            known = await tx.members.find(platform, external_id)
        if known is not None:
            return known
        async with self.store.transaction() as tx:
            return await tx.members.ensure(
                platform, external_id, self.network.default_language, self.clock.now()
            )

    async def identify_with_roles(
        self, platform: str, external_id: str, roles: frozenset[Role]
    ) -> Member:
        """A member whose roles the platform itself knows (Discord roles), kept in step.

        Called on every interaction, so taking a Discord role away takes the power away
        at the member's very next press, not at the next restart.
        """
        async with self.store.reading() as tx:  # nearly always: known, roles unchanged
            known = await tx.members.find(platform, external_id)
        if known is not None and known.roles == roles:
            return known
        now = self.clock.now()
        async with self.store.transaction() as tx:
            member = await tx.members.ensure(
                platform, external_id, self.network.default_language, now
            )
            if member.roles != roles:
                await tx.members.sync_config_roles(member.id, roles, now)
                member = await tx.members.get(member.id) or member
            return member

    async def find(self, platform: str, external_id: str) -> Member | None:
        async with self.store.reading() as tx:
            return await tx.members.find(platform, external_id)

    async def get(self, member_id: int) -> Member | None:
        async with self.store.reading() as tx:
            return await tx.members.get(member_id)

    async def with_role(self, platform: str, role: Role) -> list[Member]:
        async with self.store.reading() as tx:
            return await tx.members.with_role(platform, role)

    async def change_role(
        self, actor: Member, external_id: str, role: Role, *, grant: bool
    ) -> Member:
        """Organizers give and take roles; the change is stored and audited."""
        permissions.check_can_change_roles(actor)
        if actor.platform in self.roles_kept_by:
            raise UserError(
                _(
                    "Here roles are the server's own roles: give or take them in the "
                    "server's settings, and I follow them at every press."
                )
            )
        now = self.clock.now()
        async with self.store.transaction() as tx:
            target = await tx.members.find(actor.platform, external_id)
            if target is None:
                raise UserError(
                    _(
                        "I don't know “{member}” yet. They need to send me a message first "
                        "(for example /help).",
                        member=Raw(external_id),
                    )
                )
            if grant:
                await tx.members.grant_role(target.id, role, now)
            else:
                await tx.members.revoke_role(target.id, role)
            await tx.audit.record(
                now,
                actor.id,
                "member.role_granted" if grant else "member.role_revoked",
                tx.audit.member_ref(target.id),
                role=role.value,
            )
            updated = await tx.members.get(target.id)
        assert updated is not None  # noqa: S101 - found above in the same transaction
        return updated

    def check_language(self, code: str) -> str:
        wanted = language_code(code)
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
        return one_of(Raw(f"{language_name(c)} ({c})") for c in self.network.languages)

    async def set_language(self, member: Member, code: str) -> Member:
        language = self.check_language(code)
        async with self.store.transaction() as tx:
            await tx.members.set_language(member.id, language)
            await tx.audit.record(self.clock.now(), member.id, "member.language", language=language)
            updated = await tx.members.get(member.id)
        assert updated is not None  # noqa: S101 - the member exists: we just updated it
        return updated
