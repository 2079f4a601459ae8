"""What every Discord handler needs: who is acting, the core's actions, how to answer.

Members are identified by their Discord user id, never by a display name anyone can
change; their network roles come from the Discord roles named in the config, re-read
at every interaction. In the server an interaction carries the member and their roles;
in a direct message it carries only the user, so their roles are read from the server
(`direct_member`), and someone who is not in it is refused kindly.

Answers in the server are ephemeral: only the member who acted sees them, so refusals
and reports waiting for a check never show in a channel. In a direct message the answer
is an ordinary message: the conversation is private already, and an ephemeral message
would vanish from it when Discord reloads.

Discord fails an interaction that gets no answer within three seconds ("This
interaction failed"), and the database can be busy for longer (the nightly purge, a
slow disk). So every handler answers Discord first, before any database work: a form
is shown at once, and everything else is deferred (the member sees "thinking…",
privately) and answered with a follow-up once the core has done its work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import discord
from discord import app_commands

from bot.app import App
from bot.config import DiscordSection
from bot.core.actions import Actions, Reply, guarded
from bot.core.drill_marks import DRILL_BANNER
from bot.core.models import Conversation, Member, Role
from bot.core.replies import APOLOGY
from bot.i18n import Renderer, Text, _
from cogs.text import escape_user_text, split_message
from cogs.translator import DISCORD_LOCALES

PLATFORM = "discord"
log = logging.getLogger(__name__)
# What can go wrong talking to Discord itself (not to the core).
ROLES_WITHIN = 1.0  # seconds to read a DM writer's roles before a form: Discord waits 3
UNANSWERABLE = "rrbot.unanswerable"  # in Interaction.extras: too late to answer at all
DISCORD_ERRORS = (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError)
# Discord shows no suggestions (autocomplete) that take longer than three seconds.
SUGGEST_WITHIN = 2.0
T = TypeVar("T")

# Where commands are offered: by default in the network's server only; the commands a
# member needs where the bot writes to them (a task offer, their details) also in their
# direct messages with the bot. Never in other people's DMs or groups, and the bot is
# installed to the server only, never to a user's account.
SERVER_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
SERVER_INSTALL = app_commands.AppInstallationType(guild=True, user=False)
ALSO_IN_DIRECT_MESSAGES = app_commands.AppCommandContext(guild=True, dm_channel=True)
also_in_direct_messages = app_commands.allowed_contexts(guilds=True, dms=True)


@dataclass(frozen=True)
class DirectMember:
    """Who wrote in a direct message, and whether the network's server knows them."""

    member: Member
    in_server: bool


class DiscordFrontEnd:
    def __init__(self, app: App, settings: DiscordSection) -> None:
        self.app = app
        self.settings = settings
        self.actions: Actions = app.router.actions
        # Roles are the server's roles, read at every press; /role cannot change them.
        self.renderer: Renderer = app.register_platform(
            PLATFORM, escape_user_text, keeps_roles=True
        )
        # The language each member was last seen with, so a form shown before the
        # database is read speaks it (see `quick_language`).
        self._languages: dict[int, str] = {}
        self.suggest_within = SUGGEST_WITHIN
        self._late: set[asyncio.Task[Any]] = set()

    def roles_of(self, user: discord.abc.User) -> frozenset[Role]:
        role_ids = {role.id for role in getattr(user, "roles", ())}
        roles = set()
        if self.settings.organizer_role_id in role_ids:
            roles.add(Role.ORGANIZER)
        if self.settings.verifier_role_id in role_ids:
            roles.add(Role.VERIFIER)
        return frozenset(roles)

    async def actor(self, user: discord.abc.User) -> Member:
        """A member with the roles the given Discord member has (none for a bare user)."""
        member = await self.app.members.identify_with_roles(
            PLATFORM, str(user.id), self.roles_of(user)
        )
        self.remember(user.id, member.language)
        return member

    def remember(self, user_id: int, language: str) -> None:
        self._languages[user_id] = language

    async def refresh_language(self, user: discord.abc.User, member: Member) -> None:
        """After something that may have changed the member's language (/lang)."""
        updated = await self.app.members.get(member.id)
        if updated is not None:
            self.remember(user.id, updated.language)

    def quick_language(self, interaction: discord.Interaction) -> str:
        """The member's language without asking the database, for a form that must be
        the very first answer: the one this process last saw them with, else their
        Discord client's if the network speaks it, else the network's."""
        known = self._languages.get(interaction.user.id)
        if known is not None:
            return known
        client = DISCORD_LOCALES.get(interaction.locale)
        if client is not None and client in self.app.network.languages:
            return client
        return self.app.network.default_language

    async def suggest(self, work: Awaitable[list[T]]) -> list[T]:
        """Suggestions in time, or none. Work that takes longer (the database is busy)
        finishes in the background: never cut short in the middle of a unit of work."""
        task: asyncio.Task[list[T]] = asyncio.ensure_future(work)
        done, _pending = await asyncio.wait({task}, timeout=self.suggest_within)
        if task in done:
            return task.result()
        self._late.add(task)
        task.add_done_callback(self._late.discard)
        return []

    async def direct_member(self, client: discord.Client, user: discord.abc.User) -> DirectMember:
        """The member behind a direct message, with their roles in the network's server.

        A direct message carries no roles, so they are asked of the server, as fresh as
        an interaction's. Someone who is not in the server has none. If Discord cannot
        be asked just now, the roles the member had at their last action are kept:
        taking them away on a network error would tell organizers they may not act.
        """
        guild = client.get_guild(self.settings.guild_id)
        try:
            if guild is None:
                raise LookupError("the network's server is not loaded yet")
            in_server = await guild.fetch_member(user.id)
        except discord.NotFound:
            return DirectMember(await self.actor(user), in_server=False)  # a bare user: no roles
        except (LookupError, *DISCORD_ERRORS):
            log.warning("could not read a direct message writer's roles; keeping the last known")
            known = await self.app.members.identify(PLATFORM, str(user.id))
            return DirectMember(known, in_server=True)  # the benefit of the doubt
        return DirectMember(await self.actor(in_server), in_server=True)

    async def roles_at_once(self, interaction: discord.Interaction) -> frozenset[Role] | None:
        """The roles of whoever interacts, without the database, for a check that must
        come before a form (Discord waits 3 s for the first answer). In the server they
        come with the interaction; in a direct message they are asked of Discord, briefly.
        None when that cannot be known in time: the core decides when the form is sent."""
        if interaction.guild_id is not None:
            return self.roles_of(interaction.user)
        guild = interaction.client.get_guild(self.settings.guild_id)
        if guild is None:
            return None
        cached = guild.get_member(interaction.user.id)
        if cached is not None:
            return self.roles_of(cached)
        try:
            async with asyncio.timeout(ROLES_WITHIN):
                return self.roles_of(await guild.fetch_member(interaction.user.id))
        except discord.NotFound:
            return frozenset()  # not in the network's server: no role
        except DISCORD_ERRORS:
            return None

    async def named(self, client: discord.Client, user: discord.abc.User) -> Member:
        """A member a command names (a user option), known to the bot with their roles.

        In the server the option carries the member and their roles; in a direct message
        only the user, so their roles are read from the server.
        """
        if isinstance(user, discord.Member) and user.guild.id == self.settings.guild_id:
            return await self.actor(user)
        return (await self.direct_member(client, user)).member

    async def acting(
        self,
        interaction: discord.Interaction,
        *,
        open_to_all: bool = False,
        in_place: bool = False,
    ) -> Member | None:
        """Who presses or commands, with their roles, once Discord has been answered
        (deferred) so the work may take its time; None (and told why) when the bot does
        not act for them: in another server, or in a DM from outside the network's
        server (unless `open_to_all`: help in danger is for everyone). `in_place`: a
        button whose own message will be edited with the outcome."""
        if not await self.at_home(interaction):
            return None
        await self.acknowledge(interaction, in_place=in_place)
        try:
            if interaction.guild_id is not None:
                return await self.actor(interaction.user)
            found = await self.direct_member(interaction.client, interaction.user)
        except Exception:
            log.exception("could not identify the member of an interaction")
            await self.apologise(interaction)
            return None
        if found.in_server or open_to_all:
            return found.member
        await self.refuse(
            interaction,
            _(
                "I act only for members of the network's Discord server, and you are not "
                "in it (any more). If that is a mistake, ask an organizer."
            ),
            found.member.language,
        )
        return None

    async def at_home(self, interaction: discord.Interaction) -> bool:
        """False (and says why) in another server that added the bot; the network's server
        and direct messages with the bot are home. No database work: a form shown after
        this must still be the first answer."""
        if interaction.guild_id in (None, self.settings.guild_id):
            return True
        await self.refuse(
            interaction,
            _("This bot only works in its own network's server."),
            self.app.network.default_language,
        )
        return False

    async def refuse(self, interaction: discord.Interaction, text: Text, language: str) -> None:
        await self.respond(interaction, self.renderer.render(text, language))

    async def apologise(self, interaction: discord.Interaction) -> None:
        """Something failed on the bot's side: said privately, never "This interaction
        failed"."""
        await self.refuse(interaction, APOLOGY, self.quick_language(interaction))

    async def quietly_acting(self, interaction: discord.Interaction) -> Member | None:
        """Who is typing (autocomplete cannot answer with a refusal): None if nobody the
        bot acts for."""
        if interaction.guild_id is None:
            found = await self.direct_member(interaction.client, interaction.user)
            return found.member if found.in_server else None
        if interaction.guild_id == self.settings.guild_id:
            return await self.actor(interaction.user)
        return None

    @staticmethod
    def conversation(user: discord.abc.User) -> Conversation:
        # Every answer is seen by this member alone (ephemeral, or in their DM).
        return Conversation(PLATFORM, str(user.id), is_direct=True)

    def render(self, replies: list[Reply], member: Member) -> str:
        return "\n\n".join(
            self.renderer.render(reply.text, reply.language or member.language) for reply in replies
        )

    @staticmethod
    def private(interaction: discord.Interaction) -> bool:
        """Whether an answer must be ephemeral: in the server yes; a DM is private already."""
        return interaction.guild_id is not None

    async def acknowledge(
        self, interaction: discord.Interaction, *, in_place: bool = False
    ) -> None:
        """Tell Discord the answer is coming, privately, before any database work;
        `in_place`: the pressed button's message itself will be updated."""
        if interaction.response.is_done():
            return
        try:
            if in_place:
                await interaction.response.defer()  # a component: an update in place
            else:
                await interaction.response.defer(ephemeral=self.private(interaction), thinking=True)
        except DISCORD_ERRORS as error:
            # Too late (or Discord is unreachable): the work is still done, so a form's
            # text is kept; the member just cannot be told here.
            log.warning("could not acknowledge an interaction (%s)", type(error).__name__)
            if isinstance(error, discord.NotFound):  # expired: no later answer can land
                interaction.extras[UNANSWERABLE] = True

    async def respond(
        self,
        interaction: discord.Interaction,
        text: str,
        *,
        view: discord.ui.View | None = None,
    ) -> None:
        """Answer privately, in as many parts as Discord's limit needs; `view` (buttons)
        goes with the last part."""
        if interaction.extras.get(UNANSWERABLE) is True:
            return  # Discord no longer knows this interaction; trying again only fails
        private = self.private(interaction)
        # While a drill runs, answers say so like every other message. A first answer
        # (not deferred) does not wait for the store: the last drill state seen will do.
        drill = (
            await self.app.drills.current()
            if interaction.response.is_done()
            else self.app.drills.last_known
        )
        if drill is not None:
            banner = self.renderer.render(DRILL_BANNER, self.quick_language(interaction))
            text = text if text.startswith(banner) else f"{banner}\n{text}"
        parts = split_message(text)
        try:
            for number, part in enumerate(parts):
                last = number == len(parts) - 1
                buttons = view if last and view is not None else discord.utils.MISSING
                if interaction.response.is_done():
                    await interaction.followup.send(part, ephemeral=private, view=buttons)
                else:
                    await interaction.response.send_message(part, ephemeral=private, view=buttons)
        except DISCORD_ERRORS as error:
            # No retry queue for an interaction's answer; the log names no one and no text.
            log.warning("could not answer an interaction (%s)", type(error).__name__)

    async def run(
        self,
        interaction: discord.Interaction,
        name: str,
        operation: Callable[[Member], Awaitable[list[Reply]]],
        *,
        open_to_all: bool = False,
    ) -> Member | None:
        """Answer Discord at once, identify the member, run the action, answer privately."""
        member = await self.acting(interaction, open_to_all=open_to_all)
        if member is None:
            return None
        await self.respond(interaction, await self.replies(member, name, operation))
        return member

    async def replies(
        self, member: Member, name: str, operation: Callable[[Member], Awaitable[list[Reply]]]
    ) -> str:
        """The action's answer (or its refusal, or an apology), in the member's words."""

        async def act() -> list[Reply]:
            # Inside the guard, so an error while building the call is answered too.
            return await operation(member)

        return self.render(await guarded(act(), name, member), member)


def front_of(interaction: discord.Interaction) -> DiscordFrontEnd:
    """The front end of the bot that received this interaction (buttons have no cog)."""
    front = getattr(interaction.client, "front", None)
    if not isinstance(front, DiscordFrontEnd):
        raise RuntimeError("the Discord client has no front end attached")
    return front
