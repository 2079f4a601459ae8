"""A whole raid played in the console, with real (second-scale) timers."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import example_data, run_rrbot
from tests.fakes.chat import in_chat
from tests.test_config import write_toml

RAID = """\
# 1. A report, checked and broadcast.
dee@organizers: /report where: 5th & Main; what: agents detaining people at the bus stop; agency: ICE; source: first-hand
ben@organizers: /verify R1 two people taken
# 2. Two people detained, recorded privately by the organizer.
ana@dm: /detained R1 name: Rosa Díaz; dob: 1985-02-11; contact: Marta Díaz; relation: sister; phone: +1 555 010 0199; children: Lincoln Elementary; pickup: 3h
ana@dm: /detained R1 name: Juan Pérez; dob: 1979-07-30; contact: Luisa Pérez; relation: wife; phone: +1 555 010 0142
# 3. Tasks assigned: dee takes the school pick-up; eli never answers about a call.
ana@dm: /task assign T3 dee 2h
ana@dm: /task assign T4 eli
dee@dm: /task accept T3
dee@dm: /task done T3 children are with their aunt
# 4. Time passes: eli's offer is reminded, then escalated to the organizers.
!wait 3s
ana@organizers: /status
"""


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
        stdin=RAID.replace(" \\\n", " "),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    organizers, alerts = in_chat(lines, "organizers"), in_chat(lines, "alerts")
    assert "VERIFIED ALERT R1" in alerts
    assert "Recorded P1. Proposed tasks:" in in_chat(lines, "dm:ana")
    assert "Recorded P2. Proposed tasks:" in in_chat(lines, "dm:ana")
    assert "You are asked to take T3: pick up the children (about P1)." in in_chat(lines, "dm:dee")
    assert "Marta Díaz (sister), +15550100199" in in_chat(lines, "dm:dee")  # after accepting
    assert "dee accepted T3." in organizers
    assert "T3 is done (dee)." in organizers
    assert "Note from dee on T3:\nchildren are with their aunt" in in_chat(lines, "dm:ana")
    assert "Reminder: T4 is waiting for your answer." in in_chat(lines, "dm:eli")
    assert "Nobody has accepted T4 yet (offered to eli)." in organizers
    assert "T4: call the family contact (about P2) · offered · eli" in organizers
    for secret in ("Rosa", "Juan", "Marta", "Luisa", "5550100", "Lincoln", "1985", "1979"):
        assert secret not in organizers + alerts + in_chat(lines, "alertas")
