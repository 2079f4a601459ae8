"""Stopping on request (docker stop, systemctl stop, Ctrl-C): finish, put back, close.

SIGTERM must not kill the bot in the middle of its work: what is under way finishes
within a grace period, what was fetched is kept, and the database is closed properly.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.platforms.signal.frontend import SignalFrontEnd
from bot.stopping import FrontEndRun, StopRequest, run_until_stopped
from storage.crypto import generate_key
from tests.conftest import EXAMPLE_CONFIG, ROOT, example_data
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import ANA, signal_section
from tests.test_config import write_toml


async def test_a_stop_lets_the_work_in_flight_finish_before_returning() -> None:
    finished: list[str] = []
    stopping = asyncio.Event()

    async def front_end() -> None:
        await stopping.wait()
        await asyncio.sleep(0)  # the message being handled when the stop came
        finished.append("the message in flight")

    async def stop() -> None:
        stopping.set()

    request = StopRequest()
    runner = asyncio.create_task(
        run_until_stopped([FrontEndRun("signal", front_end(), stop)], request, grace=5)
    )
    await asyncio.sleep(0)
    request.request(signal.SIGTERM)
    await runner
    assert finished == ["the message in flight"]
    assert request.exit_code == 0


async def test_a_front_end_that_does_not_stop_is_cancelled_after_the_grace_period() -> None:
    cancelled: list[str] = []

    async def stubborn() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append("discord")
            raise

    async def ignore() -> None:
        await asyncio.Event().wait()

    request = StopRequest()
    request.request(signal.SIGINT)
    await run_until_stopped([FrontEndRun("discord", stubborn(), ignore)], request, grace=0.01)
    assert cancelled == ["discord"]
    assert request.exit_code == 130  # as the shell expects after Ctrl-C


async def test_a_front_end_that_fails_stops_the_bot_with_its_error() -> None:
    async def broken() -> None:
        raise RuntimeError("the token was refused")

    async def nothing() -> None:
        return None

    with pytest.raises(RuntimeError, match="the token was refused"):
        await run_until_stopped([FrontEndRun("discord", broken(), nothing)], StopRequest(), grace=1)


async def test_signal_keeps_a_receive_under_way_when_asked_to_stop(
    tmp_path: Path, clock: FakeClock
) -> None:
    """signal-cli has already taken fetched messages off Signal's servers: never drop them."""
    server = FakeSignal(number="+15550000001")
    await server.start()
    data = example_data()
    data["signal"] = signal_section(server.url)
    config = Config.model_validate(data)
    app = await App.start(config, tmp_path / "stop.db", clock)
    try:
        front = SignalFrontEnd(app, config.signal)  # type: ignore[arg-type]
        server.receive_delay = 0.3
        running = asyncio.create_task(front.run())
        await server.requested("receive", 1)  # the first receive is under way
        server.deliver("/rights", uuid=ANA)  # arrives while that receive waits
        await front.stop()
        await asyncio.wait_for(running, timeout=5)
        async with app.store.reading() as tx:
            kept = await tx.inbox.unhandled()
        assert [envelope["dataMessage"]["message"] for _id, envelope in kept] == ["/rights"]
        assert server.queued == []  # it was fetched: only the bot has it now
    finally:
        await app.close()
        await server.stop()


async def test_signal_lets_a_send_under_way_finish_and_records_it_when_asked_to_stop(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A message half sent at a stop is finished and marked, not sent again next start."""
    server = FakeSignal(number="+15550000001")
    await server.start()
    data = example_data()
    data["signal"] = signal_section(server.url)
    config = Config.model_validate(data)
    app = await App.start(config, tmp_path / "stop.db", clock)
    try:
        front = SignalFrontEnd(app, config.signal)  # type: ignore[arg-type]
        server.stall_next(0.3)  # the answer to /rights is slow to go out
        server.deliver("/rights", uuid=ANA)
        running = asyncio.create_task(front.run())
        await server.requested("send", 1)  # the answer is being sent
        await front.stop()
        await asyncio.wait_for(running, timeout=5)
        assert [sent.recipient for sent in server.sent] == [ANA]
        async with app.store.reading() as tx:
            assert [row.state for row in await tx.outbox.all_entries()] == ["delivered"]
    finally:
        await app.close()
        await server.stop()


async def test_sigterm_stops_rrbot_run_cleanly(tmp_path: Path) -> None:
    server = FakeSignal(number="+15550000001")
    await server.start()
    try:
        data = example_data()
        data["signal"] = signal_section(server.url)
        config = write_toml(tmp_path / "config.toml", data)
        database = tmp_path / "run.db"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("RRBOT_")}
        environment["RRBOT_DATA_KEY"] = generate_key()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), "--db", str(database),
            cwd=ROOT, env=environment,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        async with asyncio.timeout(30):
            await server.requested("receive", 2)  # running: it came back for more
            process.send_signal(signal.SIGTERM)
            _out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        assert err.decode().strip().splitlines()[-1] == (
            "Stopped: everything in flight was finished or put back, and the database is closed."
        )
        assert "Traceback" not in err.decode()
        wal = database.with_name(database.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # folded back: closed properly
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        await server.stop()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_the_console_stops_cleanly_on_sigterm_and_ctrl_c(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """A drill piped into the console from a pipe that stays open: a stop finishes the
    line under way, prints what it owes, closes the database and says so."""
    database = tmp_path / "console.db"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RRBOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "console", "--config", str(EXAMPLE_CONFIG),
        "--db", str(database), cwd=ROOT, env=environment,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    async with asyncio.timeout(30):
        process.stdin.write(b"dee@dm: /report migra en la parada de la 5 y main\n")
        await process.stdin.drain()
        seen = b""
        while b"NEW REPORT R1" not in seen and b"REPORTE NUEVO R1" not in seen:
            chunk = await process.stdout.read(4096)
            assert chunk, "the console ended before answering"
            seen += chunk
        process.send_signal(signum)  # the pipe stays open: only the signal ends it
        _rest, err = await process.communicate()
    expected = 0 if signum is signal.SIGTERM else 128 + signal.SIGINT
    assert process.returncode == expected, err.decode()
    last = err.decode().strip().splitlines()[-1]
    assert last in (
        "Stopped: everything in flight was finished or put back, and the database is closed.",
        "Stopped (Ctrl-C). Goodbye.",
    )
    assert "Traceback" not in err.decode()
    wal = database.with_name(database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # folded back: closed properly
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT COUNT(*) FROM reports").fetchone() == (1,)
