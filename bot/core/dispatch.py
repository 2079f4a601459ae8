"""Dispatch: who goes to check a report, and what happens when nobody says they will.

Networks' written verification protocols say a verifier *acknowledges with an ETA*,
and the report goes to the next one when nobody does. So:

- A new report is offered first, by direct message, to the verifiers on duty (`/duty
  on 4h [areas]`, or a weekly shift in the config), those of the report's area first
  (`areas`); with nobody on duty every verifier is called on the card, and organizers
  are told (once the network uses duty at all).
- `/claim R3 15m`: the claimer is going. The organizer chats read "R3: ben is on the
  way, about 15 minutes" (never a broadcast chat), the reporter hears privately that
  someone is checking (never who), the claimer gets the checklist by direct message,
  and nobody else is asked again while the claim holds. `/unclaim R3` gives it back and
  calls the verifiers at once. A claim past its ETA plus a grace, undecided, asks the
  claimer once, then goes back to the others.
- Unclaimed, the report walks the escalation chain (`Network.escalation`): each step
  waits, then calls the next verifiers in turn (round-robin: whoever was offered a
  report longest ago first, stored, so a restart keeps the turns), every verifier, or
  the organizers. After the last step every verifier is called again every
  `claim_within`. Expiry stays as it was (`report_timers`).

Claiming is checked like deciding: verifiers and organizers only, never someone who
reported the place (`permissions`). The claim is forgotten when the report is decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import permissions, rendering
from bot.core.areas import Area, area_of, named_area
from bot.core.checklist import checklist
from bot.core.durations import DurationError, parse_duration
from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.messenger import Messenger
from bot.core.models import (
    Dispatch,
    Duty,
    Member,
    MessageKind,
    Report,
    ReportState,
    Role,
    Timer,
    TimerKind,
)
from bot.core.network import DispatchStep, Network, StepWho
from bot.core.report_decisions import already_decided
from bot.core.reports import load_report
from bot.core.service import Service
from bot.core.store import Transaction
from bot.i18n import Raw, Span, Text, When, _, lines
from bot.i18n.words import fold

# An ETA is minutes to hours: a longer one is a typo, or not a claim.
MAX_ETA = timedelta(hours=6)
# The longest /duty on: a week (a standing shift is /duty on with no length).
MAX_DUTY = timedelta(days=7)

_ETA_FILLER = {
    "in", "en", "about", "around", "approx", "aprox", "aprox.", "approx.", "unos", "unas",
    "como", "eta", "~", "ca", "ca.", "dans", "environ", "em", "cerca", "de", "like",
}  # fmt: skip
_ETA_UNITS = {
    "minuto": "m", "minutos": "m", "mn": "m", "minute": "m", "minutes": "m", "min": "m",
    "mins": "m", "hora": "h", "horas": "h", "heure": "h", "heures": "h", "hr": "h",
    "hrs": "h", "hour": "h", "hours": "h", "dia": "d", "dias": "d", "jour": "d",
    "jours": "d",
}  # fmt: skip
_ETA_PART = re.compile(r"(\d{1,4})\s*([^\d\s]*)")


def read_length(text: str) -> timedelta | None:
    """A length as people type it: "15m", "15 min", "en 10", "4 horas", "10" (minutes);
    None when nothing is given. Raises DurationError for anything else."""
    words = [w for w in fold(text).replace("~", " ").split() if w not in _ETA_FILLER]
    if not words:
        return None
    joined = " ".join(words)
    parts = []
    for amount, unit in _ETA_PART.findall(joined):
        unit = unit.rstrip(".")
        parts.append(f"{amount}{_ETA_UNITS.get(unit, unit) or 'm'}")
    if not parts or _ETA_PART.sub("", joined).strip():
        raise DurationError(joined)
    return parse_duration(" ".join(parts))


def parse_eta(text: str) -> timedelta | None:
    """How long until the claimer is there; None when nothing is given. Raises
    UserError for anything else, or for more than `MAX_ETA`."""
    try:
        eta = read_length(text)
    except DurationError:
        raise UserError(
            _(
                "How long until you get there? Give minutes after the report code, "
                "for example: /claim R3 15m"
            )
        ) from None
    if eta is not None and eta > MAX_ETA:
        raise UserError(
            _(
                "An ETA can be at most {hours} hours. If you cannot get there sooner, "
                "leave the report to someone closer.",
                hours=int(MAX_ETA.total_seconds() // 3600),
            )
        )
    return eta


_DUTY_ON = {
    "on", "yes", "start", "in", "si", "sí", "entro", "activo", "activa", "empiezo",
    "comienzo", "ya", "oui", "sim", "debut", "début",
}  # fmt: skip
_DUTY_OFF = {
    "off", "no", "stop", "end", "out", "salgo", "fin", "termino", "terminé", "acabo",
    "non", "nao", "não", "fim", "saio",
}  # fmt: skip
_ON_WORDS = {fold(word) for word in _DUTY_ON}
_OFF_WORDS = {fold(word) for word in _DUTY_OFF}


# Words around a duty's length ("por 3 horas", "for 3 hours", "durante 2h").
_DUTY_LENGTH_WORDS = {"por", "for", "durante", "during", "pendant", "para", "pour", "de"}
# Words around areas that name none ("en el centro", "in the east side").
_AREA_FILLER = {
    "in", "en", "the", "el", "la", "los", "las", "at", "a", "au", "no", "na", "da", "do",
    "del", "de", "and", "y", "et", "e", "zona", "zonas", "zone", "zones", "area", "areas",
    "barrio", "barrios", "please", "pls", "porfa", "favor", "por", "s'il", "vous", "plait",
}  # fmt: skip


def _length_in(words: list[str]) -> tuple[timedelta | None, list[str]]:
    """The longest run of words that reads as a length, anywhere ("2h centro", "por 3
    horas", "east side 2h"), and the words left; a 5-digit number is a zip code."""
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if any(len(w) >= 5 and w.isdigit() for w in run):
                continue
            if fold(run[0]) in _DUTY_LENGTH_WORDS and size == 1:
                continue
            try:
                length = read_length(
                    " ".join(w for w in map(fold, run) if w not in _DUTY_LENGTH_WORDS)
                )
            except DurationError:
                continue
            if length is not None:
                return length, words[:start] + words[start + size :]
    return None, words


# "hasta las 6", "until 6pm", "till 18:30", "jusqu'à 18h", "até as 6": a clock time.
_UNTIL = re.compile(
    r"\b(?:hasta|until|till|til|jusqu'?[aà]|at[eé])\s+(?:las?|the|[aà]s|a|o)?\s*"
    r"(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|h)?(?=[\s,.;]|$)",
    re.I,
)


@dataclass(frozen=True)
class Until:
    """A duty's end said as a clock time ("hasta las 6"): with no am/pm (`either_half`)
    it is whichever of 6:00 and 18:00 comes next."""

    hour: int
    minute: int = 0
    either_half: bool = False


def _until(typed: list[str]) -> tuple[Until | None, list[str]]:
    """The clock time in "hasta las 6" / "until 6pm", and the words without it."""
    joined = " ".join(typed).casefold()
    match = _UNTIL.search(joined)
    if match is None:
        return None, typed
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").replace(".", "")
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None, typed
    first = joined[: match.start()].count(" ")
    last = joined[: match.end()].count(" ") + 1
    return Until(hour, minute, either_half=not half and hour < 12), typed[:first] + typed[last:]


def parse_duty(text: str) -> tuple[bool | None, timedelta | Until | None, str]:
    """`/duty on 4h`, `/turno sí 4 horas Eastside`, `/turno si por 3 horas`, `/duty on for
    3 hours downtown`, `/duty on area: Eastside`, `/duty off`, `/duty 4h` (on), `/duty`
    (where do I stand?): on or off, the length, and the rest as typed (the areas, and
    perhaps words that are not: `DispatchService` says which)."""
    label = re.split(r"\b(?:areas?|zonas?|zones?|barrios?)\s*:", text, maxsplit=1, flags=re.I)
    area_text = label[1].strip() if len(label) > 1 else ""
    typed = label[0].split()
    if not typed and not area_text:
        return None, None, ""
    if typed and fold(typed[0]) in _OFF_WORDS:
        return False, None, ""
    if typed and fold(typed[0]) in _ON_WORDS:
        typed = typed[1:]
    clock, left = _until(typed)
    if clock is not None:
        return True, clock, " ".join(w for w in (" ".join(left), area_text) if w)
    length, rest = _length_in(typed)
    return True, length, " ".join(w for w in (" ".join(rest), area_text) if w)


async def _verifiers(tx: Transaction, network: Network) -> list[Member]:
    """Every verifier on every platform the network uses."""
    found: list[Member] = []
    for platform in dict.fromkeys(target.platform for target in network.targets):
        found += await tx.members.with_role(platform, Role.VERIFIER)
    return found


async def duties(
    tx: Transaction, network: Network, now: datetime, *, real: bool = False
) -> list[Duty]:
    """Who is on duty now: by /duty on, or by a weekly shift in the config. `real`: for
    a real report, the duties taken during a running drill are left out (each member's
    duty from before the drill counts instead)."""
    found = await tx.dispatch.on_duty(now, real=real)
    seen = {duty.member_id for duty in found}
    local = now.astimezone(network.zone)
    platforms = list(dict.fromkeys(target.platform for target in network.targets))
    for shift in network.shifts:
        if not shift.covers(local):
            continue
        for platform in platforms:
            member = await tx.members.find(platform, shift.member)
            if member is not None and member.id not in seen:
                seen.add(member.id)
                found.append(Duty(member.id, now, shift.ends(local), shift.areas))
    return found


def report_area(network: Network, report: Report) -> Area | None:
    """The configured area the report's place and words name, if any."""
    return area_of((report.where, report.what), network.areas) if network.areas else None


async def _on_duty(
    tx: Transaction, network: Network, now: datetime, report: Report, area: Area | None = None
) -> list[Member]:
    """Members on duty who may check `report` (a verifier role taken away ends it; a
    drill's duty is for drill reports only); for a report in `area`, those on duty
    there, if anyone is (else everyone on duty)."""
    found: list[tuple[Member, tuple[str, ...]]] = []
    for duty in await duties(tx, network, now, real=not report.drill):
        member = await tx.members.get(duty.member_id)
        if member is not None and permissions.is_verifier(member):
            found.append((member, duty.areas))
    there = [m for m, areas in found if area is not None and area.name in areas]
    return there or [m for m, _areas in found]


async def _in_turn(tx: Transaction, members: Sequence[Member], count: int) -> list[Member]:
    """Round-robin: whoever was offered a report longest ago (or never) first."""
    last = await tx.dispatch.last_offered(m.id for m in members)

    def key(member: Member) -> tuple[float, int]:
        moment = last.get(member.id)
        return (moment.timestamp() if moment else float("-inf"), member.id)

    return sorted(members, key=key)[:count]


def offer(report: Report) -> Text:
    """The direct message that asks a verifier to go."""
    return _(
        "Can you check {code} at {where} (reported {when})? If you are going, send "
        "/claim {code} 15m with your ETA.",
        code=report.code,
        where=Raw(report.where) if report.where else _("place not given"),
        when=When(report.created_at),
    )


async def _offer_to(
    messenger: Messenger, tx: Transaction, report: Report, members: Sequence[Member], now: datetime
) -> None:
    for member in members:
        await messenger.to_member(tx, member, MessageKind.OFFER, offer(report), report_id=report.id)
    await tx.dispatch.offered((m.id for m in members), now, drill=report.drill)


async def first_offer(
    messenger: Messenger, network: Network, tx: Transaction, report: Report, now: datetime
) -> bool:
    """Offer a new report to the verifiers on duty (not its reporters) and start its
    escalation chain. True when nobody is on duty: the card then calls every verifier."""
    area = report_area(network, report)
    if area is not None:  # a new report is in no area until placed
        await tx.reports.place_in_area(report.id, area.name)
    on_duty = [
        m for m in await _on_duty(tx, network, now, report, area) if m.id not in report.reporters
    ]
    await tx.dispatch.set_step(report.id, 0)
    await _schedule_step(network, tx, report, 0, now)
    if on_duty:
        await _offer_to(messenger, tx, report, on_duty, now)
        return False
    return True


async def duty_in_use(tx: Transaction, network: Network) -> bool:
    """Whether the network uses duty (shifts, or anyone ever sent /duty on): only then
    are organizers told that nobody is on duty."""
    return bool(network.shifts) or await tx.dispatch.duty_in_use()


async def tell_nobody_on_duty(messenger: Messenger, tx: Transaction, report: Report) -> None:
    await messenger.report_notice(
        tx,
        MessageKind.REASK,
        _(
            "Nobody is on duty, so I called every verifier for {code}. Verifiers: "
            "/duty on 4h when you can take reports.",
            code=report.code,
        ),
        report.id,
    )


def _step(network: Network, index: int, *, drill: bool) -> DispatchStep:
    chain = network.escalation(drill=drill)
    if index < len(chain):
        return chain[index]
    # then: everyone, again
    return DispatchStep(network.timings(drill=drill).claim_within, StepWho.VERIFIERS)


async def _schedule_step(
    network: Network, tx: Transaction, report: Report, index: int, now: datetime
) -> None:
    """The chain's step `index` comes due after its wait, unless the report expires
    first (expiry says so itself)."""
    await tx.timers.cancel((TimerKind.REPORT_REASK,), report.id)
    due = now + _step(network, index, drill=report.drill).wait
    if due < report.created_at + network.timings(drill=report.drill).verification_expiry:
        await tx.timers.schedule(TimerKind.REPORT_REASK, report.id, due, now)


def claim_note(report: Report, line: Text, claimer: Member | None, state: Dispatch) -> Text:
    """A claimed report's /status line says someone is going: who, for organizers
    (`claimer`), only that someone is for verifiers (None). Listed once, as waiting."""
    if claimer is None:
        return _("{line} (someone is on the way)", line=line)
    return _(
        "{line} ({member} on the way, about {eta}, since {when})",
        line=line,
        member=member_name(claimer),
        eta=Span(state.eta or timedelta(0)),
        when=When(state.claimed_at or report.created_at),
    )


class DispatchService(Service):
    # -- claims ---------------------------------------------------------------------
    async def claim(self, actor: Member, report_id: int, eta: timedelta | None) -> Text:
        """`actor` is going to check the report; the answer for them."""
        permissions.check_can_claim(actor)
        eta = eta or self.network.default_eta
        now = self.clock.now()
        async with self.store.transaction() as tx:
            report = await load_report(tx, report_id)
            permissions.check_two_person_rule(actor, report)
            if report.state is not ReportState.PENDING:
                raise await already_decided(tx, report)
            state = await tx.dispatch.get(report.id)
            if state.claimed_by is not None and state.claimed_by != actor.id:
                raise await self._taken(tx, report, state)
            again = state.claimed_by == actor.id
            if not await tx.dispatch.claim(
                report.id, actor.id, eta, now, expected=state.claimed_by
            ):
                raise await self._taken(tx, report, await tx.dispatch.get(report.id))
            await tx.reports.mark_claimed(report.id, now)
            await tx.timers.cancel((TimerKind.REPORT_REASK, TimerKind.CLAIM_OVERDUE), report.id)
            await tx.timers.schedule(
                TimerKind.CLAIM_OVERDUE, report.id, now + eta + self.network.claim_grace, now
            )
            await self.messenger.report_notice(
                tx,
                MessageKind.CLAIM,
                _(
                    "{code}: {member} is on the way, about {eta}.",
                    code=report.code,
                    member=member_name(actor),
                    eta=Span(eta),
                ),
                report.id,
            )
            if not again:
                for reporter_id in sorted(report.reporters):
                    reporter = await tx.members.get(reporter_id)
                    if reporter is not None:
                        await self.messenger.to_member(
                            tx,
                            reporter,
                            MessageKind.OUTCOME,
                            _(
                                "Someone from the network is on the way to check your report "
                                "{code}. Thank you. Stay safe and keep your distance.",
                                code=report.code,
                            ),
                        )
                await self.messenger.to_member(
                    tx,
                    actor,
                    MessageKind.REPLY,
                    lines(_("Checklist for {code}:", code=report.code), checklist()),
                )
            await tx.audit.record(now, actor.id, "report.claimed", report.code)
        if again:
            return _(
                "Noted: you will be at {code} in about {eta}.", code=report.code, eta=Span(eta)
            )
        return _(
            "Thank you: {code} is yours. The organizers know you are on the way (about "
            "{eta}). When you know, send /verify {code} or /dismiss {code}; if you cannot "
            "go, /unclaim {code}. I sent you a checklist in a direct message.",
            code=report.code,
            eta=Span(eta),
        )

    async def _taken(self, tx: Transaction, report: Report, state: Dispatch) -> UserError:
        claimer = await tx.members.get(state.claimed_by) if state.claimed_by else None
        return UserError(
            _(
                "{code} is already claimed: {member} is on the way (since {when}). "
                "Nothing changed.",
                code=report.code,
                member=member_name(claimer) if claimer else _("someone"),
                when=When(state.claimed_at or report.created_at),
            )
        )

    async def unclaim(self, actor: Member, report_id: int) -> Text:
        """Give a claim back (organizers may give back anyone's); the verifiers are
        called at once."""
        permissions.check_can_claim(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            report = await load_report(tx, report_id)
            state = await tx.dispatch.get(report.id)
            if report.state is not ReportState.PENDING:
                raise await already_decided(tx, report)
            mine = state.claimed_by == actor.id
            if state.claimed_by is None or not (mine or permissions.is_organizer(actor)):
                raise UserError(
                    _(
                        "You have not claimed {code}, so there is nothing to give back.",
                        code=report.code,
                    )
                )
            if not await tx.dispatch.release(report.id, expected=state.claimed_by):
                raise UserError(_("{code} changed meanwhile. Nothing changed.", code=report.code))
            await tx.timers.cancel((TimerKind.CLAIM_OVERDUE,), report.id)
            claimer = actor if mine else await tx.members.get(state.claimed_by)
            who = member_name(claimer) if claimer else _("someone")
            why: Text = (
                _("{member} gave back {code}: who can go instead?", member=who, code=report.code)
                if mine
                else _(
                    "An organizer took {code} back from {member}: who can go instead?",
                    member=who,
                    code=report.code,
                )
            )
            if not mine and claimer is not None:
                await self.messenger.to_member(
                    tx,
                    claimer,
                    MessageKind.REASK,
                    _(
                        "An organizer gave {code} back to the other verifiers, so you do not "
                        "need to go. Thank you.",
                        code=report.code,
                    ),
                )
            await self._back_to_everyone(tx, report, why, now)
            await tx.audit.record(now, actor.id, "report.unclaimed", report.code)
        if not mine:
            return _("{code} is free again; I asked the other verifiers.", code=report.code)
        return _(
            "{code} is no longer yours; I asked the other verifiers. Thank you for saying so.",
            code=report.code,
        )

    async def _back_to_everyone(
        self, tx: Transaction, report: Report, why: Text, now: datetime
    ) -> None:
        """Call every verifier on the card's chats now, and go on with the chain."""
        await self.messenger.report_notice(
            tx, MessageKind.REASK, lines(why, rendering.reask(report)), report.id, ping=True
        )
        state = await tx.dispatch.get(report.id)
        await _schedule_step(self.network, tx, report, state.step, now)

    # -- duty -----------------------------------------------------------------------
    def _areas(self, text: str) -> tuple[tuple[str, ...], str]:
        """The areas a member named with /duty ("Eastside, Downtown", "centro", "east
        side", "downtwon"), as configured, and the words that named none (said back to
        them, never a refusal: the duty is taken anyway)."""
        found: list[str] = []
        unknown: list[str] = []
        for segment in re.split(r"[,;/]", text):
            typed = segment.split()
            i = 0
            while i < len(typed):
                for size in range(min(4, len(typed) - i), 0, -1):
                    area = named_area(" ".join(typed[i : i + size]), self.network.areas)
                    if area is not None:
                        found.append(area.name)
                        i += size
                        break
                else:
                    if fold(typed[i]) not in _AREA_FILLER:
                        unknown.append(typed[i])
                    i += 1
        return tuple(dict.fromkeys(found)), " ".join(unknown)[:60]

    def _length_until(self, clock: Until, now: datetime) -> timedelta:
        """How long until the clock time next comes, in the network's time zone."""
        local = now.astimezone(self.network.zone)
        hours = [clock.hour, clock.hour + 12] if clock.either_half else [clock.hour]
        lengths = []
        for hour in hours:
            moment = local.replace(hour=hour % 24, minute=clock.minute, second=0, microsecond=0)
            if moment <= local:
                moment += timedelta(days=1)
            lengths.append(moment - local)
        return min(lengths)

    async def duty(
        self, actor: Member, on: bool | None, length: timedelta | Until | None, areas: str = ""
    ) -> Text:
        """/duty on [4h | until 6pm] [areas], /duty off, or /duty (where do I stand?)."""
        permissions.check_can_take_duty(actor)
        now = self.clock.now()
        if isinstance(length, Until):
            length = self._length_until(length, now)
        taken, unknown = self._areas(areas) if on else ((), "")
        if length is not None and length > MAX_DUTY:
            raise UserError(
                _(
                    "A duty can last at most 7 days. For a standing shift, send /duty on "
                    "without a length, and /duty off when you stop."
                )
            )
        async with self.store.transaction() as tx:
            if on is None:
                mine = [d for d in await duties(tx, self.network, now) if d.member_id == actor.id]
                if not mine:
                    return _("You are not on duty. Send /duty on 4h to take reports first.")
                if mine[0].until is None:
                    return _("You are on duty until you send /duty off.")
                return _("You are on duty until {when}.", when=When(mine[0].until))
            if not on:
                was = await tx.dispatch.duty_off(actor.id, now)
                await tx.audit.record(now, actor.id, "duty.off", None)
                if not was:
                    return _("You were not on duty. Nothing changed.")
                return _("You are off duty. Thank you for your time.")
            until = now + length if length is not None else None
            drill = await tx.drills.current()
            await tx.dispatch.duty_on(actor.id, until, now, taken, drill=drill is not None)
            await tx.audit.record(now, actor.id, "duty.on", None)
        where: Text | None = (
            _("Your areas: {areas}.", areas=Raw(", ".join(taken)))
            if taken
            else (_("Areas: all of them.") if self.network.areas else None)
        )
        if unknown:
            where = lines(where, self._not_understood(unknown))
        if drill is not None:
            where = lines(
                where,
                _(
                    "This duty is part of the drill: it ends when the drill does, and "
                    "any duty you had before comes back."
                ),
            )
        if until is None:
            return lines(
                _(
                    "You are on duty: new reports are offered to you first. Send /duty off "
                    "when you stop."
                ),
                where,
            )
        return lines(
            _(
                "You are on duty until {when}: new reports are offered to you first.",
                when=When(until),
            ),
            where,
        )

    def _not_understood(self, unknown: str) -> Text:
        """Words after /duty that were neither a length nor an area: said back, with
        what would have been understood."""
        if not self.network.areas:
            return _(
                "I did not understand “{words}”, so I left it out. To say for how long: "
                "/duty on 4h",
                words=Raw(unknown),
            )
        return _(
            "I did not understand “{words}”, so I left it out. The areas are: {areas} "
            "(to change yours: /duty on 4h {area}).",
            words=Raw(unknown),
            areas=Raw(", ".join(a.name for a in self.network.areas)),
            area=Raw(self.network.areas[0].name),
        )

    async def board(self) -> list[tuple[Member, Duty]]:
        """Who is on duty (until when, where), for organizers."""
        now = self.clock.now()
        async with self.store.reading() as tx:
            duty: list[tuple[Member, Duty]] = []
            for entry in await duties(tx, self.network, now):
                member = await tx.members.get(entry.member_id)
                if member is not None and permissions.is_verifier(member):
                    duty.append((member, entry))
        return duty

    async def claims(self) -> dict[int, tuple[Member, Dispatch]]:
        """The open claims by report id: who is going, and when they said."""
        async with self.store.reading() as tx:
            found: dict[int, tuple[Member, Dispatch]] = {}
            for state in await tx.dispatch.claimed():
                claimer = await tx.members.get(state.claimed_by) if state.claimed_by else None
                if claimer is not None:
                    found[state.report_id] = (claimer, state)
        return found

    # -- timers ---------------------------------------------------------------------
    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        report = await tx.reports.get(timer.subject_id)
        if report is None or report.state is not ReportState.PENDING:
            return
        state = await tx.dispatch.get(report.id)
        note = rendering.late_note(timer.due_at) if timer.late else None
        if timer.kind is TimerKind.CLAIM_OVERDUE:
            await self._overdue(tx, report, state, now, note)
        elif state.claimed_by is None:
            await self._escalate(tx, report, state, now, note)

    async def _overdue(
        self, tx: Transaction, report: Report, state: Dispatch, now: datetime, note: Text | None
    ) -> None:
        claimer = await tx.members.get(state.claimed_by) if state.claimed_by else None
        if claimer is None:
            return
        if not state.reasked:
            await tx.dispatch.mark_reasked(report.id)
            await self.messenger.to_member(
                tx,
                claimer,
                MessageKind.REASK,
                lines(
                    note,
                    _(
                        "You said you would be at {code} by {when}. Are you there? Send "
                        "/verify {code} or /dismiss {code} when you know, or /unclaim "
                        "{code} if you cannot go.",
                        code=report.code,
                        when=When(state.due_back or now),
                    ),
                ),
            )
            await tx.timers.schedule(
                TimerKind.CLAIM_OVERDUE, report.id, now + self.network.claim_grace, now
            )
            return
        await tx.dispatch.release(report.id, expected=claimer.id)
        await self.messenger.to_member(
            tx,
            claimer,
            MessageKind.REASK,
            _(
                "I gave {code} back to the other verifiers, since there was no news. If you "
                "are there after all, send /claim {code} again.",
                code=report.code,
            ),
        )
        await self._back_to_everyone(
            tx,
            report,
            lines(
                note,
                _(
                    "{member} claimed {code} but there is no decision yet: who can go?",
                    member=member_name(claimer),
                    code=report.code,
                ),
            ),
            now,
        )

    async def _escalate(
        self, tx: Transaction, report: Report, state: Dispatch, now: datetime, note: Text | None
    ) -> None:
        step = _step(self.network, state.step, drill=report.drill)
        waited = now - report.created_at
        if step.who is StepWho.NEXT:
            area = report_area(self.network, report)
            pool = await _on_duty(tx, self.network, now, report, area) or await _verifiers(
                tx, self.network
            )
            chosen = await _in_turn(
                tx, [m for m in pool if m.id not in report.reporters], step.count
            )
            if chosen:
                await _offer_to(self.messenger, tx, report, chosen, now)
                await self.messenger.report_notice(
                    tx,
                    MessageKind.REASK,
                    lines(
                        note,
                        rendering.reask(report),
                        # Neither names nor a count: leaving out whoever reported
                        # it would show that a verifier did.
                        _("Nobody has claimed it yet; I asked the next verifiers directly."),
                    ),
                    report.id,
                )
            else:  # nobody to ask in turn (every verifier reported it): call everyone
                await self.messenger.report_notice(
                    tx,
                    MessageKind.REASK,
                    lines(note, rendering.reask(report)),
                    report.id,
                    ping=True,
                )
        elif step.who is StepWho.ORGANIZERS:
            await self.messenger.report_notice(
                tx,
                MessageKind.REASK,
                lines(
                    note,
                    _(
                        "Nobody has claimed {code} after {waited}. Can an organizer find "
                        "someone to check it, or check it yourself?",
                        code=report.code,
                        waited=Span(waited),
                    ),
                    rendering.reask(report),
                ),
                report.id,
            )
        else:
            await self.messenger.report_notice(
                tx, MessageKind.REASK, lines(note, rendering.reask(report)), report.id, ping=True
            )
        await tx.dispatch.set_step(report.id, state.step + 1)
        await _schedule_step(self.network, tx, report, state.step + 1, now)
