"""The "still going on?" check on Discord carries Yes and No buttons that survive restarts."""

from __future__ import annotations

from typing import Any

from bot.core.models import ReportState
from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import file_report, press
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.fakes.discord import replies_of


async def checked_alert(rig: Rig, clock: FakeClock) -> dict[str, Any]:
    await file_report(rig)
    await rig.deliver()
    await press(rig, "verifier", "verify:report:1")
    await rig.deliver()
    clock.advance(rig.app.network.active_check)
    await rig.app.fire_due()
    await rig.deliver()
    return rig.channels[fakes.ORGANIZER_CHANNEL].sent[-1]


async def test_the_check_has_yes_and_no_buttons(rig: Rig, clock: FakeClock) -> None:
    check = await checked_alert(rig, clock)
    assert "Is it still going on?" in check["content"]
    assert [(b.item.custom_id, b.item.label) for b in check["view"].children] == [
        ("still:report:1:yes", "Yes, still going on"),
        ("still:report:1:no", "No, it is over: send the all clear"),
    ]
    assert check["allowed_mentions"].roles is False  # a check pings nobody


async def test_yes_keeps_the_alert_and_no_sends_the_all_clear(rig: Rig, clock: FakeClock) -> None:
    await checked_alert(rig, clock)
    [thanks] = replies_of(await press(rig, "verifier2", "still:report:1:yes"))
    assert thanks.startswith("Thank you. R1 stays active; I will ask again")
    assert (await rig.app.reports.get(1)).state is ReportState.VERIFIED
    [refused] = replies_of(await press(rig, "member", "still:report:1:no"))
    assert "Only verifiers and organizers can mark an alert all clear." in refused
    [cleared] = replies_of(await press(rig, "verifier", "still:report:1:no"))
    assert cleared.startswith("All clear for R1 sent to:")
    assert (await rig.app.reports.get(1)).state is ReportState.RESOLVED
