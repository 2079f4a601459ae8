"""The signal-cli-rest-api client: timeouts, errors with their details, both reply shapes."""

from __future__ import annotations

import asyncio
import base64
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
        sent = await asyncio.to_thread(client.send, "+15550000009", "hello")
        assert sent.timestamp.isdigit() and sent.missed is None
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


GROUP = "group." + base64.b64encode(b"YWxlcnRzLWdyb3VwLWlkLTAwMDAwMDAwMDAwMDAwMDI=").decode()


async def _refusal(fake: FakeSignal, recipient: str = "+15550000009") -> SignalError:
    client = SignalClient(fake.url, BOT_NUMBER, read_timeout=2)
    try:
        with pytest.raises(SignalError) as raised:
            await asyncio.to_thread(client.send, recipient, "hello")
    finally:
        client.close()
    assert fake.contract_errors == []
    return raised.value


@pytest.mark.parametrize("mode", ["normal", "native"])
async def test_a_captcha_in_normal_mode_is_a_400_with_signal_clis_words(
    fake_signal: FakeSignal, mode: str
) -> None:
    """The modes the bot runs in: HTTP 400, the token and the wait only in the text."""
    fake_signal.mode = mode
    fake_signal.rate_limit_next(wait=86400, challenge="5e7c-token")
    error = await _refusal(fake_signal, GROUP)
    assert error.status == 400 and error.rate_limited
    assert error.challenge_tokens == ["5e7c-token"] and error.retry_after == 86400
    assert 'CAPTCHA proof required for sending to "' in error.message  # as signal-cli says it
    assert str(error) == (
        "signal-cli-rest-api 400: CAPTCHA proof required for sending to "
        '"9a0b1c2d-0000-4000-8000-00000000000a", available options "CAPTCHA" with challenge '
        'token "5e7c-token", or wait "86400" seconds. (and 1 more) / Failed to send message '
        "due to rate limiting"
    )


async def test_a_captcha_in_json_rpc_mode_is_a_429_with_the_tokens(fake_signal: FakeSignal) -> None:
    fake_signal.mode = "json-rpc"
    fake_signal.rate_limit_next(challenge="5e7c-token")
    error = await _refusal(fake_signal)
    assert error.status == 429 and error.rate_limited
    assert error.challenge_tokens == ["5e7c-token"] and error.retry_after is None


async def test_a_rate_limit_without_captcha_names_its_wait(fake_signal: FakeSignal) -> None:
    fake_signal.throttle_next(retry_after=45)
    error = await _refusal(fake_signal)
    assert error.rate_limited and error.retry_after == 45 and error.challenge_tokens == []


async def test_other_failures_are_neither_rate_limits_nor_permanent(
    fake_signal: FakeSignal,
) -> None:
    fake_signal.fail_next()  # signal-cli could not reach Signal
    error = await _refusal(fake_signal, GROUP)
    assert (error.status, error.rate_limited, error.group_unusable) == (400, False, False)
    assert not error.recipient_unregistered
    fake_signal.fail_next(503)  # a proxy in front of the service
    error = await _refusal(fake_signal)
    assert error.status == 503 and error.unreachable


@pytest.mark.parametrize(
    ("recipient", "said"),
    [
        ("group.bm90LWJhc2U2NA", "Invalid identifier group.bm90LWJhc2U2NA"),
        ("group." + base64.b64encode(b"c2hvcnQ=").decode(), "Invalid Signal group size (5"),
    ],
)
async def test_group_ids_the_service_refuses(
    fake_signal: FakeSignal, recipient: str, said: str
) -> None:
    error = await _refusal(fake_signal, recipient)
    assert error.message == said and error.group_unusable and not error.rate_limited


async def test_a_group_the_bot_was_removed_from_and_a_person_who_left_signal(
    fake_signal: FakeSignal,
) -> None:
    fake_signal.removed_from.add(GROUP)
    error = await _refusal(fake_signal, GROUP)
    assert error.group_unusable and error.message.startswith("User is not a member in group")
    fake_signal.unregistered.add("+15550000009")
    error = await _refusal(fake_signal)
    assert error.recipient_unregistered and not error.group_unusable


@pytest.mark.parametrize("challenge", [None, "77aa-token"])
async def test_a_message_some_members_got_is_sent_not_failed(
    fake_signal: FakeSignal, challenge: str | None
) -> None:
    """Release 0.100 answers 400 when one member of a group could not be reached, though
    everyone else got the message: a retry would repeat it to all of them."""
    fake_signal.partly_deliver_next(challenge=challenge)
    client = SignalClient(fake_signal.url, BOT_NUMBER, read_timeout=2)
    try:
        sent = await asyncio.to_thread(client.send, GROUP, "hello")
    finally:
        client.close()
    assert sent.timestamp == str(fake_signal.clock) and len(fake_signal.sent) == 1
    assert sent.missed is not None and sent.missed.status == 400
    assert sent.missed.rate_limited is (challenge is not None)
    assert sent.missed.challenge_tokens == ([challenge] if challenge else [])


async def test_json_rpc_mode_answers_201_for_a_message_some_members_got(
    fake_signal: FakeSignal,
) -> None:
    fake_signal.mode = "json-rpc"
    fake_signal.partly_deliver_next()
    client = SignalClient(fake_signal.url, BOT_NUMBER, read_timeout=2)
    try:
        sent = await asyncio.to_thread(client.send, GROUP, "hello")
    finally:
        client.close()
    assert sent.missed is None and len(fake_signal.sent) == 1


@pytest.mark.parametrize(
    ("status", "message", "limited", "after", "tokens"),
    [
        # signal-cli 0.14.5 through the service in normal mode (SendMessageResultUtils):
        (
            400,
            "Failed to send (some) messages:\n+15550000009: CAPTCHA proof required for sending "
            'to "+15550000009", available options "CAPTCHA, PUSH_CHALLENGE" with challenge '
            'token "ab-12", or wait "3600" seconds.\nTo get the captcha token, go to '
            "https://signalcaptchas.org/challenge/generate.html\n1763900000001\n"
            "Failed to send message due to rate limiting\n",
            True,
            3600.0,
            ["ab-12"],
        ),
        (
            400,
            'Failed to send (some) messages:\n+15550000009: Rate limit failure for "+15550000009"'
            "\n1763900000001\nFailed to send message due to rate limiting\n",
            True,
            None,
            [],
        ),
        (429, "Too many requests", True, None, []),
        (400, '[{"type": "RATE_LIMIT_FAILURE", "retryAfterSeconds": 86400}]', True, 86400.0, []),
        (400, "Invalid group id", False, None, []),
    ],
)
def test_rate_limit_recognition(
    status: int, message: str, limited: bool, after: float | None, tokens: list[str]
) -> None:
    error = SignalError(status, message)
    assert (error.rate_limited, error.retry_after, error.challenge_tokens) == (
        limited,
        after,
        tokens,
    )


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
