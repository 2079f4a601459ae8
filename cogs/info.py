"""Commands for everyone: rights, practice, hotline, language, help. Answers are private.

All of them work in a direct message with the bot too; rights, practice, hotline and help
answer anyone there, in the network's server or not: help in danger is for everyone.
/practice runs only in a direct message (the member's answers are then ordinary direct
messages, read by the text grammar); in the server it says so.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.actions import Reply
from bot.core.models import Conversation, Member
from bot.core.rights import cards
from bot.i18n import N_, language_name
from cogs.describe import describe
from cogs.frontend import PLATFORM, DiscordFrontEnd, also_in_direct_messages


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
    @also_in_direct_messages
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
            open_to_all=True,
        )

    @app_commands.command(name="hotline", description=describe("hotline"))
    @also_in_direct_messages
    async def hotline(self, interaction: discord.Interaction) -> None:
        await self.front.run(
            interaction,
            "hotline",
            lambda member: self.front.actions.hotline(member),
            open_to_all=True,
        )

    @app_commands.command(name="practice", description=describe("practice"))
    @also_in_direct_messages
    async def practice(self, interaction: discord.Interaction) -> None:
        # Only a direct message is private enough: in the server the answer says so.
        conversation = Conversation(
            PLATFORM, str(interaction.user.id), is_direct=interaction.guild_id is None
        )
        await self.front.run(
            interaction,
            "practice",
            lambda member: self.front.app.router.practice.start(member, conversation),
            open_to_all=True,
        )

    @app_commands.command(name="lang", description=describe("lang"))
    @also_in_direct_messages
    @app_commands.describe(language=N_("the language I should write to you in"))
    @app_commands.autocomplete(language=_network_languages)
    async def lang(self, interaction: discord.Interaction, language: str = "") -> None:
        front = self.front

        async def choose(member: Member) -> list[Reply]:
            replies = await front.actions.lang(member, language)
            await front.refresh_language(interaction.user, member)  # forms speak it at once
            return replies

        await front.run(interaction, "lang", choose)

    @app_commands.command(name="help", description=describe("help"))
    @also_in_direct_messages
    @app_commands.describe(command=N_("a command to explain, like report"))
    async def help(self, interaction: discord.Interaction, command: str = "") -> None:
        await self.front.run(
            interaction,
            "help",
            lambda member: self.front.actions.help(member, command),
            open_to_all=True,
        )
