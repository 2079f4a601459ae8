"""The Discord bot: starts the core inside discord.py's lifecycle and stops it cleanly.

Everything that must exist before the first interaction (the database, the buttons of
old cards, the cogs, the delivery worker) is set up in `setup_hook`; `close` stops the
worker and closes the database, because an unclosed database connection keeps the
process from exiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import App
from bot.config import Config, DiscordSection
from bot.core.clock import Clock
from bot.core.models import OutboxEntry
from bot.delivery import OutboxWorker
from cogs.dispatch import DispatchCog
from cogs.forms import FormsCog
from cogs.frontend import PLATFORM, SERVER_INSTALL, SERVER_ONLY, DiscordFrontEnd
from cogs.info import InfoCog
from cogs.members import MembersCog
from cogs.messages import MessagesCog
from cogs.reports import AddPlaceButton, PlaceForm, ReopenReportButton, ReportForm, ReportsCog
from cogs.sender import DiscordSender
from cogs.tasks import DetainedForm, TasksCog
from cogs.text import escape_user_text
from cogs.translator import CatalogTranslator
from cogs.views import (
    ClaimButton,
    DismissButton,
    StillButton,
    TaskAnswerButton,
    VerifyButton,
)

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """No privileged intent: no member list, no message content.

    Slash commands and buttons arrive as interactions (guilds). Messages are wanted only
    for direct messages and @-mentions of the bot, whose text Discord sends without the
    Message Content intent; every other server message arrives with no text.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    wanted.guild_messages = True
    return wanted


# What discord.py names the tasks that run our handlers: slash commands, buttons, forms,
# messages. A stop waits for these before it closes the database under them.
HANDLER_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
    "discord.py: ",
)
DRAIN_SECONDS = 8.0


class RapidResponseBot(commands.Bot):
    def __init__(
        self,
        config: Config,
        db_path: Path | None = None,
        clock: Clock | None = None,
        app: App | None = None,
        reached: Callable[[], None] | None = None,
    ) -> None:
        """`reached`: called once Discord took the token and the commands (the end of
        `setup_hook`): from then on members may act, so the start holds."""
        if config.discord is None:
            raise ValueError("the config has no [discord] section")
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_contexts=SERVER_ONLY,  # each command that also works in DMs says so
            allowed_installs=SERVER_INSTALL,
            help_command=None,
            max_messages=None,  # keep no copy of what people write to the bot in memory
        )
        self.config = config
        self.settings: DiscordSection = config.discord
        self.db_path = db_path
        self.clock = clock
        self.front: DiscordFrontEnd | None = None
        self._given_app = app  # shared with other front ends: theirs to close, not ours
        self._reached = reached
        self.worker: OutboxWorker | None = None
        self._worker_task: asyncio.Task[None] | None = None

    async def attach(self, app: App) -> DiscordFrontEnd:
        """Wire the core into this bot without touching the network (tests call this)."""
        front = DiscordFrontEnd(app, self.settings)
        self.front = front
        self.add_dynamic_items(
            ClaimButton,
            VerifyButton,
            DismissButton,
            StillButton,
            TaskAnswerButton,
            AddPlaceButton,
            ReopenReportButton,
        )
        await self.add_cog(FormsCog(front, (ReportForm, PlaceForm, DetainedForm)))
        await self.add_cog(ReportsCog(front))
        await self.add_cog(DispatchCog(front))
        await self.add_cog(TasksCog(front))
        await self.add_cog(InfoCog(front))
        await self.add_cog(MembersCog(front))
        await self.add_cog(MessagesCog(front, self))
        self.tree.error(self._command_failed)

        async def unreachable(entry: OutboxEntry, reason: str) -> None:
            await app.notices.chat_unreachable(
                entry.platform, entry.address, reason, is_direct=entry.is_direct
            )

        sender = DiscordSender(self, front)
        self.worker = OutboxWorker(
            app.store, sender, app.clock, on_unreachable=unreachable, limits=sender.limits
        )
        app.on_outbox(self.worker.wake.set, sender.platform)
        return front

    async def _command_failed(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """What no handler caught (an option Discord could not resolve, a bug): an
        apology, privately, never "This interaction failed"."""
        log.error("a slash command failed (%s)", type(error).__name__, exc_info=error)
        if self.front is not None:
            await self.front.apologise(interaction)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands here: `MessagesCog` hands messages to the text grammar.

        (discord.py's default would parse every mention as a prefix command and log
        "command not found" for each one.)
        """

    @staticmethod
    async def _finish_in_flight(within: float) -> None:
        current = asyncio.current_task()
        busy = [
            task
            for task in asyncio.all_tasks()
            if task is not current and not task.done() and task.get_name().startswith(HANDLER_TASKS)
        ]
        if busy:
            await asyncio.wait(busy, timeout=within)

    async def setup_hook(self) -> None:
        app = self._given_app or await App.start(
            self.config, self.db_path, self.clock, escapes={PLATFORM: escape_user_text}
        )
        try:
            await self.attach(app)
            await self.tree.set_translator(CatalogTranslator())
            await self.sync_commands()
        except BaseException:
            if self._given_app is None:
                await app.close()
            self.front = None
            raise
        assert self.worker is not None  # noqa: S101 - attach() made it
        self._worker_task = asyncio.create_task(self.worker.run(), name="discord-outbox")
        if self._reached is not None:
            self._reached()

    async def sync_commands(self) -> None:
        """Register the commands with Discord: once, globally, each saying where it works.

        A guild-scoped command cannot be offered in a direct message, and the same
        command registered both ways would be listed twice in the server; so every
        command is global, limited to the server (or the server and DMs with the bot,
        the commands a member needs where the bot writes to them). Versions of the bot
        before this registered everything on the network's server: that set is emptied,
        or members would see each command twice.
        """
        await self.tree.sync()
        await self.tree.sync(guild=discord.Object(id=self.settings.guild_id))

    async def close(self) -> None:
        """Let the interactions under way finish (briefly), then stop sending and close."""
        await self._finish_in_flight(DRAIN_SECONDS)
        if self.worker is not None:
            await self.worker.stop(within=DRAIN_SECONDS)  # sends under way finish, recorded
        if self._worker_task is not None:
            self._worker_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker_task
        await super().close()
        if self.front is not None:
            if self._given_app is None:
                await self.front.app.close()
            self.front = None
