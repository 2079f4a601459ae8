"""Delivery to Discord: ordered, retried without duplicates, dead channels told once."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import discord

from bot.core.models import DismissReason, MessageKind
from bot.i18n import Raw, _, lines
from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import GOOD, file_report, press
from tests.conftest import outbox_rows
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.fakes.discord import replies_of


async def verified_report(rig: Rig) -> None:
    await file_report(rig)
    await rig.deliver()
    await press(rig, "verifier", "verify:report:1")


async def test_a_lost_answer_does_not_post_the_alert_twice(rig: Rig, clock: FakeClock) -> None:
    await verified_report(rig)
    alerts = rig.channels[fakes.ALERTS_CHANNEL]
    real_send = alerts.mock.send.side_effect

    async def sent_but_answer_lost(content: str, **kwargs: object) -> object:
        await real_send(content, **kwargs)  # Discord posted it...
        raise aiohttp.ServerDisconnectedError()  # ...but we never heard back

    alerts.mock.send.side_effect = sent_but_answer_lost
    await rig.deliver()
    alerts.mock.send.side_effect = real_send
    clock.advance(timedelta(minutes=10))
    await rig.deliver()
    assert len(alerts.sent) == 1  # the retry carried the same nonce
    assert alerts.mock.send.await_count == 2
    row = next(
        r for r in await outbox_rows(rig.app.store) if r.address == str(fakes.ALERTS_CHANNEL)
    )
    assert (row.state, row.attempts, row.external_id) == ("delivered", 2, str(alerts.sent[0]["id"]))


async def test_a_discord_outage_delays_but_loses_nothing(rig: Rig, clock: FakeClock) -> None:
    await verified_report(rig)
    for channel in rig.channels.values():
        channel.failures = [fakes.http_error(503), fakes.http_error(502)]
    await rig.deliver()
    assert all(
        not c.sent
        for c in (rig.channels[fakes.ALERTS_CHANNEL], rig.channels[fakes.ALERTAS_CHANNEL])
    )
    for _attempt in range(3):
        clock.advance(timedelta(minutes=10))
        await rig.deliver()
    assert len(rig.channels[fakes.ALERTS_CHANNEL].sent) == 1
    assert len(rig.channels[fakes.ALERTAS_CHANNEL].sent) == 1
    assert all(
        r.state == "delivered" for r in await outbox_rows(rig.app.store) if r.platform == "discord"
    )


async def test_rate_limits_wait_as_long_as_discord_says(rig: Rig, clock: FakeClock) -> None:
    await verified_report(rig)
    error = fakes.http_error(429, "rate limited")
    error.retry_after = 42.0  # type: ignore[attr-defined]
    rig.channels[fakes.ALERTS_CHANNEL].failures = [error]
    await rig.deliver()
    row = next(
        r for r in await outbox_rows(rig.app.store) if r.address == str(fakes.ALERTS_CHANNEL)
    )
    assert row.next_attempt_at - clock.now() == timedelta(seconds=42)
    assert len(rig.channels[fakes.ALERTAS_CHANNEL].sent) == 1  # the other channel went on


async def test_a_wait_longer_than_discord_py_sleeps_through_is_kept_by_the_outbox(
    rig: Rig, clock: FakeClock
) -> None:
    """discord.py raises RateLimited instead of sleeping when a wait is too long for it
    (`max_ratelimit_timeout`): the message waits in the outbox exactly that long."""
    await verified_report(rig)
    rig.channels[fakes.ALERTS_CHANNEL].failures = [discord.RateLimited(120.0)]
    await rig.deliver()
    row = next(
        r for r in await outbox_rows(rig.app.store) if r.address == str(fakes.ALERTS_CHANNEL)
    )
    assert (row.state, row.last_error) == ("pending", "rate limited")
    assert row.next_attempt_at - clock.now() == timedelta(seconds=120)


async def test_a_deleted_channel_is_reported_once_and_blocks_nobody(
    rig: Rig, clock: FakeClock
) -> None:
    alerts = rig.channels.pop(fakes.ALERTS_CHANNEL)  # deleted: get_channel misses, fetch 404s
    await verified_report(rig)
    await rig.deliver()
    await rig.deliver()  # the notice is written during the first pass, sent in the next
    assert alerts.sent == []
    assert len(rig.channels[fakes.ALERTAS_CHANNEL].sent) == 1
    organizers = rig.channels[fakes.ORGANIZER_CHANNEL].contents
    problems = [m for m in organizers if m.startswith("I cannot post in #alerts")]
    assert len(problems) == 1 and "channel or member not found" in problems[0]
    # A second alert to the same dead channel does not tell the organizers again.
    await file_report(
        rig, "member", {"where": "Oak & 9th", "what": "", "agency": "", "signs": "", "source": ""}
    )
    await rig.deliver()
    await press(rig, "verifier", "verify:report:2")
    await rig.deliver()
    await rig.deliver()
    again = [
        m for m in rig.channels[fakes.ORGANIZER_CHANNEL].contents if m.startswith("I cannot post")
    ]
    assert len(again) == 1
    assert len(rig.channels[fakes.ALERTAS_CHANNEL].sent) == 2
    states = {
        r.state for r in await outbox_rows(rig.app.store) if r.address == str(fakes.ALERTS_CHANNEL)
    }
    assert states == {"failed"}


async def test_missing_permission_is_permanent_too(rig: Rig) -> None:
    await verified_report(rig)
    rig.channels[fakes.ALERTS_CHANNEL].failures = [fakes.http_error(403, "Missing Permissions")]
    await rig.deliver()
    await rig.deliver()
    assert any("missing permission" in m for m in rig.channels[fakes.ORGANIZER_CHANNEL].contents)


async def test_long_messages_are_split_in_order_under_the_limit(rig: Rig) -> None:
    # A bilingual chat doubles every message; a long enough one passes Discord's 2,000.
    target = next(t for t in rig.app.network.targets if t.address == str(fakes.ALERTAS_CHANNEL))
    async with rig.app.store.transaction() as tx:
        text = lines(_("VERIFIED ALERT {code}: immigration enforcement activity confirmed",
                       code="R1"), Raw("x " * 600))  # fmt: skip
        await rig.app.messenger.to_chat(tx, target, MessageKind.ALERT, text)
    await rig.deliver()
    alertas = rig.channels[fakes.ALERTAS_CHANNEL].sent
    assert len(alertas) == 2
    assert all(len(m["content"]) <= 2000 for m in alertas)
    assert [m["nonce"] for m in alertas] == [alertas[0]["nonce"], alertas[0]["nonce"][:-1] + "1"]
    assert alertas[0]["content"].startswith("ALERTA VERIFICADA R1")
    assert alertas[1]["content"].rstrip().endswith("x")


async def test_a_dismissal_from_the_console_updates_the_discord_card(rig: Rig) -> None:
    await file_report(rig)
    await rig.deliver()
    ana = await rig.app.members.find("console", "ana")
    assert ana is not None
    await rig.app.decisions.dismiss(ana, 1, DismissReason.ROUTINE, "lunch")
    await rig.deliver()
    [(_, edit)] = rig.channels[fakes.ORGANIZER_CHANNEL].edits
    assert edit["view"] is None and "R1 dismissed by ana" in edit["content"]


async def test_a_reporter_whose_direct_messages_are_closed_is_never_named(rig: Rig) -> None:
    """Discord answers 403/50007 to a direct message the member's settings refuse; that
    is no dead chat, and telling the organizers would tie the reporter to the report."""
    reporter = rig.users["reporter"].id
    closed = fakes.http_error(403, "Cannot send messages to this user", code=50007)
    rig.dms[reporter] = fakes.FakeChannel(reporter)
    rig.dms[reporter].failures = [closed] * 5
    [receipt] = replies_of(await file_report(rig))
    assert "only if your Discord privacy settings allow direct messages" in receipt
    await rig.deliver()
    await press(rig, "verifier", "verify:report:1")
    for _pass in range(3):
        await rig.deliver()
    said = [m["content"] for c in rig.channels.values() for m in c.sent]
    said += [e.get("content", "") for c in rig.channels.values() for _, e in c.edits]
    assert said and not any(str(reporter) in text for text in said)
    assert not any("I cannot post" in text for text in said)
    dropped = [r for r in await outbox_rows(rig.app.store) if r.is_direct]
    assert dropped and all((r.state, r.address, r.body) == ("failed", "", "") for r in dropped)
    # Not marked unreachable: once they open their direct messages, they hear back.
    rig.dms[reporter].failures = []
    await file_report(rig, values={**GOOD, "where": "Oak & 9th"})
    await rig.deliver()
    await press(rig, "verifier", "verify:report:2")
    await rig.deliver()
    assert any("R2" in text for text in rig.dms[reporter].contents)


async def test_a_closed_channel_is_still_told_by_its_name(rig: Rig) -> None:
    await verified_report(rig)
    closed = fakes.http_error(403, "Missing Access", code=50001)
    rig.channels[fakes.ALERTS_CHANNEL].failures = [closed]
    await rig.deliver()
    await rig.deliver()
    organizers = rig.channels[fakes.ORGANIZER_CHANNEL].contents
    assert any(
        m.startswith("I cannot post in #alerts any more (missing permission)") for m in organizers
    )
