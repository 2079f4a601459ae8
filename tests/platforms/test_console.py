"""The console front end, driven as a person would: a script on stdin, or a terminal."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.app import App
from tests.conftest import EXAMPLE_CONFIG, ROOT
from tests.fakes.chat import ChatHarness, in_chat

RAID = """\
# A drill: two people see the same operation, a volunteer tries to verify, a verifier checks.
dee@organizers: /report where: 5th & Main; what: 2 ICE vans, agents stopping people; \
agency: ICE; signs: vans, questioning; source: first-hand
eli@dm: /report where: Main St and 5th Street; what: I see them too; source: first-hand

eli@alerts: /verify R1
dee@organizers: /verify R1
cruz@organizers: /verificar R1 lo vi en persona
ben@organizers: /verify R1
ben@organizers: /resolve R1 agents left
"""


def run_console(script: str, db: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--config", str(EXAMPLE_CONFIG), "--db", str(db)],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def test_a_scripted_raid_end_to_end(tmp_path: Path) -> None:
    result = run_console(RAID, tmp_path / "raid.sqlite3")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert all(
        line.startswith(("[organizers] ", "[alerts] ", "[alertas] ", "[dm:")) for line in lines
    )

    organizers = in_chat(lines, "organizers")
    assert "@ben @cruz\nNEW REPORT R1 (NOT VERIFIED, do not share)" in organizers
    assert "R1: another report of the same place (2 independent reports so far)." in organizers
    assert "Only verifiers and organizers can verify or dismiss reports." in organizers
    assert "You reported R1 yourself" not in organizers  # dee is a volunteer: refused as such
    assert "R1 verificado. La alerta sale a: alerts y alertas." in organizers
    assert "R1 VERIFIED by cruz. Alert sent to: alerts and alertas." in organizers
    assert "R1 was already decided: verified by cruz" in organizers
    assert "All clear for R1 sent to: alerts and alertas." in organizers

    assert "Thank you. This matches report R1" in in_chat(lines, "dm:eli")
    assert in_chat(lines, "alerts").count("VERIFIED ALERT R1") == 1
    assert in_chat(lines, "alertas").count("ALERTA VERIFICADA R1") == 1
    assert "ALL CLEAR R1" in in_chat(lines, "alerts")
    assert "DESPEJADO R1" in in_chat(lines, "alertas")
    # The all clear comes after the alert in each chat.
    alerts = in_chat(lines, "alerts")
    assert alerts.index("VERIFIED ALERT R1") < alerts.index("ALL CLEAR R1")


def test_reporters_are_never_named_outside_their_own_receipt(tmp_path: Path) -> None:
    result = run_console(RAID, tmp_path / "raid.sqlite3")
    lines = result.stdout.splitlines()
    broadcast = in_chat(lines, "alerts") + in_chat(lines, "alertas")
    organizers = in_chat(lines, "organizers")
    for reporter in ("dee", "eli"):
        assert reporter not in broadcast.lower()
        assert f"{reporter} " not in organizers.replace("@", "")


def test_the_database_persists_between_runs(tmp_path: Path) -> None:
    db = tmp_path / "persist.sqlite3"
    first = run_console("dee@organizers: /report where: Oak & 9th; what: tents\n", db)
    assert "Report R1 is with the verifiers" in first.stdout
    second = run_console("ana@organizers: /status\nben@organizers: /verify R1\n", db)
    assert "R1 · Oak & 9th · waiting for a verifier" in second.stdout
    assert "[alerts] VERIFIED ALERT R1" in second.stdout
    third = run_console("dee@organizers: /report where: Elm\n", db)
    assert "Report R2 is with the verifiers" in third.stdout


def test_directives_comments_and_bad_lines(tmp_path: Path) -> None:
    script = (
        "\n".join(
            [
                "# just a comment",
                "",
                "!wait 1s",
                "!wait forever",
                "!who",
                "!dance",
                "zed@organizers: hi",
                "dee@kitchen: /help",
                "dee says hi",
                "dee@dm: /hotline",
            ]
        )
        + "\n"
    )
    started = time.monotonic()
    result = run_console(script, tmp_path / "d.sqlite3")
    assert time.monotonic() - started >= 1.0
    assert result.returncode == 0
    out = result.stdout
    assert "! Write waits as !wait 90s, !wait 15m or !wait 2h." in out
    assert "  cruz  verifier · Spanish" in out
    assert "! Unknown console command !dance." in out
    assert "! There is no member “zed”. Members: ana, ben, cruz, dee, and eli." in out
    assert "! There is no chat “kitchen”." in out
    assert "! Write each message as <member>@<chat>: <text>" in out
    assert "[dm:dee] Call Rapid response hotline: +1 555 0100 (24/7)" in out


async def test_every_line_of_a_long_message_carries_its_prefix(app: App) -> None:
    harness = ChatHarness(app)
    lines = await harness.say("dee@dm: /help")
    assert len(lines) > 10
    assert all(line.startswith("[dm:dee] ") for line in lines)


async def test_the_banner_shows_who_is_who_and_two_examples(app: App) -> None:
    harness = ChatHarness(app)
    banner = "\n".join(await harness.console.banner())
    assert "Rapid Response Bot console for Riverside Rapid Response Network" in banner
    for row in (
        "ana   organizer · English",
        "ben   verifier · English",
        "cruz  verifier · Spanish",
        "dee   volunteer · English",
    ):
        assert row in banner
    assert "organizers  reports come in here, verifiers are asked here · English" in banner
    assert "alertas     verified alerts go out here · Spanish" in banner
    assert "  dee@organizers: /report where: 5th & Main" in banner
    assert "  ben@organizers: /verify R1 saw them myself" in banner


def test_interactive_mode_in_a_real_terminal(tmp_path: Path) -> None:
    """What `python3 dev.py run` shows: a banner, a prompt, replies, and a clean Ctrl-D exit."""
    pid, fd = pty.fork()
    if pid == 0:  # the child becomes the bot, with the pseudo-terminal as its stdin/stdout
        os.chdir(ROOT)
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "bot",
                "console",
                "--config",
                str(EXAMPLE_CONFIG),
                "--db",
                str(tmp_path / "i.sqlite3"),
            ],
        )
    output = b""

    def read_until(marker: bytes, limit: float = 30) -> None:
        nonlocal output
        deadline = time.monotonic() + limit
        while marker not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    output += os.read(fd, 4096)
                except OSError:
                    break
        assert marker in output, output.decode(errors="replace")[-2000:]

    try:
        read_until(b"> ")
        os.write(fd, b"dee@organizers: /report where: 5th & Main; what: vans\r")
        read_until(b"NEW REPORT R1")
        os.write(fd, b"ben@organizers: /verify R1\r")
        read_until(b"R1 VERIFIED by ben. Alert sent to: alerts and alertas.\r\n> ")
        os.write(fd, b"\x04")  # Ctrl-D, pressed at the prompt as a person would
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                break
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:  # read only what is there: a bare read would block forever
                with contextlib.suppress(OSError):
                    output += os.read(fd, 4096)
            status = None
        assert status is not None and os.waitstatus_to_exitcode(status) == 0, output.decode()[
            -1500:
        ]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        os.close(fd)
    text = output.decode()
    assert "Members:" in text and "Try:" in text


def test_the_verbose_log_of_a_whole_session_names_nobody(tmp_path: Path) -> None:
    """The operator's log (--verbose) of a session with people detained, read in full."""
    script = "\n".join(
        line
        for line in (ROOT / "docs" / "drills" / "raid.txt").read_text().splitlines()
        if not line.startswith("!wait")  # the drill's waits are not needed for the log
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--config", str(EXAMPLE_CONFIG),
         "--db", str(tmp_path / "log.sqlite3"), "--verbose"],
        input=script, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Marta Díaz" in result.stdout  # the session did record them (shown in DMs)
    assert "T3 is done, so you no longer have access to P1's details" in result.stdout
    assert "INFO" in result.stderr  # the log was on
    for secret in ("Rosa", "Díaz", "Marta", "Juan Pérez", "Luisa", "0199", "0142",
                   "Lincoln", "5th & Main", "bus stop", "their aunt"):  # fmt: skip
        assert secret not in result.stderr, secret


def test_what_the_console_prints_is_out_at_once_even_into_a_pipe(tmp_path: Path) -> None:
    """A message counts as delivered once printed, so printed must mean out of the process,
    also into a pipe or a file (a drill logged with tee), where Python buffers its output:
    a crash would otherwise lose messages the bot already marked delivered."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--config", str(EXAMPLE_CONFIG),
         "--db", str(tmp_path / "c.sqlite3")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=ROOT, env=environment,
    )  # fmt: skip
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(b"dee@organizers: /report where: 5th & Main; what: 2 ICE vans\n")
        child.stdin.flush()  # and the script goes on: the console waits for its next line
        ready, _, _ = select.select([child.stdout], [], [], 30)
        assert ready, "nothing came out while the console was running"
        first = child.stdout.readline().decode()
    finally:
        child.kill()
        child.wait()
    assert first.startswith("[organizers] Thank you. Report R1 is with the verifiers.")


def test_ctrl_c_says_goodbye_and_exits_130_with_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C while the console waits for the next line, its input still open."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--config", str(EXAMPLE_CONFIG),
         "--db", str(tmp_path / "c.sqlite3")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write("dee@organizers: /report where: 5th & Main\n!who\n")
        child.stdin.flush()
        while "Members:" not in child.stdout.readline():
            pass  # the report was handled and the bot waits for more
        child.send_signal(signal.SIGINT)
        code = child.wait(timeout=30)  # the open pipe must not keep it running
        stderr = child.stderr.read() if child.stderr else ""
    finally:
        child.kill()
    assert code == 130
    assert stderr == "Stopped (Ctrl-C). Goodbye.\n"


def test_dev_py_run_waits_quietly_for_the_bot_after_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Ctrl-C reaches dev.py and the bot alike; dev.py lets the bot finish, no traceback."""
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)

    class Bot:
        waits = 0

        def __init__(self, command: list[str]) -> None:
            self.command = command

        def wait(self) -> int:
            Bot.waits += 1
            if Bot.waits == 1:
                raise KeyboardInterrupt  # Ctrl-C while dev.py waits for the bot
            return 130  # the bot closed its database and said goodbye

    monkeypatch.setattr(dev.subprocess, "Popen", Bot)
    assert dev.run(["--db", str(tmp_path / "unused.sqlite3")]) == 130
    assert Bot.waits == 2
    assert capsys.readouterr().err == ""


def test_who_shows_roles_and_languages_as_they_are_now(tmp_path: Path) -> None:
    """Not the config's first word: a role taken with /role, a language chosen with /lang."""
    script = "ana@dm: /role remove ben verifier\neli@dm: /lang es\n!who\n"
    result = run_console(script, tmp_path / "w.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "  ben   no role · English" in result.stdout
    assert "  eli   volunteer · Spanish" in result.stdout
