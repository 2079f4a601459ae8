"""What every Discord handler needs: who is acting, the core's actions, how to answer.

Members are identified by their Discord user id, never by a display name anyone can
change; their network roles come from the Discord roles named in the config, re-read
at every interaction. Answers are ephemeral: only the member who acted sees them, like
a direct message, so refusals and reports waiting for a check never show in a channel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.app import App
from bot.config import DiscordSection
from bot.core.actions import Actions, Reply, guarded
from bot.core.models import Conversation, Member, Role
from bot.i18n import Renderer, _
from cogs.text import escape_user_text, split_message

PLATFORM = "discord"


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
        return await self.app.members.identify_with_roles(
            PLATFORM, str(user.id), self.roles_of(user)
        )

    @staticmethod
    def conversation(user: discord.abc.User) -> Conversation:
        # Every answer is ephemeral, seen by this member alone: as private as a DM.
        return Conversation(PLATFORM, str(user.id), is_direct=True)

    def render(self, replies: list[Reply], member: Member) -> str:
        return "\n\n".join(
            self.renderer.render(reply.text, reply.language or member.language) for reply in replies
        )

    async def respond(self, interaction: discord.Interaction, text: str) -> None:
        for part in split_message(text):
            if interaction.response.is_done():
                await interaction.followup.send(part, ephemeral=True)
            else:
                await interaction.response.send_message(part, ephemeral=True)

    async def at_home(self, interaction: discord.Interaction) -> bool:
        """False (and says why) when someone added the bot to another server and uses it there."""
        if interaction.guild_id == self.settings.guild_id:
            return True
        await self.respond(
            interaction,
            self.renderer.render(
                _("This bot only works in its own network's server."),
                self.app.network.default_language,
            ),
        )
        return False

    async def run(
        self,
        interaction: discord.Interaction,
        name: str,
        operation: Callable[[Member], Awaitable[list[Reply]]],
    ) -> Member | None:
        """Check the server, identify the member, run the action, answer privately."""
        if not await self.at_home(interaction):
            return None
        member = await self.actor(interaction.user)

        async def act() -> list[Reply]:
            # Inside the guard, so an error while building the call is answered too.
            return await operation(member)

        replies = await guarded(act(), name, member)
        await self.respond(interaction, self.render(replies, member))
        return member


def front_of(interaction: discord.Interaction) -> DiscordFrontEnd:
    """The front end of the bot that received this interaction (buttons have no cog)."""
    front = getattr(interaction.client, "front", None)
    if not isinstance(front, DiscordFrontEnd):
        raise RuntimeError("the Discord client has no front end attached")
    return front
