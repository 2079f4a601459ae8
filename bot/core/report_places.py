"""A report's place once it is known, and open reports that may be the same place.

A place comes typed with the report, read out of its free text, or later: from the
reporter's answer to "Where exactly?" or from the verifier who confirmed it. Whichever
way, it is stored the same way (its key decides which later reports corroborate it).
Reports that only *look* like the same place are pointed out to verifiers, never merged:
a wrongly merged report hides an operation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.models import PlaceOrigin, Report, ReportState
from bot.core.network import Network
from bot.core.places import match_place, possibly_same
from bot.core.report_reading import MAX_PLACE_CHARS, shorten
from bot.core.store import Transaction

# A new report is compared with the open reports of the last day for "possibly the same
# place", the newest first and at most this many: in a surge (a thousand calls a day)
# comparing with every one would make each report slower than the last.
RELATED_WINDOW = timedelta(hours=24)
RELATED_LOOKBACK = 40


async def set_place(
    tx: Transaction, network: Network, report_id: int, where: str, now: datetime
) -> None:
    place = shorten(where.strip(), MAX_PLACE_CHARS)
    found = match_place(place, network.known_places)
    await tx.reports.update_details(
        report_id,
        where=place,
        place_key=found.key,
        known_location=found.known.name if found.known else None,
        place_origin=PlaceOrigin.TYPED,
        now=now,
    )


async def related_reports(tx: Transaction, report: Report, now: datetime) -> Sequence[Report]:
    """Open reports of a place that looks like this one's, newest first (at most three).
    Only their places are read to compare; the (at most three) alike are read whole."""
    if report.place_origin is PlaceOrigin.MISSING or not report.where:
        return []
    candidates = await tx.reports.newest_places(
        (ReportState.PENDING, ReportState.VERIFIED),
        since=now - RELATED_WINDOW,
        limit=RELATED_LOOKBACK,
    )
    alike = [
        other.report_id
        for other in candidates
        if other.report_id != report.id
        and other.origin is not PlaceOrigin.MISSING
        and possibly_same(report.where, other.where)
    ][:3]
    found = [await tx.reports.get(report_id) for report_id in alike]
    return [other for other in found if other is not None]
