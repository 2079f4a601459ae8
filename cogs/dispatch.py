"""Dispatch commands on Discord: /claim, /unclaim, /duty (the card's "I'll go" button
is in `cogs.views`). Answers are private; the rules and the words are the core's."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.commands import parse_report_code
from bot.core.dispatch import parse_duty, parse_eta
from bot.core.models import ReportState
from bot.i18n import N_
from cogs.describe import describe
from cogs.frontend import DiscordFrontEnd, also_in_direct_messages
from cogs.reports import REPORT_CODE, code_choices


class DispatchCog(commands.Cog):
    def __init__(self, front: DiscordFrontEnd) -> None:
        self.front = front

    async def pending_codes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        async def codes() -> list[tuple[str, str]]:
            member = await self.front.quietly_acting(interaction)
            if member is None:
                return []
            return await self.front.actions.open_reports(member, ReportState.PENDING)

        return code_choices(await self.front.suggest(codes()), current)

    @app_commands.command(name="claim", description=describe("claim"))
    @also_in_direct_messages
    @app_commands.describe(
        report=REPORT_CODE, eta=N_("optional: how long until you get there, like 15m")
    )
    @app_commands.autocomplete(report=pending_codes)
    async def claim(self, interaction: discord.Interaction, report: str, eta: str = "") -> None:
        await self.front.run(
            interaction,
            "claim",
            lambda member: self.front.actions.claim(
                member, parse_report_code(report), parse_eta(eta)
            ),
        )

    @app_commands.command(name="unclaim", description=describe("unclaim"))
    @also_in_direct_messages
    @app_commands.describe(report=REPORT_CODE)
    @app_commands.autocomplete(report=pending_codes)
    async def unclaim(self, interaction: discord.Interaction, report: str) -> None:
        await self.front.run(
            interaction,
            "unclaim",
            lambda member: self.front.actions.unclaim(member, parse_report_code(report)),
        )

    @app_commands.command(name="duty", description=describe("duty"))
    @also_in_direct_messages
    @app_commands.describe(
        state=N_("on duty or off; leave it out to see where you stand"),
        length=N_("optional: for how long, like 4h"),
        area=N_("optional: the areas you cover, like Eastside"),
    )
    @app_commands.choices(
        state=[
            app_commands.Choice(name=N_("on"), value="on"),
            app_commands.Choice(name=N_("off"), value="off"),
        ]
    )
    async def duty(
        self,
        interaction: discord.Interaction,
        state: app_commands.Choice[str] | None = None,
        length: str = "",
        area: str = "",
    ) -> None:
        words = f"{state.value if state else ''} {length}".strip()
        on, parsed, _rest = parse_duty(words)
        await self.front.run(
            interaction,
            "duty",
            lambda member: self.front.actions.duty(member, on, parsed, _rest or area),
        )
