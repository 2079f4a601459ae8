"""Members as the core knows them: identified by platform id, with roles and a language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.core import permissions, role_text
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.messenger import Messenger
from bot.core.models import Member, MessageKind, Role
from bot.core.network import Network
from bot.core.store import Store, Transaction
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


@dataclass(frozen=True)
class RoleChange:
    """One member's roles before and after the config was re-applied."""

    member: Member  # as they stand now
    before: frozenset[Role]


def _disagreement(configured: frozenset[Role] | None, held: frozenset[Role]) -> str:
    """What organizers are told about, as remembered: the config's roles (or that it no
    longer lists the member) and the records' roles."""
    said = "unlisted" if configured is None else ",".join(sorted(configured))
    return f"{said}>{','.join(sorted(held))}"


class MemberService:
    def __init__(self, store: Store, network: Network, clock: Clock, messenger: Messenger) -> None:
        self.store = store
        self.network = network
        self.clock = clock
        self.messenger = messenger
        # Platforms whose roles are their own (Discord's server roles, re-read at every
        # press): /role cannot change them, it would only be undone at the next press.
        self.roles_kept_by: set[str] = set()
        # What the config lists, per platform, for /roles reset.
        self.configured: dict[str, tuple[ConfiguredMember, ...]] = {}

    async def sync_configured(self, platform: str, configured: Iterable[ConfiguredMember]) -> None:
        """Bring in the config's members at start-up; their roles are only a seed.

        A member the config lists for the first time gets its roles. After that the
        database is the truth: what organizers gave or took with /role stands across
        restarts. Where the config and the database disagree (the config lists other
        roles, or no longer lists a member who still has some), the organizer chats are
        told, once per disagreement, and how to re-apply the config if it was meant.
        A configured language is only the starting language: a member's own /lang
        choice is theirs and survives restarts.
        """
        entries = tuple(configured)
        self.configured[platform] = entries
        now = self.clock.now()
        differ: list[tuple[Member, frozenset[Role] | None]] = []
        async with self.store.transaction() as tx:
            notes = await tx.members.config_notes(platform)
            seen: set[int] = set()
            for entry in entries:
                member = await tx.members.ensure(
                    platform,
                    entry.external_id,
                    entry.language or self.network.default_language,
                    now,
                    language_chosen=entry.language is not None,
                )
                seen.add(member.id)
                note = notes.get(member.id)
                fresh = False
                if entry.name != member.name:
                    fresh = await tx.members.set_name(member.id, entry.name, from_config=True)
                if (
                    note is None  # listed for the first time: seed its roles
                    and not entry.roles <= member.roles
                    and not await self._lost_a_role(tx, member.id)
                ):
                    for role in sorted(entry.roles - member.roles):
                        await tx.members.grant_role(member.id, role, now, from_config=True)
                    await tx.audit.record(
                        now, None, "member.roles_seeded", tx.audit.member_ref(member.id)
                    )
                    fresh = True
                if fresh:
                    member = await tx.members.get(member.id) or member
                told = None
                if member.roles != entry.roles:
                    told = _disagreement(entry.roles, member.roles)
                    if note is None or note.told != told:
                        differ.append((member, entry.roles))
                if note is None or not note.listed or note.told != told:
                    await tx.members.note_config(member.id, listed=True, told=told)
            for member_id, note in notes.items():
                if member_id in seen:
                    continue
                gone = await tx.members.get(member_id)
                if gone is None:
                    continue
                told = _disagreement(None, gone.roles) if gone.roles else None
                if told is not None and note.told != told:
                    differ.append((gone, None))
                if note.listed or note.told != told:
                    await tx.members.note_config(member_id, listed=False, told=told)
            if differ:
                await self.messenger.to_organizers(
                    tx, MessageKind.ROLES, role_text.disagreements(platform, differ)
                )
                await tx.audit.record(now, None, "member.roles_differ", platform, count=len(differ))

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
                await tx.members.set_roles(member.id, roles, now)
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

    async def change_role(self, actor: Member, who: str, role: Role, *, grant: bool) -> Member:
        """Organizers give and take roles; the change is stored and audited, and stands
        until an organizer changes it again (the config does not undo it at a restart).
        The network always keeps an organizer: the last one's role is not taken away."""
        permissions.check_can_change_roles(actor)
        self._check_roles_are_ours(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            target = await self._find(tx, actor.platform, who)
            if grant:
                await tx.members.grant_role(target.id, role, now)
            else:
                if role is Role.ORGANIZER and role in target.roles:
                    organizers = await tx.members.with_role(actor.platform, Role.ORGANIZER)
                    permissions.check_keeps_an_organizer(actor, target, organizers)
                taken = await tx.members.revoke_role(
                    target.id, role, unless_last=role is Role.ORGANIZER
                )
                if not taken and role in target.roles:  # the last one, by a hair
                    permissions.check_keeps_an_organizer(actor, target, [target])
            await tx.audit.record(
                now,
                actor.id,
                "member.role_granted" if grant else "member.role_revoked",
                tx.audit.member_ref(target.id),
                role=role.value,
            )
            updated = await tx.members.get(target.id)
            assert updated is not None  # noqa: S101 - found above in the same transaction
            if updated.roles != target.roles:
                await self.messenger.to_organizers(
                    tx,
                    MessageKind.ROLE_CHANGE,
                    role_text.changed_for_organizers(actor, updated, role, granted=grant),
                )
                if updated.id != actor.id:
                    await self.messenger.to_member(
                        tx,
                        updated,
                        MessageKind.ROLE_CHANGE,
                        role_text.changed_for_member(role, granted=grant),
                    )
        return updated

    async def reset_to_config(self, actor: Member) -> list[RoleChange]:
        """`/roles reset`: everyone the config lists gets exactly the config's roles again
        (an organizer meant the config after all). Members it no longer lists keep theirs.
        Refused if it would leave nobody with the organizer role."""
        permissions.check_can_change_roles(actor)
        self._check_roles_are_ours(actor)
        entries = self.configured.get(actor.platform, ())
        now = self.clock.now()
        changes: list[RoleChange] = []
        async with self.store.transaction() as tx:
            wanted: dict[int, tuple[Member, frozenset[Role]]] = {}
            for entry in entries:
                member = await tx.members.ensure(
                    actor.platform,
                    entry.external_id,
                    entry.language or self.network.default_language,
                    now,
                    language_chosen=entry.language is not None,
                )
                wanted[member.id] = (member, entry.roles)
            organizers = {m.id for m in await tx.members.with_role(actor.platform, Role.ORGANIZER)}
            for member_id, (_member, roles) in wanted.items():
                if Role.ORGANIZER in roles:
                    organizers.add(member_id)
                else:
                    organizers.discard(member_id)
            permissions.check_config_keeps_an_organizer(bool(organizers))
            for member_id, (member, roles) in wanted.items():
                await tx.members.note_config(member_id, listed=True, told=None)
                if member.roles == roles:
                    continue
                await tx.members.set_roles(member_id, roles, now)
                await tx.audit.record(
                    now,
                    actor.id,
                    "member.roles_reset",
                    tx.audit.member_ref(member_id),
                    roles=",".join(sorted(roles)),
                )
                changes.append(RoleChange(replace(member, roles=roles), member.roles))
        return changes

    async def holders(self, actor: Member) -> list[Member]:
        """`/roles`: the members of the organizer's platform who hold a role."""
        permissions.check_can_list_roles(actor)
        async with self.store.reading() as tx:
            return await tx.members.with_any_role(actor.platform)

    @staticmethod
    async def _lost_a_role(tx: Transaction, member_id: int) -> bool:
        """An organizer once took a role from them with /role (as far as the audit log
        remembers): the config does not give roles back to them, even the first time it
        lists them. That covers a database from before roles were a seed, where a role
        taken since the last start left no trace of the config having listed them."""
        entries = await tx.audit.entries(tx.audit.member_ref(member_id))
        return any(entry["action"] == "member.role_revoked" for entry in entries)

    def _check_roles_are_ours(self, actor: Member) -> None:
        if actor.platform in self.roles_kept_by:
            raise UserError(
                _(
                    "Here roles are the server's own roles: give or take them in the "
                    "server's settings, and I follow them at every press."
                )
            )

    async def named(self, platform: str, who: str) -> Member | None:
        """The member a command names (`/task assign T3 Dee`), as `_find` reads it."""
        async with self.store.reading() as tx:
            return await self._lookup(tx, platform, who.strip().lstrip("@"))

    async def _lookup(self, tx: Transaction, platform: str, who: str) -> Member | None:
        """By their platform id, by the number messages show for them ("#12", from
        "member #12"), or by their name whatever its capitals ("Ben" for ben): the
        config's names, and the names of members with a role."""
        number = re.fullmatch(r"#(\d{1,9})", who)
        if number is not None:
            found = await tx.members.get(int(number.group(1)))
            return found if found is not None and found.platform == platform else None
        found = await tx.members.find(platform, who)
        if found is not None or not who:
            return found
        wanted = who.casefold()
        for entry in self.configured.get(platform, ()):
            if wanted in (entry.external_id.casefold(), (entry.name or "").casefold()):
                return await tx.members.find(platform, entry.external_id)
        matches: dict[int, Member] = {}
        for role in Role:
            for member in await tx.members.with_role(platform, role):
                if wanted in (member.external_id.casefold(), (member.name or "").casefold()):
                    matches[member.id] = member
        # Two members whose names differ only in capitals: neither is guessed.
        return next(iter(matches.values())) if len(matches) == 1 else None

    async def _find(self, tx: Transaction, platform: str, who: str) -> Member:
        """The member `/role` names (see `_lookup`), or a refusal that says why."""
        found = await self._lookup(tx, platform, who.strip())
        if found is None:
            raise UserError(
                _(
                    "I don't know “{member}” yet. They need to send me a message first "
                    "(for example /help).",
                    member=Raw(who),
                )
            )
        return found

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
