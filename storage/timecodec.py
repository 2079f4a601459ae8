"""How moments are written to the database: UTC, fixed width, so text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


@lru_cache(maxsize=1024)  # one unit of work writes the same "now" several times
def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware UTC time")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def maybe_from_db(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)
