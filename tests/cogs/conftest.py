from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import discord as discord_py
import pytest

from bot.app import App
from bot.config import Config
from cogs.client import RapidResponseBot
from cogs.frontend import DiscordFrontEnd
from tests.cogs.live import Live, fake_discord, running
from tests.conftest import example_data
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.fakes.discord_server import FakeDiscord


@pytest.fixture
def discord_config() -> Config:
    data = example_data()
    data["discord"] = fakes.discord_section()
    return Config.model_validate(data)


class Rig:
    """A Discord bot attached to a real core on a temporary database, with fake channels."""

    def __init__(self, bot: RapidResponseBot, app: App, front: DiscordFrontEnd) -> None:
        self.bot, self.app, self.front = bot, app, front
        self.channels = {
            cid: fakes.FakeChannel(cid)
            for cid in (fakes.ORGANIZER_CHANNEL, fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL)
        }
        bot.get_channel = lambda cid: self.channels[cid].mock if cid in self.channels else None  # type: ignore[method-assign,assignment]
        self.dms: dict[int, fakes.FakeChannel] = {}
        bot.get_user = lambda uid: self.dms.setdefault(uid, fakes.FakeChannel(uid)).mock  # type: ignore[method-assign,assignment]
        bot.fetch_channel = AsyncMock(side_effect=fakes.http_error(404, "Unknown Channel"))  # type: ignore[method-assign]
        self.users = {
            "organizer": fakes.mock_member(501, fakes.ORGANIZER_ROLE),
            "verifier": fakes.mock_member(502, fakes.VERIFIER_ROLE),
            "verifier2": fakes.mock_member(503, fakes.VERIFIER_ROLE),
            "member": fakes.mock_member(504),
            "reporter": fakes.mock_member(505),
        }

    def interaction(self, who: str, guild_id: int | None = fakes.GUILD_ID) -> Any:
        return fakes.mock_interaction(self.bot, self.users[who], guild_id)

    async def submit(
        self, who: str, form: discord_py.ui.Modal | dict[str, Any], values: dict[str, str]
    ) -> Any:
        """Send a form (or its payload) filled in with `values`, the way discord.py
        receives it: offered to the live forms it keeps (ours keep none), then
        dispatched as an interaction."""
        shown = form if isinstance(form, dict) else form.to_dict()
        interaction = fakes.form_submission(self.bot, self.users[who], shown, values)
        data = interaction.data
        self.bot._connection._view_store.dispatch_modal(
            data["custom_id"], interaction, data["components"], {}
        )
        self.bot.dispatch("interaction", interaction)
        await fakes.settle()
        return interaction

    async def deliver(self) -> int:
        assert self.bot.worker is not None
        return await self.bot.worker.deliver_due()

    def cog(self, name: str) -> Any:
        cog = self.bot.get_cog(name)
        assert cog is not None
        return cog


async def start_rig(config: Config, path: Path, clock: FakeClock) -> Rig:
    """A bot process on the database at `path` (a second one on the same file is the
    same network after a restart)."""
    app = await App.start(config, path, clock)
    bot = RapidResponseBot(config, clock=clock)
    try:
        await bot._async_setup_hook()  # what logging in does: the bot gets its event loop
        front = await bot.attach(app)
    except BaseException:
        await app.close()
        raise
    return Rig(bot, app, front)


@pytest.fixture
async def rig(discord_config: Config, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    started = await start_rig(discord_config, tmp_path / "discord.sqlite3", clock)
    try:
        yield started
    finally:
        await started.app.close()


@pytest.fixture
async def discord(tmp_path: Path) -> AsyncIterator[FakeDiscord]:
    server = fake_discord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def live(
    discord_config: Config, tmp_path: Path, clock: FakeClock, discord: FakeDiscord
) -> AsyncIterator[Live]:
    app = await App.start(discord_config, tmp_path / "live.sqlite3", clock)
    try:
        async with running(discord_config, app, discord) as connected:
            yield connected
    finally:
        await app.close()
    assert discord.problems == []
    for message, pinged in discord.pings():
        # The one ping the bot ever sends: verifiers, on the card of a new report.
        assert pinged == {f"role:{fakes.VERIFIER_ROLE}"}, message.content
        content = message.content.replace("DRILL — PRACTICE\n", "", 1)  # a drill's card
        assert content.startswith(f"<@&{fakes.VERIFIER_ROLE}>\nNEW REPORT"), message


@pytest.fixture
async def bilingual(tmp_path: Path, clock: FakeClock, discord: FakeDiscord) -> AsyncIterator[Live]:
    """The real bot with an organizer channel in Spanish and English: a long card is
    too long for one message."""
    data = example_data()
    data["discord"] = {**fakes.discord_section(), "organizer_languages": ["es", "en"]}
    config = Config.model_validate(data)
    app = await App.start(config, tmp_path / "bilingual.sqlite3", clock)
    try:
        async with running(config, app, discord) as connected:
            yield connected
    finally:
        await app.close()
    assert discord.problems == []
