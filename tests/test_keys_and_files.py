"""The data key is kept where a copy of the data disk does not find it, and the bot's
files are its owner's alone.

`rrbot run` with Discord or Signal refuses to make a key beside the database; it takes
the key from the environment, or from a key file the config names (and warns when that
file shares the database's disk). The console trial still makes its own key. A start
that fails takes back the key and database it made. The database, its -wal and -shm and
the key file are 0600, and an older one open to others is tightened, saying so.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.app import App
from bot.cli import StartError
from bot.config import load_config
from storage.crypto import generate_key
from tests.conftest import EXAMPLE_CONFIG, ROOT, example_data, run_rrbot
from tests.fakes import discord as discord_fakes
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import BOT_NUMBER, DEE, signal_section
from tests.test_config import write_toml

NO_KEY = (
    "rrbot: no data key: make one with `rrbot generate-key`, keep a copy somewhere safe, and "
    "pass it in the environment variable RRBOT_DATA_KEY (or save it in a file on another "
    "disk and name that file in [security] key_file)"
)
SAME_DISK = "is on the same file system as the database"
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens on the discard port


def key_check(db: Path) -> str:
    """What tells this database from another: its sealed key check."""
    with closing(sqlite3.connect(db)) as connection:
        row = connection.execute("SELECT value FROM settings WHERE name = 'key_check'").fetchone()
    return str(row[0])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask() -> Iterator[None]:
    """The umask most machines have (others may read new files): the bot must not rely
    on the operator's being strict."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def signal_config(tmp_path: Path, url: str = UNREACHABLE, **security: str) -> Path:
    data = example_data()
    data["signal"] = signal_section(url)
    data["security"] = {**data["security"], **security}
    return write_toml(tmp_path / "config.toml", data)


def discord_config(tmp_path: Path) -> Path:
    data = example_data()
    data["discord"] = discord_fakes.discord_section()
    return write_toml(tmp_path / "config.toml", data)


def rrbot(command: str, config: Path, db: Path, **env: str) -> tuple[int, list[str]]:
    result = run_rrbot(command, "--config", str(config), "--db", str(db), **env)
    return result.returncode, result.stderr.strip().splitlines()


@pytest.mark.parametrize("front_end", ["discord", "signal"])
def test_run_without_a_key_refuses_in_one_line_and_makes_nothing(
    tmp_path: Path, front_end: str
) -> None:
    config = discord_config(tmp_path) if front_end == "discord" else signal_config(tmp_path)
    code, lines = rrbot("run", config, tmp_path / "data" / "r.db", RRBOT_TEST_TOKEN="token")
    assert (code, lines) == (2, [NO_KEY])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no key, no db


def test_a_purge_of_a_deployment_wants_the_key_too(tmp_path: Path) -> None:
    code, lines = rrbot("purge", signal_config(tmp_path), tmp_path / "r.db")
    assert (code, lines) == (2, [NO_KEY])
    assert not (tmp_path / "r.db").exists() and not (tmp_path / "r.db.key").exists()


def test_a_key_left_beside_the_database_by_an_older_version_is_not_used(tmp_path: Path) -> None:
    """An upgrade: the key the old version made is named, with how to move it."""
    db = tmp_path / "r.db"
    code, _ = rrbot("console", EXAMPLE_CONFIG, db)  # a database and its key beside it
    assert code == 0 and (tmp_path / "r.db.key").exists()
    code, lines = rrbot("run", signal_config(tmp_path), db)
    assert code == 2
    assert lines == [
        f"rrbot: the data key is in {tmp_path / 'r.db.key'}, beside the database, so a copy "
        "of that disk opens all the data: put the file's contents in the environment "
        "variable RRBOT_DATA_KEY (or move the file to another disk and name it in "
        f"[security] key_file), keep a copy somewhere safe, then delete {tmp_path / 'r.db.key'}"
    ]


async def test_run_with_a_named_key_file_starts_and_warns_it_shares_the_databases_disk(
    tmp_path: Path, lax_umask: None
) -> None:
    server = FakeSignal(number="+15550000001")
    await server.start()
    key = tmp_path / "keys" / "rrbot.key"
    database = tmp_path / "data" / "run.db"
    try:
        config = signal_config(tmp_path, server.url, key_file=str(key))
        environment = {k: v for k, v in os.environ.items() if not k.startswith("RRBOT_")}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), "--db", str(database),
            cwd=ROOT, env=environment,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        async with asyncio.timeout(30):
            await server.requested("receive", 2)  # running: it came back for more
            files = {path: mode(path) for path in database.parent.iterdir()}
            process.send_signal(signal.SIGTERM)
            _out, raw = await process.communicate()
    finally:
        await server.stop()
    err = raw.decode()
    assert process.returncode == 0, err
    warnings = [line for line in err.splitlines() if SAME_DISK in line]
    assert len(warnings) == 1 and str(key) in warnings[0] and "WARNING" in warnings[0]
    assert f"created a new data key in {key}; keep a copy somewhere safe" in err
    assert mode(key) == 0o600
    # While it ran: the database and its -wal and -shm, owner-only, in an owner-only folder.
    assert files == {database: 0o600, database.parent / "run.db-wal": 0o600,
                     database.parent / "run.db-shm": 0o600}  # fmt: skip
    assert mode(database.parent) == 0o700


async def test_no_warning_when_the_key_file_is_on_another_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot import data_key

    key = tmp_path / "usb" / "rrbot.key"
    config = load_config(signal_config(tmp_path, key_file=str(key)))
    monkeypatch.delenv("RRBOT_DATA_KEY", raising=False)
    real = data_key.device
    monkeypatch.setattr(data_key, "device", lambda p: -7 if p == key else real(p))
    caplog.set_level(logging.WARNING)
    found = data_key.find_key(config, tmp_path / "r.db", deployment=True)
    assert found.created == key
    assert [r.getMessage() for r in caplog.records if SAME_DISK in r.getMessage()] == []
    monkeypatch.setattr(data_key, "device", real)
    data_key.find_key(config, tmp_path / "r.db", deployment=True)  # same disk: said
    assert [r for r in caplog.records if SAME_DISK in r.getMessage()]


def test_the_console_still_makes_its_own_key(tmp_path: Path) -> None:
    result = run_rrbot(
        "console", "--config", str(EXAMPLE_CONFIG), "--db", str(tmp_path / "trial.db"),
        stdin="ana@organizers: /hotline\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr  # a trial needs no fuss
    assert mode(tmp_path / "trial.db.key") == 0o600
    assert mode(tmp_path / "trial.db") == 0o600


def test_a_start_that_fails_takes_back_the_key_and_database_it_made(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "rrbot.key"
    db = tmp_path / "data" / "r.db"
    code, lines = rrbot("run", signal_config(tmp_path, key_file=str(key)), db)
    assert code == 2 and lines[-1].startswith("rrbot: cannot reach signal-cli-rest-api")
    assert "Traceback" not in "\n".join(lines)
    assert not any("created a new data key" in line for line in lines)
    # No database, -wal or -shm, no key, and not the folders made for them; and no
    # "created a new data key, keep a copy" for a key that is gone again.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


async def run_in_process(config: Path, db: Path) -> None:
    """`rrbot run`'s own coroutine, in this event loop (beside a fake service)."""
    from bot import cli

    await cli._run(argparse.Namespace(config=config, db=db, verbose=False))


@pytest.mark.parametrize("received", [False, True])
async def test_with_signal_receiving_a_failed_discord_start_keeps_what_came(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, received: bool
) -> None:
    """Signal and Discord both configured; Discord cannot be reached. If Signal already
    stored a message, the database holds it and stays; if not, it goes like any other."""
    import aiohttp

    from cogs.client import RapidResponseBot

    server = FakeSignal(number=BOT_NUMBER)
    await server.start()
    if received:
        server.deliver("/report ICE at the laundromat on Oak", uuid=DEE)
    data = example_data()
    data["signal"] = signal_section(server.url)
    data["discord"] = discord_fakes.discord_section()
    key = tmp_path / "keys" / "rrbot.key"
    data["security"] = {**data["security"], "key_file": str(key)}
    config = write_toml(tmp_path / "config.toml", data)
    db = tmp_path / "data" / "r.db"

    async def unreachable(self: RapidResponseBot, token: str) -> None:
        await server.requested("receive", 2)  # Signal has been receiving meanwhile
        raise aiohttp.ClientConnectionError("Cannot connect to host discord.com:443")

    monkeypatch.setattr(RapidResponseBot, "start", unreachable)
    monkeypatch.setenv("RRBOT_TEST_TOKEN", "token")
    monkeypatch.delenv("RRBOT_DATA_KEY", raising=False)
    try:
        with pytest.raises(StartError, match="cannot reach Discord"):
            await run_in_process(config, db)
    finally:
        await server.stop()
    assert db.exists() is received and key.exists() is received
    if not received:
        left = sorted(p.name for p in tmp_path.iterdir())  # noqa: ASYNC240 - a test's look
        assert left == ["config.toml"]


def test_a_key_file_made_by_a_start_that_holds_is_announced_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot import cli
    from cogs.client import RapidResponseBot

    async def reached(self: RapidResponseBot, token: str) -> None:
        await self.login(token)  # stands in for Discord: the commands are taken

    async def login(self: RapidResponseBot, token: str) -> None:
        await self.setup_hook()

    async def sync() -> None:
        return None

    monkeypatch.setattr(RapidResponseBot, "start", reached)
    monkeypatch.setattr(RapidResponseBot, "login", login)
    monkeypatch.setattr(RapidResponseBot, "sync_commands", lambda self: sync())
    monkeypatch.setenv("RRBOT_TEST_TOKEN", "token")
    monkeypatch.delenv("RRBOT_DATA_KEY", raising=False)
    key = tmp_path / "keys" / "rrbot.key"
    data = example_data()
    data["discord"] = discord_fakes.discord_section()
    data["security"] = {**data["security"], "key_file": str(key)}
    config = write_toml(tmp_path / "config.toml", data)
    caplog.set_level(logging.INFO)
    assert cli.main(["run", "--config", str(config), "--db", str(tmp_path / "r.db")]) == 0
    said = [r.getMessage() for r in caplog.records if "created a new data key" in r.getMessage()]
    assert said == [
        f"created a new data key in {key}; keep a copy somewhere safe: without it the data "
        "cannot be read"
    ]
    assert key.exists() and (tmp_path / "r.db").exists()


def test_a_failed_start_never_removes_a_database_that_was_there(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    key = generate_key()
    code, _ = rrbot("console", EXAMPLE_CONFIG, db, RRBOT_DATA_KEY=key)
    assert code == 0
    before = key_check(db)
    code, lines = rrbot("run", signal_config(tmp_path), db, RRBOT_DATA_KEY=key)
    assert code == 2 and "cannot reach signal-cli-rest-api" in lines[0]
    assert key_check(db) == before  # the same database, still there
    # A named key file that is not there yet: a new key is made, cannot open this
    # database, and goes again; the database is as it was.
    named = tmp_path / "elsewhere.key"
    code, lines = rrbot("run", signal_config(tmp_path, key_file=str(named)), db)
    assert code == 2
    assert lines[-1] == (
        f"rrbot: the data key does not open {db}: start the bot with the key this database "
        "was created with"
    )
    assert not named.exists()
    assert key_check(db) == before


async def test_the_database_its_wal_and_shm_and_the_key_are_owner_only(
    tmp_path: Path, lax_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RRBOT_DATA_KEY", raising=False)
    db = tmp_path / "r.sqlite3"
    app = await App.start(load_config(EXAMPLE_CONFIG), db, FakeClock())
    try:
        files = sorted(p.name for p in tmp_path.iterdir())  # noqa: ASYNC240 - a test's look
        assert files == ["r.sqlite3", "r.sqlite3-shm", "r.sqlite3-wal", "r.sqlite3.key"]
        assert {name: mode(tmp_path / name) for name in files} == dict.fromkeys(files, 0o600)
    finally:
        await app.close()


async def test_an_older_database_open_to_others_is_tightened_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("RRBOT_DATA_KEY", raising=False)
    db = tmp_path / "old.sqlite3"
    await (await App.start(load_config(EXAMPLE_CONFIG), db, FakeClock())).close()
    shm = tmp_path / "old.sqlite3-shm"
    shm.touch()  # left by a crash
    for path in (db, shm, tmp_path / "old.sqlite3.key"):
        path.chmod(0o644)  # as versions before this one made them
    caplog.set_level(logging.WARNING)
    await (await App.start(load_config(EXAMPLE_CONFIG), db, FakeClock())).close()
    tail = "was open to other users of this machine (mode 0644); it is now 0600 (owner only)"
    assert sorted(r.getMessage() for r in caplog.records) == sorted(
        [
            f"data key file {tmp_path / 'old.sqlite3.key'} {tail}",
            f"database file {db} {tail}",
            f"database file {shm} {tail}",
        ]
    )
    assert mode(db) == 0o600 and mode(tmp_path / "old.sqlite3.key") == 0o600


SECRET_FILES = [
    "config.toml",
    "deploy/config.toml",
    "config.local.toml",
    "data/rrbot.sqlite3",
    "data/rrbot.sqlite3.key",
    "backups/rrbot.sqlite3",
    "rrbot.sqlite3-wal",
    "rrbot.sqlite3-shm",
    "rrbot.sqlite3.bak",
    "r.db",
    "r.db-wal",
    "keys/rrbot.key",
    "rrbot.sqlite3.key.new",
    ".env",
    "deploy/.env",
]
KEPT_FILES = ["config.example.toml", "tests/data/reports_as_people_type_them.toml",
              "deploy/docker-compose.yml", "docs/THREAT_MODEL.md"]  # fmt: skip


def test_git_never_takes_a_file_that_can_hold_members_data_or_keys() -> None:
    git = ["git", "check-ignore", "--no-index", "--verbose", "--non-matching"]
    result = subprocess.run(
        [*git, *SECRET_FILES, *KEPT_FILES], capture_output=True, text=True, cwd=ROOT, timeout=30
    )
    ignored = {}
    for line in result.stdout.splitlines():  # "source:line:pattern<TAB>path"; "::" for none
        rule, path = line.split("\t")
        ignored[path] = rule != "::" and not rule.split(":", 2)[2].startswith("!")
    assert ignored == {**dict.fromkeys(SECRET_FILES, True), **dict.fromkeys(KEPT_FILES, False)}


def test_the_readmes_commands_reach_the_service_compose_runs() -> None:
    """The README tells operators to curl 127.0.0.1:8080; the compose file must publish
    the service there, on loopback only, and hand the bot its key from the environment."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    compose = (ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8")
    assert "curl http://127.0.0.1:8080/v1/groups/<number>" in readme
    published = re.findall(r'^\s*-\s*"([\d.:]+)"\s*$', compose, re.MULTILINE)
    assert published == ["127.0.0.1:8080:8080"]  # no port published beyond this machine
    assert re.search(r"^\s*-\s*RRBOT_DATA_KEY\b", compose, re.MULTILINE)
    assert "http://signal:8080" in (ROOT / "config.example.toml").read_text(encoding="utf-8")
