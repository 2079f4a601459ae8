"""Commands for everyone: rights, hotline, language, help. Answers are private."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.rights import cards
from bot.i18n import N_, language_name
from cogs.describe import describe
from cogs.frontend import DiscordFrontEnd


def _language_choices(codes: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=f"{language_name(c)} ({c})", value=c) for c in codes][:25]


class InfoCog(commands.Cog):
    def __init__(self, front: DiscordFrontEnd) -> None:
        self.front = front

    async def _card_languages(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [c for c in _language_choices(sorted(cards())) if current.lower() in c.name.lower()]

    async def _network_languages(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            c
            for c in _language_choices(list(self.front.app.network.languages))
            if current.lower() in c.name.lower()
        ]

    @app_commands.command(name="rights", description=describe("rights"))
    @app_commands.describe(
        language=N_("show the card in another language"),
        more=N_("the longer card, with advice for bystanders"),
    )
    @app_commands.autocomplete(language=_card_languages)
    async def rights(
        self, interaction: discord.Interaction, language: str = "", more: bool = False
    ) -> None:
        await self.front.run(
            interaction,
            "rights",
            lambda member: self.front.actions.rights(member, language, more=more),
        )

    @app_commands.command(name="hotline", description=describe("hotline"))
    async def hotline(self, interaction: discord.Interaction) -> None:
        await self.front.run(
            interaction, "hotline", lambda member: self.front.actions.hotline(member)
        )

    @app_commands.command(name="lang", description=describe("lang"))
    @app_commands.describe(language=N_("the language I should write to you in"))
    @app_commands.autocomplete(language=_network_languages)
    async def lang(self, interaction: discord.Interaction, language: str = "") -> None:
        await self.front.run(
            interaction, "lang", lambda member: self.front.actions.lang(member, language)
        )

    @app_commands.command(name="help", description=describe("help"))
    @app_commands.describe(command=N_("a command to explain, like report"))
    async def help(self, interaction: discord.Interaction, command: str = "") -> None:
        await self.front.run(
            interaction, "help", lambda member: self.front.actions.help(member, command)
        )
