"""The real discord.py bot against the fake Discord (tests/fakes/discord_server.py).

`running()` is `rrbot run`'s Discord part: the bot logs in, syncs its commands and
connects to the gateway, exactly as in production but on 127.0.0.1. `Live` waits after
every member action until discord.py has run every handler it started and the delivery
worker has sent what was due, so a test reads what Discord would show a moment later.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.app import App
from bot.config import Config
from cogs.client import RapidResponseBot
from tests.fakes import discord as fakes
from tests.fakes.discord_server import FakeDiscord

ORGANIZER, VERIFIER, VERIFIER2, MEMBER, REPORTER, OUTSIDER = 501, 502, 503, 504, 505, 506
SERVER_MEMBERS = {
    ORGANIZER: (fakes.ORGANIZER_ROLE,),
    VERIFIER: (fakes.VERIFIER_ROLE,),
    VERIFIER2: (fakes.VERIFIER_ROLE,),
    MEMBER: (),
    REPORTER: (),
}
# Tasks discord.py starts to run a handler: events, commands, buttons, forms.
HANDLER_TASKS = (
    "discord.py: ",
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-dynamic-item-",
    "discord-ui-modal-dispatch-",
)


# Bounds that only a hung bot reaches: a failure, never a wait in a passing test.
STUCK = 30.0


async def handlers_done() -> None:
    for _round in range(100):
        running = [
            task
            for task in asyncio.all_tasks()
            if task.get_name().startswith(HANDLER_TASKS) and not task.done()
        ]
        if not running:
            return
        _done, pending = await asyncio.wait(running, timeout=STUCK)
        if pending:
            raise AssertionError(f"discord.py's handlers are stuck: {sorted(map(str, pending))}")
    raise AssertionError("discord.py's handlers keep starting new ones")


class Live:
    """The real discord.py bot, connected to the fake Discord, on a real core.

    Every member action (`discord.slash`, `press`, `submit`, `dm`, `post`) returns once
    the bot has handled it completely and delivered what it owed, as Discord shows it a
    moment later in production.
    """

    def __init__(self, discord: FakeDiscord, bot: RapidResponseBot, app: App) -> None:
        self.discord, self.bot, self.app = discord, bot, app

    async def settle(self) -> None:
        """Every handler finished, every outbox row that is due delivered."""
        assert self.bot.worker is not None
        while True:
            before = self.discord.events_sent
            await handlers_done()
            delivered = await self.bot.worker.deliver_due()
            await self.discord.barrier()
            await handlers_done()
            if not delivered and self.discord.events_sent == before:
                return


def fake_discord() -> FakeDiscord:
    discord = FakeDiscord(
        guild_id=fakes.GUILD_ID,
        roles={
            fakes.GUILD_ID: "@everyone",
            fakes.ORGANIZER_ROLE: "organizers",
            fakes.VERIFIER_ROLE: "verifiers",
        },
        channels={
            fakes.GENERAL_CHANNEL: "general",
            fakes.ORGANIZER_CHANNEL: "rr-organizers",
            fakes.ALERTS_CHANNEL: "alerts",
            fakes.ALERTAS_CHANNEL: "alertas",
        },
        bot_id=fakes.BOT_USER,
        application_id=fakes.BOT_USER,
    )
    for user_id, roles in SERVER_MEMBERS.items():
        discord.add_member(user_id, *roles)
    discord.outsiders.add(OUTSIDER)
    return discord


@contextlib.asynccontextmanager
async def running(config: Config, app: App, discord: FakeDiscord) -> AsyncIterator[Live]:
    """`rrbot run`'s Discord part: the bot logs in, syncs, connects; closed at the end."""
    bot = RapidResponseBot(config, app=app)
    live = Live(discord, bot, app)
    with discord.pointed_at():
        runner = asyncio.create_task(bot.start(discord.token), name="bot")
        connected = asyncio.create_task(discord.connected())
        done, _pending = await asyncio.wait(
            {runner, connected}, timeout=STUCK, return_when=asyncio.FIRST_COMPLETED
        )
        if connected not in done:
            connected.cancel()
            if runner in done:
                runner.result()  # the error that stopped the bot
            await bot.close()
            raise AssertionError("the bot did not connect")
        discord.settle = live.settle
        try:
            yield live
        finally:
            discord.settle = None
            await bot.close()
            await runner
