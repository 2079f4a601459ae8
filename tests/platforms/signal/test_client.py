"""The signal-cli-rest-api client: timeouts, errors with their details, both reply shapes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.platforms.signal.client import SignalClient, SignalError
from storage.crypto import generate_key
from tests.conftest import example_data, run_rrbot
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import BOT_NUMBER, signal_section
from tests.test_config import write_toml


async def test_about_health_receive_and_send(fake_signal: FakeSignal) -> None:
    client = SignalClient(fake_signal.url, BOT_NUMBER, read_timeout=2)
    try:
        about = await asyncio.to_thread(client.about)
        assert (about.mode, about.versions) == ("normal", ("v1", "v2"))
        assert await asyncio.to_thread(client.healthy)
        fake_signal.deliver("/help", uuid="a0000000-0000-4000-8000-000000000001")
        [message] = await asyncio.to_thread(client.receive, 1)
        assert message["envelope"]["dataMessage"]["message"] == "/help"
        stamp = await asyncio.to_thread(client.send, "+15550000009", "hello")
        assert stamp.isdigit()
        assert fake_signal.sent[0].body == {
            "number": BOT_NUMBER,
            "recipients": ["+15550000009"],
            "message": "hello",
            "text_mode": "normal",
        }
    finally:
        client.close()


async def test_a_stalled_service_times_out_instead_of_hanging(fake_signal: FakeSignal) -> None:
    client = SignalClient(fake_signal.url, BOT_NUMBER, read_timeout=0.3)
    fake_signal.stall_next(2.0)
    started = time.monotonic()
    try:
        with pytest.raises(SignalError) as raised:
            await asyncio.to_thread(client.send, "+15550000009", "hello")
    finally:
        client.close()
    assert time.monotonic() - started < 1.5
    assert raised.value.status == 0 and raised.value.unreachable


async def test_errors_keep_status_text_and_challenge_tokens(fake_signal: FakeSignal) -> None:
    client = SignalClient(fake_signal.url, BOT_NUMBER, read_timeout=2)
    try:
        fake_signal.rate_limit_next()
        with pytest.raises(SignalError) as raised:
            await asyncio.to_thread(client.send, "+15550000009", "hello")
        assert raised.value.rate_limited and raised.value.challenge_tokens == ["6d2f0e5c-challenge"]
        fake_signal.fail_next(503)
        with pytest.raises(SignalError) as raised:
            await asyncio.to_thread(client.send, "+15550000009", "hello")
        assert raised.value.status == 503 and raised.value.unreachable
    finally:
        client.close()


@pytest.mark.parametrize(
    ("status", "message", "limited", "after"),
    [
        (400, "Failed to send message due to rate limiting", True, None),
        (429, "Too many requests", True, None),
        (400, '[{"type": "RATE_LIMIT_FAILURE", "retryAfterSeconds": 86400}]', True, 86400.0),
        (400, "Invalid group id", False, None),
    ],
)
def test_rate_limit_recognition(
    status: int, message: str, limited: bool, after: float | None
) -> None:
    error = SignalError(status, message)
    assert (error.rate_limited, error.retry_after) == (limited, after)


def test_rrbot_run_says_in_one_line_that_signal_is_unreachable(tmp_path: Path) -> None:
    data = example_data()
    data["signal"] = signal_section("http://127.0.0.1:9")  # nothing listens on the discard port
    config = write_toml(tmp_path / "config.toml", data)
    result = run_rrbot(
        "run",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "s.db"),
        RRBOT_DATA_KEY=generate_key(),  # as a deployment runs: the key in the environment
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rrbot: cannot reach signal-cli-rest-api at http://127.0.0.1:9")


async def test_the_fake_rejects_a_request_the_description_forbids(fake_signal: FakeSignal) -> None:
    import requests

    bad = {"message": "hi", "recipients": ["+15550000009"], "text_mode": "fancy"}  # no number
    response = await asyncio.to_thread(
        requests.post, f"{fake_signal.url}/v2/send", json=bad, timeout=5
    )
    assert response.status_code == 400
    assert fake_signal.contract_errors and "api.SendMessageV2" in fake_signal.contract_errors[0]
    assert fake_signal.sent == []
