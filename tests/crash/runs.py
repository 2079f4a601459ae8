"""Processes of the bot for the crash test, and when to kill them.

Each run of the bot is a real `rrbot` process on the same database. It is started warm
(`warm_start.py`) and killed with SIGKILL: no handler runs, no buffer is flushed, no
transaction is finished, exactly as when the machine's kernel or a `docker kill` ends it.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT


@dataclass(frozen=True)
class Settings:
    """The test's size, from the environment (see the test module's docstring)."""

    seed: int
    kills: int
    stories: int

    @classmethod
    def from_environment(cls) -> Settings:
        seed = os.environ.get("RRBOT_CRASH_SEED")
        return cls(
            seed=int(seed) if seed else random.SystemRandom().randrange(1, 10**9),
            kills=int(os.environ.get("RRBOT_CRASH_KILLS", "20")),
            stories=int(os.environ.get("RRBOT_CRASH_STORIES", "20")),
        )

    def __str__(self) -> str:
        return (
            f"RRBOT_CRASH_SEED={self.seed} RRBOT_CRASH_KILLS={self.kills} "
            f"RRBOT_CRASH_STORIES={self.stories}"
        )


@dataclass(frozen=True)
class Kill:
    """When a run dies: `after` seconds from the go (during start-up), or from the
    moment it is first seen working (its first answer, its first Signal receive)."""

    during_start: bool
    after: float


def kill_plan(rng: random.Random, kills: int) -> list[Kill]:
    plan = []
    for _ in range(kills):
        if rng.random() < 0.2:
            plan.append(Kill(True, rng.uniform(0.0, 0.4)))
        else:
            plan.append(Kill(False, rng.uniform(0.05, 1.2)))
    return plan


def environment(**extra: str) -> dict[str, str]:
    """The child's environment: no RRBOT_ secrets or settings inherited, and stdout left
    as Python sets it for a pipe (block-buffered), as under systemd or docker."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RRBOT_") and name != "PYTHONUNBUFFERED"
    }
    kept.update(extra)
    return kept


IMPORT_TIMEOUT = 60.0


@dataclass
class BotProcess:
    """One `rrbot` process, imported and waiting for its go."""

    process: asyncio.subprocess.Process
    go_pipe: int
    stderr_path: Path
    lines: list[str] = field(default_factory=list)  # what it wrote to stdout
    output: asyncio.Event = field(default_factory=asyncio.Event)
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # imported, waiting for its go
    started_at: float = 0.0
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def spawn(
        cls, args: list[str], env: dict[str, str], stderr_path: Path, *, stdin: bool
    ) -> BotProcess:
        go_read, go_write = os.pipe()
        ready_read, ready_write = os.pipe()
        with stderr_path.open("ab") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.crash.warm_start", str(go_read), str(ready_write),
                *args, cwd=ROOT, env=env, pass_fds=(go_read, ready_write), stderr=stderr,
                stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
        os.close(go_read)
        os.close(ready_write)
        bot = cls(process, go_write, stderr_path)
        loop = asyncio.get_running_loop()
        loop.add_reader(ready_read, bot._imported, ready_read)
        bot._reader = asyncio.create_task(bot._read())
        return bot

    def _imported(self, descriptor: int) -> None:
        asyncio.get_running_loop().remove_reader(descriptor)
        os.close(descriptor)
        self.ready.set()

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))
            self.output.set()
        self.output.set()

    async def go(self) -> None:
        """Once it has imported the bot, tell it to run (`rrbot` proper starts now)."""
        await asyncio.wait_for(self.ready.wait(), IMPORT_TIMEOUT)
        os.write(self.go_pipe, b"g")
        os.close(self.go_pipe)
        self.started_at = asyncio.get_running_loop().time()

    def write(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode())

    async def kill(self) -> None:
        """SIGKILL, then wait until it is gone and all it wrote has been read."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.finished()

    async def finished(self) -> int:
        code = await self.process.wait()
        if self._reader is not None:
            await self._reader
        return code

    async def discard(self) -> None:
        """A spare that was never told to go: it exits without running."""
        os.close(self.go_pipe)
        if self.process.stdin is not None:
            self.process.stdin.close()
        await self.finished()


class WarmProcesses:
    """The next runs' processes, importing the bot while the current run works."""

    AHEAD = 2  # imports take longer than a run on a busy machine: two get ready at once

    def __init__(self, spawn: Callable[[], Awaitable[BotProcess]], runs: int) -> None:
        self._spawn = spawn
        self._left = runs  # processes still to start
        self._ready: list[BotProcess] = []

    async def next(self) -> BotProcess:
        await self._top_up()
        bot = self._ready.pop(0)
        await self._top_up()
        return bot

    async def _top_up(self) -> None:
        while self._left and len(self._ready) < self.AHEAD:
            self._left -= 1
            self._ready.append(await self._spawn())

    async def close(self) -> None:
        """Let the processes that will not run go (a failure stopped the test early)."""
        for bot in self._ready:
            await bot.discard()
        self._ready = []
