"""Signal goes down in the middle of a broadcast and comes back.

One bot with three front ends on one store, as `rrbot run` has them: the console, Signal
(the fake signal-cli-rest-api) and Discord (the real discord.py client against the fake
Discord). The Signal service stops while the alert is going out to its groups. Every
message for Signal waits and is delivered once when it is back; meanwhile the console
and Discord go on answering as if nothing happened.
"""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.app import App
from bot.config import Config
from bot.core.models import MessageKind
from bot.platforms.signal.frontend import SignalFrontEnd, group_address
from tests.cogs.live import MEMBER, fake_discord, running
from tests.conftest import example_data, outbox_rows
from tests.fakes import discord as discord_fakes
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import BOT_NUMBER, ORGANIZERS, signal_section

CRY = "ICE is at my door right now what do I do"
# More Signal groups for the alert, each with a real group id's 32 bytes.
NEIGHBOURHOODS = [base64.b64encode(f"barrio-group-id-{n:016d}".encode()).decode() for n in range(6)]


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for the bot's own tasks to get somewhere; the bound only catches a hang."""
    for _ in range(3000):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_signal_down_mid_broadcast_delays_its_messages_delivers_each_once_and_others_go_on(
    tmp_path: Path, clock: FakeClock
) -> None:
    signal = FakeSignal(number=BOT_NUMBER)
    await signal.start()
    discord = fake_discord()
    await discord.start()
    data = example_data()
    data["signal"] = signal_section(signal.url)
    data["signal"]["broadcast"] += [
        {"id": group_address(group), "name": f"barrio {n}", "languages": ["es"]}
        for n, group in enumerate(NEIGHBOURHOODS)
    ]
    data["discord"] = discord_fakes.discord_section()
    config = Config.model_validate(data)
    assert config.signal is not None
    app = await App.start(config, tmp_path / "outage.sqlite3", clock)
    front = SignalFrontEnd(app, config.signal)
    console = ChatHarness(app)
    signal_delivery = asyncio.create_task(front.worker.run(), name="signal-outbox")

    async def signal_rows() -> list[tuple[str, str]]:
        return [
            (r.address, r.state) for r in await outbox_rows(app.store) if r.platform == "signal"
        ]

    async def all_signal_delivered() -> bool:
        return all(state == "delivered" for _, state in await signal_rows())

    try:
        async with running(config, app, discord):
            await console.say(
                "dee@organizers: /report where: 5th & Main; what: agents at the bus stop"
            )
            await eventually(all_signal_delivered, "the card in the Signal organizer group")
            assert len(signal.sent) == 1

            signal.go_down_after(2)  # the container stops while the alert is going out
            verified = await console.say("ben@organizers: /verify R1 two people taken")
            assert "VERIFIED ALERT R1" in in_chat(verified, "alerts")  # the console's own

            async def outage_under_way() -> bool:
                rows = await signal_rows()
                return signal._site is None and len(rows) > 3 and not await all_signal_delivered()

            await eventually(outage_under_way, "the broadcast cut short by the outage")
            assert len(signal.sent) == 3  # the card, and two sends before it went down

            # Meanwhile everyone else is answered at once, and more news queues up.
            answer = await console.text(f"eli@dm: {CRY}")
            assert "Do not open the door" in answer
            before = len(discord.dm_texts(MEMBER))
            await discord.dm(MEMBER, CRY)  # answered before this returns (the fake settles)
            assert "Do not open the door" in "\n".join(discord.dm_texts(MEMBER)[before:])

            async def discord_alerted() -> bool:
                posted = discord.texts(discord_fakes.ALERTS_CHANNEL)
                return any("VERIFIED ALERT R1" in text for text in posted)

            await eventually(discord_alerted, "the alert on Discord")
            await console.say("eli@organizers: /report where: 9th & Oak; what: checkpoint")
            waiting = [address for address, state in await signal_rows() if state == "pending"]
            assert len(waiting) >= 8 and group_address(ORGANIZERS) in waiting

            await signal.up()
            clock.advance(600)  # past every retry's backoff
            front.worker.wake.set()
            await eventually(all_signal_delivered, "every Signal message delivered")
            owed = [r for r in await outbox_rows(app.store) if r.platform == "signal"]
    finally:
        await front.worker.stop()
        signal_delivery.cancel()
        await asyncio.gather(signal_delivery, return_exceptions=True)
        front.client.close()
        await app.close()
        await discord.stop()
        await signal.stop()

    kinds = Counter(row.kind for row in owed)
    assert kinds[MessageKind.ALERT] == 8 and kinds[MessageKind.NEW_REPORT] == 2
    assert not any(row.is_direct for row in owed)
    # Each message once: none lost, none repeated.
    assert Counter(sent.recipient for sent in signal.sent) == Counter(r.address for r in owed)
    sent_texts = [(sent.recipient, sent.message) for sent in signal.sent]
    assert len(sent_texts) == len(set(sent_texts))
    for group in NEIGHBOURHOODS:
        [alert] = signal.to(group_address(group))
        assert "ALERTA VERIFICADA R1" in alert
