"""Every front end answers people who write to the bot, the same way.

A member in trouble writes whatever comes to mind, to the bot directly or naming it in
a chat; on every platform they must get the same answer (the hotline, the rights that
matter at the door, how to report), and ordinary chat must get none. Each front end is
driven through its own platform's fakes. A platform section added to the config without
a driver here fails `test_every_front_end_is_tried`, so a new front end cannot skip this.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.platforms.signal.frontend import SignalFrontEnd, group_address
from tests.cogs.live import MEMBER, fake_discord, running
from tests.conftest import example_data
from tests.fakes import discord as discord_fakes
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import ALERTS, BOT_NUMBER, DEE, signal_section

CRY = "ICE is at my door right now what do I do"
CHATTER = "anyone coming to the meeting tonight?"


@dataclass
class Probe:
    """One member of the network on one platform: what they are answered."""

    direct: Callable[[str], Awaitable[str]]  # a direct message to the bot
    mention: Callable[[str], Awaitable[str]]  # naming the bot in the alert chat
    chatter: Callable[[str], Awaitable[str]]  # talking in the alert chat, not to the bot


Driver = Callable[[Path, FakeClock], AbstractAsyncContextManager[Probe]]


@asynccontextmanager
async def console(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Probe]:
    app = await App.start(Config.model_validate(example_data()), tmp_path / "c.sqlite3", clock)
    harness = ChatHarness(app)

    async def direct(text: str) -> str:
        return in_chat(await harness.say(f"dee@dm: {text}"), "dm:dee")

    async def mention(text: str) -> str:
        return in_chat(await harness.say(f"dee@alerts: @bot {text}"), "alerts")

    async def chatter(text: str) -> str:
        return in_chat(await harness.say(f"dee@alerts: {text}"), "alerts")

    try:
        yield Probe(direct, mention, chatter)
    finally:
        await app.close()


@asynccontextmanager
async def signal(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Probe]:
    server = FakeSignal(number=BOT_NUMBER)
    await server.start()
    data = example_data()
    data["signal"] = signal_section(server.url)
    config = Config.model_validate(data)
    assert config.signal is not None
    app = await App.start(config, tmp_path / "s.sqlite3", clock)
    front = SignalFrontEnd(app, config.signal)

    async def exchange(recipient: str) -> str:
        before = len(server.to(recipient))
        await front.receive_once()
        await front.worker.deliver_due()
        return "\n".join(server.to(recipient)[before:])

    async def direct(text: str) -> str:
        server.deliver(text, uuid=DEE)
        return await exchange(DEE)

    async def mention(text: str) -> str:
        server.deliver(text, uuid=DEE, group=ALERTS, mention_bot=True)
        return await exchange(group_address(ALERTS))

    async def chatter(text: str) -> str:
        server.deliver(text, uuid=DEE, group=ALERTS)
        return await exchange(group_address(ALERTS))

    try:
        yield Probe(direct, mention, chatter)
    finally:
        front.client.close()
        await app.close()
        await server.stop()


@asynccontextmanager
async def discord(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Probe]:
    data = example_data()
    data["discord"] = discord_fakes.discord_section()
    config = Config.model_validate(data)
    app = await App.start(config, tmp_path / "d.sqlite3", clock)
    server = fake_discord()  # the real discord.py client, against a fake Discord
    await server.start()
    member, channel = MEMBER, discord_fakes.ALERTS_CHANNEL

    async def direct(text: str) -> str:
        before = len(server.dm_texts(member))
        await server.dm(member, text)
        return "\n".join(server.dm_texts(member)[before:])

    async def in_channel(text: str, *, mention: bool) -> str:
        before = len(server.texts(channel))
        await server.post(member, channel, text, mention=mention)
        return "\n".join(server.texts(channel)[before:])

    async def mention(text: str) -> str:
        return await in_channel(text, mention=True)

    async def chatter(text: str) -> str:
        return await in_channel(text, mention=False)

    try:
        async with running(config, app, server):
            yield Probe(direct, mention, chatter)
        assert server.problems == []
    finally:
        await app.close()
        await server.stop()


DRIVERS: dict[str, Driver] = {"console": console, "signal": signal, "discord": discord}


def test_every_front_end_is_tried() -> None:
    """The platforms are the config's optional sections; each needs a driver above."""
    platforms = {
        name
        for name, field in Config.model_fields.items()
        if field.default is None and not field.exclude  # `source` is where it was read
    }
    assert platforms == set(DRIVERS)


@pytest.fixture(params=sorted(DRIVERS))
async def probe(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Probe]:
    async with DRIVERS[request.param](tmp_path, clock) as found:
        yield found


async def test_a_cry_for_help_in_a_direct_message(probe: Probe) -> None:
    answer = await probe.direct(CRY)
    assert answer.startswith("If you or someone near you is in danger now, call:")
    assert "+1 555 0100" in answer
    assert "Do not open the door" in answer
    assert "/report" in answer


async def test_a_typed_command_in_a_direct_message(probe: Probe) -> None:
    assert await probe.direct("/hotline") == "Call Rapid response hotline: +1 555 0100 (24/7)"


async def test_the_language_a_member_chose(probe: Probe) -> None:
    await probe.direct("/lang es")
    answer = await probe.direct("hola")
    assert answer.startswith("Si usted o alguien cerca está en peligro ahora, llame:")
    assert "No abra la puerta" in answer


async def test_naming_the_bot_in_a_chat_and_ordinary_chatter(probe: Probe) -> None:
    assert "Do not open the door" in await probe.mention(CRY)
    assert await probe.mention("/hotline") == "Call Rapid response hotline: +1 555 0100 (24/7)"
    assert await probe.chatter(CHATTER) == ""


async def test_report_alone_asks_and_the_next_message_is_the_report(probe: Probe) -> None:
    assert "Tell me in your next message" in await probe.direct("/report")
    filed = await probe.direct("la migra en el swap meet de la avenida central")
    assert "Report R1 is with the verifiers" in filed


async def test_a_slip_in_the_command_word_still_files_the_report(probe: Probe) -> None:
    filed = await probe.direct("/reprot 2 ice vans outside the laundromat on 5th st")
    assert filed.startswith("(I read /reprot as /report.)")
    assert "Report R1 is with the verifiers" in filed
