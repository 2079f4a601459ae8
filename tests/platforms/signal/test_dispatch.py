"""Dispatch on Signal, through the fake signal-cli-rest-api: claim, duty, give back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.platforms.signal.frontend import SignalFrontEnd, group_address
from tests.conftest import example_data
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import (
    ALERTAS,
    ALERTS,
    BEN,
    CRUZ,
    CRUZ_NUMBER,
    DEE,
    ORGANIZERS,
    SignalRig,
    signal_section,
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


@pytest.fixture
async def areas_rig(
    fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[SignalRig]:
    """The Signal rig, with the Spanish alert group covering only the Eastside."""
    data = example_data()
    data["signal"] = signal_section(fake_signal.url)
    data["signal"]["broadcast"][1]["areas"] = ["Eastside"]
    config = Config.model_validate(data)
    app = await App.start(config, tmp_path / "areas.sqlite3", clock)
    assert config.signal is not None
    front = SignalFrontEnd(app, config.signal)
    try:
        yield SignalRig(app, front, fake_signal)
    finally:
        front.client.close()
        await app.close()


async def test_areas_and_the_escalation_chain_on_signal(
    areas_rig: SignalRig, clock: FakeClock
) -> None:
    rig, server = areas_rig, areas_rig.server
    server.deliver("/duty on 4h Eastside", uuid=BEN)
    await rig.exchange()
    assert any("Your areas: Eastside." in m for m in server.to(BEN))
    # Downtown: nobody on duty there, so everyone on duty (ben) is asked.
    server.deliver("/report where: Broadway & 1st; what: agents at the bus stop", uuid=DEE)
    await rig.exchange()
    assert any(m.startswith("Can you check R1 at Broadway & 1st") for m in server.to(BEN))
    # Nobody claims: the chain asks in turn, then tells the organizers.
    clock.advance(rig.app.network.claim_within)
    await rig.app.fire_due()
    await rig.front.worker.deliver_due()
    assert any("I asked the next verifiers directly." in m for m in rig.group(ORGANIZERS))
    clock.advance(rig.app.network.claim_within)
    await rig.app.fire_due()
    await rig.front.worker.deliver_due()
    assert any(
        m.startswith("Nobody has claimed R1 after 20 minutes.") for m in rig.group(ORGANIZERS)
    )
    # Verified: a Downtown alert goes to the network-wide group only.
    server.deliver("/verify R1 saw them", uuid=CRUZ, number=CRUZ_NUMBER)
    await rig.exchange()
    assert [m for m in rig.group(ALERTS) if "R1" in m]
    assert rig.group(ALERTAS) == []
    # An Eastside report reaches both.
    server.deliver("/report where: Boyle Heights, Soto St; what: 3 vans", uuid=DEE)
    await rig.exchange()
    server.deliver("/verify R2", uuid=BEN)
    await rig.exchange()
    assert [m for m in rig.group(ALERTAS) if "R2" in m]
    assert server.contract_errors == []
