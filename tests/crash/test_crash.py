"""Crash test: kill the bot with SIGKILL at random moments of a surge; nothing is lost.

What it proves, for the console and for Signal (against the fake signal-cli-rest-api):
a real `rrbot` process, working through a surge of reports, verifications, people
detained and tasks (offered, accepted, done, ignored; reminders and escalations coming
due; "still going on?" checks), is killed with SIGKILL at 20 or more random moments and
restarted each time on the same database. Afterwards:

- every report, decision, person and task move the bot answered is stored ("answered":
  its receipt was printed, or sent back on Signal, before the kill);
- every message the bot owed was delivered, each alert to every alert chat; a message
  delivered twice was in flight at a kill (sent, not yet marked delivered), and only
  once more per such kill; the final stop (SIGTERM on Signal, the end of the script on
  the console) repeats nothing;
- every timer that came due fired exactly once: its reminder or escalation went out
  once (again only once more per kill that caught it in flight); none failed;
- on Signal, every message the service handed to the bot in a receive was stored and
  handled exactly once, answered or not (no answer written twice), with one exception
  no bot can close: the service offers no acknowledgement, so a kill between its answer
  to a receive and the bot's commit of what it got loses that batch. Such losses are
  counted and shown; a batch lost at any other moment (not the run's last receive, not
  lost whole, or partly answered already) fails the test;
- `PRAGMA integrity_check` is ok after every kill and at the end.

How: `surge.py` holds the stories; each step is sent once the bot answered the one
before, many stories at once, so the bot always has a queue. `runs.py` starts each run
warm (Python and the imports ready, the run told to go) and kills it at a seeded random
moment: a fifth during start-up (key, database, migrations, catching up), the rest 0.05
to 1.2 s after the run is first seen working. After each kill the database is read as
the dead process left it (read-only, `vault.py`): which messages were pending, whether
it is intact. The console driver knows which output belongs to which message by a mark
written after each one (`console_driver.py`); the Signal driver sees every receive and
send at the fake service, and which run made it (`signal_driver.py`). The last run is
not killed: it finishes the stories, then lets time pass until every timer due has
fired and every message is out (it watches the database: no sleeping on luck), and
stops. `checks.py` compares what was answered, printed or sent with the database.
Timers are set to seconds in the test's config, so real time passes for them; the
timer check counts what fired in the database, whenever it fired.

Size: 20 kills per front end and 20 stories (about 100 messages and 250 to 400
deliveries each) by default, 30 to 50 s per front end on this 2-core machine. A larger
run: `RRBOT_CRASH_KILLS=100 RRBOT_CRASH_STORIES=80 .venv/bin/python -m pytest -s
tests/crash` (`-s` shows the figures). A failure names its seed; `RRBOT_CRASH_SEED=<seed>`
plays the same surge with the same kill plan again (where each kill lands still depends
on the machine's speed).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.platforms.signal.frontend import group_address
from tests.conftest import example_data
from tests.crash.checks import (
    Findings,
    check_alerts,
    check_claims,
    check_console_deliveries,
    check_handled_once,
    check_integrity,
    check_signal_deliveries,
    check_timers,
)
from tests.crash.console_driver import ConsoleDriver, prefix
from tests.crash.runs import Settings, kill_plan
from tests.crash.signal_driver import (
    ALERTAS,
    ALERTS,
    BOT_NUMBER,
    ORGANIZERS,
    UUIDS,
    CrashSignal,
    SignalDriver,
    signal_section,
)
from tests.crash.surge import LANGUAGES, ROLES, Surge
from tests.test_config import write_toml

TIMERS = {
    "claim_within": "3s",
    "verification_expiry": "10s",
    "active_check": "6s",
    "task_accept_reminder": "2s",
    "task_accept_escalation": "4s",
    "task_due_reminder": "3s",
    "task_overdue_escalation": "2s",
}


def crash_config(path: Path) -> Path:
    data: dict[str, Any] = example_data()
    data["timers"].update(TIMERS)
    data["limits"]["reports_per_hour"] = 1000  # a surge, not a flood from one member
    data["console"]["members"] = [
        {
            "name": name,
            "roles": roles,
            **({"language": LANGUAGES[name]} if name in LANGUAGES else {}),
        }
        for name, roles in ROLES.items()
    ]
    return write_toml(path, data)


class ConsoleSeen:
    def __init__(self, driver: ConsoleDriver) -> None:
        self.driver = driver
        self.runs = len(driver.runs)

    def lines(self, conversation: tuple[bool, str], run: int) -> list[str]:
        is_direct, address = conversation
        start = prefix(address, "dm") if is_direct else prefix("", address)
        return [
            line[len(start) :] for line in self.driver.runs[run].bot.lines if line.startswith(start)
        ]


@contextlib.contextmanager
def named_seed(settings: Settings) -> Iterator[None]:
    """Whatever fails, the message starts with the settings that play it again."""
    try:
        yield
    except BaseException as error:
        if str(settings) in str(error):
            raise
        raise AssertionError(f"{settings}: {type(error).__name__}: {error}") from error


def verdict(settings: Settings, findings: Findings, started: float) -> None:
    findings.figures["seconds"] = round(time.monotonic() - started)
    summary = ", ".join(f"{name}: {value}" for name, value in findings.figures.items())
    print(f"\ncrash test ({settings}): {summary}")
    assert not findings.problems, f"{settings}\n" + "\n".join(findings.problems)


async def test_the_console_loses_nothing_when_killed(tmp_path: Path) -> None:
    settings = Settings.from_environment()
    with named_seed(settings):
        await console_crash(tmp_path, settings)


async def console_crash(tmp_path: Path, settings: Settings) -> None:
    started = time.monotonic()
    rng = random.Random(settings.seed)
    surge = Surge(settings.stories, rng)
    plan = kill_plan(rng, settings.kills)
    config = crash_config(tmp_path / "config.toml")
    driver = ConsoleDriver(tmp_path, config, tmp_path / "crash.sqlite3", surge, plan)
    await driver.play()
    assert driver.exit_code == 0, driver.stderr()
    assert driver.settled_at is not None
    final = driver.vault.snapshot()
    findings = Findings()
    seen = ConsoleSeen(driver)
    check_integrity(findings, driver.snapshots, final)
    check_claims(findings, driver.vault, surge.ledger, lambda name: name)
    check_alerts(findings, driver.vault, surge.ledger, {"alerts", "alertas"})
    check_console_deliveries(findings, final, driver.snapshots, driver.settled_at, seen)
    check_timers(
        findings,
        driver.vault,
        final,
        driver.settled_at,
        (False, "organizers"),
        seen,
        driver.snapshots,
    )
    findings.figures.update(
        kills=len(driver.snapshots),
        messages=sum(len(run.all_sent) for run in driver.runs),
        answered=surge.steps,
    )
    verdict(settings, findings, started)


class SignalSeen:
    def __init__(self, driver: SignalDriver) -> None:
        self.sends = driver.fake.sends
        self.runs = driver.runs

    def lines(self, conversation: tuple[bool, str], run: int) -> list[str]:
        _is_direct, address = conversation
        return [
            line
            for send in self.sends
            if send.run == run and send.recipient == address
            for line in send.message.splitlines()
        ]


async def test_signal_loses_nothing_and_handles_each_message_once_when_killed(
    tmp_path: Path,
) -> None:
    settings = Settings.from_environment()
    with named_seed(settings):
        await signal_crash(tmp_path, settings)


async def signal_crash(tmp_path: Path, settings: Settings) -> None:
    started = time.monotonic()
    rng = random.Random(settings.seed)
    surge = Surge(settings.stories, rng)
    plan = kill_plan(rng, settings.kills)
    fake = CrashSignal(number=BOT_NUMBER)
    await fake.start()
    try:
        data: dict[str, Any] = example_data()
        data["timers"].update(TIMERS)
        data["limits"]["reports_per_hour"] = 1000
        data["signal"] = signal_section(fake.url)
        config = write_toml(tmp_path / "config.toml", data)
        driver = SignalDriver(tmp_path, config, tmp_path / "crash.sqlite3", fake, surge, plan)
        await driver.play()
    finally:
        await fake.stop()
    assert driver.exit_code == 0, driver.stderr()
    assert driver.settled_at is not None
    assert fake.contract_errors == []
    final = driver.vault.snapshot()
    findings = Findings()
    organizers = (False, group_address(ORGANIZERS))
    check_integrity(findings, driver.snapshots, final)
    check_claims(findings, driver.vault, surge.ledger, lambda name: UUIDS[name])
    check_alerts(
        findings, driver.vault, surge.ledger, {group_address(ALERTS), group_address(ALERTAS)}
    )
    check_signal_deliveries(findings, fake.sends, final, driver.snapshots, driver.settled_at)
    check_handled_once(
        findings,
        driver.vault,
        final,
        [(handed.run, handed.stamps) for handed in fake.handed],
        driver.losses,
        lambda stamp: driver.written[stamp].replies,
    )
    check_timers(
        findings,
        driver.vault,
        final,
        driver.settled_at,
        organizers,
        SignalSeen(driver),
        driver.snapshots,
    )
    findings.figures.update(
        kills=len(driver.snapshots), messages=len(driver.written), answered=surge.steps
    )
    verdict(settings, findings, started)
