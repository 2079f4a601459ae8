"""The network's vocabulary: members, reports, decisions and the chats we talk to.

These are plain values with no behaviour beyond naming things; the rules that move a
report or a task from one state to the next live in `transitions.py`, and who may do
what lives in `permissions.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    ORGANIZER = "organizer"
    VERIFIER = "verifier"
    VOLUNTEER = "volunteer"


class ReportState(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"
    RETRACTED = "retracted"

    @property
    def is_open(self) -> bool:
        return self in (ReportState.PENDING, ReportState.VERIFIED)


class Agency(StrEnum):
    ICE = "ice"
    CBP = "cbp"
    HSI = "hsi"
    POLICE = "police"
    UNKNOWN = "unknown"


class Sign(StrEnum):
    """The warning signs trainers teach people to look for."""

    VEHICLES = "vehicles"  # vehicles parked haphazardly
    TENTS = "tents"
    BUSES = "buses"  # buses or vans
    GATHERING = "gathering"  # agents gathering away from a federal building or office
    QUESTIONING = "questioning"  # agents questioning people
    HOUSE = "house"  # agents at a particular house


class Source(StrEnum):
    FIRST_HAND = "first-hand"
    SECOND_HAND = "second-hand"
    SOCIAL_MEDIA = "social-media"


class DismissReason(StrEnum):
    ROUTINE = "routine"  # routine presence, e.g. agents at lunch near the federal building
    FALSE_ALARM = "false-alarm"
    UNVERIFIABLE = "unverifiable"  # could not verify


class Decision(StrEnum):
    VERIFIED = "verified"
    DISMISSED = "dismissed"


class TargetPurpose(StrEnum):
    ORGANIZERS = "organizers"  # where reports come in and verifiers are asked
    BROADCAST = "broadcast"  # the wider network; only verified alerts go here
    GENERAL = "general"  # a chat the bot answers in but never posts to on its own


@dataclass(frozen=True)
class Member:
    id: int
    platform: str
    external_id: str
    language: str
    roles: frozenset[Role] = frozenset()
    # Whether they chose their language (/lang, the config): if not, a command typed in
    # another of the network's languages ("/ayuda") is answered in it, that once.
    language_chosen: bool = True
    # What messages call them, if known: the config's name for them, or else the profile
    # name their platform last showed. Never who they are: that is `external_id`.
    name: str | None = None

    @property
    def handle(self) -> str:
        """How a message names this member: on Discord a mention, which shows the
        member's current name without pinging (the bot never allows user pings)."""
        if self.platform == "discord":
            return f"<@{self.external_id}>"
        return self.external_id

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class Target:
    """A chat the bot can post to, on one platform, in one or more languages."""

    platform: str
    address: str
    purpose: TargetPurpose
    languages: tuple[str, ...]
    label: str
    # The areas whose alerts this chat gets; empty: network-wide (every alert).
    areas: tuple[str, ...] = ()

    def covers(self, area: str | None) -> bool:
        return area is None or not self.areas or area in self.areas

    # Gets a drill's alerts (/drill start); every other chat hears nothing of a drill.
    drill: bool = False

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.address}"


@dataclass(frozen=True)
class Conversation:
    """Where a command came from, so replies can be kept out of the wrong chats."""

    platform: str
    address: str  # a chat address, or the member's id for a direct message
    is_direct: bool
    purpose: TargetPurpose | None = None

    @property
    def is_private_enough_for_pending(self) -> bool:
        # Unverified reports never leave the organizer chat (or a verifier's own DM).
        return self.is_direct or self.purpose is TargetPurpose.ORGANIZERS


class PlaceOrigin(StrEnum):
    """Where a report's place came from, so verifiers know how far to trust it."""

    TYPED = "typed"  # the reporter labelled it ("where: …") or a form asked for it
    READ = "read"  # the bot read it out of free text ("ICE at the Walmart on Main St")
    MISSING = "missing"  # no exact place: verifiers confirm it, the reporter is asked


@dataclass(frozen=True)
class OwnWords:
    """The reporter's own words for a field, kept when they say more than the choice
    recognised in them ("vans parked haphazardly"), or when nothing was recognised."""

    agency: str = ""
    signs: str = ""
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.agency or self.signs or self.source)


@dataclass(frozen=True)
class HotlineCall:
    """A report an organizer (a dispatcher) files for someone who called the hotline.
    `callback`: the caller's number to call back with the outcome, as typed (the intake
    keeps it as E.164 when it reads as a phone number); sealed at rest, shown only to
    organizers in a direct message."""

    callback: str = ""


@dataclass(frozen=True)
class ReportDraft:
    where: str
    what: str = ""
    agency: Agency = Agency.UNKNOWN
    signs: tuple[Sign, ...] = ()
    source: Source | None = None
    media: tuple[str, ...] = ()
    own_words: OwnWords = OwnWords()
    place_origin: PlaceOrigin = PlaceOrigin.TYPED
    # Filed for a hotline caller (`source: hotline`), not seen by whoever sent it.
    hotline: HotlineCall | None = None
    # Its words say it is at someone's home ("ICE at my door"): see bot/core/homes.py.
    at_home: bool = False


@dataclass(frozen=True)
class Report:
    id: int
    state: ReportState
    where: str
    what: str
    agency: Agency
    signs: tuple[Sign, ...]
    source: Source | None
    media: tuple[str, ...]
    reporter_id: int | None
    place_key: str
    known_location: str | None
    created_at: datetime
    updated_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None
    dismiss_reason: DismissReason | None = None
    decision_note: str = ""
    reporters: frozenset[int] = field(default_factory=frozenset)
    own_words: OwnWords = OwnWords()
    place_origin: PlaceOrigin = PlaceOrigin.TYPED
    # How many distinct people reported it, kept after `reporters` is forgotten (closed).
    reporter_count: int = 0
    # Filed by an organizer for a hotline caller: it has no reporter track record.
    relayed: bool = False
    # Its words said it is at someone's home: alerts name the block, not the house.
    at_home: bool = False
    # Made during a drill: left out of the numbers, deleted when the drill ends.
    drill: bool = False

    @property
    def code(self) -> str:
        return f"R{self.id}"

    @property
    def independent_reports(self) -> int:
        """Distinct people who reported this: the original reporter and corroborators."""
        return max(1, len(self.reporters), self.reporter_count)


@dataclass(frozen=True)
class Relay:
    """A hotline call relayed as a report (or as a corroboration of one): who relayed
    it, until they were reminded to call back, and the caller's number, if given."""

    id: int
    report_id: int
    corroboration_id: int | None
    relayed_by: int | None
    callback: str


@dataclass(frozen=True)
class TrackRecord:
    """How a reporter's earlier reports ended, counted by keyed hash within a window:
    what verifiers weigh a report from an unknown number by, naming nobody."""

    confirmed: int = 0
    routine: int = 0
    false_alarms: int = 0
    unverified: int = 0
    still_open: int = 0

    @property
    def first(self) -> bool:
        return not (
            self.confirmed + self.routine + self.false_alarms + self.unverified + self.still_open
        )


class MediaKind(StrEnum):
    """What became of a file a reporter sent. Only a photo is shown to anyone (as a copy
    without its hidden details); for everything else the card says what came and why it
    was not passed on, so nothing a reporter sent is lost without a word."""

    PHOTO = "photo"  # an image the bot read: a clean copy is kept and shown to verifiers
    VIDEO = "video"  # never passed on: the bot cannot remove what a video carries
    UNREADABLE = "unreadable"  # an image in a format the bot cannot open (HEIC, …)
    OTHER = "other"  # not a photo or a video (a document, a voice note)
    TOO_LARGE = "too_large"  # over the size limit: not downloaded
    OVER_LIMIT = "over_limit"  # beyond the number kept per report: not downloaded
    UNAVAILABLE = "unavailable"  # the platform could not hand it over

    @property
    def fetched(self) -> bool:
        """Whether the bot had the file's bytes (and so its fingerprint)."""
        return self in (MediaKind.PHOTO, MediaKind.VIDEO, MediaKind.UNREADABLE, MediaKind.OTHER)


@dataclass(frozen=True)
class ReceivedMedia:
    """A file a reporter sent, as the bot keeps it: never the original bytes."""

    kind: MediaKind
    format: str  # "JPEG", "HEIC", "MP4", or the declared type; letters, digits, /.+- only
    size: int  # bytes of the original (as declared, when it was not downloaded)
    sha256: str | None = None  # hex SHA-256 of the original, to match a copy later
    data: bytes | None = None  # photos: the clean copy (re-encoded, no metadata)
    width: int | None = None  # of the clean copy
    height: int | None = None


@dataclass(frozen=True)
class Media:
    """A stored file of a report, numbered in the order it came (report, then
    corroborations), without its bytes."""

    id: int
    report_id: int
    number: int
    kind: MediaKind
    format: str
    size: int
    sha256: str | None
    width: int | None
    height: int | None
    corroboration_id: int | None = None

    @property
    def shareable(self) -> bool:
        return self.kind is MediaKind.PHOTO


@dataclass(frozen=True)
class PhotoChoice:
    """The photos a verifier sends with the alert: all of the report's, or those
    numbered on the card. Without a choice, photos never leave the organizer chat."""

    numbers: tuple[int, ...] = ()  # empty: every photo


@dataclass(frozen=True)
class MediaFile:
    """A clean copy ready to upload with a message."""

    name: str  # "R3-photo-1.jpg": says nothing about the reporter or their phone
    content_type: str
    data: bytes


class TaskKind(StrEnum):
    CALL_CONTACT = "call_contact"
    LEGAL_REFERRAL = "legal_referral"
    PICK_UP_CHILDREN = "pick_up_children"
    OTHER = "other"


class TaskState(StrEnum):
    OPEN = "open"  # nobody has it
    OFFERED = "offered"  # assigned, waiting for the volunteer to accept
    ACCEPTED = "accepted"  # the volunteer promised to do it
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_active(self) -> bool:
        return self in (TaskState.OPEN, TaskState.OFFERED, TaskState.ACCEPTED)


@dataclass(frozen=True)
class PersonDetails:
    """What an organizer records about someone detained."""

    name: str
    date_of_birth: date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_relation: str = ""
    language: str | None = None
    children: str = ""  # where to pick them up
    children_by: datetime | None = None
    notes: str = ""


@dataclass(frozen=True)
class Person:
    id: int
    report_id: int | None
    details: PersonDetails
    created_at: datetime

    @property
    def code(self) -> str:
        return f"P{self.id}"


@dataclass(frozen=True)
class Task:
    id: int
    kind: TaskKind
    description: str
    report_id: int | None
    person_id: int | None
    assignee_id: int | None
    due_at: datetime | None
    state: TaskState
    note: str
    created_at: datetime
    updated_at: datetime
    drill: bool = False  # made during a drill (see Report.drill)

    @property
    def code(self) -> str:
        return f"T{self.id}"


class TimerKind(StrEnum):
    """Every promise the bot makes about time; each kind has one handler."""

    REPORT_REASK = "report.reask"  # the next step of the report's escalation chain
    CLAIM_OVERDUE = "report.claim_overdue"  # a claim past its ETA and grace, undecided
    REPORT_EXPIRE = "report.expire"
    REPORT_ACTIVE_CHECK = "report.active_check"
    TASK_OFFER_REMINDER = "task.offer_reminder"
    TASK_OFFER_ESCALATION = "task.offer_escalation"
    TASK_DUE_REMINDER = "task.due_reminder"
    TASK_DUE = "task.due"
    TASK_OVERDUE = "task.overdue"
    DAILY_SUMMARY = "summary.daily"
    DAILY_PURGE = "retention.daily"
    PURGE_MORE = "retention.more"  # the day's purge goes on, one batch per unit of work
    DRILL_END = "drill.end"  # a drill's time is up: it ends and what it made is deleted


@dataclass(frozen=True)
class Dispatch:
    """A pending report's dispatch: the escalation step reached and the claim, if any."""

    report_id: int
    step: int = 0
    claimed_by: int | None = None
    eta: timedelta | None = None
    claimed_at: datetime | None = None
    reasked: bool = False  # the claimer was asked once whether they are still going

    @property
    def due_back(self) -> datetime | None:
        """When the claimer said they would be there."""
        if self.claimed_at is None or self.eta is None:
            return None
        return self.claimed_at + self.eta


@dataclass(frozen=True)
class Duty:
    member_id: int
    since: datetime
    until: datetime | None  # None: until /duty off
    areas: tuple[str, ...] = ()  # the areas taken; empty: anywhere


class TimerState(StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"
    FAILED = "failed"  # its handler kept failing; organizers were told


@dataclass(frozen=True)
class Timer:
    id: int
    kind: TimerKind
    subject_id: int
    due_at: datetime  # when it was promised for (lateness is measured from here)
    state: TimerState
    fired_at: datetime | None = None
    late: bool = False
    attempts: int = 0  # failed attempts so far
    retry_at: datetime | None = None  # after a failure: when to try again

    @property
    def run_at(self) -> datetime:
        return self.retry_at or self.due_at


class MessageKind(StrEnum):
    """What an outgoing message is, so senders know how to show it (cards, buttons)."""

    NEW_REPORT = "new_report"  # the card verifiers act on
    CORROBORATION = "corroboration"
    REASK = "reask"
    OFFER = "offer"  # a verifier is asked, by direct message, to go and check a report
    CLAIM = "claim"  # organizers hear who is on the way
    DECISION = "decision"
    ALERT = "alert"  # the broadcast
    RESOLVED = "resolved"
    CORRECTED = "corrected"
    RETRACTED = "retracted"
    UPDATE = "update"  # organizers hear a follow-up went out
    ACTIVE_CHECK = "active_check"
    OUTCOME = "outcome"  # a reporter hears what became of their report
    REPLY = "reply"
    DELIVERY_PROBLEM = "delivery_problem"
    TIMER_FAILED = "timer_failed"
    ROLES = "roles"  # organizers hear that the config and the records disagree on roles
    ROLE_CHANGE = "role_change"  # a /role change, told to organizers and the member
    SUMMARY = "summary"
    TASK = "task"
    TASK_OFFER = "task_offer"
    TASK_DETAILS = "task_details"
    TASK_NOTE = "task_note"
    TASK_UPDATE = "task_update"
    TASK_REMINDER = "task_reminder"
    ESCALATION = "escalation"
    DRILL = "drill"  # a drill starts or ends


@dataclass(frozen=True)
class OutboxEntry:
    """One message the bot owes one chat."""

    id: int
    platform: str
    address: str
    is_direct: bool
    languages: tuple[str, ...]
    kind: MessageKind
    report_id: int | None
    body: str
    ping: str | None
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    external_id: str | None
    created_at: datetime
    delivered_at: datetime | None
    task_id: int | None = None
    media_ids: tuple[int, ...] = ()  # clean copies of photos that go with the message
    files: tuple[MediaFile, ...] = ()  # those copies, loaded by the delivery worker


@dataclass(frozen=True)
class Queued:
    """Where and when an undelivered message goes, without its text: what delivery plans
    with (reading every waiting message's text to plan would cost a decryption each)."""

    id: int
    address: str
    is_direct: bool
    next_attempt_at: datetime


@dataclass(frozen=True)
class Broadcast:
    """A chat that got a message about a report that later news must reach or edit."""

    report_id: int
    kind: MessageKind
    platform: str
    address: str
    languages: tuple[str, ...]
    # What the platform keeps of the sent message, once sent, to edit a card: its id
    # (Discord: the ids of every part of a message it had to split, in order).
    external_id: str | None


@dataclass(frozen=True)
class OpenForm:
    """A form a member opened and has not sent yet, and what it was opened with."""

    token: str  # random; the form carries it, so any process can take the submission
    kind: str
    member_id: int
    data: dict[str, str]
    created_at: datetime


@dataclass(frozen=True)
class Dialog:
    """A step-by-step conversation in progress."""

    member_id: int
    kind: str
    step: str
    data: dict[str, str]
    updated_at: datetime


@dataclass(frozen=True)
class Drill:
    """A practice run (/drill start): while it runs every message says DRILL — PRACTICE
    and alerts go to drill chats only."""

    id: int
    started_at: datetime
    ends_at: datetime
    started_by: int | None

    @property
    def code(self) -> str:
        return f"D{self.id}"


@dataclass(frozen=True)
class DrillCleanup:
    """What ending a drill deleted."""

    reports: int
    people: int
    tasks: int
