"""Hotline relays on the console: an organizer (a dispatcher) files a report for a caller,
the callback number stays sealed and private, and the organizer is reminded to call back
when the report is decided (issue 15, item 5)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from bot.core.commands import split_command
from bot.core.report_reading import read_report
from tests.conftest import EXAMPLE_CONFIG
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

NUMBER = "+1 555-010-0199"  # how the bot shows 555 010 0199 in the example's region (US)
RELAY = (
    "ana@dm: /report where: 5th & Main; what: caller sees 2 vans, agents checking papers; "
    "source: hotline; callback: 555 010 0199"
)


def group_lines(lines: list[str]) -> str:
    """Everything that went to a chat (not a direct message)."""
    return "\n".join(line for line in lines if not line.startswith("[dm:"))


async def test_an_organizer_relays_a_call_and_is_reminded_to_call_back(chat: ChatHarness) -> None:
    filed = await chat.say(RELAY)
    receipt = in_chat(filed, "dm:ana")
    assert "Report R1 is with the verifiers" in receipt
    assert "Filed as a hotline relay" in receipt
    assert f"Callback number, kept sealed: {NUMBER}" in receipt  # her own DM: shown back
    card = in_chat(filed, "organizers")
    assert "NEW REPORT R1" in card
    assert "Relayed from the hotline" in card and "track record" in card
    assert "010-0199" not in group_lines(filed) and "0100199" not in group_lines(filed)

    decided = await chat.say(
        "ben@organizers: /verify R1 2 vans at 5th & Main, agents asking for ID"
    )
    reminder = in_chat(decided, "dm:ana")
    assert reminder.startswith("Hotline relay R1 (5th & Main) was confirmed")
    assert "Please call the caller back" in reminder
    assert f"Callback number: {NUMBER}" in reminder
    assert "Thank you. Your report R1" not in reminder  # a relay is not her own report
    everywhere_else = group_lines(decided)
    assert "VERIFIED ALERT R1" in everywhere_else
    assert "010-0199" not in everywhere_else and "hotline relay" not in everywhere_else.lower()


async def test_a_relay_in_spanish_is_answered_and_reminded_in_spanish(chat: ChatHarness) -> None:
    await chat.say("ana@dm: /idioma es")
    filed = await chat.say(
        "ana@dm: /reportar dónde: Calle 8 y Pino; qué: la migra en la lavandería; "
        "fuente: línea; devolver: (555) 010-0199"
    )
    receipt = in_chat(filed, "dm:ana")
    assert "Se registró como un aviso de la línea" in receipt, receipt
    assert NUMBER in receipt
    decided = await chat.say("ben@organizers: /dismiss R1 routine agentes comiendo")
    reminder = in_chat(decided, "dm:ana")
    assert reminder.startswith("El aviso de la línea R1 (Calle 8 y Pino) se revisó y se descartó")
    assert f"Número para devolver la llamada: {NUMBER}" in reminder


async def test_a_relay_typed_in_the_organizer_chat_keeps_the_number_out_of_it(
    chat: ChatHarness,
) -> None:
    filed = await chat.say(
        "ana@organizers: /report caller says ICE at the Walmart on Main St, agents in the parking "
        "lot; callback: 555 010 0199"
    )
    told = in_chat(filed, "organizers")
    assert "Filed as a hotline relay" in told
    assert "shown only in your direct messages" in told
    assert "010-0199" not in "\n".join(filed)
    decided = await chat.say("ben@organizers: /dismiss R1 false not ICE, a tow truck")
    assert f"Callback number: {NUMBER}" in in_chat(decided, "dm:ana")
    assert "010-0199" not in group_lines(decided)


async def test_caller_says_is_read_as_a_relay_without_any_label(chat: ChatHarness) -> None:
    filed = await chat.say("ana@dm: /report caller says ICE at the Walmart on Main St")
    assert "Filed as a hotline relay" in in_chat(filed, "dm:ana")
    assert "Relayed from the hotline" in in_chat(filed, "organizers")
    decided = await chat.say("ben@organizers: /verify R1 agents in the parking lot")
    reminder = in_chat(decided, "dm:ana")
    assert "Please call the caller back" in reminder
    assert "No callback number was given with this relay." in reminder


async def test_an_expired_relay_reminds_the_organizer_too(
    app: App, chat: ChatHarness, clock: FakeClock
) -> None:
    await chat.say(RELAY)
    clock.advance(app.network.verification_expiry + timedelta(minutes=1))
    start = len(chat.lines)
    await app.fire_due()
    await chat.console.worker.deliver_due()
    reminder = in_chat(chat.lines[start:], "dm:ana")
    assert "could not be verified in time" in reminder and f"Callback number: {NUMBER}" in reminder


async def test_only_organizers_relay_calls_and_a_members_report_is_still_filed(
    chat: ChatHarness, app: App
) -> None:
    filed = await chat.say(
        "dee@dm: /report ICE vans at the Walmart on Main St; source: hotline; "
        "callback: 555 010 0199"
    )
    receipt = in_chat(filed, "dm:dee")
    assert "Report R1 is with the verifiers" in receipt
    assert "did not keep the callback number" in receipt
    card = in_chat(filed, "organizers")
    assert "Relayed from the hotline" not in card
    assert "First report from this reporter" in card
    async with app.store.reading() as tx:
        assert await tx.reports.relays(1) == []
    decided = await chat.say("ben@organizers: /verify R1")
    assert in_chat(decided, "dm:dee").startswith("Thank you. Your report R1")


async def test_a_callback_that_is_not_a_number_is_kept_as_written(chat: ChatHarness) -> None:
    filed = await chat.say(
        "ana@dm: /report where: 5th & Main; source: hotline; callback: ask for Rosa at the church"
    )
    receipt = in_chat(filed, "dm:ana")
    assert "did not read as a phone number" in receipt and "kept it as written" in receipt
    decided = await chat.say("ben@organizers: /verify R1 agents at the corner")
    assert "Callback number: ask for Rosa at the church" in in_chat(decided, "dm:ana")


async def test_the_callback_number_is_sealed_and_goes_with_the_purge(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "rrbot.sqlite3"
    app = await App.start(load_config(EXAMPLE_CONFIG), path, clock)
    try:
        chat = ChatHarness(app)
        await chat.say(RELAY)
        await chat.say("ben@organizers: /dismiss R1 routine")
        async with app.store.reading() as tx:
            [relay] = await tx.reports.relays(1)
        assert relay.callback == "+15550100199"
        assert relay.relayed_by is None  # reminded: who relayed it is forgotten
        await app.store.checkpoint()
        stored = await asyncio.to_thread(
            lambda: b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
        )
        for written in (b"5550100199", b"555 010 0199", b"555-010-0199", b"0100199"):
            assert written not in stored
        clock.advance(timedelta(days=app.config.retention.reports_days + 1))
        await app.retention.purge()
        async with app.store.reading() as tx:
            assert await tx.reports.relays(1) == []
    finally:
        await app.close()


@pytest.mark.parametrize(
    "typed",
    [
        "/report where: 5th & Main; source: hotline",
        "/report 5th & Main, 2 vans; src: hotline call",
        "/report caller said agents at 5th & Main",
        "/report a caller says ICE at the Walmart on Main St",
        "/reportar dónde: 5th y Main; fuente: línea",
        "/reportar 5th y Main; fuente: linea",
        "/reportar quien llama dice que la migra está en la lavandería de Oak St",
        "/report where: 5th & Main; callback: 555 010 0199",  # a callback is a relay
        "/reportar dónde: 5th y Main; devolver: 555 010 0199",
        "/reportar dónde: 5th y Main; llamar: 555-010-0199",
    ],
)
def test_relays_as_dispatchers_type_them(typed: str) -> None:
    line = split_command(typed)
    assert line is not None
    assert read_report(line.body).hotline is not None


@pytest.mark.parametrize(
    "typed",
    [
        "/report ICE at the Walmart on Main St, I saw them myself",
        "/report 5th & Main; source: my cousin told me",
        "/reportar la migra en la lavandería, me llamó mi hermana",
    ],
)
def test_a_witness_report_is_not_a_relay(typed: str) -> None:
    line = split_command(typed)
    assert line is not None
    assert read_report(line.body).hotline is None


async def test_a_relay_that_matches_an_open_report_is_added_to_it_and_reminded(
    chat: ChatHarness,
) -> None:
    await chat.say("dee@dm: /report ICE vans at the Walmart on Main St")
    added = await chat.say(
        "ana@dm: /report where: the Walmart on Main St; what: caller sees agents at the doors; "
        "source: hotline; callback: 555 010 0199"
    )
    assert "another report of the same place" in in_chat(added, "organizers")
    assert "Relayed from the hotline" in in_chat(added, "organizers")
    decided = await chat.say("ben@organizers: /verify R1 agents at the store doors")
    assert f"Callback number: {NUMBER}" in in_chat(decided, "dm:ana")
    assert in_chat(decided, "dm:dee").startswith("Thank you. Your report R1")


async def test_a_relayer_who_is_no_longer_an_organizer_gets_no_number(chat: ChatHarness) -> None:
    await chat.say("ana@dm: /role add eli organizer")
    await chat.say("eli@dm: /report where: 5th & Main; source: hotline; callback: 555 010 0199")
    await chat.say("ana@dm: /role remove eli organizer")
    decided = await chat.say("ben@organizers: /verify R1 agents at the corner")
    assert in_chat(decided, "dm:eli") == ""  # nothing, and certainly not the number
    reminder = in_chat(decided, "dm:ana")  # the organizers call the caller back instead
    assert "Please call the caller back" in reminder and f"Callback number: {NUMBER}" in reminder
