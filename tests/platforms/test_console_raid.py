"""A whole raid played in the console as a drill, with the example config unchanged."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLE_CONFIG, ROOT, run_rrbot
from tests.fakes.chat import in_chat

RAID = ROOT / "docs" / "drills" / "raid.txt"
BANNER = "DRILL — PRACTICE"


def test_the_raid_drill_runs_with_the_example_config_as_it_is(tmp_path: Path) -> None:
    """docs/drills/raid.txt, as its header says to run it: the [drill] section's timers
    make the reminder and escalation come within the script's wait, every message says
    it is a drill, the alert reaches the organizer chat only, and /drill stop deletes
    what the drill made."""
    database = tmp_path / "raid.sqlite3"
    result = run_rrbot(
        "console",
        "--config",
        str(EXAMPLE_CONFIG),
        "--db",
        str(database),
        stdin=RAID.read_text(encoding="utf-8"),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    organizers = in_chat(lines, "organizers")
    before_stop, _stop, after_stop = organizers.partition("ana ended the drill.")
    # What the organizer sees: the drill announced, the whole raid, then the end.
    assert "ana started a drill." in before_stop
    assert "alerts go only to: organizers" in before_stop
    assert "VERIFIED ALERT R1" in before_stop
    assert "R1 VERIFIED by ben. Alert sent to: organizers." in before_stop
    assert "Verified R1. The alert is going out to: organizers." in before_stop
    assert "Recorded P1. Proposed tasks:" in in_chat(lines, "dm:ana")
    assert "Recorded P2. Proposed tasks:" in in_chat(lines, "dm:ana")
    dee = in_chat(lines, "dm:dee")
    assert "You are asked to take T3: pick up the children (about P1)." in dee
    assert "Marta Díaz (sister), (555) 010-0199" in dee  # after accepting
    assert "Rosa" not in dee and "1985" not in dee  # a pick-up needs neither
    assert "T3 is done, so you no longer have access to P1's details." in dee
    assert "dee accepted T3." in before_stop
    assert "T3 is done (dee)." in before_stop
    assert "Note from dee on T3:\nchildren are with their aunt" in in_chat(lines, "dm:ana")
    assert "Reminder: T4 is waiting for your answer." in in_chat(lines, "dm:eli")
    assert "Nobody has accepted T4 yet (offered to eli)." in before_stop
    assert "T4: call the family contact (about P2) · offered · eli" in before_stop
    # Every message of the drill said so, to every reader, chat or direct message.
    for chat in ("organizers", "dm:ana", "dm:dee", "dm:eli"):
        said = in_chat(lines, chat).split(BANNER)
        assert said[0].strip() == "", (chat, said[0])  # nothing before the first banner
    assert before_stop.count(BANNER) >= 10
    # Nothing reached the network's alert chats: it was a drill.
    assert in_chat(lines, "alerts") == "" and in_chat(lines, "alertas") == ""
    # The end: what it deleted, and messages are real again (no banner after it).
    assert "what it made is deleted: 1 report, 2 people recorded, and 5 tasks." in after_stop
    assert BANNER not in after_stop
    assert "No active alerts right now." in after_stop
    assert "There are no open tasks." in after_stop
    for secret in ("Rosa", "Juan", "Marta", "Luisa", "5550100", "Lincoln", "1985", "1979"):
        assert secret not in organizers


def test_the_raid_header_says_how_to_run_it() -> None:
    header = RAID.read_text(encoding="utf-8").splitlines()[:3]
    assert any("--config config.example.toml" in line for line in header)
    assert not any("task_accept_reminder" in line for line in header)  # no special config
