"""Every query a busy day runs finds its rows through an index on the tables that grow.

A full scan of `reports` costs nothing with a hundred rows and a quarter of a second
with a hundred thousand (issue 16: /status was 18 ms at 1,000 stored reports and 255 ms
at 100,000). Rather than list the queries here (a new one would go unchecked), a whole
day is played through the console (reports, a corroboration, a place asked and given,
verification, /status, tasks, people, timers firing, delivery, the purge) with every
statement recorded, and each is asked for its plan (`EXPLAIN QUERY PLAN`).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.app import App
from storage.database import Database
from tests.fakes.chat import ChatHarness
from tests.fakes.clock import FakeClock

# Tables that grow with use. The others (settings, member_roles, delivery_problems, …)
# hold a handful of rows.
GROWING = {
    "reports",
    "corroborations",
    "decisions",
    "report_updates",
    "outbox",
    "broadcasts",
    "audit_log",
    "timers",
    "media",
    "tasks",
    "people",
    "signal_inbox",
    "members",
    "open_forms",
    "dialogs",
    "report_relays",
}
# Statements allowed to read a growing table whole, with the reason beside each. None
# is, since migration 0018 gave the purge's by-age lookups their indexes.
MAY_SCAN: frozenset[str] = frozenset()
DAY = [
    "dee@dm: /report where: 5th & Main; what: 2 vans, agents at the door; agency: ICE",
    "eli@dm: /report 5th and Main, ICE vans",
    "eli@dm: /report agents checking papers",
    "eli@dm: by the laundromat on Pine",
    "ben@organizers: /verify R1 seen them myself",
    "ana@organizers: /status",
    "dee@dm: /status",
    "ana@organizers: /task add bring water to the vigil; due: 2h",
    "ana@organizers: /task assign T1 dee 3h",
    "dee@dm: /task accept T1",
    "dee@dm: /tasks",
    "dee@dm: /task done T1 done, all fine",
    "cruz@organizers: /dismiss R2 routine",
    "ana@organizers: /resolve R1 they left",
    "dee@dm: /rights",
    "dee@dm: /lang es",
    "ana@organizers: /status",
    "ana@dm: /report where: 9th & Oak; what: caller sees agents; source: hotline; callback: "
    "555 010 0199",
    "dee@dm: /report 9th and Oak, agents at a door",
    "ben@organizers: /verify R3 2 agents at a door on 9th",
    "dee@dm: /report ICE at my door 1200 Elm St",
    "ana@dm: /stats 30d",
]


def _plan_problems(path: Path, statements: list[str]) -> list[str]:
    problems = []
    with sqlite3.connect(path) as raw:
        for sql in dict.fromkeys(statements):
            if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT|WITH)\b", sql, re.IGNORECASE):
                continue
            if sql in MAY_SCAN:
                continue
            for *_ids, detail in raw.execute(f"EXPLAIN QUERY PLAN {sql}"):
                scanned = re.match(r"SCAN (\w+)(?: AS \w+)?$", detail)
                if scanned and scanned.group(1) in GROWING:
                    problems.append(f"{detail}: {sql}")
    return problems


async def test_every_query_of_a_busy_day_uses_an_index(
    app: App, chat: ChatHarness, clock: FakeClock
) -> None:
    store = app.store
    assert isinstance(store, Database)
    statements: list[str] = []
    store.trace(statements.append)
    for line in DAY:
        await chat.say(line)
    clock.advance(timedelta(hours=2))
    await app.fire_due()
    await chat.console.worker.deliver_due()
    clock.advance(timedelta(days=400))
    await app.retention.purge()
    await app.fire_due()
    store.trace(None)
    assert len(statements) > 100  # the day really ran
    assert _plan_problems(Path(store.path), statements) == []
