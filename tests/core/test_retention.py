"""Retention: what is no longer needed is deleted on schedule, and really gone from disk."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.core.models import MessageKind
from bot.core.retention import DAILY, MORE
from tests.conftest import ROOT, outbox_rows
from tests.core.test_router import REPORT, dm, say
from tests.fakes.clock import FakeClock

DETAINED = (
    "/detained R1 name: Teodora Quispe; dob: 1990-03-04; contact: Ines Quispe; "
    "relation: sister; phone: 555 010 2222"
)


async def close_everything(app: App) -> None:
    """A report verified and over, a person recorded, every task about them closed."""
    await say(app, "dee", REPORT)
    await say(app, "ben", "/verify R1")
    await say(app, "ana", DETAINED, dm("ana"))
    await say(app, "ana", "/task cancel T1", dm("ana"))
    await say(app, "ana", "/task cancel T2", dm("ana"))
    await say(app, "ben", "/resolve R1")


async def deliver_all(app: App) -> None:
    async with app.store.transaction() as tx:
        for row in await tx.outbox.pending("console"):
            await tx.outbox.mark_delivered(row.id, None, app.clock.now())


async def test_nothing_goes_before_its_time(app: App, clock: FakeClock) -> None:
    await close_everything(app)
    clock.advance(timedelta(days=29))
    plan = await app.retention.plan()
    assert plan["people detained (names, dates of birth, contacts)"] == 0
    assert plan["closed tasks"] == 0
    assert plan["closed reports (with their decisions, corroborations and updates)"] == 0
    assert plan["sent messages"] == 0  # none delivered yet: an undelivered one never goes
    await deliver_all(app)
    assert (await app.retention.plan())["sent messages"] > 0  # delivered, 29 days old


async def test_someone_still_being_helped_is_kept_however_old(app: App, clock: FakeClock) -> None:
    await say(app, "dee", REPORT)
    await say(app, "ana", DETAINED, dm("ana"))  # T1, T2 stay open
    clock.advance(timedelta(days=400))
    await app.retention.purge()
    assert "Teodora Quispe" in await say(app, "ana", "/person P1", dm("ana"))


async def test_closed_reports_go_after_their_time_and_active_alerts_stay(
    app: App, clock: FakeClock
) -> None:
    await say(app, "dee", REPORT)
    await say(app, "ben", "/dismiss R1 routine")
    await say(app, "dee", "/report where: Elm St & 3rd; what: vans")
    await say(app, "ben", "/verify R2")  # active: its broadcast record is kept
    await deliver_all(app)
    clock.advance(timedelta(days=91))
    await app.retention.purge()
    assert "no report r1" in (await say(app, "ben", "/resolve R1")).lower()
    # R2's broadcast record survived, so its all clear still reaches the chats alerted.
    await say(app, "ben", "/resolve R2")
    clears = [row for row in await outbox_rows(app.store) if row.kind == "resolved"]
    assert [(row.report_id, row.address) for row in clears] == [(2, "alerts"), (2, "alertas")]


async def test_old_audit_entries_go_and_recent_ones_stay_append_only(
    app: App, clock: FakeClock
) -> None:
    await say(app, "dee", REPORT)
    clock.advance(timedelta(days=366))
    await say(app, "dee", "/report where: Elm St & 3rd; what: vans")
    await app.retention.purge()
    async with app.store.reading() as tx:
        actions = [(e["action"], e["subject"]) for e in await tx.audit.entries()]
    assert ("report.submitted", "R1") not in actions
    assert ("report.submitted", "R2") in actions
    assert actions[-1][0] == "retention.purged"


async def test_the_purge_runs_every_day_at_the_configured_local_time(
    app: App, clock: FakeClock
) -> None:
    await app.retention.ensure_scheduled()
    await app.retention.ensure_scheduled()  # a restart does not double it
    async with app.store.reading() as tx:
        daily = [t for t in await tx.timers.pending() if t.kind == DAILY]
    assert len(daily) == 1
    local = daily[0].due_at.astimezone(app.network.zone)
    assert (local.hour, local.minute) == (3, 30)
    clock.advance(daily[0].due_at - clock.now())
    assert await app.fire_due() == 1
    async with app.store.reading() as tx:
        following = [t for t in await tx.timers.pending() if t.kind == DAILY]
        entries = await tx.audit.entries()
    assert len(following) == 1 and following[0].due_at - daily[0].due_at == timedelta(days=1)
    assert entries[-1]["action"] == "retention.purged"


def rrbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_rrbot_purge_dry_run_lists_what_would_go_and_deletes_nothing(tmp_path: Path) -> None:
    config = ROOT / "config.example.toml"
    db = tmp_path / "p.sqlite3"
    first = rrbot("purge", "--dry-run", "--config", str(config), "--db", str(db), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "nothing is deleted" in first.stdout
    assert "people detained" in first.stdout and "people 30 days" in first.stdout
    real = rrbot("purge", "--config", str(config), "--db", str(db), cwd=tmp_path)
    assert real.returncode == 0 and "deleted" in real.stdout
    broken = tmp_path / "broken.toml"
    broken.write_text(config.read_text().replace("people_days = 30", "people_days = 0"))
    bad = rrbot("purge", "--dry-run", "--config", str(broken), "--db", str(db), cwd=tmp_path)
    assert bad.returncode == 2 and "retention.people_days" in bad.stderr
    assert bad.stderr.count("\n") == 1


async def test_flood_notices_are_forgotten_with_the_messages(app: App, clock: FakeClock) -> None:
    for n in range(app.network.reports_per_hour + 1):
        await say(app, "eli", f"/report where: {n} Oak St")
    assert (await app.retention.plan())["flood notices"] == 0
    clock.advance(timedelta(days=8))
    assert (await app.retention.purge())["flood notices"] == 1


async def old_messages(app: App, clock: FakeClock, count: int) -> None:
    """`count` delivered group messages, sent a week and a day ago."""
    async with app.store.transaction() as tx:
        for number in range(count):
            row = await tx.outbox.enqueue(
                platform="console",
                address="organizers",
                is_direct=False,
                languages=("en",),
                kind=MessageKind.REPLY,
                body=f"message {number}",
                now=app.clock.now(),
            )
            await tx.outbox.mark_delivered(row, None, app.clock.now())
    clock.advance(timedelta(days=8))


async def test_the_daily_purge_goes_in_batches_and_work_gets_in_between(
    app: App, clock: FakeClock
) -> None:
    app.retention.batch = 3
    await old_messages(app, clock, 8)
    await app.retention.ensure_scheduled()
    async with app.store.reading() as tx:
        [daily] = [t for t in await tx.timers.pending() if t.kind == DAILY]
    clock.advance(daily.due_at - clock.now())
    assert await app.fire_due() == 1
    assert (await app.retention.plan())["sent messages"] == 5  # one batch, one unit of work
    async with app.store.reading() as tx:
        [more] = [t for t in await tx.timers.pending() if t.kind == MORE]
    assert more.due_at == clock.now()  # the rest at once, as its own timer
    # Between batches the store is free: a report filed now is stored at once.
    assert "Report R1" in await say(app, "dee", REPORT)
    while await app.fire_due():
        pass
    plan = await app.retention.plan()
    assert plan["sent messages"] == 0
    async with app.store.reading() as tx:
        assert not [t for t in await tx.timers.pending() if t.kind == MORE]
        assert [t.kind for t in await tx.timers.pending() if t.kind == DAILY] == [DAILY]
        purged = [e for e in await tx.audit.entries() if e["action"] == "retention.purged"]
    assert len(purged) == 3  # 3 + 3 + 2 messages (and old timers) in three batches


async def test_rrbot_purge_goes_on_until_nothing_is_left(app: App, clock: FakeClock) -> None:
    app.retention.batch = 3
    await old_messages(app, clock, 7)
    removed = await app.retention.purge()
    assert removed["sent messages"] == 7
    assert sum((await app.retention.plan()).values()) == 0
