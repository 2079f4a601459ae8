"""Hotline relays and homes on Signal, end to end: the callback number reaches only the
relaying organizer's direct messages, and an alert about a home names its block."""

from __future__ import annotations

from tests.platforms.signal.conftest import ALERTAS, ALERTS, ANA, BEN, DEE, ORGANIZERS, SignalRig

NUMBER = "+1 555-010-0199"


def every_group(rig: SignalRig) -> str:
    return "\n".join(m for chat in (ORGANIZERS, ALERTS, ALERTAS) for m in rig.group(chat))


async def test_a_relay_by_direct_message_and_the_call_back_reminder(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(
        "/report where: 5th & Main; what: caller sees 2 vans; source: hotline; "
        "callback: 555 010 0199",
        uuid=ANA,
    )
    await signal_rig.exchange()
    receipt = "\n".join(server.to(ANA))
    assert "Filed as a hotline relay" in receipt and NUMBER in receipt
    card = next(m for m in signal_rig.group(ORGANIZERS) if "NEW REPORT R1" in m)
    assert "Relayed from the hotline" in card

    server.deliver("/verify R1 2 vans, agents checking papers", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    reminder = server.to(ANA)[-1]
    assert reminder.startswith("Hotline relay R1 (5th & Main) was confirmed")
    assert f"Callback number: {NUMBER}" in reminder
    [alert] = signal_rig.group(ALERTS)
    assert "What: 2 vans, agents checking papers" in alert
    assert "010-0199" not in every_group(signal_rig)
    assert server.contract_errors == []


async def test_a_member_cannot_relay_and_their_report_is_still_filed(
    signal_rig: SignalRig,
) -> None:
    server = signal_rig.server
    server.deliver("/report ICE at the Walmart on Main St; callback: 555 010 0199", uuid=DEE)
    await signal_rig.exchange()
    receipt = "\n".join(server.to(DEE))
    assert "Report R1 is with the verifiers" in receipt
    assert "did not keep the callback number" in receipt
    card = next(m for m in signal_rig.group(ORGANIZERS) if "NEW REPORT R1" in m)
    assert "First report from this reporter" in card and "Relayed" not in card


async def test_a_home_on_signal_is_alerted_as_its_block(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/reportar la migra está tocando mi puerta, ayuda", uuid=DEE)
    await signal_rig.exchange()
    card = next(m for m in signal_rig.group(ORGANIZERS) if "NEW REPORT R1" in m)
    assert "This reads as someone's home" in card
    server.deliver(
        "/verify R1 where: 1234 Elm St; 4 agents and a van outside a house",
        uuid=BEN,
        group=ORGANIZERS,
    )
    await signal_rig.exchange()
    [alert] = signal_rig.group(ALERTS)
    [alerta] = signal_rig.group(ALERTAS)
    assert "Where: 1200 block of Elm St" in alert and "cuadra 1200 de Elm St" in alerta
    for sent in (alert, alerta):
        assert "1234" not in sent and "mi puerta" not in sent and "ayuda" not in sent
        assert "4 agents and a van outside a house" in sent


async def test_a_callback_without_a_colon_never_reaches_a_group(signal_rig: SignalRig) -> None:
    """The stranger's relay (fixes round F): "callback 213 555 0147" with no colon was
    alerted; and a caller's home ("her house 88 oak ave") was named in the alert."""
    server = signal_rig.server
    server.deliver(
        "/report caller says theyre at her house 88 oak ave, knocking. call back at (213) 555-0122",
        uuid=ANA,
    )
    await signal_rig.exchange()
    assert "+1 213-555-0122" in "\n".join(server.to(ANA))
    card = next(m for m in signal_rig.group(ORGANIZERS) if "NEW REPORT R1" in m)
    assert "This reads as someone's home" in card and "555-0122" not in card
    server.deliver("/verificar R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    assert "Callback number: +1 213-555-0122" in server.to(ANA)[-1]
    [alert] = signal_rig.group(ALERTS)
    [alerta] = signal_rig.group(ALERTAS)
    assert "Where: oak ave" in alert and "Dónde: oak ave" in alerta
    assert "555-0122" not in every_group(signal_rig)
    assert "88 oak" not in alert and "88 oak" not in alerta


async def test_a_number_in_a_spanish_report_is_removed_on_signal(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(
        "/reportar la migra en la tienda de 7th y Alvarado, mi prima la vio, su cel 213 555 0199",
        uuid=DEE,
    )
    await signal_rig.exchange()
    card = next(m for m in signal_rig.group(ORGANIZERS) if "NEW REPORT R1" in m)
    assert "su cel [phone number removed]" in card
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    [alerta] = signal_rig.group(ALERTAS)
    assert "su cel [número de teléfono quitado]" in alerta
    assert "0199" not in every_group(signal_rig)
