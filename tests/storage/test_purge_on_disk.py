"""What the purge deletes is really gone from the files on disk, and the audit log
refuses deletions the purge did not mark: properties of the SQLite storage itself."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from tests.core.test_retention import close_everything
from tests.core.test_router import REPORT, dm, say
from tests.fakes.clock import FakeClock


def sealed_name(app: App) -> bytes:
    with sqlite3.connect(app.store.path) as db:
        row = db.execute("SELECT name FROM people WHERE id = 1").fetchone()
    return str(row[0]).encode()


def sealed_description(app: App, task_id: int) -> bytes:
    with sqlite3.connect(app.store.path) as db:
        row = db.execute("SELECT description FROM tasks WHERE id = ?", (task_id,)).fetchone()
    return str(row[0]).encode()


def on_disk(app: App) -> bytes:
    folder = Path(app.store.path).parent
    return b"".join(
        p.read_bytes() for p in folder.iterdir() if p.name.startswith("rrbot.sqlite3") and
        not p.name.endswith(".key")
    )  # fmt: skip


async def test_a_detained_persons_details_are_purged_and_overwritten_on_disk(
    app: App, clock: FakeClock
) -> None:
    await close_everything(app)
    ciphertext = sealed_name(app)
    assert ciphertext in on_disk(app)
    clock.advance(timedelta(days=31))
    plan = await app.retention.plan()
    assert plan["people detained (names, dates of birth, contacts)"] == 1
    assert plan["closed tasks"] == 2
    assert plan["closed reports (with their decisions, corroborations and updates)"] == 0
    assert await app.retention.plan() == plan  # a dry run changes nothing

    removed = await app.retention.purge()
    assert removed == plan
    assert "no person p1" in (await say(app, "ana", "/person P1", dm("ana"))).lower()
    assert ciphertext not in on_disk(app)  # secure_delete, and the WAL was truncated
    assert set((await app.retention.plan()).values()) == {0}


async def test_a_tasks_own_words_are_sealed_and_purged_with_the_person(
    app: App, clock: FakeClock
) -> None:
    await close_everything(app)
    words = "call Tobiah Marchetti-Oyelaran's lawyer about the bond hearing, +1 555 019 4432"
    await say(app, "ana", f"/task add {words}; person: P1", dm("ana"))
    await say(app, "ana", "/task cancel T3", dm("ana"))
    ciphertext = sealed_description(app, 3)
    assert ciphertext.startswith(b"enc1:") and ciphertext in on_disk(app)
    assert b"Marchetti-Oyelaran" not in on_disk(app)
    clock.advance(timedelta(days=31))
    removed = await app.retention.purge()
    assert (
        removed["closed tasks"] == 3
        and removed["people detained (names, dates of birth, contacts)"] == 1
    )
    assert ciphertext not in on_disk(app)


async def test_the_audit_log_refuses_deletions_the_purge_did_not_mark(
    app: App, clock: FakeClock
) -> None:
    await say(app, "dee", REPORT)
    clock.advance(timedelta(days=366))
    await say(app, "dee", "/report where: Elm St & 3rd; what: vans")
    await app.retention.purge()  # marks entries older than a year as deletable, no newer
    with sqlite3.connect(app.store.path) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM audit_log")
