"""Drills: the network practises a raid with the bot, and nothing of it is real.

`/drill start 2h` (organizers) starts one; until it ends (`/drill stop`, or its time is
up) every message the bot writes says DRILL — PRACTICE in the reader's language
(`drill_marks`), a drill's messages reach only the chats marked for drills (by default
the organizer chats: `Messenger.to_chat`), its reminders and escalations follow the
config's short [drill] timers (`Network.timings`, `TaskService.durations_for`), and the
reports, people and tasks made during it are left out of the numbers and deleted when
it ends. The drill is a row in the store and its end a timer, so a restart finds it
running, or ends it at once if its time ran out while the bot was down.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.core import permissions
from bot.core.drill_marks import drill_marked
from bot.core.durations import DurationError, parse_duration
from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.models import (
    Drill,
    DrillCleanup,
    Member,
    MessageKind,
    Timer,
    TimerKind,
    TimerState,
)
from bot.core.replies import Reply
from bot.core.service import Service
from bot.core.store import Transaction
from bot.i18n import ListOf, Raw, Span, Text, When, _, _n, lines

END = TimerKind.DRILL_END

# Units people write in the network's languages ("2 horas", "90 minutos"), as the
# duration parser's.
_UNIT_WORDS = {
    "horas": "h", "hora": "h", "heures": "h", "heure": "h", "hs": "h",
    "minutos": "m", "minuto": "m", "mn": "m", "segundos": "s", "segundo": "s",
}  # fmt: skip
_UNIT = re.compile(r"(?<=\d)\s*(" + "|".join(sorted(_UNIT_WORDS, key=len, reverse=True)) + r")\b")


def parse_length(text: str) -> timedelta:
    """A drill's length as typed ("2h", "90m", "2 horas"); a refusal that says how."""
    cleaned = _UNIT.sub(lambda m: _UNIT_WORDS[m.group(1)], text.strip().lower())
    try:
        return parse_duration(cleaned)
    except DurationError:
        raise UserError(
            _(
                "“{value}” is not a length of time I understand. Write it like 30m, 2h or "
                "1h30m, for example: /drill start 2h",
                value=Raw(text.strip()[:40]),
            )
        ) from None


def _deleted(cleanup: DrillCleanup) -> Text:
    return ListOf(
        (
            _n("{count} report", "{count} reports", cleanup.reports),
            _n("{count} person recorded", "{count} people recorded", cleanup.people),
            _n("{count} task", "{count} tasks", cleanup.tasks),
        )
    )


class DrillService(Service):
    # The drill seen at the last look (a hint for answers that cannot wait for the store).
    last_known: Drill | None = None

    async def current(self) -> Drill | None:
        async with self.store.reading() as tx:
            self.last_known = await tx.drills.current()
        return self.last_known

    async def marked(self, replies: list[Reply]) -> list[Reply]:
        """Answers shown while a drill runs say so, like every other message."""
        if not replies or await self.current() is None:
            return replies
        return [Reply(drill_marked(reply.text), reply.language) for reply in replies]

    async def start(self, actor: Member, length: timedelta | None = None) -> Drill:
        permissions.check_can_run_drills(actor)
        length = length or self.network.drill.length
        if length > self.network.drill.longest:
            raise UserError(
                _(
                    "A drill can last at most {longest}. Start a shorter one, for example: "
                    "/drill start 2h",
                    longest=Span(self.network.drill.longest),
                )
            )
        chats = self.network.drill_targets()
        if not chats:
            raise UserError(
                _(
                    "No chat is marked for drills, so a drill's alerts would reach nobody. "
                    "Mark one with drill = true in the config (the organizer chat is, unless "
                    "it says drill = false)."
                )
            )
        now = self.clock.now()
        async with self.store.transaction() as tx:
            drill = await tx.drills.start(actor.id, now + length, now)
            if drill is None:
                running = await tx.drills.current()
                raise UserError(
                    _(
                        "A drill is already running, until {end}. Send /drill stop to end it.",
                        end=When(running.ends_at if running else now),
                    )
                )
            await tx.timers.schedule(END, drill.id, drill.ends_at, now)
            notice = _(
                "{member} started a drill. Until {end} every message from the bot says "
                "DRILL — PRACTICE, and alerts go only to: {chats}. Reports, people and tasks "
                "of the drill are deleted when it ends (/drill stop ends it sooner).",
                member=member_name(actor),
                end=When(drill.ends_at),
                chats=ListOf(tuple(Raw(chat.label) for chat in chats)),
            )
            for chat in chats:
                await self.messenger.to_chat(tx, chat, MessageKind.DRILL, notice)
            await tx.audit.record(now, actor.id, "drill.started", drill.code)
        self.last_known = drill
        return drill

    async def stop(self, actor: Member) -> DrillCleanup:
        permissions.check_can_run_drills(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            drill = await tx.drills.current()
            cleanup = await tx.drills.end(drill.id, now) if drill is not None else None
            if drill is None or cleanup is None:
                raise UserError(_("No drill is running. Start one with /drill start 2h."))
            await tx.timers.cancel((END,), drill.id)
            await self._over(
                tx,
                _("{member} ended the drill.", member=member_name(actor)),
                cleanup,
            )
            await tx.audit.record(now, actor.id, "drill.ended", drill.code)
        self.last_known = None
        return cleanup

    async def ensure_ended_in_time(self) -> None:
        """At start-up: a drill whose time ran out while the bot was down ends now, and a
        running drill has its end pending (even if that timer failed and gave up)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            drill = await tx.drills.current()
            if drill is None:
                return
            if drill.ends_at <= now:
                cleanup = await tx.drills.end(drill.id, now)
                if cleanup is not None:
                    await tx.timers.cancel((END,), drill.id)
                    await self._over(tx, _("The drill's time is up."), cleanup)
                    await tx.audit.record(now, None, "drill.ended", drill.code)
                return
            pending = [
                t
                for t in await tx.timers.for_subject(drill.id)
                if t.kind is END and t.state is TimerState.PENDING
            ]
            if not pending:
                await tx.timers.schedule(END, drill.id, drill.ends_at, now)
        self.last_known = await self.current()

    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        """The drill's time is up (also at start-up, if it ran out while the bot was down)."""
        cleanup = await tx.drills.end(timer.subject_id, now)
        if cleanup is None:
            return  # stopped already
        await self._over(tx, _("The drill's time is up."), cleanup)
        self.last_known = None
        await tx.audit.record(now, None, "drill.ended", f"D{timer.subject_id}")

    async def _over(self, tx: Transaction, why: Text, cleanup: DrillCleanup) -> None:
        """Tell the drill chats it is over; it no longer runs, so this is not marked."""
        text = lines(
            why,
            _(
                "The drill is over, and what it made is deleted: {deleted}. From now on "
                "every message is real.",
                deleted=_deleted(cleanup),
            ),
        )
        for chat in self.network.drill_targets():
            await self.messenger.to_chat(tx, chat, MessageKind.DRILL, text)


def started_reply(drill: Drill) -> Text:
    return _(
        "Drill started. It ends at {end}, or when an organizer sends /drill stop. Until "
        "then every message says DRILL — PRACTICE.",
        end=When(drill.ends_at),
    )


def stopped_reply(cleanup: DrillCleanup) -> Text:
    return _(
        "Drill stopped. Deleted: {deleted}. Messages are real again.",
        deleted=_deleted(cleanup),
    )


def drill_state(drill: Drill | None, actor: Member) -> Text:
    """Whether a drill runs; how to start or end one is said only to organizers, who
    alone can (a volunteer told "/drill stop ends it" would try, and be refused)."""
    organizer = permissions.is_organizer(actor)
    if drill is None:
        if not organizer:
            return _("No drill is running: every message is real.")
        return _(
            "No drill is running. Organizers start one with /drill start 2h "
            "(and end it with /drill stop)."
        )
    if not organizer:
        return _(
            "A drill is running until {end}. Every message says DRILL — PRACTICE; "
            "an organizer ends it.",
            end=When(drill.ends_at),
        )
    return _(
        "A drill is running until {end}. Every message says DRILL — PRACTICE; /drill stop ends it.",
        end=When(drill.ends_at),
    )
