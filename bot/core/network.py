"""The core's view of the deployment: what it needs from the config, as plain values.

The core never reads the config file or its pydantic models; `bot.app` builds this
from them, and tests build it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

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


@dataclass(frozen=True)
class Timings:
    """How long the network waits before re-asking about a report, closing it, and
    asking whether a verified alert is still going on."""

    verification_reminder: timedelta = timedelta(minutes=10)
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
        verification_reminder=timedelta(seconds=20),
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
    verification_reminder: timedelta = timedelta(minutes=10)
    verification_expiry: timedelta = timedelta(hours=1)
    active_check: timedelta = timedelta(hours=3)
    daily_summary: time | None = None
    max_message_chars: int = 2000
    reports_per_hour: int = 6
    region: str = "US"  # phone numbers are read and shown as in this country
    media: MediaLimits = DEFAULT_LIMITS
    drill: DrillSettings = DrillSettings()

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
            verification_reminder=self.verification_reminder,
            verification_expiry=self.verification_expiry,
            active_check=self.active_check,
        )

    def target(self, platform: str, address: str) -> Target | None:
        for target in self.targets:
            if target.platform == platform and target.address == address:
                return target
        return None
