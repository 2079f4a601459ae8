"""Report -> second-member verification -> broadcast, in Signal groups, end to end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.core.models import OutboxEntry, ReportState
from bot.platforms.signal.frontend import SignalFrontEnd, SignalUnavailableError, group_address
from tests.conftest import outbox_rows
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import SWAGGER, FakeSignal
from tests.platforms.signal.conftest import (
    ALERTAS,
    ALERTS,
    ANA,
    BEN,
    CRUZ,
    CRUZ_NUMBER,
    DEE,
    ORGANIZERS,
    STRANGERS,
    TROLL,
    SignalRig,
)

REPORT = "/report where: 5th & Main; what: 2 ICE vans; agency: ICE; source: first-hand"


async def test_report_verify_broadcast_exactly_once_per_group(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    organizers = signal_rig.group(ORGANIZERS)
    assert any(m.startswith("Thank you. Report R1 is with the verifiers") for m in organizers)
    card = next(s for s in server.sent if "NEW REPORT R1" in s.message)
    assert card.message.startswith("@verifier @verifier\nNEW REPORT R1 (NOT VERIFIED")
    assert {m["author"] for m in card.mentions} == {BEN, CRUZ_NUMBER}  # verifiers, by id
    assert signal_rig.group(ALERTS) == [] and signal_rig.group(ALERTAS) == []

    server.deliver("/verify R1 saw it", uuid=BEN, number="+15550000002", group=ORGANIZERS)
    await signal_rig.exchange()
    [alert] = signal_rig.group(ALERTS)
    [alerta] = signal_rig.group(ALERTAS)
    assert alert.startswith("VERIFIED ALERT R1") and alerta.startswith("ALERTA VERIFICADA R1")
    assert DEE not in alert and "Profile Name" not in alert
    for sent in server.sent:
        assert sent.body["text_mode"] == "normal" and len(sent.body["recipients"]) == 1
    assert server.contract_errors == []


async def test_the_reporter_cannot_verify_their_own_report(signal_rig: SignalRig) -> None:
    signal_rig.server.deliver(REPORT, uuid=BEN, group=ORGANIZERS)  # ben, a verifier, reports
    await signal_rig.exchange()
    signal_rig.server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    assert any("You reported R1 yourself" in m for m in signal_rig.group(ORGANIZERS))
    assert signal_rig.group(ALERTS) == []
    assert (await signal_rig.app.reports.get(1)).state is ReportState.PENDING


async def test_a_member_listed_by_number_is_recognised_and_answered_in_spanish(
    signal_rig: SignalRig,
) -> None:
    signal_rig.server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    signal_rig.server.deliver("/verificar R1", uuid=CRUZ, number=CRUZ_NUMBER, group=ORGANIZERS)
    await signal_rig.exchange()
    assert any(m.startswith("R1 verificado.") for m in signal_rig.group(ORGANIZERS))


async def test_a_send_failure_is_retried_with_nothing_lost_or_doubled(
    signal_rig: SignalRig, clock: FakeClock
) -> None:
    signal_rig.server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    signal_rig.server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    signal_rig.server.fail_next(500, times=2)
    await signal_rig.exchange()
    for _ in range(4):
        clock.advance(timedelta(minutes=5))
        await signal_rig.front.worker.deliver_due()
    assert len(signal_rig.group(ALERTS)) == 1 and len(signal_rig.group(ALERTAS)) == 1
    rows = [r for r in await outbox_rows(signal_rig.app.store) if r.platform == "signal"]
    assert rows and all(r.state == "delivered" for r in rows)


async def test_the_service_down_for_a_while_then_back(
    signal_rig: SignalRig, clock: FakeClock
) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.front.receive_once()
    await server.down()
    for _ in range(3):  # deliveries fail while it is down; nothing is dropped
        await signal_rig.front.worker.deliver_due()
        clock.advance(timedelta(minutes=2))
    assert server.sent == []
    await server.up()
    for _ in range(4):
        clock.advance(timedelta(minutes=5))
        await signal_rig.front.worker.deliver_due()
    assert len(signal_rig.group(ALERTS)) == 1 and len(signal_rig.group(ALERTAS)) == 1
    assert len([m for m in signal_rig.group(ORGANIZERS) if "NEW REPORT R1" in m]) == 1


async def test_a_message_sent_while_the_bot_was_stopped_is_handled_after_restart(
    signal_config: Config, fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> None:
    fake_signal.deliver(REPORT, uuid=DEE, group=ORGANIZERS)  # the bot is not running yet
    app = await App.start(signal_config, tmp_path / "late.sqlite3", clock)
    assert signal_config.signal is not None
    front = SignalFrontEnd(app, signal_config.signal)
    try:
        await front.receive_once()
        await front.worker.deliver_due()
        assert (await app.reports.get(1)).where == "5th & Main"
    finally:
        front.client.close()
        await app.close()


async def test_a_crash_between_receiving_and_handling_loses_nothing(
    signal_config: Config, fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> None:
    assert signal_config.signal is not None
    db = tmp_path / "crash.sqlite3"
    fake_signal.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    app = await App.start(signal_config, db, clock)
    front = SignalFrontEnd(app, signal_config.signal)

    async def crash() -> int:
        raise RuntimeError("power cut")

    front.handle_pending = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await front.receive_once()  # fetched from Signal (gone from its queue), not handled
    front.client.close()
    await app.close()
    assert fake_signal.queued == []

    app = await App.start(signal_config, db, clock)
    front = SignalFrontEnd(app, signal_config.signal)
    try:
        assert await front.handle_pending() == 1
        assert (await app.reports.get(1)).where == "5th & Main"
        assert await front.handle_pending() == 0  # and only once
    finally:
        front.client.close()
        await app.close()


async def test_repeated_envelopes_are_handled_once(signal_rig: SignalRig) -> None:
    stamp = signal_rig.server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    signal_rig.server.deliver(REPORT, uuid=DEE, group=ORGANIZERS, timestamp=stamp)
    await signal_rig.exchange()
    assert sum("Report R1 is with the verifiers" in m for m in signal_rig.group(ORGANIZERS)) == 1


async def test_what_the_bot_ignores(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=STRANGERS)  # a group nobody configured
    server.deliver(REPORT, uuid=TROLL, group=ORGANIZERS)  # a blocked sender
    server.deliver("anyone seen the vans?", uuid=DEE, group=ALERTS)  # ordinary chatter
    await signal_rig.exchange()
    assert server.sent == []
    assert await outbox_rows(signal_rig.app.store) == []
    server.deliver("hello?", uuid=DEE)  # a direct message that is not a command
    await signal_rig.exchange()
    [hint] = server.to(DEE)
    assert hint.startswith("If you or someone near you is in danger now, call:")


async def test_direct_messages_answer_the_sender_only(signal_rig: SignalRig) -> None:
    signal_rig.server.deliver("/rights es", uuid=DEE, number="+15550000004")
    await signal_rig.exchange()
    [card] = signal_rig.server.to("+15550000004")
    assert card.startswith("CONOZCA SUS DERECHOS")


def _signal_rows(rows: list[OutboxEntry], state: str) -> list[OutboxEntry]:
    return [r for r in rows if r.state == state and r.platform == "signal"]


def _notices(rows: list[OutboxEntry], platform: str, words: str) -> list[str]:
    return [
        r.body
        for r in rows
        if r.kind == "delivery_problem" and r.platform == platform and words in r.body
    ]


LIMITED = "Signal is rate-limiting the bot's number"
LIFTED = "Signal takes the bot's messages again"


async def test_a_rate_limit_waits_as_signal_asks_and_tells_organizers_once(
    signal_rig: SignalRig, clock: FakeClock
) -> None:
    """normal mode: a captcha arrives as HTTP 400 in signal-cli's words; the token and the
    wait are read from them."""
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.front.receive_once()
    server.rate_limit_next(times=2, wait=120, challenge="5e7c-token")
    await signal_rig.front.worker.deliver_due()
    rows = await outbox_rows(signal_rig.app.store)
    pending = _signal_rows(rows, "pending")
    assert pending[0].last_error == "rate limited"
    assert pending[0].next_attempt_at - clock.now() == timedelta(seconds=120)
    assert server.requests.count("send") == 1  # the chat's other messages wait behind it
    for platform in ("console", "signal"):  # every organizer chat, with the token
        [notice] = _notices(rows, platform, LIMITED)
        assert notice.endswith("Challenge token: 5e7c-token")
    clock.advance(timedelta(seconds=121))
    await signal_rig.front.worker.deliver_due()  # refused again: no second notice
    rows = await outbox_rows(signal_rig.app.store)
    assert len(_notices(rows, "console", LIMITED)) == 1
    assert server.requests.count("send") == 2
    clock.advance(timedelta(seconds=121))
    await signal_rig.front.worker.deliver_due()
    assert [m for m in signal_rig.group(ORGANIZERS) if "NEW REPORT R1" in m]
    rows = await outbox_rows(signal_rig.app.store)
    assert len(_notices(rows, "console", LIFTED)) == 1


async def test_a_long_wait_is_cut_short_so_a_solved_captcha_is_noticed(
    signal_rig: SignalRig, clock: FakeClock
) -> None:
    signal_rig.server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.front.receive_once()
    signal_rig.server.rate_limit_next(wait=86400)
    await signal_rig.front.worker.deliver_due()
    [row, *_] = _signal_rows(await outbox_rows(signal_rig.app.store), "pending")
    assert row.next_attempt_at - clock.now() == timedelta(minutes=10)


async def test_each_rate_limit_episode_is_told_with_its_own_token(
    signal_rig: SignalRig, clock: FakeClock
) -> None:
    server, worker = signal_rig.server, signal_rig.front.worker
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.front.receive_once()
    server.rate_limit_next(wait=60, challenge="first-token")
    await worker.deliver_due()
    clock.advance(timedelta(seconds=61))
    await worker.deliver_due()  # Signal takes messages again: the episode is over
    assert any("NEW REPORT R1" in m for m in signal_rig.group(ORGANIZERS))

    clock.advance(timedelta(days=6))  # next week
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.front.receive_once()
    server.rate_limit_next(wait=60, challenge="second-token")
    await worker.deliver_due()
    rows = await outbox_rows(signal_rig.app.store)
    for platform in ("console", "signal"):
        told = _notices(rows, platform, LIMITED)
        assert [n.rsplit(" ", 1)[1] for n in told] == ["first-token", "second-token"]
        assert len(_notices(rows, platform, LIFTED)) == 1
    clock.advance(timedelta(seconds=61))
    await worker.deliver_due()
    assert len(signal_rig.group(ALERTS)) == 1


async def test_one_refused_chat_does_not_hold_back_others_nor_flap_the_notices(
    signal_rig: SignalRig, clock: FakeClock
) -> None:
    """Signal wants a captcha before sending to one person only: the alerts go out, and
    the episode lasts until that person's message goes through, told once each way."""
    server, worker = signal_rig.server, signal_rig.front.worker
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    server.captcha_for[DEE] = ("dm-token", 60)  # the reporter's receipt goes to her UUID
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    assert len(signal_rig.group(ALERTS)) == 1 and len(signal_rig.group(ALERTAS)) == 1
    for _ in range(3):  # refused again and again while the groups work
        clock.advance(timedelta(seconds=61))
        server.deliver("/hotline", uuid=BEN, group=ORGANIZERS)
        await signal_rig.exchange()
    rows = await outbox_rows(signal_rig.app.store)
    assert len(_notices(rows, "console", LIMITED)) == 1
    assert _notices(rows, "console", LIFTED) == []
    assert server.to(DEE) == []
    del server.captcha_for[DEE]  # the captcha was solved
    clock.advance(timedelta(seconds=61))
    await worker.deliver_due()
    assert len(server.to(DEE)) == 1
    rows = await outbox_rows(signal_rig.app.store)
    assert len(_notices(rows, "console", LIMITED)) == 1
    assert len(_notices(rows, "console", LIFTED)) == 1


async def test_a_message_most_members_got_is_not_sent_again(
    signal_rig: SignalRig, clock: FakeClock
) -> None:
    """One member of the alert group left Signal: release 0.100 answers 400, though the
    alert reached everyone else. It is delivered, once, and nobody is told a chat is gone."""
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.front.receive_once()
    server.partly_deliver_next(times=3)
    await signal_rig.front.worker.deliver_due()
    for _ in range(3):
        clock.advance(timedelta(minutes=10))
        await signal_rig.front.worker.deliver_due()
    assert len(signal_rig.group(ALERTS)) == 1 and len(signal_rig.group(ALERTAS)) == 1
    rows = await outbox_rows(signal_rig.app.store)
    assert _signal_rows(rows, "pending") == [] and _signal_rows(rows, "failed") == []
    assert not any(r.kind == "delivery_problem" for r in rows)
    [alert] = [r for r in rows if r.address == group_address(ALERTS)]
    [sent] = [s for s in server.sent if s.recipient == group_address(ALERTS)]
    assert alert.external_id == str(sent.timestamp)  # so the alert can be followed up


async def test_organizers_manage_roles_by_command(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/help", uuid="f0000000-0000-4000-8000-000000000006")  # a newcomer says hi
    server.deliver("/role add f0000000-0000-4000-8000-000000000006 verifier", uuid=DEE)
    await signal_rig.exchange()
    assert any("Only organizers can give or take roles" in m for m in server.to(DEE))
    server.deliver("/role add f0000000-0000-4000-8000-000000000006 verifier", uuid=ANA)
    await signal_rig.exchange()
    assert any("now has: verifier" in m for m in server.to(ANA))
    member = await signal_rig.app.members.find("signal", "f0000000-0000-4000-8000-000000000006")
    assert member is not None and {r.value for r in member.roles} == {"verifier"}


async def test_start_up_checks_refuse_json_rpc_mode_and_an_absent_service(
    signal_config: Config, fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> None:
    assert signal_config.signal is not None
    app = await App.start(signal_config, tmp_path / "s.sqlite3", clock)
    front = SignalFrontEnd(app, signal_config.signal)
    try:
        assert (await front.check_service()).mode == "normal"
        fake_signal.mode = "json-rpc"
        with pytest.raises(SignalUnavailableError, match="json-rpc mode"):
            await front.check_service()
        await fake_signal.down()
        with pytest.raises(SignalUnavailableError, match="cannot reach signal-cli-rest-api"):
            await front.check_service()
    finally:
        front.client.close()
        await app.close()


def test_the_fake_follows_the_official_description() -> None:
    assert "api.SendMessageV2" in SWAGGER["definitions"]
    assert group_address(ORGANIZERS).startswith("group.")


async def test_follow_through_in_signal_direct_messages(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    server.deliver("/detained R1 name: Rosa Díaz; contact: Marta; phone: +1 555 010 0199", uuid=ANA)
    server.deliver("/help", uuid=DEE)  # dee has talked to the bot before
    await signal_rig.exchange()
    server.deliver(f"/task assign T1 {DEE}", uuid=ANA)
    await signal_rig.exchange()
    assert any(m.startswith("You are asked to take T1") for m in server.to(DEE))
    server.deliver("/task accept T1", uuid=DEE)
    await signal_rig.exchange()
    # Calling the family needs the contact's phone, not the person's name.
    assert any("Marta" in m and "(555) 010-0199" in m for m in server.to(DEE))
    assert not any("Rosa" in m for m in server.to(DEE))
    for group in (ORGANIZERS, ALERTS, ALERTAS):
        assert not any("Rosa" in m or "010-0199" in m for m in signal_rig.group(group))


async def test_styling_and_bidi_tricks_in_a_report_reach_signal_as_plain_text(
    signal_rig: SignalRig,
) -> None:
    """text_mode "normal": Signal shows *stars* and ~tildes~ literally, nothing is styled;
    a right-to-left override cannot reverse the rest of the alert."""
    server = signal_rig.server
    place = "**5th** & ~Main~ ||corner|| `x`"
    server.deliver(f"/report where: {place}\u202e; what: vans", uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    server.deliver("/verify R1", uuid=BEN, number="+15550000002", group=ORGANIZERS)
    await signal_rig.exchange()
    [alert] = signal_rig.group(ALERTS)
    assert f"Where: {place}\n" in alert and "\u202e" not in alert
    for sent in server.sent:
        assert sent.body["text_mode"] == "normal"
        assert "text_style" not in sent.body and "styles" not in sent.body
    assert server.contract_errors == []


async def test_a_reply_in_a_group_is_in_the_groups_language_too(signal_rig: SignalRig) -> None:
    # dee reads English; the alertas group reads Spanish: both can read the answer.
    signal_rig.server.deliver("/hotline", uuid=DEE, group=ALERTAS)
    await signal_rig.exchange()
    [answer] = signal_rig.group(ALERTAS)
    assert answer == (
        "Call Rapid response hotline: +1 555 0100 (24/7)\n\n"
        "Llame a Línea de respuesta rápida: +1 555 0100 (24 horas, todos los días)"
    )
    # In a group that reads their language, and in a direct message: theirs alone.
    signal_rig.server.deliver("/hotline", uuid=DEE, group=ALERTS)
    signal_rig.server.deliver("/linea", uuid=CRUZ, number=CRUZ_NUMBER)
    await signal_rig.exchange()
    assert signal_rig.group(ALERTS) == ["Call Rapid response hotline: +1 555 0100 (24/7)"]
    assert signal_rig.server.to(CRUZ_NUMBER) == [
        "Llame a Línea de respuesta rápida: +1 555 0100 (24 horas, todos los días)"
    ]
