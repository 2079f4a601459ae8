"""`rrbot run` explains in one line why it cannot start, and never shows a traceback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import aiohttp
import discord
import pytest

from storage.crypto import generate_key
from tests.conftest import EXAMPLE_CONFIG, example_data, run_rrbot
from tests.fakes import discord as fakes
from tests.test_config import write_toml


def rrbot_run(config: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_rrbot("run", "--config", str(config), "--db", str(tmp_path / "r.db"), **env)


def test_a_config_without_discord_has_nothing_to_run(tmp_path: Path) -> None:
    result = rrbot_run(EXAMPLE_CONFIG, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"rrbot: {EXAMPLE_CONFIG}: no front end to run: add a [discord] or [signal] section "
        "(or try the bot with `rrbot console`)"
    ]


def test_a_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    data = example_data()
    data["discord"] = fakes.discord_section()
    config = write_toml(tmp_path / "config.toml", data)
    result = rrbot_run(config, tmp_path, RRBOT_DATA_KEY=generate_key())
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "rrbot: the Discord bot token is missing: put it in the environment variable "
        "RRBOT_TEST_TOKEN"
    ]
    assert "Traceback" not in result.stderr


def test_every_problem_found_before_starting_is_named_at_once(tmp_path: Path) -> None:
    """No token and no key: both are said, so the operator fixes both in one go."""
    data = example_data()
    data["discord"] = fakes.discord_section()
    config = write_toml(tmp_path / "config.toml", data)
    result = run_rrbot("run", "--config", str(config), "--db", str(tmp_path / "data" / "r.db"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "rrbot: the Discord bot token is missing: put it in the environment variable "
        "RRBOT_TEST_TOKEN",
        "rrbot: no data key: make one with `rrbot generate-key`, keep a copy somewhere safe, "
        "and pass it in the environment variable RRBOT_DATA_KEY (or save it in a file on "
        "another disk and name that file in [security] key_file)",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # nothing made
    bad_key = run_rrbot(
        "run", "--config", str(config), "--db", str(tmp_path / "r.db"), RRBOT_DATA_KEY="YWJj"
    )
    assert bad_key.stderr.strip().splitlines()[1] == (
        "rrbot: the data key must be 32 bytes (make one with rrbot generate-key)"
    )


def test_discord_unreachable_takes_back_the_database_and_folder_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stranger's trial: only a Discord section, a key given inline, Discord out of
    reach. Nothing is left behind, so the next start, with a new key, is not refused."""
    from bot import cli
    from cogs.client import RapidResponseBot

    async def unreachable(self: RapidResponseBot, token: str) -> None:
        raise aiohttp.ClientConnectionError("Cannot connect to host discord.com:443")

    monkeypatch.setattr(RapidResponseBot, "start", unreachable)
    monkeypatch.setenv("RRBOT_TEST_TOKEN", "token")
    monkeypatch.setenv("RRBOT_DATA_KEY", generate_key())
    config = discord_config_file(tmp_path)
    db = tmp_path / "data" / "rrbot.sqlite3"
    assert cli.main(["run", "--config", str(config), "--db", str(db)]) == 2
    assert capsys.readouterr().err.startswith("rrbot: cannot reach Discord")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no data/ at all

    async def reached(self: RapidResponseBot, token: str) -> None:
        return None  # Discord answered (and the bot was then stopped)

    monkeypatch.setattr(RapidResponseBot, "start", reached)
    monkeypatch.setenv("RRBOT_DATA_KEY", generate_key())  # another key: nothing to open
    assert cli.main(["run", "--config", str(config), "--db", str(db)]) == 0
    assert capsys.readouterr().err == ""
    assert db.exists()


def test_discord_config_mistakes_name_their_field(tmp_path: Path) -> None:
    data = example_data()
    section = fakes.discord_section()
    section["verifier_role_id"] = section["organizer_role_id"]
    data["discord"] = section
    config = write_toml(tmp_path / "config.toml", data)
    result = rrbot_run(config, tmp_path, RRBOT_TEST_TOKEN="x")
    assert result.returncode == 2
    assert (
        "discord: organizer_role_id and verifier_role_id must be different roles" in result.stderr
    )


def discord_config_file(tmp_path: Path) -> Path:
    data = example_data()
    data["discord"] = fakes.discord_section()
    return write_toml(tmp_path / "config.toml", data)


def test_a_refused_token_and_an_unreachable_gateway_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli
    from cogs.client import RapidResponseBot

    config = discord_config_file(tmp_path)
    monkeypatch.setenv("RRBOT_TEST_TOKEN", "not-a-real-token")
    monkeypatch.setenv("RRBOT_DATA_KEY", generate_key())
    for failure, expected in [
        (discord.LoginFailure("Improper token"), "Discord refused the token in RRBOT_TEST_TOKEN"),
        (
            aiohttp.ClientConnectionError("Cannot connect to host discord.com"),
            "cannot reach Discord",
        ),
    ]:

        async def start(
            self: RapidResponseBot, token: str, *, error: BaseException = failure
        ) -> None:
            raise error

        monkeypatch.setattr(RapidResponseBot, "start", start)
        code = cli.main(["run", "--config", str(config), "--db", str(tmp_path / "r.db")])
        err = capsys.readouterr().err
        assert code == 2
        assert err.startswith("rrbot: ") and expected in err and err.count("\n") == 1


async def test_setup_hook_opens_everything_and_close_closes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import load_config
    from cogs.client import RapidResponseBot

    bot = RapidResponseBot(load_config(discord_config_file(tmp_path)), tmp_path / "life.db")
    synced: list[object] = []

    async def sync(*, guild: object = None) -> list[object]:
        synced.append(guild)
        return []

    monkeypatch.setattr(bot.tree, "sync", sync)
    await bot.setup_hook()
    assert bot.front is not None and bot._worker_task is not None
    # Global commands (each says where it works), then the server's own set emptied.
    assert [getattr(g, "id", None) for g in synced] == [None, fakes.GUILD_ID]
    assert len(bot._connection._view_store._dynamic_items) == 7
    from cogs.translator import CatalogTranslator

    assert isinstance(bot.tree.translator, CatalogTranslator)  # menus in members' languages
    db = bot.front.app.store
    task = bot._worker_task
    await bot.close()
    assert task.done() and bot.front is None
    with pytest.raises(ValueError, match="no active connection"):
        async with db.reading():
            pass


def test_run_sends_alerts_only_to_the_chats_it_can_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example config keeps its console chats; `rrbot run` must not count them."""
    from bot import cli
    from cogs.client import RapidResponseBot

    seen: list[list[str]] = []

    async def start(self: RapidResponseBot, token: str) -> None:
        assert self._given_app is not None
        seen.append([target.label for target in self._given_app.network.targets])

    monkeypatch.setattr(RapidResponseBot, "start", start)
    monkeypatch.setenv("RRBOT_TEST_TOKEN", "token")
    monkeypatch.setenv("RRBOT_DATA_KEY", generate_key())
    config = discord_config_file(tmp_path)
    umask = os.umask(0o022)
    try:
        assert cli.main(["run", "--config", str(config), "--db", str(tmp_path / "r.db")]) == 0
        assert os.umask(0o022) == 0o022  # rrbot's own umask (077) ended with it
    finally:
        os.umask(umask)
    assert seen == [["#rr-organizers", "#alerts", "#alertas"]]


async def test_a_console_drill_never_queues_messages_for_real_chats(tmp_path: Path) -> None:
    from bot.config import load_config

    drill = load_config(discord_config_file(tmp_path)).for_front_ends("console")
    assert {target.platform for target in drill.targets()} == {"console"}
    assert drill.discord is None
