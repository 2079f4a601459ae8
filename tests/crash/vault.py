"""The bot's database as the crash test reads it: read-only, with the data key.

Nothing here writes to the database: after a kill the files are left exactly as the dead
process left them for the next start to find (a read-only connection does not fold the
WAL back). Sealed columns are opened with the same key the bot used.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage.crypto import FieldCipher


@dataclass(frozen=True)
class Row:
    """One outbox row, its text opened (empty for a direct message once delivered)."""

    id: int
    address: str
    is_direct: bool
    kind: str
    body: str
    state: str
    external_id: str | None
    ping: bool
    created_at: datetime


@dataclass(frozen=True)
class TimerRow:
    id: int
    kind: str
    subject_id: int
    due_at: datetime
    state: str
    attempts: int


@dataclass(frozen=True)
class Snapshot:
    """What the database held when the bot died (or stopped)."""

    integrity: str
    outbox: dict[int, Row]
    timers: list[TimerRow]
    inbox: dict[tuple[str, int], bool]  # (source hash, timestamp) -> handled

    def pending(self) -> list[Row]:
        return [row for row in self.outbox.values() if row.state == "pending"]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class Vault:
    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self.key = key
        self._cipher: FieldCipher | None = None

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        connection.row_factory = sqlite3.Row
        try:
            yield connection
        finally:
            connection.close()

    def exists(self) -> bool:
        if not self.path.exists():
            return False
        with self.connect() as db:
            found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'settings'").fetchone()
            if found is None:
                return False
            return (
                db.execute("SELECT 1 FROM settings WHERE name = 'hash_key'").fetchone() is not None
            )

    def cipher(self) -> FieldCipher:
        """The bot's cipher, with the database's own key for keyed hashes."""
        if self._cipher is None:
            if self.key is None:  # the console trial keeps its key beside the database
                text = self.path.with_name(self.path.name + ".key").read_text(encoding="ascii")
                self.key = base64.urlsafe_b64decode(text.strip().encode())
            cipher = FieldCipher(self.key)
            with self.connect() as db:
                row = db.execute("SELECT value FROM settings WHERE name = 'hash_key'").fetchone()
            cipher.hash_key = base64.b64decode(cipher.open(row["value"], "settings.hash_key"))
            self._cipher = cipher
        return self._cipher

    def opened(self, value: str | None, field: str) -> str:
        return "" if not value else self.cipher().open(value, field)

    def source_hash(self, source: str) -> str:
        """How the Signal inbox names a sender (storage.identities.signal_source_hash)."""
        return self.cipher().digest(source, "signal-source")

    def snapshot(self) -> Snapshot:
        if not self.exists():  # killed before its first start made the database
            return Snapshot("ok (no database yet)", {}, [], {})
        with self.connect() as db:
            integrity = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
            outbox = {row.id: row for row in self._outbox(db)}
            timers = [
                TimerRow(
                    row["id"],
                    row["kind"],
                    row["subject_id"],
                    moment(row["due_at"]),
                    row["state"],
                    row["attempts"],
                )
                for row in db.execute("SELECT * FROM timers ORDER BY id")
            ]
            inbox = {
                (row["source"], row["timestamp"]): row["handled_at"] is not None
                for row in db.execute("SELECT source, timestamp, handled_at FROM signal_inbox")
            }
        return Snapshot(integrity, outbox, timers, inbox)

    def _outbox(self, db: sqlite3.Connection) -> Iterator[Row]:
        for row in db.execute("SELECT * FROM outbox ORDER BY id"):
            direct = bool(row["is_direct"])
            yield Row(
                id=row["id"],
                address=self.opened(row["address"], "outbox.address") if direct else row["address"],
                is_direct=direct,
                kind=row["kind"],
                body=self.opened(row["body"], "outbox.body"),
                state=row["state"],
                external_id=row["external_id"],
                ping=row["ping"] == "verifiers",
                created_at=moment(row["created_at"]),
            )

    def query(self, sql: str, *params: object) -> list[sqlite3.Row]:
        with self.connect() as db:
            return list(db.execute(sql, params))

    def settled(self, now: datetime) -> bool:
        """Whether every timer due by `now` has fired and every message has gone out."""
        with self.connect() as db:
            due = db.execute(
                "SELECT COUNT(*) FROM timers WHERE state = 'pending' AND due_at <= ?",
                (now.isoformat(timespec="microseconds"),),
            ).fetchone()[0]
            pending = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()
        return due == 0 and pending[0] == 0

    def members(self) -> dict[int, str]:
        """Each member's platform id (a console name, a Signal UUID), by row id."""
        rows = self.query("SELECT id, external_sealed FROM members")
        return {
            row["id"]: self.opened(row["external_sealed"], "members.external_sealed")
            for row in rows
        }
