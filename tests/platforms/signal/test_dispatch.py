"""Dispatch on Signal, through the fake signal-cli-rest-api: claim, duty, give back."""

from __future__ import annotations

from bot.platforms.signal.frontend import group_address
from tests.platforms.signal.conftest import (
    ALERTAS,
    ALERTS,
    BEN,
    CRUZ,
    CRUZ_NUMBER,
    DEE,
    ORGANIZERS,
    SignalRig,
)

REPORT = "/report where: 5th & Main; what: 2 ICE vans; agency: ICE; source: first-hand"


async def test_a_claim_in_spanish_on_signal(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE)
    await signal_rig.exchange()
    server.deliver("/voy R1 en 10", uuid=CRUZ, number=CRUZ_NUMBER)
    await signal_rig.exchange()
    organizers = signal_rig.group(ORGANIZERS)
    assert any(m.startswith("R1: ") and "is on the way, about 10 minutes." in m for m in organizers)
    to_cruz = "\n".join(server.to(CRUZ_NUMBER) + server.to(CRUZ))
    assert "ANTES DE CONFIRMAR" in to_cruz  # the checklist, in Spanish
    assert any("Someone from the network is on the way" in m for m in server.to(DEE))
    assert not any("Profile Name" in m for m in server.to(DEE))  # never who
    assert signal_rig.group(ALERTS) == [] and signal_rig.group(ALERTAS) == []
    # The reporter may not claim; the others are told who has it.
    server.deliver("/claim R1", uuid=DEE)
    server.deliver("/claim R1 5m", uuid=BEN)
    await signal_rig.exchange()
    assert any("Only verifiers and organizers" in m for m in server.to(DEE))
    assert any("R1 is already claimed" in m for m in server.to(BEN))
    server.deliver("/novoy R1", uuid=CRUZ, number=CRUZ_NUMBER)
    await signal_rig.exchange()
    assert any("gave back R1: who can go instead?" in m for m in signal_rig.group(ORGANIZERS))
    assert server.contract_errors == []


async def test_duty_on_signal_offers_the_next_report_privately(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/duty on 4h", uuid=BEN)
    await signal_rig.exchange()
    assert any("You are on duty until" in m for m in server.to(BEN))
    server.deliver(REPORT, uuid=DEE)
    await signal_rig.exchange()
    assert any(m.startswith("Can you check R1 at 5th & Main") for m in server.to(BEN))
    card = next(s for s in server.sent if "NEW REPORT R1" in s.message)
    assert card.recipient == group_address(ORGANIZERS)
    assert card.message.startswith("NEW REPORT R1") and not card.mentions  # no one else called
    assert server.contract_errors == []
