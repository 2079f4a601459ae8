"""Every drill in docs/drills/ runs with the example config as it is, and shows what it
says it shows.

A drill file is a console script (`member@chat: text`, `# comments`, `!wait 5s`, `!who`,
`!attach photo.jpg`). Lines starting `#=` are its expectations, for readers and for this
test alike: `#= organizers: Nobody has accepted T4` means that text reached the
organizer chat (`dm:eli` for eli's direct messages, `alerts` for an alert chat); `#!=`
means it must not have. A new drill file needs nothing else to be tested here.

Every drill also keeps the drill's promises: it starts with /drill start and ends with
/drill stop, every line is understood (no unknown member, chat or command, no apology),
nothing reaches the alert chats, and after the end nothing says DRILL any more.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_CONFIG, ROOT, run_rrbot
from tests.fakes.chat import in_chat

DRILLS = sorted((ROOT / "docs" / "drills").glob("*.txt"))
EXPECT = re.compile(r"^#(!?)=\s*([a-z0-9:_.-]+):\s?(.*)$")
NOT_UNDERSTOOD = (
    "Write each message as",
    "There is no member",
    "There is no chat",
    "Unknown console command",
    "I don't know the command",
    "Something went wrong",
    "Write waits as",
)


def expectations(script: str) -> list[tuple[bool, str, str]]:
    """(present, chat, text) for each `#=` / `#!=` line."""
    found = []
    for line in script.splitlines():
        match = EXPECT.match(line.strip())
        if match:
            found.append((match.group(1) != "!", match.group(2), match.group(3).strip()))
    return found


def test_there_is_a_drill_and_it_says_what_it_shows() -> None:
    assert DRILLS, "docs/drills/ has no drill"
    for drill in DRILLS:
        assert expectations(drill.read_text(encoding="utf-8")), f"{drill.name}: no #= line"


@pytest.mark.parametrize("drill", DRILLS, ids=lambda path: path.name)
def test_the_drill_runs_with_the_example_config(drill: Path, tmp_path: Path) -> None:
    script = drill.read_text(encoding="utf-8")
    commands = [
        line.split(":", 1)[-1].strip()
        for line in script.splitlines()
        if "@" in line and not line.lstrip().startswith(("#", "!"))
    ]
    assert commands and commands[0].startswith("/drill start"), "start with /drill start"
    assert any(c.startswith("/drill stop") for c in commands), "end with /drill stop"
    result = run_rrbot(
        "console",
        "--config",
        str(EXAMPLE_CONFIG),
        "--db",
        str(tmp_path / "drill.sqlite3"),
        stdin=script,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for problem in NOT_UNDERSTOOD:
        assert not [line for line in lines if problem in line], problem
    for present, chat, text in expectations(script):
        seen = in_chat(lines, chat)
        assert (text in seen) == present, (
            f"{'missing' if present else 'unexpected'} in {chat}: {text}"
        )
    assert in_chat(lines, "alerts") == "" and in_chat(lines, "alertas") == ""
    over = result.stdout.rpartition("The drill is over")[2]
    assert "DRILL — PRACTICE" not in over
