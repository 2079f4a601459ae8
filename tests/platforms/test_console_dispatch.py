"""The dispatch drill (docs/drills/dispatch.txt) played in the console, with real
(second-scale) escalation."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, example_data, run_rrbot
from tests.fakes.chat import in_chat
from tests.test_config import write_toml

DRILL = ROOT / "docs" / "drills" / "dispatch.txt"


def test_the_dispatch_drill(tmp_path: Path) -> None:
    data = example_data()
    data["timers"].update(claim_within="2s")
    config = write_toml(tmp_path / "config.toml", data)
    result = run_rrbot(
        "console",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "dispatch.sqlite3"),
        stdin=DRILL.read_text(encoding="utf-8"),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    organizers, ben = in_chat(lines, "organizers"), in_chat(lines, "dm:ben")
    assert "Your areas: Eastside." in ben
    assert "Can you check R1 at Cesar Chavez & Soto" in ben
    assert "¿Puede comprobar R1" not in in_chat(lines, "dm:cruz")  # ben's area: ben first
    assert "R1: ben is on the way, about 15 minutes." in organizers
    assert "BEFORE YOU CONFIRM" in ben
    dee = in_chat(lines, "dm:dee")
    assert "Someone from the network is on the way to check your report R1." in dee
    assert "ben" not in dee
    assert "R1 ya está tomado: ben va en camino" in in_chat(lines, "dm:cruz")
    assert "ben gave back R1: who can go instead?" in organizers
    assert "R1: cruz is on the way, about 10 minutes." in organizers
    assert "VERIFIED ALERT R1" in in_chat(lines, "alerts")
    # R2, downtown, unclaimed: offered in turn, then the organizers are told.
    assert "I asked the next verifiers directly." in organizers
    assert "Nobody has claimed R2 after" in organizers
