"""/drill on Discord: organizers start a practice run, stop it, or see whether one runs.

The same action as the text grammar's `/drill start 2h` (console, Signal); the rules (who
may, how long, what every message says meanwhile) are the core's (`bot/core/drills.py`).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import N_
from cogs.describe import describe
from cogs.frontend import DiscordFrontEnd, also_in_direct_messages


class DrillCog(commands.Cog):
    def __init__(self, front: DiscordFrontEnd) -> None:
        self.front = front

    @app_commands.command(name="drill", description=describe("drill"))
    @app_commands.describe(
        action=N_("start or stop a drill, or see whether one is running"),
        length=N_("how long the drill lasts, like 90m or 2h (optional)"),
    )
    @app_commands.choices(
        action=[
            app_commands.Choice(name=N_("start a drill"), value="start"),
            app_commands.Choice(name=N_("stop the drill"), value="stop"),
            app_commands.Choice(name=N_("is a drill running?"), value="status"),
        ]
    )
    @also_in_direct_messages
    async def drill(
        self,
        interaction: discord.Interaction,
        action: app_commands.Choice[str],
        length: str = "",
    ) -> None:
        front = self.front
        body = f"{action.value} {length}".strip() if action.value == "start" else action.value
        await front.run(
            interaction,
            "drill",
            lambda member: front.actions.drill(member, "" if action.value == "status" else body),
        )
