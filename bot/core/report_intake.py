"""Reports coming in: a new report, or more eyes on one already open.

A report of a place that already has an open report within the corroboration window is
added to it ("3 independent reports") instead of starting a second one. Each member may
send `limits.reports_per_hour`; organizers, who relay hotline calls, are not limited.
The report, its card for the verifiers, its timers and the audit entry are one unit.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NoReturn

from bot.core import dispatch, media, permissions, rendering
from bot.core.clock import Clock
from bot.core.commands import parse_report_code
from bot.core.errors import UserError
from bot.core.messenger import Messenger
from bot.core.models import (
    Dialog,
    Media,
    Member,
    MessageKind,
    PlaceOrigin,
    ReceivedMedia,
    Report,
    ReportDraft,
    ReportState,
    TimerKind,
)
from bot.core.network import Network
from bot.core.notices import Notices
from bot.core.phone_numbers import parse_phone
from bot.core.places import match_place
from bot.core.report_places import related_reports, set_place
from bot.core.report_reading import addressed, specific
from bot.core.reports import load_report
from bot.core.service import Service
from bot.core.store import Store, Transaction
from bot.core.vocabulary import phrases_in
from bot.i18n import When, _, lines
from bot.i18n.words import vocabulary

RATE_WINDOW = timedelta(hours=1)
MAX_CALLBACK_CHARS = 64


class _Flood(Exception):  # noqa: N818 - not an error: the limit at work
    """Over the limit: how many reports within the hour, and the oldest of them."""

    def __init__(self, count: int, oldest: datetime) -> None:
        super().__init__(count)
        self.count = count
        self.oldest = oldest


class SubmissionKind(StrEnum):
    NEW = "new"
    CORROBORATION = "corroboration"
    REPEAT = "repeat"  # the same person reporting the same place again


@dataclass(frozen=True)
class RelayTaken:
    """What became of a hotline relay in a report."""

    relayed: bool = False  # filed for a hotline caller
    callback: str = ""  # the caller's number, as kept (E.164 when it read as one)
    callback_unread: bool = False  # the callback did not read as a phone number
    refused: bool = False  # a callback from someone who may not relay: not kept


@dataclass(frozen=True)
class Submission:
    report: Report
    kind: SubmissionKind
    asked_where: bool = False  # the reporter is asked "Where exactly?" (a dialog waits)
    media: tuple[ReceivedMedia, ...] = ()  # what became of the files that came with it
    relay: RelayTaken = RelayTaken()


# The step-by-step answer to "Where exactly?": the reporter's next direct message.
PLACE_DIALOG = "report_place"
PLACE_ANSWER_WINDOW = timedelta(hours=2)
# `/report` alone in a direct message: the bot asks, and the next message is the report.
REPORT_DIALOG = "report_text"
REPORT_ANSWER_WINDOW = timedelta(minutes=30)


class ReportIntake(Service):
    def __init__(
        self, store: Store, network: Network, clock: Clock, messenger: Messenger, notices: Notices
    ) -> None:
        super().__init__(store, network, clock, messenger)
        self.notices = notices

    async def _over_limit(self, tx: Transaction, reporter: Member, now: datetime) -> None:
        """A member may send `reports_per_hour` reports; organizers, who relay calls from
        the hotline, are not limited. Checked first in the report's own unit of work (no
        extra round trip, and two reports sent at once cannot both slip under the limit);
        a flood is refused after one indexed count and never slows anyone else."""
        if permissions.is_organizer(reporter):
            return
        count, oldest = await tx.reports.reports_by(reporter.id, now - RATE_WINDOW)
        if count >= self.network.reports_per_hour and oldest is not None:
            raise _Flood(count, oldest)  # nothing written yet: the unit leaves no trace

    async def _refuse(self, reporter: Member, now: datetime, flood: _Flood) -> NoReturn:
        count = flood.count
        hour = int(now.timestamp() // RATE_WINDOW.total_seconds())
        await self.notices.tell_organizers_once(
            "rate",
            f"{reporter.platform}:{reporter.external_id}:{hour}",
            "too many reports",
            # Nobody is named, not even here: whoever reads the organizer chat would
            # learn who sent the last reports.
            _(
                "A member has sent {count} reports within an hour, the most one member may "
                "send, and I am refusing more from them for now; they were given the "
                "hotline in case people are in danger. I do not say who: reporters must "
                "not be identifiable, even here.",
                count=count,
            ),
        )
        raise UserError(
            lines(
                _(
                    "You have sent {count} reports within an hour, the most one member can "
                    "send, so I did not take this one. You can report again from {when}. If "
                    "people are in danger now, call:",
                    count=count,
                    when=When(flood.oldest + RATE_WINDOW),
                ),
                rendering.hotline_lines(self.network),
            )
        )

    async def submit(
        self,
        reporter: Member,
        draft: ReportDraft,
        *,
        ask_by_message: bool = False,
        uploads: Sequence[media.Upload] = (),
    ) -> Submission:
        """File a report. Without an exact place it is filed anyway, never merged with
        another, and the reporter is asked where exactly: in the reply, or with
        `ask_by_message` in a direct message (when they reported in a group).
        `uploads`: files sent with it, fetched within the limits and kept safe."""
        now = self.clock.now()
        if uploads:  # files are fetched only for a report that will be taken
            try:
                async with self.store.reading() as tx:
                    await self._over_limit(tx, reporter, now)
            except _Flood as flood:
                await self._refuse(reporter, now, flood)
        received = await media.receive(uploads, self.network.media)
        draft, relay = _relay(reporter, draft, self.network)
        place = match_place(draft.where, self.network.known_places)
        if draft.place_origin is PlaceOrigin.MISSING and place.known is not None:
            # "ICE at the federal building": a place the network knows is exact enough.
            draft = replace(draft, place_origin=PlaceOrigin.READ)
        missing = draft.place_origin is PlaceOrigin.MISSING
        # A report without a place has a key of its own: no other report can match it.
        key = f"missing:{secrets.token_hex(16)}" if missing else place.key
        asked = False
        try:
            async with self.store.transaction() as tx:
                await self._over_limit(tx, reporter, now)
                match = await tx.reports.find_open_match(
                    key, now - self.network.corroboration_window
                )
                if match is not None and match.drill != (await tx.drills.current() is not None):
                    match = None  # practice and real work never merge
                if match is not None:
                    repeat = reporter.id in match.reporters
                    corroboration = await tx.reports.add_corroboration(
                        match.id, draft, reporter_id=reporter.id, now=now
                    )
                    if draft.hotline is not None:
                        await tx.reports.add_relay(
                            match.id,
                            corroboration_id=corroboration,
                            relayed_by=reporter.id,
                            callback=relay.callback,
                            now=now,
                        )
                    files = await _keep(tx, match.id, received, corroboration, now)
                    report = await load_report(tx, match.id)
                    record = await tx.reports.track_record(
                        match.id,
                        corroboration_id=corroboration,
                        window=self.network.track_record_window,
                    )
                    await self.messenger.report_notice(
                        tx,
                        MessageKind.CORROBORATION,
                        rendering.corroboration_card(
                            report,
                            draft,
                            media=files,
                            limits=self.network.media,
                            record=record,
                            window=self.network.track_record_window,
                            region=self.network.region,
                        ),
                        report.id,
                        media=_photos(files),
                    )
                    await tx.audit.record(
                        now, reporter.id, "report.corroborated", report.code, repeat=int(repeat)
                    )
                    kind = SubmissionKind.REPEAT if repeat else SubmissionKind.CORROBORATION
                else:
                    report_id = await tx.reports.insert(
                        draft,
                        place_key=key,
                        known_location=place.known.name if place.known and not missing else None,
                        reporter_id=reporter.id,
                        now=now,
                    )
                    if draft.hotline is not None:
                        await tx.reports.add_relay(
                            report_id,
                            corroboration_id=None,
                            relayed_by=reporter.id,
                            callback=relay.callback,
                            now=now,
                        )
                    files = await _keep(tx, report_id, received, None, now)
                    report = await load_report(tx, report_id)
                    record = await tx.reports.track_record(
                        report_id, window=self.network.track_record_window
                    )
                    related = await related_reports(tx, report, now)
                    dialog = await tx.dialogs.get(reporter.id) if missing else None
                    if missing and (dialog is None or dialog.kind == PLACE_DIALOG):
                        # One question per report; the answer names the report, or is taken
                        # for the newest ("Where exactly is it, for R5?").
                        earlier = _waiting(dialog) if dialog is not None else []
                        await tx.dialogs.save(
                            reporter.id,
                            PLACE_DIALOG,
                            "where",
                            {"reports": _ids([*earlier, report.id])},
                            now,
                        )
                        asked = True
                        if ask_by_message:
                            await self.messenger.to_member(
                                tx, reporter, MessageKind.REPLY, rendering.where_exactly(report)
                            )
                    # Offered first to whoever is on duty; with nobody on duty the card
                    # calls every verifier, and organizers hear why.
                    call_everyone = await dispatch.first_offer(
                        self.messenger, self.network, tx, report, now
                    )
                    await self.messenger.report_notice(
                        tx,
                        MessageKind.NEW_REPORT,
                        rendering.new_report_card(
                            report,
                            related=related,
                            reporter_asked=asked,
                            media=files,
                            limits=self.network.media,
                            record=record,
                            window=self.network.track_record_window,
                            region=self.network.region,
                        ),
                        report.id,
                        ping=call_everyone,
                        media=_photos(files),
                    )
                    if call_everyone and await dispatch.duty_in_use(tx, self.network):
                        await dispatch.tell_nobody_on_duty(self.messenger, tx, report)
                    await tx.audit.record(now, reporter.id, "report.submitted", report.code)
                    await tx.timers.schedule(
                        TimerKind.REPORT_EXPIRE,
                        report.id,
                        now + self.network.timings(drill=report.drill).verification_expiry,
                        now,
                    )
                    kind = SubmissionKind.NEW
        except _Flood as flood:
            await self._refuse(reporter, now, flood)
        return Submission(
            report=report, kind=kind, asked_where=asked, media=tuple(received), relay=relay
        )

    async def ask_what(self, reporter: Member) -> bool:
        """`/report` with nothing after it, in a direct message: the member's next message
        will be taken as the report. False when another question is waiting for their
        answer (a place, a person being recorded): then they are told how to write it."""
        async with self.store.transaction() as tx:
            dialog = await tx.dialogs.get(reporter.id)
            if dialog is not None and dialog.kind != REPORT_DIALOG:
                expired = dialog.kind == PLACE_DIALOG and (
                    self.clock.now() - dialog.updated_at > PLACE_ANSWER_WINDOW
                )
                if not expired:
                    return False
            await tx.dialogs.save(reporter.id, REPORT_DIALOG, "what", {}, self.clock.now())
        return True

    async def answering_what(self, reporter: Member) -> bool:
        """Whether these words are the report the member was just asked for (the question
        ends either way: one answer per question)."""
        async with self.store.reading() as tx:
            dialog = await tx.dialogs.get(reporter.id)
        if dialog is None or dialog.kind != REPORT_DIALOG:
            return False
        async with self.store.transaction() as tx:
            await tx.dialogs.end(reporter.id)
        return self.clock.now() - dialog.updated_at <= REPORT_ANSWER_WINDOW

    async def stop_asking_what(self, reporter: Member) -> bool:
        """/cancel while the bot waits for a report: True if there was such a question."""
        async with self.store.transaction() as tx:
            dialog = await tx.dialogs.get(reporter.id)
            if dialog is None or dialog.kind != REPORT_DIALOG:
                return False
            await tx.dialogs.end(reporter.id)
        return True

    async def waiting_for_place(self, reporter: Member) -> list[int]:
        """The reports whose place this member was asked for, oldest first."""
        async with self.store.reading() as tx:
            dialog = await tx.dialogs.get(reporter.id)
        if dialog is None or dialog.kind != PLACE_DIALOG:
            return []
        if self.clock.now() - dialog.updated_at > PLACE_ANSWER_WINDOW:
            async with self.store.transaction() as tx:
                await tx.dialogs.end(reporter.id)
            return []
        return _waiting(dialog)

    async def add_place(self, reporter: Member, answer: str) -> PlaceAnswer:
        """The reporter's answer to "Where exactly?", added to the report it names ("R5
        …") or to the newest one asked about. Words that are not a place ("I don't know,
        please help") are passed to the verifiers as they are, and the question stays
        open. A report already decided keeps its place and gets the answer as news."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            dialog = await tx.dialogs.get(reporter.id)
            waiting = _waiting(dialog) if dialog and dialog.kind == PLACE_DIALOG else []
            if not waiting:
                raise UserError(_("There is no question about a place waiting for you."))
            report_id, answer = _which(answer, waiting)
            report = await load_report(tx, report_id)
            if not report.state.is_open:
                # Dismissed or over: a place now (often a home, "at my door") would only
                # be a person's address on a dead report. Not kept; they are told why.
                left = [other for other in waiting if other != report.id]
                if left:
                    await tx.dialogs.save(
                        reporter.id, PLACE_DIALOG, "where", {"reports": _ids(left)}, now
                    )
                else:
                    await tx.dialogs.end(reporter.id)
                return PlaceAnswer(report, False, tuple(left), closed=True)
            placed = is_a_place(answer, self.network)
            if placed and report.state is ReportState.PENDING:
                await set_place(tx, self.network, report.id, answer, now)
                report = await load_report(tx, report.id)
            text = (
                rendering.place_from_reporter(report, answer, self.network.region)
                if placed
                else rendering.words_from_reporter(report, answer, self.network.region)
            )
            await self.messenger.report_notice(tx, MessageKind.UPDATE, text, report.id)
            left = [other for other in waiting if other != report.id] if placed else waiting
            if left:
                await tx.dialogs.save(
                    reporter.id, PLACE_DIALOG, "where", {"reports": _ids(left)}, now
                )
            else:
                await tx.dialogs.end(reporter.id)
            await tx.audit.record(now, reporter.id, "report.place_answer", report.code)
        return PlaceAnswer(report, placed, tuple(left))


def _relay(
    reporter: Member, draft: ReportDraft, network: Network
) -> tuple[ReportDraft, RelayTaken]:
    """A hotline relay is an organizer's (a dispatcher's) to file. Anyone else's report is
    their own: filed as such, and a callback number they gave is not kept (they are told).
    The callback is kept as E.164 when it reads as a phone number of the network's
    region, else as typed (the organizer is told), so a surge never loses a caller."""
    hotline = draft.hotline
    if hotline is None:
        return draft, RelayTaken()
    if not permissions.is_organizer(reporter):
        return replace(draft, hotline=None), RelayTaken(refused=bool(hotline.callback))
    callback, unread = "", False
    if hotline.callback:
        try:
            callback = parse_phone(hotline.callback, network.region)
        except UserError:
            callback, unread = hotline.callback[:MAX_CALLBACK_CHARS], True
    return draft, RelayTaken(relayed=True, callback=callback, callback_unread=unread)


async def _keep(
    tx: Transaction,
    report_id: int,
    received: Sequence[ReceivedMedia],
    corroboration: int | None,
    now: datetime,
) -> list[Media]:
    """Store the files of one report (or corroboration); returns them, numbered."""
    if not received:
        return []
    for item in received:
        await tx.media.add(report_id, item, corroboration_id=corroboration, now=now)
    return [m for m in await tx.media.for_report(report_id) if m.corroboration_id == corroboration]


def _photos(files: Sequence[Media]) -> tuple[int, ...]:
    return tuple(item.id for item in files if item.shareable)


@dataclass(frozen=True)
class PlaceAnswer:
    report: Report
    placed: bool  # False: the words were not a place, and were passed on as they are
    still_waiting: tuple[int, ...]
    closed: bool = False  # the report was closed meanwhile: nothing was passed on


def _waiting(dialog: Dialog) -> list[int]:
    return [int(part) for part in dialog.data.get("reports", "").split() if part.isdigit()]


def _ids(report_ids: list[int]) -> str:
    return " ".join(str(report_id) for report_id in report_ids)


def _which(answer: str, waiting: list[int]) -> tuple[int, str]:
    """ "R5 Pine St" answers for R5; anything else for the newest report asked about."""
    first, _space, rest = answer.strip().partition(" ")
    try:
        named = parse_report_code(first)
    except UserError:
        return waiting[-1], answer.strip()
    return (named, rest.strip()) if named in waiting and rest.strip() else (waiting[-1], answer)


def is_a_place(answer: str, network: Network) -> bool:
    """Whether an answer to "Where exactly?" reads like a place rather than a reporter
    who does not know or needs help ("idk", "please help", "no sé, tengo miedo")."""
    if match_place(answer, network.known_places).known is not None:
        return True
    answers = vocabulary().index("answers")
    unsure = {phrase: key for phrase, key in answers.items() if key in ("unsure", "skip")}
    if phrases_in(answer, unsure):  # "I don't know, maybe 5th St": only with an address
        return addressed(answer)
    return specific(answer) or len(answer.split()) <= 8
