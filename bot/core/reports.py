"""Reading reports: one report, the lists /status shows, the card as it was posted.

Everything that changes a report lives in its own module: intake (`report_intake`),
decisions (`report_decisions`), follow-ups (`report_follow_ups`) and its timers
(`report_timers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core import rendering
from bot.core.drill_marks import drill_marked
from bot.core.errors import UserError
from bot.core.models import (
    Media,
    MessageKind,
    Report,
    ReportState,
)
from bot.core.service import Service
from bot.core.store import Transaction
from bot.i18n import _

# How far back /status looks for closed reports: one day covers a shift and its handover.
RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class PostedCard:
    external_id: str  # what the platform kept of the message it sent (see Broadcast)
    languages: tuple[str, ...]
    body: str


def unknown_report(report_id: int) -> UserError:
    return UserError(
        _(
            "There is no report R{number}. Send /status to see open reports.",
            number=report_id,
        )
    )


async def load_report(tx: Transaction, report_id: int) -> Report:
    report = await tx.reports.get(report_id)
    if report is None:
        raise unknown_report(report_id)
    return report


class ReportService(Service):
    async def get(self, report_id: int) -> Report:
        async with self.store.reading() as tx:
            return await load_report(tx, report_id)

    async def media(self, report_id: int) -> list[Media]:
        """The files that came with a report and its corroborations, numbered."""
        async with self.store.reading() as tx:
            return await tx.media.for_report(report_id)

    async def posted_card(self, report_id: int, platform: str, address: str) -> PostedCard | None:
        """The card verifiers saw in a chat, as it reads now, so a front end can edit it.

        The files that came with the report stay named on it, with their fingerprints:
        an edit (a decision) must not take from verifiers what the card showed them.
        """
        async with self.store.reading() as tx:
            cards = await tx.broadcasts.for_report(report_id, MessageKind.NEW_REPORT)
            report = await tx.reports.get(report_id)
            files = await tx.media.for_report(report_id)
            window = self.network.track_record_window
            record = await tx.reports.track_record(report_id, window=window) if report else None
        for card in cards:
            if (card.platform, card.address) == (platform, address) and card.external_id:
                if report is None:
                    return None
                own = [item for item in files if item.corroboration_id is None]
                card_text = rendering.new_report_card(
                    report,
                    media=own,
                    limits=self.network.media,
                    record=record,
                    window=window,
                    region=self.network.region,
                )
                body = self.messenger.renderer_for(platform).render_all(
                    drill_marked(card_text) if report.drill else card_text,
                    card.languages,
                )
                return PostedCard(card.external_id, card.languages, body)
        return None

    async def in_states(self, *states: ReportState) -> list[Report]:
        async with self.store.reading() as tx:
            return await tx.reports.in_states(states)

    async def page(
        self, *states: ReportState, limit: int | None, newest: bool = False, recent: bool = False
    ) -> tuple[list[Report], int]:
        """At most `limit` reports in `states` (None: all), the oldest or the `newest`,
        changed in the last 24 hours if `recent`; and how many there are in all."""
        since = self.clock.now() - RECENT if recent else None
        async with self.store.reading() as tx:
            return await tx.reports.page(states, since=since, limit=limit, newest=newest)

    async def recently_closed(self) -> list[Report]:
        since = self.clock.now() - RECENT
        async with self.store.reading() as tx:
            return await tx.reports.in_states(
                (ReportState.RESOLVED, ReportState.DISMISSED, ReportState.RETRACTED),
                since=since,
            )
