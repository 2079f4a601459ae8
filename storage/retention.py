"""What the retention rules delete, as SQL the dry run and the purge share.

Each rule is one table and one condition, counted by `rrbot purge --dry-run` and
deleted by the purge with exactly the same condition, so the dry run cannot promise
something the purge does differently. Rules run in order: tasks before the people they
are about (deleting a person would otherwise detach its tasks from the rule).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial

from bot.core.store import Changes, Cutoffs
from storage.connection import Connection
from storage.timecodec import to_db

# A person may go once nothing about them is still being done and the last task about
# them closed before the cut-off.
_PERSON_DONE = (
    "p.created_at < :people AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.person_id = p.id "
    "AND (t.state IN ('open', 'offered', 'accepted') OR t.updated_at >= :people))"
)


@dataclass(frozen=True)
class Rule:
    name: str  # what an operator reads in the dry run
    table: str  # may carry an alias the condition uses ("people AS p")
    where: str

    @property
    def rows(self) -> str:
        """The rows the rule selects, at most :limit of them (by rowid)."""
        alias = self.table.split()[-1]
        key = f"{alias}.rowid" if alias != self.table else "rowid"
        return f"SELECT {key} FROM {self.table} WHERE {self.where} LIMIT :limit"  # noqa: S608


RULES: tuple[Rule, ...] = (
    Rule(
        "closed tasks",
        "tasks",
        "state IN ('done', 'cancelled') AND updated_at < :people AND (person_id IS NULL OR "  # noqa: S608
        "person_id IN (SELECT p.id FROM people p WHERE " + _PERSON_DONE + "))",
    ),
    Rule("people detained (names, dates of birth, contacts)", "people AS p", _PERSON_DONE),
    # Named before the reports they belong to (which would take them along unseen), so
    # the dry run counts them.
    Rule(
        "photos and videos of closed reports",
        "media",
        "report_id IN (SELECT r.id FROM reports r WHERE r.state NOT IN ('pending', "
        "'verified') AND r.updated_at < :reports)",
    ),
    Rule(
        "closed reports (with their decisions, corroborations and updates)",
        "reports",
        "state NOT IN ('pending', 'verified') AND updated_at < :reports",
    ),
    Rule(
        "sent messages",
        "outbox",
        "state != 'pending' AND created_at < :messages",
    ),
    Rule("handled Signal receipts", "signal_inbox", "handled_at < :messages"),
    Rule("abandoned conversations", "dialogs", "updated_at < :messages"),
    Rule("forms opened and never sent", "open_forms", "created_at < :messages"),
    Rule("finished timers", "timers", "state != 'pending' AND created_at < :messages"),
    # "Organizers were told this member flooded" marks, one per member and hour.
    Rule("flood notices", "delivery_problems", "platform = 'rate' AND reported_at < :messages"),
    Rule("audit log entries", "audit_log", "at < :audit"),
    # When each drill ran and who started it, kept as long as the audit log.
    Rule("finished drills", "drills", "ended_at IS NOT NULL AND ended_at < :audit"),
)


def _params(cutoffs: Cutoffs) -> dict[str, str]:
    return {
        "people": to_db(cutoffs.people),
        "reports": to_db(cutoffs.reports),
        "messages": to_db(cutoffs.messages),
        "audit": to_db(cutoffs.audit),
    }


def _delete(sql: str, params: dict[str, object], raw: sqlite3.Connection) -> int:
    return raw.execute(sql, params).rowcount


def _table(rule: Rule) -> str:
    return rule.table.split()[0]


class SqliteRetention:
    """The retention rules, counted and applied."""

    def __init__(self, conn: Connection, changes: Changes) -> None:
        self._conn = conn
        self._changes = changes

    async def count(self, cutoffs: Cutoffs) -> dict[str, int]:
        """How many rows each rule would delete now (the dry run)."""
        found: dict[str, int] = {}
        for rule in RULES:
            # Counting reads whole tables: in the connection's thread, not on the loop.
            row = await self._conn.execute_waiting(
                f"SELECT COUNT(*) AS n FROM {rule.table} WHERE {rule.where}",  # noqa: S608 - constants
                _params(cutoffs),
            )
            found[rule.name] = int(row[0]["n"]) if row else 0
        return found

    async def delete(self, cutoffs: Cutoffs, limit: int | None = None) -> dict[str, int]:
        """Delete what the rules select; returns how many rows each rule removed.

        With `limit`, at most that many rows (of the rules' own tables) in all, taken
        rule by rule in order: a later rule runs only once the earlier ones have nothing
        left, so a purge done in batches deletes what one done at once would.
        """
        # The audit log refuses deletions newer than this mark (see migration 9).
        await self._conn.execute(
            "INSERT INTO settings (name, value) VALUES ('audit_kept_since', :audit) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            _params(cutoffs),
        )
        removed: dict[str, int] = {}
        budget = -1 if limit is None else limit  # SQLite: LIMIT -1 is no limit
        for rule in RULES:
            if budget == 0:
                removed[rule.name] = 0
                continue
            # A batch overwrites what it deletes (secure_delete): in the connection's
            # thread, so the loop answers people meanwhile.
            removed[rule.name] = await self._conn.offload(
                partial(
                    _delete,
                    f"DELETE FROM {_table(rule)} WHERE rowid IN ({rule.rows})",  # noqa: S608 - constants
                    {**_params(cutoffs), "limit": budget},
                )
            )
            if budget > 0:
                budget -= removed[rule.name]
        # Even with nothing deleted: after a purge the WAL is folded, and at most once a
        # day the file's integrity is checked (storage/database.py).
        self._changes.purged = True
        return removed
