"""Who may do what: every command, button and form, for every role, on every front end.

One table says which roles may do each thing. Each front end (console, Signal through
the fake signal-cli-rest-api, Discord through discord.py test doubles) runs every entry
for every role from the same starting point, and the test asserts the allowed set
exactly: an allowed action changes what the bot stores (or shows what was asked for),
a refused one changes nothing and shows nothing it should not.

Roles: "none" (a member the bot never gave a role), "volunteer" (here: the one T1 was
offered to), "verifier", "organizer", and "reporter" (a verifier who filed R1: the
two-person rule must stop them deciding it).

Need to know holds for every entry and role too: nobody but an organizer reads P1's
name, date of birth or notes, or T3's own words; the volunteer reads P1's contact phone
only through `/person` while they hold T1 (calling the family needs it); and no group
chat ever gets any of it, neither as an answer nor as any other message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.core.actions import build_draft
from bot.core.models import (
    Conversation,
    Member,
    MessageKind,
    ReportState,
    TargetPurpose,
    TaskState,
)
from bot.core.store import Store
from bot.platforms.signal.frontend import SignalFrontEnd
from tests.conftest import example_data
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal import conftest as signal

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # every duty ever taken is "on" after it
ROLES = ("none", "volunteer", "verifier", "organizer", "reporter")
EVERYONE = frozenset(ROLES)
DECIDERS = frozenset({"verifier", "organizer"})
ORGANIZER = frozenset({"organizer"})
PERSON_NAME = "Teodora Quispe"
PERSON = {"name": PERSON_NAME, "phone": "5550104444", "dob": "1988-03-04",
          "notes": "takes insulin"}  # fmt: skip
PERSON_PHONE = "010-4444"  # as shown: (555) 010-4444
# T3, about P1, in an organizer's words that name a detainee and a lawyer's phone.
DESCRIPTION = "call Tobiah Marchetti-Oyelaran's lawyer about the bond hearing, +1 555 019 4432"
ORGANIZERS_ONLY = (PERSON_NAME, "1988-03-04", "takes insulin", "Marchetti-Oyelaran",
                   "019 4432")  # fmt: skip
PERSONAL = (*ORGANIZERS_ONLY, PERSON_PHONE)


@dataclass(frozen=True)
class Entry:
    """One thing a member can do, who may do it, and how success shows."""

    name: str
    allowed: frozenset[str]
    text: str | None = None  # the text command (console, Signal); None: Discord only
    verified: bool = False  # R1 verified by another verifier first
    marker: str | None = None  # read-only: allowed means the reply shows this
    direct: bool = False  # sent in a direct message rather than the organizer chat
    discord: tuple[str, ...] = ()  # how Discord does it (see DiscordDriver.run)
    # How far the volunteer got with T1 first: offered, accepted, done, released, cancelled.
    t1: str = "offered"
    drill: bool = False  # an organizer started a drill first

    @property
    def volunteer_holds_t1(self) -> bool:
        """Whether the volunteer holds T1 (call the family) once this is done, and so
        may read P1's contact phone in their direct messages."""
        return self.t1 == "accepted" or self.name == "task accept"


MATRIX: tuple[Entry, ...] = (
    Entry("report", EVERYONE, "/report where: 9 Oak St; what: vans", discord=("form:report",)),
    # Anyone's report is filed; only an organizer's is taken as a hotline relay.
    Entry(
        "hotline relay",
        ORGANIZER,
        "/report where: 9 Oak St; source: hotline; callback: 555 010 5555",
        marker="Filed as a hotline relay",
        direct=True,
        discord=("form:relay",),
    ),
    Entry("verify", DECIDERS, "/verify R1", discord=("slash:verify", "button:verify:report:1")),
    # The two-person rule holds for claims too: the reporter may not claim their own.
    Entry("claim", DECIDERS, "/claim R1 15m", discord=("slash:claim", "button:claim:report:1")),
    Entry("claim, in Spanish", DECIDERS, "/voy R1 en 10"),
    Entry("duty on", DECIDERS | {"reporter"}, "/duty on 4h", direct=True, discord=("slash:duty",)),
    Entry(
        "status shows who is on duty",
        ORGANIZER,
        "/status",
        marker="Nobody is on duty",
        direct=True,
        discord=("slash:status",),
    ),
    Entry(
        "dismiss",
        DECIDERS,
        "/dismiss R1 routine",
        discord=("slash:dismiss", "button:dismiss:report:1:routine"),
    ),
    Entry(
        "resolve",
        DECIDERS | {"reporter"},
        "/resolve R1 over",
        verified=True,
        discord=("slash:resolve",),
    ),
    Entry(
        "still going on: yes",
        DECIDERS | {"reporter"},
        "/still R1 yes",
        verified=True,
        discord=("slash:still", "button:still:report:1:yes"),
    ),
    Entry(
        "still going on: no",
        DECIDERS | {"reporter"},
        "/sigue R1 no",
        verified=True,
        discord=("button:still:report:1:no",),
    ),
    Entry(
        "correct",
        ORGANIZER,
        "/correct R1 where: 5th & Maple",
        verified=True,
        discord=("slash:correct",),
    ),
    Entry("retract", ORGANIZER, "/retract R1 film crew", verified=True, discord=("slash:retract",)),
    Entry(
        "status shows a pending report",
        DECIDERS | {"reporter"},
        "/status",
        marker="R1",
        discord=("slash:status",),
    ),
    Entry("rights", EVERYONE, "/rights", marker="555 0100", discord=("slash:rights",)),
    Entry("hotline", EVERYONE, "/hotline", marker="555 0100", discord=("slash:hotline",)),
    Entry("help", EVERYONE, "/help", marker="/report", discord=("slash:help",)),
    # Practice runs in a direct message; on Discord tests/cogs/test_live_practice.py.
    Entry("practice", EVERYONE, "/practice", marker="Agent", direct=True),  # Agente too
    Entry("lang", EVERYONE, "/lang es", marker="español", discord=("slash:lang",)),
    Entry("role", ORGANIZER, "/role add {none} verifier"),  # Discord roles live in Discord
    Entry("role remove", ORGANIZER, "/role remove {verifier} verifier", direct=True),
    # The network keeps an organizer: the last one's role is not taken, even by themselves.
    Entry("role remove: the last organizer", frozenset(), "/role remove {organizer} organizer"),
    Entry(
        "roles lists who has which role",
        ORGANIZER,
        "/roles",
        marker="verifier: ",
        direct=True,
        discord=("slash:roles",),
    ),
    Entry("roles in a group lists nobody", frozenset(), "/roles", marker="verifier: "),
    Entry(
        "stats: the after-action numbers",
        ORGANIZER,
        "/stats 30d",
        marker="Time to decide",
        direct=True,
        discord=("slash:stats",),
    ),
    Entry(
        "stats asked in a group go privately",
        ORGANIZER,
        "/estadisticas",  # typed in Spanish: this answer comes in Spanish
        marker="Te envié las cifras en privado.",
    ),
    Entry("roles reset", ORGANIZER, "/roles reset", marker="the roles it lists", direct=True),
    Entry(
        "detained",
        ORGANIZER,
        "/detained R1 name: Rosa Ek; phone: 555 010 3333",
        direct=True,
        discord=("form:detained",),
    ),
    Entry(
        "person",
        ORGANIZER,
        "/person P1",
        marker=PERSON_NAME,
        direct=True,
        discord=("slash:person",),
    ),
    Entry(
        "person: correct a detail",
        ORGANIZER,
        "/person P1 dob: 1988-03-05",
        direct=True,
        discord=("slash:person correction",),
    ),
    Entry(
        "person: correct a detail, by the volunteer while T1 (call the family) is theirs",
        ORGANIZER,
        "/person P1 phone: 555 010 4445",
        direct=True,
        t1="accepted",
        discord=("slash:person correction",),
    ),
    Entry(
        "person, by the volunteer while T1 (call the family) is theirs",
        ORGANIZER | {"volunteer"},
        "/person P1",
        marker=PERSON_PHONE,
        direct=True,
        t1="accepted",
        discord=("slash:person",),
    ),
    *(
        Entry(
            f"person, once the volunteer's T1 is {ended}",
            ORGANIZER,
            "/person P1",
            marker=PERSON_PHONE,
            direct=True,
            t1=ended,
            discord=("slash:person",),
        )
        for ended in ("done", "released", "cancelled")
    ),
    Entry("tasks in the organizer chat", ORGANIZER, "/tasks open", marker="T3"),
    Entry("status in the organizer chat lists tasks", ORGANIZER, "/status", marker="T3"),
    Entry(
        "tasks shows every open task",
        ORGANIZER,
        "/tasks open",
        marker="T2",
        direct=True,
        discord=("slash:tasks",),
    ),
    Entry("task add", ORGANIZER, "/task add bring documents", direct=True, discord=("slash:add",)),
    Entry(
        "task assign",
        ORGANIZER,
        "/task assign T2 {volunteer}",
        direct=True,
        discord=("slash:assign",),
    ),
    Entry("task edit", ORGANIZER, "/task edit T2 due: 4h", direct=True, discord=("slash:edit",)),
    Entry("task cancel", ORGANIZER, "/task cancel T2", direct=True, discord=("slash:cancel",)),
    Entry(
        "task accept",
        frozenset({"volunteer"}),
        "/task accept T1",
        direct=True,
        discord=("slash:accept", "button:task:accept:1"),
    ),
    Entry(
        "task decline",
        frozenset({"volunteer"}),
        "/task decline T1 busy",
        direct=True,
        discord=("slash:decline", "button:task:decline:1"),
    ),
    Entry("drill start", ORGANIZER, "/drill start 1h", discord=("slash:drill",)),
    Entry("drill start, in Spanish", ORGANIZER, "/simulacro empezar 2 horas", direct=True),
    Entry("drill stop", ORGANIZER, "/drill stop", drill=True, discord=("slash:drill stop",)),
    Entry("drill stop, in Spanish", ORGANIZER, "/simulacro terminar", drill=True, direct=True),
    Entry(
        "drill: is one running?",
        EVERYONE,
        "/drill",
        marker="— PR",  # DRILL — PRACTICE, SIMULACRO — PRÁCTICA (Signal's verifier reads es)
        drill=True,
        direct=True,
        discord=("slash:drill status",),
    ),
)


async def fingerprint(app: App) -> tuple[object, ...]:
    """Everything a command may change, except the replies themselves (read through the
    core's storage seam, as the core sees it)."""
    async with app.store.reading() as tx:
        reports = [
            (r.id, r.state, r.updated_at, r.where, r.what, r.agency)
            for r in await tx.reports.in_states(ReportState)
        ]
        tasks = [
            (t.id, t.state, t.assignee_id, t.due_at, t.description)
            for t in await tx.tasks.in_states(TaskState)
        ]
        people = [await tx.people.get(number) for number in range(1, 4)]
        # A member's roles; not their name, which every Signal message may update from
        # the profile, nor their language, which a command typed in Spanish chooses for
        # someone who never chose one, whatever the command (/lang shows by its marker).
        members = [
            (m.id, m.roles) if m is not None else None
            for m in [await tx.members.get(number) for number in range(1, 30)]
        ]
        messages = sum(e.kind is not MessageKind.REPLY for e in await tx.outbox.all_entries())
        claims = [(d.report_id, d.claimed_by) for d in await tx.dispatch.claimed()]
        duty = [(d.member_id, d.until) for d in await tx.dispatch.on_duty(EPOCH)]
        drill = await tx.drills.current()
    return (reports, tasks, people, members, messages, claims, duty, drill)


async def prepare(
    app: App, cast: dict[str, Member], verified: bool, t1: str = "offered", drill: bool = False
) -> None:
    """R1 reported by the reporter; P1 recorded with tasks T1 (offered to the volunteer,
    and taken as far as `t1` says) and T2 (open); T3 about P1 in an organizer's words,
    offered to the volunteer too; R1 verified by the verifier when asked; then a drill
    started by the organizer, if asked."""
    await app.intake.submit(cast["reporter"], build_draft(where="5th & Main", what="2 vans"))
    organizer, volunteer = cast["organizer"], cast["volunteer"]
    await app.people.record_person(organizer, 1, PERSON)
    await app.tasks.assign(organizer, 1, volunteer)
    await app.tasks.add(organizer, DESCRIPTION, person_id=1)
    await app.tasks.assign(organizer, 3, volunteer)
    if t1 != "offered":
        await app.tasks.accept(volunteer, 1)
    if t1 == "done":
        await app.tasks.done(volunteer, 1)
    elif t1 == "released":
        await app.tasks.release(volunteer, 1)
    elif t1 == "cancelled":
        await app.tasks.cancel(organizer, 1)
    if verified:
        await app.decisions.verify(cast["verifier"], 1)
    async with app.store.reading() as tx:  # the offers say what kind, not what words
        assert not any(DESCRIPTION in e.body for e in await tx.outbox.all_entries())
    if drill:
        await app.drills.start(organizer)


async def groups_clean(store: Store) -> None:
    """No message to a group chat, of any kind, holds a person's details or T3's words."""
    async with store.reading() as tx:
        for entry in await tx.outbox.all_entries():
            if not entry.is_direct:
                leaked = [secret for secret in PERSONAL if secret in entry.body]
                assert not leaked, (leaked, entry.kind, entry.body)


def judge(entry: Entry, role: str, changed: bool, reply: str) -> None:
    allowed = (entry.marker in reply) if entry.marker else changed
    if role in entry.allowed:
        assert allowed, f"{entry.name} should be allowed for {role}: {reply!r}"
    else:
        assert not allowed, f"{entry.name} should be refused for {role}: {reply!r}"
        if entry.marker is None:
            assert reply.strip(), f"{entry.name} refused {role} without a word"
        if entry.marker is None or entry.name.startswith("status"):
            assert PERSON_NAME not in reply
    if role != "organizer":
        leaked = [secret for secret in ORGANIZERS_ONLY if secret in reply]
        assert not leaked, f"{entry.name} showed {role} {leaked}: {reply!r}"
        if not (role == "volunteer" and entry.volunteer_holds_t1):
            assert PERSON_PHONE not in reply, f"{entry.name} showed {role} the phone"
    if not entry.direct:
        leaked = [secret for secret in PERSONAL if secret in reply]
        assert not leaked, f"{entry.name} told a group {leaked}: {reply!r}"


# -- console ----------------------------------------------------------------------------

CONSOLE_CAST = {"volunteer": "eli", "verifier": "cruz", "organizer": "ana", "reporter": "ben"}


async def console_cast(app: App) -> dict[str, Member]:
    cast = {
        role: await app.members.identify("console", name) for role, name in CONSOLE_CAST.items()
    }
    cast["none"] = await app.members.identify("console", "newcomer")
    return cast


# -- the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("entry", [e for e in MATRIX if e.text], ids=lambda e: e.name)
async def test_console(entry: Entry, config: Config, tmp_path: Path, clock: FakeClock) -> None:
    for role in ROLES:
        app = await App.start(config, tmp_path / f"{role}.sqlite3", clock)
        try:
            cast = await console_cast(app)
            await prepare(app, cast, entry.verified, entry.t1, entry.drill)
            where = (
                Conversation("console", cast[role].external_id, is_direct=True)
                if entry.direct
                else Conversation(
                    "console", "organizers", is_direct=False, purpose=TargetPurpose.ORGANIZERS
                )
            )
            text = (entry.text or "").format(
                none="newcomer", volunteer="eli", verifier="cruz", organizer="ana"
            )
            before = await fingerprint(app)
            replies = await app.router.handle(cast[role], where, text)
            reply = "\n".join(app.renderer.render(r.text, r.language or "en") for r in replies)
            judge(entry, role, await fingerprint(app) != before, reply)
            await groups_clean(app.store)
        finally:
            await app.close()


# -- Signal -----------------------------------------------------------------------------

SIGNAL_CAST = {
    "none": "f0000000-0000-4000-8000-000000000006",
    "volunteer": signal.DEE,
    "verifier": signal.CRUZ,
    "organizer": signal.ANA,
    "reporter": signal.BEN,
}


@pytest.mark.parametrize("entry", [e for e in MATRIX if e.text], ids=lambda e: e.name)
async def test_signal(entry: Entry, tmp_path: Path, clock: FakeClock) -> None:
    for role in ROLES:
        server = FakeSignal(number=signal.BOT_NUMBER)
        await server.start()
        data = example_data()
        data["signal"] = signal.signal_section(server.url)
        config = Config.model_validate(data)
        assert config.signal is not None
        app = await App.start(config, tmp_path / f"{role}.sqlite3", clock)
        front = SignalFrontEnd(app, config.signal)
        try:
            cast = {
                name: await app.members.identify(
                    "signal", signal.CRUZ_NUMBER if uuid == signal.CRUZ else uuid
                )
                for name, uuid in SIGNAL_CAST.items()
            }
            await prepare(app, cast, entry.verified, entry.t1, entry.drill)
            await front.worker.deliver_due()
            server.sent.clear()
            text = (entry.text or "").format(
                none=SIGNAL_CAST["none"],
                volunteer=signal.DEE,
                verifier=signal.CRUZ_NUMBER,
                organizer=signal.ANA,
            )
            number = signal.CRUZ_NUMBER if role == "verifier" else None
            before = await fingerprint(app)
            server.deliver(
                text,
                uuid=SIGNAL_CAST[role],
                number=number,
                group=None if entry.direct else signal.ORGANIZERS,
            )
            await front.receive_once()
            await front.worker.deliver_due()
            reply = "\n".join(sent.message for sent in server.sent)
            judge(entry, role, await fingerprint(app) != before, reply)
            await groups_clean(app.store)
            assert server.contract_errors == []
        finally:
            front.client.close()
            await app.close()
            await server.stop()
