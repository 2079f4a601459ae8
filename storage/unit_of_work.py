"""One SQLite transaction seen as the core's unit of work: its typed repositories."""

from __future__ import annotations

from functools import cached_property

from bot.core.store import Changes
from storage.audit import SqliteAudit
from storage.broadcasts import SqliteBroadcasts
from storage.connection import Connection
from storage.dialogs import SqliteDialogs
from storage.dispatch import SqliteDispatch
from storage.forms import SqliteForms
from storage.inbox import SqliteInbox
from storage.media import SqliteMedia
from storage.members import SqliteMembers
from storage.outbox import SqliteOutbox
from storage.people import SqlitePeople
from storage.reports import SqliteReports
from storage.retention import SqliteRetention
from storage.tasks import SqliteTasks
from storage.timers import SqliteTimers


class SqliteTransaction:
    """Repositories bound to one connection inside one BEGIN … COMMIT, each made on first
    use (most units of work touch two or three of them)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.changes = Changes()

    @cached_property
    def reports(self) -> SqliteReports:
        return SqliteReports(self.conn)

    @cached_property
    def media(self) -> SqliteMedia:
        return SqliteMedia(self.conn)

    @cached_property
    def broadcasts(self) -> SqliteBroadcasts:
        return SqliteBroadcasts(self.conn)

    @cached_property
    def tasks(self) -> SqliteTasks:
        return SqliteTasks(self.conn)

    @cached_property
    def people(self) -> SqlitePeople:
        return SqlitePeople(self.conn)

    @cached_property
    def members(self) -> SqliteMembers:
        return SqliteMembers(self.conn)

    @cached_property
    def timers(self) -> SqliteTimers:
        return SqliteTimers(self.conn, self.changes)

    @cached_property
    def outbox(self) -> SqliteOutbox:
        return SqliteOutbox(self.conn, self.changes)

    @cached_property
    def audit(self) -> SqliteAudit:
        return SqliteAudit(self.conn)

    @cached_property
    def dialogs(self) -> SqliteDialogs:
        return SqliteDialogs(self.conn)

    @cached_property
    def dispatch(self) -> SqliteDispatch:
        return SqliteDispatch(self.conn)

    @cached_property
    def forms(self) -> SqliteForms:
        return SqliteForms(self.conn)

    @cached_property
    def inbox(self) -> SqliteInbox:
        return SqliteInbox(self.conn)

    @cached_property
    def retention(self) -> SqliteRetention:
        return SqliteRetention(self.conn, self.changes)
