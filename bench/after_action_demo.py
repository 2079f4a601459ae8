"""A seeded demo database for the after-action page: `reports` reports over `days` days.

Three reports and a task are made through the bot (so every sealed value is real), then
copied with SQL into many reports spread over the days, ending as networks report them:
most routine presence or could not verify, few confirmed, some expired, a surge day.
Used by bench/bench_after_action.py (100,000 reports) and bench/after_action_image.py
(the README's picture).
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.config import load_config
from bot.core.models import Conversation
from tests.fakes.clock import FakeClock

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
# How reports end, as shares (confirmed, routine, false alarm, could not verify, expired).
ENDINGS = (
    ("verified", None, 0.06),
    ("dismissed", "routine", 0.46),
    ("dismissed", "false-alarm", 0.14),
    ("dismissed", "unverifiable", 0.18),
    ("expired", "unverifiable", 0.16),
)


async def _templates(path: Path) -> None:
    app = await App.start(load_config(ROOT / "config.example.toml"), path, FakeClock(NOW))
    try:
        dee = await app.members.identify("console", "dee")
        ana = await app.members.identify("console", "ana")
        direct = Conversation("console", "dee", is_direct=True)
        for n in range(3):
            await app.router.handle(dee, direct, f"/report where: {n} Elm St; what: ICE vans")
        await app.router.handle(ana, Conversation("console", "ana", is_direct=True),
                                "/task add call the family; due: 2h")  # fmt: skip
    finally:
        await app.close()


def _when(rng: random.Random, days: int) -> datetime:
    surge = rng.random() < 0.25  # a quarter of everything in one day, a week ago
    if surge:
        return NOW - timedelta(days=7, hours=rng.uniform(0, 20))
    return NOW - timedelta(days=rng.uniform(0, days))


def _minutes(rng: random.Random) -> float:
    return min(rng.lognormvariate(2.7, 0.8), 55.0)  # median ~15 min; expiry at 60


async def seed(path: Path, reports: int, days: int = 30, seed_value: int = 15) -> None:
    await _templates(path)
    rng = random.Random(seed_value)  # noqa: S311 - a demo, not a secret
    with sqlite3.connect(path) as raw:
        ben = raw.execute("SELECT id FROM members WHERE rowid = 2").fetchone()[0]
        columns = [r[1] for r in raw.execute("PRAGMA table_info(reports)") if r[1] != "id"]
        chosen = ", ".join({"state": "?", "created_at": "?", "updated_at": "?"}.get(c, c)
                           for c in columns)  # fmt: skip
        insert = (
            f"INSERT INTO reports ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {chosen} FROM reports WHERE id = 1"
        )
        raw.execute("BEGIN")
        decisions, alerts = [], []
        # In the order they came in, as a network's reports are stored.
        for created in sorted(_when(rng, days) for _n in range(reports)):
            pick, total = rng.random(), 0.0
            state, reason = "dismissed", "routine"
            for end_state, end_reason, share in ENDINGS:
                total += share
                if pick <= total:
                    state, reason = end_state, end_reason
                    break
            open_now = NOW - created < timedelta(hours=1) and rng.random() < 0.5
            decided = created + timedelta(minutes=60 if state == "expired" else _minutes(rng))
            stored = "pending" if open_now else ("dismissed" if state == "expired" else state)
            if stored == "verified" and rng.random() < 0.8:
                stored = "resolved"
            at = created.isoformat(timespec="microseconds")
            report_id = raw.execute(insert, (stored, at, at)).lastrowid
            if open_now:
                continue
            when = decided.isoformat(timespec="microseconds")
            decisions.append((report_id, "verified" if state == "verified" else "dismissed",
                              reason, None if state == "expired" else ben, when))  # fmt: skip
            if state == "verified":
                alerts += [(report_id, chat, when) for chat in ("alerts", "alertas")]
        raw.executemany(
            "INSERT INTO decisions (report_id, decision, reason, note, decided_by, decided_at) "
            "VALUES (?, ?, ?, '', ?, ?)",
            decisions,
        )
        raw.executemany(
            "INSERT INTO broadcasts (report_id, kind, platform, address, languages, created_at) "
            "VALUES (?, 'alert', 'console', ?, '[\"en\"]', ?)",
            alerts,
        )
        raw.execute("DELETE FROM reports WHERE id <= 3")  # the templates, made 'now'
        task_columns = [r[1] for r in raw.execute("PRAGMA table_info(tasks)") if r[1] != "id"]
        task_chosen = ", ".join(
            {"state": "?", "created_at": "?", "updated_at": "?", "due_at": "?",
             "assignee_id": "?"}.get(c, c) for c in task_columns
        )  # fmt: skip
        for _n in range(max(1, reports // 25)):
            created = _when(rng, days)
            due = created + timedelta(hours=2)
            state = rng.choice(("done", "done", "done", "accepted", "open", "cancelled"))
            closed = created + timedelta(hours=rng.uniform(0.5, 3))
            given = {
                "state": state,
                "created_at": created.isoformat(timespec="microseconds"),
                "updated_at": (closed if state in ("done", "cancelled") else created).isoformat(
                    timespec="microseconds"
                ),
                "due_at": due.isoformat(timespec="microseconds"),
                "assignee_id": ben if state in ("accepted", "done") else None,
            }
            raw.execute(
                f"INSERT INTO tasks ({', '.join(task_columns)}) "  # noqa: S608
                f"SELECT {task_chosen} FROM tasks WHERE id = 1",
                [given[c] for c in task_columns if c in given],
            )
        raw.execute("DELETE FROM tasks WHERE id = 1")
        raw.executemany(
            "INSERT INTO audit_log (at, actor, action, subject, detail) "
            "VALUES (?, NULL, 'person.recorded', ?, '{}')",
            [(_when(rng, days).isoformat(timespec="microseconds"), f"P{n + 1}")
             for n in range(max(1, reports // 60))],
        )  # fmt: skip
        raw.execute("COMMIT")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
