"""Every core command on every front end, or a written reason why not.

The core's commands are `bot.core.commands.COMMANDS`, and `/task` has its verbs (the
words files' `[task_verbs]`). The console and Signal offer them through the text
grammar: each command is sent to each, as a member would, and must be understood
(answered, or refused for who is asking, never "I don't know the command"). Discord
offers them as slash commands: each must be in the command tree (`/task` verbs as its
subcommands). A command a front end does without is listed in EXEMPT with the reason a
member would read, and the same list is in docs/ARCHITECTURE.md ("Every command on
every front end"), so the exemptions cannot change without the documentation.
"""

from __future__ import annotations

import re
from pathlib import Path

from discord import app_commands

from bot.app import App
from bot.config import Config
from bot.core.commands import COMMANDS
from bot.i18n.words import vocabulary
from bot.platforms.signal.frontend import SignalFrontEnd
from cogs.client import RapidResponseBot
from tests.conftest import ROOT, example_data
from tests.fakes import discord as discord_fakes
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import BOT_NUMBER, DEE, signal_section

# (front end, command) -> why it is not there; shown to people in docs/ARCHITECTURE.md.
EXEMPT: dict[tuple[str, str], str] = {
    ("discord", "role"): (
        "Roles on Discord are the server's own roles, given in its settings; the bot "
        "reads them at every press."
    ),
    ("discord", "cancel"): (
        "A form is cancelled by closing it; the step-by-step /detained runs only in a "
        "direct message with the bot, where typing cancel stops it."
    ),
}
UNKNOWN = ("I don't know the command", "Write /task followed by one of")


def core_commands() -> list[str]:
    """Every command, with /task's verbs as "task <verb>"."""
    verbs = sorted(vocabulary().keys("task_verbs"))
    assert {"add", "assign", "edit", "accept", "decline", "done", "release", "cancel"} <= set(verbs)
    return sorted(
        [spec.name for spec in COMMANDS if spec.name != "task"] + [f"task {v}" for v in verbs]
    )


def missing(front_end: str, offered: set[str]) -> list[str]:
    return [
        name
        for name in core_commands()
        if name not in offered and (front_end, name.split()[0]) not in EXEMPT
    ]


def understood(answer: str) -> bool:
    return bool(answer.strip()) and not any(marker in answer for marker in UNKNOWN)


async def test_the_console_offers_every_command(
    config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    app = await App.start(config, tmp_path / "console.sqlite3", clock)
    try:
        harness = ChatHarness(app)
        offered = {
            name
            for name in core_commands()
            if understood(in_chat(await harness.say(f"dee@dm: /{name}"), "dm:dee"))
        }
    finally:
        await app.close()
    assert missing("console", offered) == []


async def test_signal_offers_every_command(tmp_path: Path, clock: FakeClock) -> None:
    server = FakeSignal(number=BOT_NUMBER)
    await server.start()
    data = example_data()
    data["signal"] = signal_section(server.url)
    config = Config.model_validate(data)
    assert config.signal is not None
    app = await App.start(config, tmp_path / "signal.sqlite3", clock)
    front = SignalFrontEnd(app, config.signal)
    try:
        offered = set()
        for name in core_commands():
            before = len(server.to(DEE))
            server.deliver(f"/{name}", uuid=DEE)
            await front.receive_once()
            await front.worker.deliver_due()
            if understood("\n".join(server.to(DEE)[before:])):
                offered.add(name)
    finally:
        front.client.close()
        await app.close()
        await server.stop()
    assert missing("signal", offered) == []


async def test_discord_offers_every_command(tmp_path: Path, clock: FakeClock) -> None:
    data = example_data()
    data["discord"] = discord_fakes.discord_section()
    config = Config.model_validate(data)
    app = await App.start(config, tmp_path / "discord.sqlite3", clock)
    try:
        bot = RapidResponseBot(config, clock=clock)
        await bot.attach(app)
        offered = set()
        for command in bot.tree.get_commands():
            offered.add(command.name)
            if isinstance(command, app_commands.Group):
                offered |= {sub.qualified_name for sub in command.walk_commands()}
    finally:
        await app.close()
    assert missing("discord", offered) == []
    # An exemption for something Discord does offer would be a stale excuse.
    assert [name for (front, name) in EXEMPT if front == "discord" and name in offered] == []


async def test_discords_person_corrects_every_detail_the_text_grammar_does(
    tmp_path: Path, clock: FakeClock
) -> None:
    """/person P3 dob: …; pickup: … on the console and Signal; on Discord the same labels
    are options of /person, so no detail can be fixed on one front end only."""
    data = example_data()
    data["discord"] = discord_fakes.discord_section()
    config = Config.model_validate(data)
    app = await App.start(config, tmp_path / "discord.sqlite3", clock)
    try:
        bot = RapidResponseBot(config, clock=clock)
        await bot.attach(app)
        person = bot.tree.get_command("person")
    finally:
        await app.close()
    assert isinstance(person, app_commands.Command)
    options = {parameter.name for parameter in person.parameters}
    assert options == {"person", *vocabulary().keys("labels.person")}


def test_the_exemptions_are_the_ones_documented() -> None:
    architecture = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| `/(\w+)` \| (.+?) \|$", architecture, re.MULTILINE)
    documented = {(front.lower(), name): why for front, name, why in rows}
    assert documented == EXEMPT


def test_the_check_notices_a_missing_command() -> None:
    everything = set(core_commands())
    assert missing("discord", everything - {"task edit"}) == ["task edit"]
    assert missing("discord", everything - {"role"}) == []  # exempt, with its reason
    assert missing("signal", everything - {"role"}) == ["role"]
