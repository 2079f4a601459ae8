"""The core's view of the deployment: what it needs from the config, as plain values.

The core never reads the config file or its pydantic models; `bot.app` builds this
from them, and tests build it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.areas import Area
from bot.core.media import DEFAULT_LIMITS, MediaLimits
from bot.core.models import Target, TargetPurpose, TimerKind
from bot.core.places import KnownPlace


@dataclass(frozen=True)
class HotlineInfo:
    label: str
    number: str
    hours: str = ""
    # The label and hours as the operator wrote them for readers of one language.
    label_by_language: tuple[tuple[str, str], ...] = ()
    hours_by_language: tuple[tuple[str, str], ...] = ()


class StepWho(StrEnum):
    NEXT = "next"  # the next verifiers on duty, in turn (round-robin)
    VERIFIERS = "verifiers"  # every verifier
    ORGANIZERS = "organizers"  # the organizer chats


@dataclass(frozen=True)
class DispatchStep:
    wait: timedelta
    who: StepWho
    count: int = 2


def default_steps(claim_within: timedelta) -> tuple[DispatchStep, ...]:
    return (
        DispatchStep(claim_within, StepWho.NEXT),
        DispatchStep(claim_within, StepWho.ORGANIZERS),
    )


@dataclass(frozen=True)
class Shift:
    """A weekly shift: `member` (as the config names them) on duty on `days` (0 =
    Monday) from `start` to `end`, network time; an end before the start is overnight."""

    member: str
    days: frozenset[int]
    start: time
    end: time
    areas: tuple[str, ...] = ()

    def covers(self, local: datetime) -> bool:
        now, day = local.time(), local.weekday()
        if self.start <= self.end:
            return day in self.days and self.start <= now < self.end
        # Overnight: the evening of a shift day, or the small hours after one.
        return (day in self.days and now >= self.start) or (
            (day - 1) % 7 in self.days and now < self.end
        )

    def ends(self, local: datetime) -> datetime:
        """When the shift running at `local` ends."""
        end = datetime.combine(local.date(), self.end, tzinfo=local.tzinfo)
        return end if end > local else end + timedelta(days=1)


@dataclass(frozen=True)
class Timings:
    """How long the network waits before re-asking about a report, closing it, and
    asking whether a verified alert is still going on."""

    claim_within: timedelta = timedelta(minutes=10)
    verification_expiry: timedelta = timedelta(hours=1)
    active_check: timedelta = timedelta(hours=3)


# Task timers while a drill runs, by kind (bot/app.py gives TaskService the others).
DRILL_TASK_TIMERS: tuple[tuple[TimerKind, timedelta], ...] = (
    (TimerKind.TASK_OFFER_REMINDER, timedelta(seconds=2)),
    (TimerKind.TASK_OFFER_ESCALATION, timedelta(seconds=4)),
    (TimerKind.TASK_DUE_REMINDER, timedelta(seconds=10)),
    (TimerKind.TASK_OVERDUE, timedelta(seconds=10)),
)


@dataclass(frozen=True)
class DrillSettings:
    """Drills: a drill's length unless the organizer gives one, the longest allowed, and
    the timers used while a drill runs (config [drill])."""

    length: timedelta = timedelta(hours=2)
    longest: timedelta = timedelta(hours=12)
    timings: Timings = Timings(
        claim_within=timedelta(seconds=3),
        verification_expiry=timedelta(minutes=1),
        active_check=timedelta(minutes=1),
    )
    task_timers: tuple[tuple[TimerKind, timedelta], ...] = DRILL_TASK_TIMERS


@dataclass(frozen=True)
class Network:
    name: str
    zone: ZoneInfo
    languages: tuple[str, ...]
    hotlines: tuple[HotlineInfo, ...]
    known_places: tuple[KnownPlace, ...]
    targets: tuple[Target, ...]
    corroboration_window: timedelta = timedelta(hours=2)
    claim_within: timedelta = timedelta(minutes=10)
    verification_expiry: timedelta = timedelta(hours=1)
    active_check: timedelta = timedelta(hours=3)
    daily_summary: time | None = None
    max_message_chars: int = 2000
    reports_per_hour: int = 6
    region: str = "US"  # phone numbers are read and shown as in this country
    media: MediaLimits = DEFAULT_LIMITS
    default_eta: timedelta = timedelta(minutes=15)
    claim_grace: timedelta = timedelta(minutes=10)
    dispatch_steps: tuple[DispatchStep, ...] = ()  # empty: default_steps(claim_within)
    areas: tuple[Area, ...] = ()
    shifts: tuple[Shift, ...] = ()
    # How far back a reporter's track record on a card looks: 90 days, or less when
    # closed reports are purged sooner (the record is counted from what is kept).
    track_record_window: timedelta = timedelta(days=90)

    drill: DrillSettings = DrillSettings()

    def escalation(self, *, drill: bool = False) -> tuple[DispatchStep, ...]:
        """The escalation chain; while a drill runs, the default chain on the drill's
        `claim_within` (a configured chain's waits are a real day's, too long to practise)."""
        if drill:
            return default_steps(self.drill.timings.claim_within)
        return self.dispatch_steps or default_steps(self.claim_within)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def targets_for(self, purpose: TargetPurpose) -> list[Target]:
        return [t for t in self.targets if t.purpose is purpose]

    def drill_targets(self) -> list[Target]:
        """The chats that get a drill's alerts (config: drill = true; by default the
        organizer chats)."""
        return [t for t in self.targets if t.drill]

    def timings(self, *, drill: bool) -> Timings:
        """The network's timers, or the drill's while a drill runs."""
        if drill:
            return self.drill.timings
        return Timings(
            claim_within=self.claim_within,
            verification_expiry=self.verification_expiry,
            active_check=self.active_check,
        )

    def target(self, platform: str, address: str) -> Target | None:
        for target in self.targets:
            if target.platform == platform and target.address == address:
                return target
        return None
