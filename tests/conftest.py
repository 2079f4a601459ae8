from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config, load_config
from bot.core.models import Member, OutboxEntry
from bot.core.store import Store
from tests.fakes.chat import ChatHarness
from tests.fakes.clock import FakeClock

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "config.example.toml"


def example_data() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config() -> Config:
    return load_config(EXAMPLE_CONFIG)


@pytest.fixture
async def app(config: Config, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    application = await App.start(config, tmp_path / "rrbot.sqlite3", clock)
    yield application
    await application.close()


@pytest.fixture
def chat(app: App) -> ChatHarness:
    return ChatHarness(app)


async def member(app: App, name: str) -> Member:
    found = await app.members.find("console", name)
    assert found is not None, name
    return found


async def outbox_rows(store: Store) -> list[OutboxEntry]:
    async with store.reading() as tx:
        return await tx.outbox.all_entries()


async def report_count(store: Store) -> int:
    async with store.reading() as tx:
        return await tx.reports.next_id() - 1


def run_rrbot(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """`rrbot …` in a child process, as an operator runs it, with no RRBOT_ secrets inherited."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RRBOT_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=environment,
    )
