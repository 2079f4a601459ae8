"""One SQLite transaction seen as the core's unit of work: its typed repositories."""

from __future__ import annotations

import aiosqlite

from bot.core.store import Changes
from storage.audit import SqliteAudit
from storage.broadcasts import SqliteBroadcasts
from storage.dialogs import SqliteDialogs
from storage.inbox import SqliteInbox
from storage.members import SqliteMembers
from storage.outbox import SqliteOutbox
from storage.people import SqlitePeople
from storage.reports import SqliteReports
from storage.retention import SqliteRetention
from storage.tasks import SqliteTasks
from storage.timers import SqliteTimers


class SqliteTransaction:
    """Repositories bound to one connection inside one BEGIN … COMMIT.

    They are made on first use: most units of work touch two or three of them.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.changes = Changes()
        self._reports: SqliteReports | None = None
        self._tasks: SqliteTasks | None = None
        self._members: SqliteMembers | None = None
        self._timers: SqliteTimers | None = None
        self._outbox: SqliteOutbox | None = None

    @property
    def reports(self) -> SqliteReports:
        if self._reports is None:
            self._reports = SqliteReports(self.conn)
        return self._reports

    @property
    def broadcasts(self) -> SqliteBroadcasts:
        return SqliteBroadcasts(self.conn)

    @property
    def tasks(self) -> SqliteTasks:
        if self._tasks is None:
            self._tasks = SqliteTasks(self.conn)
        return self._tasks

    @property
    def people(self) -> SqlitePeople:
        return SqlitePeople(self.conn)

    @property
    def members(self) -> SqliteMembers:
        if self._members is None:
            self._members = SqliteMembers(self.conn)
        return self._members

    @property
    def timers(self) -> SqliteTimers:
        if self._timers is None:
            self._timers = SqliteTimers(self.conn, self.changes)
        return self._timers

    @property
    def outbox(self) -> SqliteOutbox:
        if self._outbox is None:
            self._outbox = SqliteOutbox(self.conn, self.changes)
        return self._outbox

    @property
    def audit(self) -> SqliteAudit:
        return SqliteAudit(self.conn)

    @property
    def dialogs(self) -> SqliteDialogs:
        return SqliteDialogs(self.conn)

    @property
    def inbox(self) -> SqliteInbox:
        return SqliteInbox(self.conn)

    @property
    def retention(self) -> SqliteRetention:
        return SqliteRetention(self.conn, self.changes)
