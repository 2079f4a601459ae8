"""After-action numbers: how the network did over a stretch of time, counts only.

`/stats [7d]` (organizers, answered in a direct message) and `rrbot report` (an HTML page
for a debrief) read the same numbers, made here from one storage seam
(`tx.stats.reports`): per report, how it ended and when, never what it said or who was
in it. Claims (time to claim), areas and drills are read at that seam once they are
recorded; until then the numbers say "no claims recorded" rather than show a zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from babel.numbers import format_percent
from babel.units import format_unit

from bot.core import permissions, rendering
from bot.core.clock import Clock
from bot.core.durations import MAX_DURATION, DurationError, parse_duration
from bot.core.errors import UserError
from bot.core.messenger import Messenger
from bot.core.models import (
    Conversation,
    DismissReason,
    Member,
    MessageKind,
    ReportState,
    TaskState,
)
from bot.core.network import Network
from bot.core.replies import Reply
from bot.core.service import Service
from bot.core.store import ReportFacts, Store, TaskFacts
from bot.i18n import Raw, Renderer, Span, Text, When, _, _n, lines
from bot.i18n.words import fold

DEFAULT_WINDOW = timedelta(days=7)


class Outcome(StrEnum):
    """How a report ended, as a debrief counts it."""

    CONFIRMED = "confirmed"  # verified (an all clear later still counts)
    ROUTINE = "routine"
    FALSE_ALARM = "false-alarm"
    UNVERIFIABLE = "unverifiable"  # a verifier looked and could not verify it
    EXPIRED = "expired"  # nobody decided in time; the bot closed it
    RETRACTED = "retracted"  # confirmed, then withdrawn as wrong
    WAITING = "waiting"  # still open, no decision yet


# The order the numbers and the charts show outcomes in.
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)


def outcome_of(report: ReportFacts) -> Outcome:
    if report.state is ReportState.PENDING:
        return Outcome.WAITING
    if report.state is ReportState.RETRACTED:
        return Outcome.RETRACTED
    if report.state in (ReportState.VERIFIED, ReportState.RESOLVED):
        return Outcome.CONFIRMED
    if report.reason is DismissReason.ROUTINE:
        return Outcome.ROUTINE
    if report.reason is DismissReason.FALSE_ALARM:
        return Outcome.FALSE_ALARM
    if report.reason is DismissReason.UNVERIFIABLE and not report.decided_by_member:
        return Outcome.EXPIRED
    return Outcome.UNVERIFIABLE


def outcome_name(outcome: Outcome) -> Text:
    return {
        Outcome.CONFIRMED: _("confirmed"),
        Outcome.ROUTINE: _("routine presence"),
        Outcome.FALSE_ALARM: _("false alarm"),
        Outcome.UNVERIFIABLE: _("could not verify"),
        Outcome.EXPIRED: _("expired without a decision"),
        Outcome.RETRACTED: _("retracted after the alert"),
        Outcome.WAITING: _("still waiting"),
    }[outcome]


@dataclass(frozen=True)
class Times:
    """How long something took, over the reports it happened to: median and 90th
    percentile (nearest rank), or nothing when it never happened."""

    count: int
    median: timedelta | None
    p90: timedelta | None

    @classmethod
    def of(cls, spans: Sequence[timedelta]) -> Times:
        ordered = sorted(spans)
        if not ordered:
            return cls(0, None, None)
        return cls(len(ordered), _rank(ordered, 0.5), _rank(ordered, 0.9))


def _rank(ordered: Sequence[timedelta], share: float) -> timedelta:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class TaskNumbers:
    added: int = 0
    done: int = 0
    done_late: int = 0
    open: int = 0
    overdue: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class Numbers:
    """The after-action numbers for [since, until]."""

    since: datetime
    until: datetime
    outcomes: dict[Outcome, int]
    to_claim: Times
    to_decide: Times
    alerts: int  # alert messages sent (one per chat)
    alerted_reports: int
    tasks: TaskNumbers
    people: int
    drills_left_out: int
    reports: tuple[ReportFacts, ...] = field(default=(), repr=False)  # not drills
    # How long closed reports and finished tasks are kept, when the window reaches past
    # one of them: what the purge deleted is no longer counted, and the numbers say so.
    purged_before: tuple[timedelta | None, timedelta | None] | None = None

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    @property
    def claims_recorded(self) -> bool:
        return self.to_claim.count > 0


def numbers(
    reports: Sequence[ReportFacts],
    tasks: Sequence[TaskFacts],
    people: int,
    since: datetime,
    until: datetime,
) -> Numbers:
    counted = tuple(report for report in reports if not report.drill)
    outcomes = dict.fromkeys(OUTCOMES, 0)
    for report in counted:
        outcomes[outcome_of(report)] += 1
    return Numbers(
        since=since,
        until=until,
        outcomes=outcomes,
        to_claim=Times.of(
            [r.claimed_at - r.created_at for r in counted if r.claimed_at is not None]
        ),
        to_decide=Times.of(
            [
                r.decided_at - r.created_at
                for r in counted
                if r.decided_at is not None and r.decided_by_member
            ]
        ),
        alerts=sum(report.alerts for report in counted),
        alerted_reports=sum(1 for report in counted if report.alerts),
        tasks=task_numbers(tasks, until),
        people=people,
        drills_left_out=len(reports) - len(counted),
        reports=counted,
    )


def task_numbers(tasks: Sequence[TaskFacts], now: datetime) -> TaskNumbers:
    done = [t for t in tasks if t.state is TaskState.DONE]
    active = [t for t in tasks if t.state.is_active]
    return TaskNumbers(
        added=len(tasks),
        done=len(done),
        done_late=sum(
            1
            for t in done
            if t.due_at is not None and t.closed_at is not None and t.closed_at > t.due_at
        ),
        open=len(active),
        overdue=sum(1 for t in active if t.due_at is not None and t.due_at < now),
        cancelled=sum(1 for t in tasks if t.state is TaskState.CANCELLED),
    )


@dataclass(frozen=True)
class Percent:
    """A share the way the reader's locale writes it ("12%", "12 %")."""

    part: int
    whole: int

    def render(self, renderer: Renderer, language: str) -> str:
        return format_percent(self.part / self.whole if self.whole else 0, locale=language)


@dataclass(frozen=True)
class WindowLength:
    """How far back the numbers go: in days when it is whole days ("30 days", "30 días";
    a plain span would say "4 weeks"), else as a span ("3 hours")."""

    length: timedelta

    def render(self, renderer: Renderer, language: str) -> str:
        days = self.length.days
        if days and self.length == timedelta(days=days):
            return str(format_unit(days, "duration-day", locale=language))
        return Span(self.length).render(renderer, language)


# "/stats 7 días", "/cifras 2 semanas": the day and week words people type, beside the
# "7d" / "2w" / "7 days" any language's member may use.
_LOCAL_UNITS = {
    "dia": "d", "dias": "d", "jour": "d", "jours": "d", "jou": "d", "ngay": "d",
    "araw": "d", "semana": "w", "semanas": "w", "semaine": "w", "semaines": "w",
    "semen": "w", "tuan": "w", "linggo": "w",
}  # fmt: skip
_AMOUNT_UNIT = re.compile(r"(\d{1,4})\s*([^\W\d_]+)")


def parse_window(text: str) -> timedelta:
    """How far back /stats looks: "7d", "30 days", "7 días", "2 semanas"; a bare number
    counts days; nothing means the last seven days."""
    cleaned = fold(text.strip())
    if not cleaned:
        return DEFAULT_WINDOW
    if cleaned.isdigit() and 0 < int(cleaned) <= MAX_DURATION.days:
        return timedelta(days=int(cleaned))
    cleaned = _AMOUNT_UNIT.sub(
        lambda m: f"{m.group(1)}{_LOCAL_UNITS.get(m.group(2), m.group(2))}", cleaned
    )
    try:
        window = parse_duration(cleaned)
    except DurationError:
        raise UserError(
            _(
                "How far back should I count? For example /stats 7d for the last seven days, "
                "or /stats 30d. “{value}” is not a length of time I understand.",
                value=Raw(text.strip()[:40]),
            )
        ) from None
    return max(window, timedelta(hours=1))


def _times_line(label: Text, times: Times, nothing: Text) -> Text:
    if times.median is None or times.p90 is None:
        return _("{label}: {nothing}", label=label, nothing=nothing)
    return _(
        "{label}: median {median}, 9 in 10 within {p90} ({count} reports)",
        label=label,
        median=Span(times.median),
        p90=Span(times.p90),
        count=times.count,
    )


def stats_text(found: Numbers) -> Text:
    """/stats: the numbers for organizers, counts and times only."""
    total = found.total
    head = _(
        "Numbers for the last {span} (since {since}):",
        span=WindowLength(found.until - found.since),
        since=When(found.since),
    )
    if total == 0:
        body: list[Text | None] = [_("No reports in this time.")]
    else:
        body = [
            _n("{count} report", "{count} reports", total),
            *(
                rendering.bullet(
                    _(
                        "{outcome}: {count} ({share})",
                        outcome=outcome_name(outcome),
                        count=count,
                        share=Percent(count, total),
                    )
                )
                for outcome, count in found.outcomes.items()
                if count
            ),
        ]
    tasks = found.tasks
    return lines(
        head,
        *body,
        _times_line(_("Time to claim"), found.to_claim, _("no claims recorded")),
        _times_line(_("Time to decide"), found.to_decide, _("no decisions yet")),
        _n(
            "Alerts: {count} report alerted, in {messages} chat messages",
            "Alerts: {count} reports alerted, in {messages} chat messages",
            found.alerted_reports,
            messages=found.alerts,
        ),
        _(
            "Tasks: {added} added, {done} done ({late} late), {open} still open "
            "({overdue} overdue), {cancelled} cancelled",
            added=tasks.added,
            done=tasks.done,
            late=tasks.done_late,
            open=tasks.open,
            overdue=tasks.overdue,
            cancelled=tasks.cancelled,
        ),
        _n("{count} person detained recorded", "{count} people detained recorded", found.people),
        _n(
            "{count} drill report is not counted.",
            "{count} drill reports are not counted.",
            found.drills_left_out,
        )
        if found.drills_left_out
        else None,
        purge_note(found),
    )


def purge_note(found: Numbers) -> Text | None:
    """Said when the window reaches past what the retention purge keeps."""
    if found.purged_before is None:
        return None
    reports, tasks = found.purged_before
    return _(
        "Closed reports are deleted after {reports} days and finished tasks after {tasks} "
        "days, so older ones are not counted here.",
        reports=reports.days if reports else "—",
        tasks=tasks.days if tasks else "—",
    )


class StatsService(Service):
    def __init__(
        self,
        store: Store,
        network: Network,
        clock: Clock,
        messenger: Messenger,
        *,
        reports_kept: timedelta | None = None,
        tasks_kept: timedelta | None = None,
    ) -> None:
        """`reports_kept`, `tasks_kept`: how long the retention purge keeps closed reports
        and finished tasks; a window longer than that is told it cannot see past them."""
        super().__init__(store, network, clock, messenger)
        self.reports_kept, self.tasks_kept = reports_kept, tasks_kept

    async def numbers(self, window: timedelta, until: datetime | None = None) -> Numbers:
        """The numbers for the `window` before `until` (now), from one snapshot."""
        end = until or self.clock.now()
        since = end - window
        async with self.store.reading() as tx:
            reports = await tx.stats.reports(since, end)
            tasks = await tx.stats.tasks(since, end)
            people = await tx.stats.people_recorded(since, end)
        found = numbers(reports, tasks, people, since, end)
        kept = [k for k in (self.reports_kept, self.tasks_kept) if k is not None]
        if kept and window > min(kept):
            found = replace(found, purged_before=(self.reports_kept, self.tasks_kept))
        return found

    async def stats(self, actor: Member, conversation: Conversation, text: str) -> list[Reply]:
        """`/stats [7d]`: organizers only, answered in a direct message; asked in a group,
        the numbers go to the asker privately and the group hears only that."""
        permissions.check_can_see_stats(actor)
        found = await self.numbers(parse_window(text))
        if conversation.is_direct:
            return [Reply(stats_text(found))]
        async with self.store.transaction() as tx:
            await self.messenger.to_member(tx, actor, MessageKind.REPLY, stats_text(found))
        return [Reply(_("I sent you the numbers privately."))]
