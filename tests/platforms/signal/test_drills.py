"""A drill on Signal: started in the organizer group, every message says so, the alert
stays in the groups marked for drills, and /drill stop deletes what it made."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.config import Config
from bot.platforms.signal.frontend import SignalFrontEnd, group_address
from tests.conftest import example_data
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import (
    ALERTAS,
    ALERTS,
    ANA,
    BEN,
    CRUZ,
    CRUZ_NUMBER,
    DEE,
    ORGANIZERS,
    SignalRig,
    signal_section,
)

BANNER = "DRILL — PRACTICE"
REPORT = "/report where: 5th & Main; what: 2 ICE vans at the laundromat"


async def test_a_drill_on_signal_stays_in_the_organizer_group(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/drill start 1h", uuid=ANA, group=ORGANIZERS)
    await signal_rig.exchange()
    organizers = signal_rig.group(ORGANIZERS)
    assert any(m.startswith(f"{BANNER}\nDrill started.") for m in organizers)
    assert any("Ana (organizer) started a drill." in m for m in organizers)
    server.deliver(REPORT, uuid=DEE)  # a direct message
    await signal_rig.exchange()
    server.deliver("/verify R1 saw them", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    assert any(m.startswith(f"{BANNER}\nVERIFIED ALERT R1") for m in signal_rig.group(ORGANIZERS))
    assert signal_rig.group(ALERTS) == [] and signal_rig.group(ALERTAS) == []
    to_dee = server.to(DEE)
    assert to_dee and all(m.startswith(BANNER) for m in to_dee)
    server.deliver("/simulacro", uuid=CRUZ, number=CRUZ_NUMBER)  # cruz reads Spanish
    await signal_rig.exchange()
    [state] = server.to(CRUZ_NUMBER) or server.to(CRUZ)
    assert state.startswith("SIMULACRO — PRÁCTICA\nHay un simulacro en curso hasta")
    server.sent.clear()
    server.deliver("/simulacro terminar", uuid=ANA)
    await signal_rig.exchange()
    stopped, hint = server.to(ANA)  # typed in Spanish: answered in Spanish, this once
    assert stopped.startswith("Simulacro terminado.")
    assert hint == "Para recibir siempre las respuestas en español, envíe /idioma es."
    [over] = signal_rig.group(ORGANIZERS)
    assert "Ana (organizer) ended the drill." in over and BANNER not in over
    assert signal_rig.group(ALERTS) == []
    assert server.contract_errors == []


async def test_a_broadcast_group_marked_for_drills_gets_the_drill_alert(
    fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> None:
    data = example_data()
    del data["console"]
    data["signal"] = signal_section(fake_signal.url)
    data["signal"]["organizer_group"]["drill"] = False
    data["signal"]["broadcast"][0]["drill"] = True  # alerts (Signal), a practice group
    config = Config.model_validate(data)
    assert config.signal is not None
    app = await App.start(config, tmp_path / "drill.sqlite3", clock)
    front = SignalFrontEnd(app, config.signal)
    try:
        fake_signal.deliver("/drill start 30m", uuid=ANA)
        fake_signal.deliver(REPORT, uuid=DEE)
        await front.receive_once()
        await front.worker.deliver_due()
        await app.decisions.verify(await app.members.identify("signal", BEN), 1)
        await front.worker.deliver_due()
        [announced, alert] = fake_signal.to(group_address(ALERTS))
        assert announced.startswith(f"{BANNER}\nAna (organizer) started a drill.")
        assert "alerts go only to: alerts (Signal)" in announced
        assert alert.startswith(f"{BANNER}\nVERIFIED ALERT R1")
        assert fake_signal.to(group_address(ALERTAS)) == []
        assert fake_signal.to(group_address(ORGANIZERS)) == []  # marked drill = false
    finally:
        front.client.close()
        await app.close()
