"""The bot connects to Discord and registers its commands, with the real client.

What is asserted is what Discord holds afterwards (the commands a member is offered,
in the server and in a direct message) and what the bot asked of the gateway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from tests.cogs.live import MEMBER, Live, running
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.fakes.discord_server import DIRECT_MESSAGES, GUILD_MESSAGES, GUILDS, FakeDiscord

SERVER_COMMANDS = {
    "report", "verify", "dismiss", "resolve", "still", "correct", "retract", "status",
    "rights", "hotline", "lang", "help", "task", "tasks", "person", "detained", "roles",
    "claim", "unclaim", "duty", "stats", "drill", "practice",
}  # fmt: skip
# What a member needs where the bot writes to them: the offer of a task and the task
# itself, their details, reporting, and help; for organizers, who has which role, the
# after-action numbers and starting or stopping a drill; for verifiers, saying they are
# going (a report is offered to them by DM) and their duty (verifying and closing stay
# where the cards are, in the server).
DIRECT_COMMANDS = {
    "report", "rights", "hotline", "lang", "help", "task", "tasks", "person", "detained",
    "roles", "claim", "unclaim", "duty", "stats", "drill", "practice",
}  # fmt: skip


def synced(discord: FakeDiscord, path: str) -> list[object]:
    return [r.body for r in discord.requests if r.method == "PUT" and r.path.endswith(path)]


async def test_the_bot_logs_in_and_reads_the_server_from_the_gateway(live: Live) -> None:
    assert live.bot.user is not None and live.bot.user.id == fakes.BOT_USER
    guild = live.bot.get_guild(fakes.GUILD_ID)
    assert guild is not None
    assert {channel.id for channel in guild.text_channels} >= {
        fakes.ORGANIZER_CHANNEL, fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL
    }  # fmt: skip
    assert guild.get_role(fakes.VERIFIER_ROLE) is not None
    # No privileged intent: the server, its messages and DMs; not members, not content.
    assert live.discord.intents == GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES


async def test_commands_are_registered_once_each_saying_where_they_work(live: Live) -> None:
    [global_set] = synced(live.discord, f"/applications/{fakes.BOT_USER}/commands")
    [server_set] = synced(live.discord, f"/guilds/{fakes.GUILD_ID}/commands")
    assert server_set == []  # nothing server-scoped: it would be listed twice
    by_name = {command["name"]: command for command in global_set}
    assert set(by_name) == SERVER_COMMANDS
    for name, command in by_name.items():
        assert command["integration_types"] == [0], name  # installed to the server only
        expected = [0, 1] if name in DIRECT_COMMANDS else [0]
        assert command["contexts"] == expected, name
    assert sorted(live.discord.visible_commands("guild")) == sorted(SERVER_COMMANDS)
    assert sorted(live.discord.visible_commands("dm")) == sorted(DIRECT_COMMANDS)


async def test_commands_speak_the_members_language(live: Live) -> None:
    [global_set] = synced(live.discord, f"/applications/{fakes.BOT_USER}/commands")
    report = next(command for command in global_set if command["name"] == "report")
    assert report["description_localizations"]["es-ES"].startswith("Reportar")
    assert report["name_localizations"]["es-ES"] == "reportar"


async def test_a_slash_command_in_the_server_is_answered_privately(live: Live) -> None:
    asked = await live.discord.slash(MEMBER, "hotline")
    assert asked.text == "Call Rapid response hotline: +1 555 0100 (24/7)"
    assert asked.original is not None and asked.original.ephemeral
    spanish = await live.discord.slash(MEMBER, "rights", language="es")
    assert spanish.text.startswith("CONOZCA SUS DERECHOS")


@pytest.fixture
async def upgraded(
    discord_config: Config, tmp_path: Path, clock: FakeClock, discord: FakeDiscord
) -> AsyncIterator[Live]:
    """A server where an older version of the bot registered every command itself."""
    discord.commands[fakes.GUILD_ID] = [
        {"id": "1", "name": name, "description": "old", "type": 1, "guild_id": str(fakes.GUILD_ID)}
        for name in sorted(SERVER_COMMANDS)
    ]
    app = await App.start(discord_config, tmp_path / "upgraded.sqlite3", clock)
    try:
        async with running(discord_config, app, discord) as connected:
            yield connected
    finally:
        await app.close()
    assert discord.problems == []


async def test_after_an_upgrade_no_command_is_listed_twice(upgraded: Live) -> None:
    listed = upgraded.discord.visible_commands("guild")
    assert sorted(listed) == sorted(SERVER_COMMANDS)  # each once
    assert (await upgraded.discord.slash(MEMBER, "hotline")).text.startswith("Call")
