"""Follow-ups find every chat that got the alert, even after the outbox rows are purged."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from tests.conftest import outbox_rows
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

REPORT = "dee@organizers: /report where: 5th & Main; what: 2 ICE vans; agency: ICE"


async def chats_that_got(app: App, kind: str, report_id: int = 1) -> set[tuple[str, str]]:
    return {
        (row.platform, row.address)
        for row in await outbox_rows(app.store)
        if row.kind == kind and row.report_id == report_id
    }


async def alert_then_purge(app: App, chat: ChatHarness, clock: FakeClock) -> set[tuple[str, str]]:
    """R1 verified and its alert delivered; eight days later the sent messages are purged."""
    await chat.say(REPORT)
    lines = await chat.say("ben@organizers: /verify R1")
    assert "VERIFIED ALERT R1" in in_chat(lines, "alerts")  # the harness delivered it
    assert "ALERTA VERIFICADA R1" in in_chat(lines, "alertas")
    alerted = await chats_that_got(app, "alert")
    assert alerted == {("console", "alerts"), ("console", "alertas")}
    assert all(r.state == "delivered" for r in await outbox_rows(app.store) if r.kind == "alert")
    clock.advance(timedelta(days=8))
    removed = await app.retention.purge()
    assert removed["sent messages"] > 0
    assert await chats_that_got(app, "alert") == set()  # the outbox no longer knows
    return alerted


async def test_a_retraction_after_the_purge_reaches_every_chat_that_got_the_alert(
    app: App, chat: ChatHarness, clock: FakeClock
) -> None:
    await chat.say(REPORT)
    await chat.say("ben@organizers: /verify R1")
    await chat.say("ben@organizers: /resolve R1 agents left")
    alerted = await chats_that_got(app, "alert")
    assert len(alerted) == 2
    clock.advance(timedelta(days=8))
    await app.retention.purge()
    assert await chats_that_got(app, "alert") == set()

    lines = await chat.say("ana@organizers: /retract R1 it was a film crew")
    assert await chats_that_got(app, "retracted") == alerted
    assert "RETRACTED R1" in in_chat(lines, "alerts")
    assert in_chat(lines, "alertas")  # the Spanish chat heard it too, in Spanish
    assert "RETRACTED" not in in_chat(lines, "alertas")
    assert "alerts" in in_chat(lines, "organizers") and "alertas" in in_chat(lines, "organizers")


async def test_a_correction_after_the_purge_reaches_every_chat_that_got_the_alert(
    app: App, chat: ChatHarness, clock: FakeClock
) -> None:
    alerted = await alert_then_purge(app, chat, clock)
    lines = await chat.say("ana@organizers: /correct R1 where: 5th & Maple; note: wrong street")
    assert await chats_that_got(app, "corrected") == alerted
    assert "CORRECTION to alert R1" in in_chat(lines, "alerts")
    assert "5th & Maple" in in_chat(lines, "alertas")
    # ...and the all clear after it, still to the same chats.
    lines = await chat.say("ben@organizers: /resolve R1")
    assert await chats_that_got(app, "resolved") == alerted
    assert "ALL CLEAR R1" in in_chat(lines, "alerts")


async def test_a_report_nobody_verified_sends_no_follow_up_to_broadcast_chats(
    app: App, chat: ChatHarness, clock: FakeClock
) -> None:
    await chat.say(REPORT)
    await chat.say("ben@organizers: /dismiss R1 false-alarm")
    clock.advance(timedelta(days=8))
    await app.retention.purge()
    reply = await chat.text("ana@organizers: /retract R1")
    assert "R1" in reply
    assert await chats_that_got(app, "retracted") == set()
    assert not [line for line in reply.splitlines() if line.startswith(("[alerts]", "[alertas]"))]
