"""/stats on Discord: the after-action numbers for organizers, answered privately.

In the server the answer is ephemeral (only the organizer sees it); in a direct message
with the bot it is private already. The numbers and who may see them are the core's
(bot/core/stats.py).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import N_
from cogs.describe import describe
from cogs.frontend import DiscordFrontEnd, also_in_direct_messages


class StatsCog(commands.Cog):
    def __init__(self, front: DiscordFrontEnd) -> None:
        self.front = front

    @app_commands.command(name="stats", description=describe("stats"))
    @also_in_direct_messages
    @app_commands.describe(since=N_("how far back to count, like 7d or 30d (default: 7d)"))
    async def stats(self, interaction: discord.Interaction, since: str = "") -> None:
        front = self.front
        await front.run(
            interaction,
            "stats",
            lambda member: front.actions.stats(member, front.conversation(interaction.user), since),
        )
