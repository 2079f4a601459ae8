"""Group ids the Signal service refuses, and chats the bot can no longer post in.

The service takes a group id only if it decodes to 32 bytes ("Invalid identifier"
otherwise, for every message, for good): the config check refuses such an id before the
bot starts, naming the chat; a send refused for such a reason is not retried, and the
organizers are told, without anything that could say who a member is.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, signal_group_id_problem
from bot.core.models import MessageKind
from bot.platforms.signal.frontend import group_address
from tests.conftest import EXAMPLE_CONFIG, example_data, outbox_rows, run_rrbot
from tests.fakes.signal_server import FakeSignal, recipient_error
from tests.platforms.signal.conftest import (
    ALERTS,
    BEN,
    DEE,
    ORGANIZERS,
    SignalRig,
    signal_section,
)
from tests.platforms.signal.test_end_to_end import REPORT
from tests.test_config import write_toml

TOO_SHORT = "group." + base64.b64encode(b"YWxlcnRhcy1ncm91cC1pZC0wMg==").decode()  # 19 bytes
NOT_BASE64 = "group.alertas-grupo-2025"
URL_SAFE = (
    "group." + base64.urlsafe_b64encode(base64.urlsafe_b64encode(bytes(range(200, 232)))).decode()
)  # the service decodes standard base64 only


@pytest.mark.parametrize("group_id", [TOO_SHORT, NOT_BASE64, URL_SAFE])
def test_the_config_check_agrees_with_the_service(group_id: str) -> None:
    assert recipient_error(group_id) is not None  # the fake answers as the service does
    assert signal_group_id_problem(group_id) is not None
    good = group_address(ALERTS)
    assert recipient_error(good) is None and signal_group_id_problem(good) is None


@pytest.mark.parametrize("group_id", [TOO_SHORT, NOT_BASE64])
def test_check_config_refuses_an_id_the_service_would_refuse_naming_the_chat(
    tmp_path: Path, group_id: str
) -> None:
    data = example_data()
    data["signal"] = signal_section("http://127.0.0.1:8080")
    data["signal"]["broadcast"][1]["id"] = group_id
    path = write_toml(tmp_path / "config.toml", data)
    with pytest.raises(ConfigError, match="alertas"):
        load_config(path)
    result = run_rrbot("check-config", "--config", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "signal.broadcast[2]: the id of the chat 'alertas (Signal)' is not one the " in line
    assert 'copy the group\'s "id" from GET /v1/groups/<number>' in line


def test_the_example_configs_signal_ids_are_ones_the_service_accepts() -> None:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    ids = re.findall(r'id = "(group\.[^"]+)"', text)
    assert len(ids) == 2
    assert [signal_group_id_problem(group_id) for group_id in ids] == [None, None]


async def test_a_refused_group_id_is_given_up_and_the_organizers_are_told(
    signal_rig: SignalRig,
) -> None:
    """A message still queued for a group id from an older config is not retried forever."""
    app = signal_rig.app
    async with app.store.transaction() as tx:
        await tx.outbox.enqueue(
            platform="signal",
            address=TOO_SHORT,
            is_direct=False,
            languages=("en",),
            kind=MessageKind.REPLY,
            body="hello",
            now=app.clock.now(),
        )
    await signal_rig.front.worker.deliver_due()
    rows = await outbox_rows(app.store)
    [row] = [r for r in rows if r.address == TOO_SHORT]
    assert row.state == "failed" and row.last_error is not None
    assert "Invalid Signal group size (19" in row.last_error
    notices = [r.body for r in rows if r.kind is MessageKind.DELIVERY_PROBLEM]
    assert notices and all(f"I cannot post in {TOO_SHORT} any more" in n for n in notices)


async def test_a_group_the_bot_was_removed_from_is_told_by_its_name(
    signal_rig: SignalRig,
) -> None:
    server = signal_rig.server
    server.removed_from.add(group_address(ALERTS))
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    await signal_rig.front.worker.deliver_due()  # the notice, written after the failure
    rows = await outbox_rows(signal_rig.app.store)
    [alert] = [r for r in rows if r.address == group_address(ALERTS)]
    assert alert.state == "failed"
    [told] = [m for m in signal_rig.group(ORGANIZERS) if m.startswith("I cannot post in")]
    assert told.startswith("I cannot post in alerts (Signal) any more (User is not a member")


async def test_a_member_who_left_signal_is_given_up_without_naming_them(
    signal_rig: SignalRig, fake_signal: FakeSignal
) -> None:
    """Dee reported, then deleted her Signal account: the bot's answer to her cannot be
    delivered, and the organizer chats must not learn her number from that."""
    dee_number = "+15550000004"
    fake_signal.deliver(REPORT, uuid=DEE, number=dee_number, group=ORGANIZERS)
    await signal_rig.exchange()
    fake_signal.unregistered |= {dee_number, DEE}
    fake_signal.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()  # verified: dee is told, but she is gone
    rows = await outbox_rows(signal_rig.app.store)
    [receipt] = [r for r in rows if r.is_direct and r.kind is not MessageKind.REPLY]
    assert receipt.state == "failed"
    organizer_chats = [r.body for r in rows if not r.is_direct]
    assert not any(dee_number in body or DEE in body for body in organizer_chats)
    assert not any(r.kind is MessageKind.DELIVERY_PROBLEM for r in rows)
    assert len(signal_rig.group(ALERTS)) == 1


def test_an_id_copied_with_spaces_around_it_is_taken_and_a_mangled_one_explained(
    tmp_path: Path,
) -> None:
    data = example_data()
    data["signal"] = signal_section("http://127.0.0.1:8080")
    good = data["signal"]["organizer_group"]["id"]
    data["signal"]["organizer_group"]["id"] = f"  {good} "
    assert load_config(write_toml(tmp_path / "ok.toml", data)).signal is not None
    data["signal"]["organizer_group"]["id"] = "group.abc"
    with pytest.raises(ConfigError) as refused:
        load_config(write_toml(tmp_path / "bad.toml", data))
    assert 'write a group id exactly as the Signal service lists it: "group." followed by' in str(
        refused.value
    )
