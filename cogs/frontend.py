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
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import discord
from discord import app_commands

from bot.app import App
from bot.config import DiscordSection
from bot.core.actions import Actions, Reply, guarded
from bot.core.models import Conversation, Member, Role
from bot.i18n import Renderer, _
from cogs.text import escape_user_text, split_message

PLATFORM = "discord"
log = logging.getLogger(__name__)

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
        self.renderer: Renderer = app.register_platform(PLATFORM, escape_user_text)

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
        return await self.app.members.identify_with_roles(
            PLATFORM, str(user.id), self.roles_of(user)
        )

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
        except (LookupError, discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError):
            log.warning("could not read a direct message writer's roles; keeping the last known")
            known = await self.app.members.identify(PLATFORM, str(user.id))
            return DirectMember(known, in_server=True)  # the benefit of the doubt
        return DirectMember(await self.actor(in_server), in_server=True)

    async def named(self, client: discord.Client, user: discord.abc.User) -> Member:
        """A member a command names (a user option), known to the bot with their roles.

        In the server the option carries the member and their roles; in a direct message
        only the user, so their roles are read from the server.
        """
        if isinstance(user, discord.Member) and user.guild.id == self.settings.guild_id:
            return await self.actor(user)
        return (await self.direct_member(client, user)).member

    async def acting(
        self, interaction: discord.Interaction, *, open_to_all: bool = False
    ) -> Member | None:
        """Who presses or commands, with their roles; None (and told why) when the bot
        does not act for them: in another server, or in a DM from outside the network's
        server (unless `open_to_all`: help in danger is for everyone)."""
        refusal = None
        member: Member | None = None
        if interaction.guild_id is None:
            found = await self.direct_member(interaction.client, interaction.user)
            member = found.member
            if not found.in_server and not open_to_all:
                refusal = _(
                    "I act only for members of the network's Discord server, and you are not "
                    "in it (any more). If that is a mistake, ask an organizer."
                )
        elif interaction.guild_id == self.settings.guild_id:
            member = await self.actor(interaction.user)
        else:
            refusal = _("This bot only works in its own network's server.")
        if refusal is None:
            return member
        language = member.language if member else self.app.network.default_language
        await self.respond(interaction, self.renderer.render(refusal, language))
        return None

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

    async def respond(self, interaction: discord.Interaction, text: str) -> None:
        private = self.private(interaction)
        for part in split_message(text):
            if interaction.response.is_done():
                await interaction.followup.send(part, ephemeral=private)
            else:
                await interaction.response.send_message(part, ephemeral=private)

    async def run(
        self,
        interaction: discord.Interaction,
        name: str,
        operation: Callable[[Member], Awaitable[list[Reply]]],
        *,
        open_to_all: bool = False,
    ) -> Member | None:
        """Identify the member, run the action, answer privately."""
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
