"""The storage seam: what the core needs from a database, and nothing about how.

The core opens a unit of work (`async with store.transaction() as tx:`) and talks to
typed repositories (`tx.reports`, `tx.tasks`, `tx.timers`, `tx.outbox`, …). Everything
written inside the block is stored together or not at all. After a commit the store
calls its commit hooks with what changed (which platforms have new messages, which
timers moved), so delivery workers and the timer dispatcher react to exactly that.

Correctness never rests on the store running one transaction at a time: every state
change is a compare-and-set (`change_state`, `move`, `claim`) whose result the core
checks, so an engine with real concurrency (PostgreSQL) stays correct behind the same
protocols. `storage/` is the SQLite implementation; nothing in the core imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from bot.core.models import (
    Agency,
    Broadcast,
    Decision,
    Dialog,
    DismissReason,
    Dispatch,
    Drill,
    DrillCleanup,
    Duty,
    Media,
    MediaFile,
    Member,
    MessageKind,
    OpenForm,
    OutboxEntry,
    Person,
    PersonDetails,
    PlaceOrigin,
    Queued,
    ReceivedMedia,
    Relay,
    Report,
    ReportDraft,
    ReportState,
    Role,
    Task,
    TaskKind,
    TaskState,
    Timer,
    TimerKind,
    TrackRecord,
)


@dataclass
class Changes:
    """What one committed unit of work changed, for the commit hooks."""

    outbox: set[str] = field(default_factory=set)  # platforms with new messages to send
    # Timer id -> the timer as it now stands if pending (schedule or move its job), or
    # None if it no longer needs a job (fired, cancelled, failed).
    timers: dict[int, Timer | None] = field(default_factory=dict)
    # The purge ran: fold the WAL so deleted rows leave it (and, once a day, the store
    # checks its file's integrity).
    purged: bool = False

    def __bool__(self) -> bool:
        return bool(self.outbox or self.timers or self.purged)

    def merge(self, later: Changes) -> None:
        """Add what a unit of work nested in this one changed (it commits with this one)."""
        self.outbox |= later.outbox
        self.timers.update(later.timers)
        self.purged = self.purged or later.purged


CommitHook = Callable[[Changes], None]


@dataclass(frozen=True)
class ConfigNote:
    """What the store remembers of the config about one member: whether it listed them
    at the last start, and the disagreement with the database organizers were told of."""

    listed: bool
    told: str | None


@dataclass(frozen=True)
class Cutoffs:
    """Retention: records older than these moments may be forgotten."""

    people: datetime
    reports: datetime
    messages: datetime
    audit: datetime


@dataclass(frozen=True)
class ReportPlace:
    """A report's place and where it came from, for "possibly the same place" hints:
    comparing a new report with the open ones needs nothing else of them."""

    report_id: int
    where: str
    origin: PlaceOrigin


class Reports(Protocol):
    async def insert(
        self,
        draft: ReportDraft,
        *,
        place_key: str,
        known_location: str | None,
        reporter_id: int,
        now: datetime,
    ) -> int: ...

    async def get(self, report_id: int) -> Report | None: ...

    async def exists(self, report_id: int) -> bool: ...

    async def find_open_match(self, place_key: str, since: datetime) -> Report | None: ...

    async def in_states(
        self, states: Iterable[ReportState], *, since: datetime | None = None
    ) -> list[Report]: ...

    async def newest(
        self, states: Iterable[ReportState], *, since: datetime, limit: int
    ) -> list[Report]:
        """At most `limit` reports in `states` made since `since`, newest first."""
        ...

    async def page(
        self,
        states: Iterable[ReportState],
        *,
        since: datetime | None = None,
        limit: int | None = None,
        newest: bool = False,
    ) -> tuple[list[Report], int]:
        """At most `limit` (None: all) reports in `states` (changed since `since`), the
        oldest or the `newest`, in the order they were made; and how many there are."""
        ...

    async def newest_places(
        self, states: Iterable[ReportState], *, since: datetime, limit: int
    ) -> list[ReportPlace]:
        """The places of at most `limit` reports in `states` made since `since`, newest
        first (what `newest` would list, without the rest of each report)."""
        ...

    async def add_corroboration(
        self, report_id: int, draft: ReportDraft, *, reporter_id: int, now: datetime
    ) -> int:
        """Add a corroborating report; returns its id (its files are recorded with it)."""
        ...

    async def change_state(
        self, report_id: int, *, expected: ReportState, new: ReportState, now: datetime
    ) -> bool:
        """Move the report only if it is still `expected`; False if someone was first."""
        ...

    async def reports_by(self, member_id: int, since: datetime) -> tuple[int, datetime | None]:
        """How many reports a member sent since `since`, and the oldest of them."""
        ...

    async def record_decision(
        self,
        report_id: int,
        decision: Decision,
        *,
        reason: DismissReason | None,
        note: str,
        decided_by: int | None,
        now: datetime,
    ) -> None: ...

    async def update_details(
        self,
        report_id: int,
        *,
        where: str | None = None,
        place_key: str | None = None,
        what: str | None = None,
        agency: Agency | None = None,
        place_origin: PlaceOrigin | None = None,
        known_location: str | None = None,
        now: datetime,
    ) -> None: ...

    async def mark_claimed(self, report_id: int, at: datetime) -> None:
        """Keep when the report was first claimed (never by whom), for the numbers."""

    async def place_in_area(self, report_id: int, area: str | None) -> None:
        """Keep the name of the area the report is placed in (None: no area)."""

    async def record_update(
        self, report_id: int, kind: str, *, note: str, actor_id: int, now: datetime
    ) -> None: ...

    async def next_id(self) -> int:
        """The number the next report will get (numbers are never reused)."""
        ...

    async def add_relay(
        self,
        report_id: int,
        *,
        corroboration_id: int | None,
        relayed_by: int,
        callback: str,
        now: datetime,
    ) -> None:
        """A hotline call relayed as this report (or as its corroboration)."""
        ...

    async def relays(self, report_id: int) -> list[Relay]:
        """The hotline calls relayed as this report and its corroborations."""
        ...

    async def relay_reminded(self, relay_id: int) -> None:
        """The relaying organizer was reminded to call back: forget who they are."""
        ...

    async def track_record(
        self, report_id: int, *, corroboration_id: int | None = None, window: timedelta
    ) -> TrackRecord | None:
        """How the sender's earlier reports (within `window`) ended; None for a relay."""
        ...


class ReportMedia(Protocol):
    """Files reporters sent with a report: kept with it, deleted with it."""

    async def add(
        self,
        report_id: int,
        item: ReceivedMedia,
        *,
        corroboration_id: int | None,
        now: datetime,
    ) -> int: ...

    async def for_report(self, report_id: int) -> list[Media]:
        """The report's files, numbered 1, 2, … in the order they came."""
        ...

    async def files(self, media_ids: Iterable[int]) -> list[MediaFile]:
        """Clean copies to upload, for those of `media_ids` that are photos still kept."""
        ...


class Broadcasts(Protocol):
    """Where a report's alert and card went: kept as long as the report, unlike the outbox."""

    async def record(
        self,
        report_id: int,
        *,
        kind: MessageKind,
        platform: str,
        address: str,
        languages: tuple[str, ...],
        outbox_id: int,
        now: datetime,
    ) -> None: ...

    async def for_report(self, report_id: int, kind: MessageKind) -> list[Broadcast]:
        """Chats that got this kind of message about the report, in first-sent order."""
        ...

    async def delivered(self, outbox_id: int, external_id: str | None) -> None:
        """The platform's id for a recorded message, once it is sent (for later edits)."""
        ...


class Tasks(Protocol):
    async def insert(
        self,
        kind: TaskKind,
        description: str,
        *,
        report_id: int | None,
        person_id: int | None,
        due_at: datetime | None,
        created_by: int,
        now: datetime,
    ) -> int: ...

    async def get(self, task_id: int) -> Task | None: ...

    async def move(
        self,
        task_id: int,
        *,
        expected: Iterable[TaskState],
        expected_assignee: int | None,
        new: TaskState,
        assignee_id: int | None,
        now: datetime,
        due_at: datetime | None = None,
        note: str | None = None,
        keep_due: bool = True,
    ) -> bool:
        """Change state only from one of `expected` and while `expected_assignee` still
        has it (None: nobody), so a race has one winner."""
        ...

    async def in_states(
        self, states: Iterable[TaskState], *, assignee_id: int | None = None
    ) -> list[Task]: ...

    async def edit(
        self,
        task_id: int,
        *,
        description: str | None,
        due_at: datetime | None,
        expected: Iterable[TaskState],
        now: datetime,
    ) -> bool:
        """Change wording or due time only while the task is in one of `expected`."""
        ...


class People(Protocol):
    async def insert(
        self, report_id: int | None, details: PersonDetails, *, recorded_by: int, now: datetime
    ) -> int: ...

    async def update(self, person_id: int, details: PersonDetails) -> bool:
        """Replace what is recorded about a person (an organizer's correction)."""
        ...

    async def get(self, person_id: int) -> Person | None: ...


class Members(Protocol):
    async def get(self, member_id: int) -> Member | None: ...

    async def find(self, platform: str, external_id: str) -> Member | None: ...

    async def ensure(
        self,
        platform: str,
        external_id: str,
        language: str,
        now: datetime,
        *,
        language_chosen: bool = False,
    ) -> Member: ...

    async def set_language(self, member_id: int, language: str) -> None:
        """The member's language, as they (or the bot for them) chose it."""
        ...

    async def set_name(self, member_id: int, name: str | None, *, from_config: bool) -> bool:
        """What messages call the member (sealed: it is personal); a name from the config
        wins over a profile name. True if it changed."""
        ...

    async def set_roles(self, member_id: int, roles: Iterable[Role], now: datetime) -> None:
        """Exactly these roles: the config's, re-applied by an organizer; Discord's."""
        ...

    async def config_notes(self, platform: str) -> dict[int, ConfigNote]:
        """{member id: note} for every member of `platform` the config has ever listed."""
        ...

    async def note_config(self, member_id: int, *, listed: bool, told: str | None) -> None:
        """Remember that the config lists the member (or no longer does) and the
        disagreement organizers were last told about (None: none now)."""
        ...

    async def with_role(self, platform: str, role: Role) -> list[Member]: ...

    async def with_any_role(self, platform: str) -> list[Member]: ...

    async def grant_role(
        self, member_id: int, role: Role, now: datetime, *, from_config: bool = False
    ) -> None:
        """`from_config`: seeded from the config (else given by an organizer's /role)."""
        ...

    async def revoke_role(self, member_id: int, role: Role, *, unless_last: bool = False) -> bool:
        """True if the member had the role and no longer has it. With `unless_last`,
        only while another member of the same platform holds it too, checked in the
        same statement, so two organizers removing each other at once leave one."""
        ...


class Timers(Protocol):
    async def schedule(
        self, kind: TimerKind, subject_id: int, due_at: datetime, now: datetime
    ) -> int: ...

    async def cancel(self, kinds: Iterable[TimerKind], subject_id: int) -> None: ...

    async def get(self, timer_id: int) -> Timer | None: ...

    async def claim(self, timer_id: int, now: datetime, *, late: bool) -> bool:
        """pending -> fired, only once: a second caller gets False."""
        ...

    async def pending(self, *, due_by: datetime | None = None) -> list[Timer]: ...

    async def for_subject(self, subject_id: int) -> list[Timer]: ...

    async def keep_one(self, kind: TimerKind, due: datetime | None, now: datetime) -> None:
        """Exactly one pending timer of a recurring `kind` (none when `due` is None)."""
        ...

    async def retry(self, timer_id: int, at: datetime, error: str) -> bool:
        """Count a failed attempt and run the timer again at `at`."""
        ...

    async def fail(self, timer_id: int, error: str) -> bool:
        """Give up on a timer after its last attempt; True the first time only."""
        ...


class Outbox(Protocol):
    async def enqueue(
        self,
        *,
        platform: str,
        address: str,
        is_direct: bool,
        languages: tuple[str, ...],
        kind: MessageKind,
        body: str,
        now: datetime,
        report_id: int | None = None,
        ping: str | None = None,
        task_id: int | None = None,
        media: tuple[int, ...] = (),
    ) -> int: ...

    async def pending(self, platform: str) -> list[OutboxEntry]: ...

    async def queue(self, platform: str) -> list[Queued]:
        """Undelivered messages of a platform in the order they were written, no texts."""
        ...

    async def entries(self, ids: Sequence[int]) -> list[OutboxEntry]:
        """The undelivered rows among `ids`, whole, in the order they were written."""
        ...

    async def mark_delivered(
        self, entry_id: int, external_id: str | None, now: datetime
    ) -> bool: ...

    async def mark_retry(self, entry_id: int, error: str, next_attempt_at: datetime) -> None: ...

    async def mark_failed(self, entry_id: int, error: str) -> None: ...

    # Delivery records its outcomes in batches: several rows, one statement each kind.
    # Every mark is a compare-and-set on a pending row, as the single-row ones are.
    async def mark_delivered_many(
        self, delivered: Sequence[tuple[int, str | None]], now: datetime
    ) -> None: ...

    async def mark_retry_many(self, retries: Sequence[tuple[int, str, datetime]]) -> None: ...

    async def mark_failed_many(self, failed: Sequence[tuple[int, str]]) -> None: ...

    async def all_entries(self) -> list[OutboxEntry]: ...

    async def record_problem(self, platform: str, address: str, reason: str, now: datetime) -> bool:
        """Remember that something is wrong; True only the first time, so it is told once."""
        ...

    async def clear_problem(self, platform: str, address: str) -> bool:
        """The problem is over; True if one was recorded, so the next one is told again."""
        ...


class Audit(Protocol):
    async def record(
        self,
        at: datetime,
        actor_id: int | None,
        action: str,
        subject: str | None = None,
        **detail: str | int | None,
    ) -> None: ...

    def member_ref(self, member_id: int) -> str:
        """How an entry names a member it is about, without saying who it is."""
        ...

    async def entries(self, subject: str | None = None) -> list[dict[str, Any]]: ...


class Dialogs(Protocol):
    async def get(self, member_id: int) -> Dialog | None: ...

    async def save(
        self, member_id: int, kind: str, step: str, data: dict[str, str], now: datetime
    ) -> None: ...

    async def end(self, member_id: int) -> None: ...


class DispatchRecords(Protocol):
    """Claims and escalation steps of pending reports, who is on duty, whose turn it is."""

    async def get(self, report_id: int) -> Dispatch:
        """The report's dispatch (step 0 and no claim if nothing was stored yet)."""
        ...

    async def set_step(self, report_id: int, step: int) -> None: ...

    async def claim(
        self,
        report_id: int,
        member_id: int,
        eta: timedelta,
        now: datetime,
        *,
        expected: int | None,
    ) -> bool:
        """Compare-and-set: the claim is `member_id`'s if it was `expected`'s (None:
        unclaimed); False when someone else got there first."""
        ...

    async def release(self, report_id: int, *, expected: int) -> bool: ...

    async def mark_reasked(self, report_id: int) -> None: ...

    async def claimed(self) -> list[Dispatch]:
        """Every open claim."""
        ...

    async def forget(self, report_id: int) -> None:
        """The report was decided: who went to check it is not kept."""
        ...

    async def duty_on(
        self,
        member_id: int,
        until: datetime | None,
        now: datetime,
        areas: tuple[str, ...] = (),
        *,
        drill: bool = False,
    ) -> None:
        """On duty until `until` (None: until /duty off), for `areas` (empty: anywhere).
        `drill`: taken during a drill, so it ends with the drill (`Drills.end` puts back
        the duty the member had before)."""
        ...

    async def duty_off(self, member_id: int, now: datetime) -> bool:
        """End the member's duty now; False if they were not on duty."""
        ...

    async def duty_in_use(self) -> bool:
        """Whether anyone has ever gone on duty here (else nobody is told nobody is)."""
        ...

    async def on_duty(self, now: datetime, *, real: bool = False) -> list[Duty]:
        """Who is on duty now; `real`: as before a running drill (its duties left out)."""
        ...

    async def last_offered(self, member_ids: Iterable[int]) -> dict[int, datetime]: ...

    async def offered(
        self, member_ids: Iterable[int], now: datetime, *, drill: bool = False
    ) -> None:
        """Their turn was taken now; `drill`: for a drill report, so `Drills.end` puts
        back the turns they had before."""
        ...


class Forms(Protocol):
    """Forms opened and not yet sent: what each was opened with, under its token."""

    async def save(
        self, token: str, kind: str, member_id: int, data: dict[str, str], now: datetime
    ) -> None: ...

    async def get(self, token: str) -> OpenForm | None: ...

    async def delete(self, token: str) -> None: ...


class Inbox(Protocol):
    """Messages received from a platform, kept until handled so a crash loses none."""

    async def store(
        self, source: str, timestamp: int, envelope: dict[str, Any], now: datetime
    ) -> bool:
        """Keep a message; False when it was stored before (a repeat)."""
        ...

    async def unhandled(self) -> list[tuple[int, dict[str, Any]]]: ...

    async def mark_handled(self, entry_id: int, now: datetime) -> bool:
        """unhandled -> handled, once: a second caller gets False. Marked in the unit of
        work that handles the message, so the effect and the mark are stored together."""
        ...


class Drills(Protocol):
    async def current(self) -> Drill | None:
        """The drill running now, if any (ended ones are history)."""
        ...

    async def start(self, started_by: int, ends_at: datetime, now: datetime) -> Drill | None:
        """Start a drill; None if one is running already (compare-and-set)."""
        ...

    async def extend(self, drill_id: int, ends_at: datetime) -> bool:
        """Move a running drill's end; false if it is no longer running."""
        ...

    async def end(self, drill_id: int, now: datetime) -> DrillCleanup | None:
        """End a running drill and delete every report, person and task made during it
        (with their timers and the messages sent about them); None if it had ended."""
        ...

    async def drill_message(self, report_id: int | None, task_id: int | None) -> bool:
        """Whether a message written now belongs to a drill: one runs, and the message
        is not about a report or task made before it (their news goes on as usual)."""
        ...


class Retention(Protocol):
    async def count(self, cutoffs: Cutoffs) -> dict[str, int]:
        """How many records each retention rule would delete now (the dry run)."""
        ...

    async def delete(self, cutoffs: Cutoffs, limit: int | None = None) -> dict[str, int]:
        """Delete what the rules select, with exactly the dry run's conditions; with
        `limit`, at most that many rows, rule by rule in order (one batch)."""
        ...


class ReportFacts(NamedTuple):
    """One report as the after-action numbers see it: how it ended and when, nothing it
    says and nobody in it (`/stats`, `rrbot report`). A tuple: a window may hold 100,000."""

    state: ReportState
    created_at: datetime
    decided_at: datetime | None
    reason: DismissReason | None  # a dismissal's reason
    decided_by_member: bool  # False for a report that expired (the bot closed it)
    alerts: int  # chats its alert went to
    # Read from dispatch (claims, areas) and drills once those land; None/False until then
    # (see storage/stats.py, the one place that fills them).
    claimed_at: datetime | None = None
    area: str | None = None
    drill: bool = False


class TaskFacts(NamedTuple):
    """One follow-up task as the after-action numbers see it (no words, no names)."""

    state: TaskState
    created_at: datetime
    due_at: datetime | None
    closed_at: datetime | None  # when it was done or cancelled


class Stats(Protocol):
    """Counts and times for the after-action numbers, never text or people."""

    async def reports(self, since: datetime, until: datetime) -> list[ReportFacts]:
        """Every report made in [since, until], oldest first."""
        ...

    async def tasks(self, since: datetime, until: datetime) -> list[TaskFacts]:
        """Every task added in [since, until]."""
        ...

    async def people_recorded(self, since: datetime, until: datetime) -> int:
        """How many people detained were recorded in [since, until] (from the audit log,
        which outlives their details)."""
        ...


class Transaction(Protocol):
    """One unit of work: its repositories see and change one consistent state."""

    @property
    def reports(self) -> Reports: ...
    @property
    def media(self) -> ReportMedia: ...
    @property
    def broadcasts(self) -> Broadcasts: ...
    @property
    def tasks(self) -> Tasks: ...
    @property
    def people(self) -> People: ...
    @property
    def members(self) -> Members: ...
    @property
    def timers(self) -> Timers: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def audit(self) -> Audit: ...
    @property
    def dialogs(self) -> Dialogs: ...
    @property
    def dispatch(self) -> DispatchRecords: ...
    @property
    def forms(self) -> Forms: ...
    @property
    def inbox(self) -> Inbox: ...
    @property
    def retention(self) -> Retention: ...
    @property
    def stats(self) -> Stats: ...
    @property
    def drills(self) -> Drills: ...


class Store(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A block that writes: everything in it is stored, or nothing is.

        A block opened inside another one, by the same task, is part of the outer one: a
        failure inside it undoes only its own writes (a savepoint), and what it wrote is
        stored when, and only if, the outer block commits. That is how one message is
        handled in one unit of work however many blocks the actions it runs open.
        """
        ...

    def reading(self) -> AbstractAsyncContextManager[Transaction]:
        """A block that only reads, from one consistent snapshot (inside a `transaction`
        of the same task: that transaction's own state)."""
        ...

    def add_commit_hook(self, hook: CommitHook) -> None:
        """Call `hook` with what changed after every commit that changed something."""
        ...

    async def checkpoint(self) -> None:
        """Make deleted records leave every file the engine keeps (WAL, journal)."""
        ...

    async def close(self) -> None: ...
