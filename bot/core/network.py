"""The core's view of the deployment: what it needs from the config, as plain values.

The core never reads the config file or its pydantic models; `bot.app` builds this
from them, and tests build it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

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
    # How far back a reporter's track record on a card looks: 90 days, or less when
    # closed reports are purged sooner (the record is counted from what is kept).
    track_record_window: timedelta = timedelta(days=90)

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
