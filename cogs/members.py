"""Roles on Discord: /roles lists who has which, as the bot last saw them.

Roles on Discord are the server's own (given in its settings, read at every press), so
there is no /role here and /roles only lists: the members the bot knows with a role, as
they were at each one's last action with the bot. For organizers; works in a direct
message with the bot too, and in the server the answer is private like every answer.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from cogs.describe import describe
from cogs.frontend import DiscordFrontEnd, also_in_direct_messages


class MembersCog(commands.Cog):
    def __init__(self, front: DiscordFrontEnd) -> None:
        self.front = front

    @app_commands.command(name="roles", description=describe("roles"))
    @also_in_direct_messages
    async def roles(self, interaction: discord.Interaction) -> None:
        front = self.front
        await front.run(
            interaction,
            "roles",
            lambda member: front.actions.roles(member, front.conversation(interaction.user)),
        )
