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
from bot.core.models import Target, TargetPurpose
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

    @property
    def escalation(self) -> tuple[DispatchStep, ...]:
        return self.dispatch_steps or default_steps(self.claim_within)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def targets_for(self, purpose: TargetPurpose) -> list[Target]:
        return [t for t in self.targets if t.purpose is purpose]

    def target(self, platform: str, address: str) -> Target | None:
        for target in self.targets:
            if target.platform == platform and target.address == address:
                return target
        return None
