"""A whole raid played in the console, with real (second-scale) timers."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, example_data, run_rrbot
from tests.fakes.chat import in_chat
from tests.test_config import write_toml

RAID = ROOT / "docs" / "drills" / "raid.txt"


def test_a_whole_raid_with_follow_through(tmp_path: Path) -> None:
    data = example_data()
    data["timers"].update(task_accept_reminder="1s", task_accept_escalation="2s")
    config = write_toml(tmp_path / "config.toml", data)
    result = run_rrbot(
        "console",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "raid.sqlite3"),
        stdin=RAID.read_text(encoding="utf-8"),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    organizers, alerts = in_chat(lines, "organizers"), in_chat(lines, "alerts")
    assert "VERIFIED ALERT R1" in alerts
    assert "Recorded P1. Proposed tasks:" in in_chat(lines, "dm:ana")
    assert "Recorded P2. Proposed tasks:" in in_chat(lines, "dm:ana")
    assert "You are asked to take T3: pick up the children (about P1)." in in_chat(lines, "dm:dee")
    dee = in_chat(lines, "dm:dee")
    assert "Marta Díaz (sister), (555) 010-0199" in dee  # after accepting
    assert "Rosa" not in dee and "1985" not in dee  # a pick-up needs neither
    assert "T3 is done, so you no longer have access to P1's details." in dee
    assert "dee accepted T3." in organizers
    assert "T3 is done (dee)." in organizers
    assert "Note from dee on T3:\nchildren are with their aunt" in in_chat(lines, "dm:ana")
    assert "Reminder: T4 is waiting for your answer." in in_chat(lines, "dm:eli")
    assert "Nobody has accepted T4 yet (offered to eli)." in organizers
    assert "T4: call the family contact (about P2) · offered · eli" in organizers
    for secret in ("Rosa", "Juan", "Marta", "Luisa", "5550100", "Lincoln", "1985", "1979"):
        assert secret not in organizers + alerts + in_chat(lines, "alertas")
