"""Who may do what: every command, button and form, for every role, on every front end.

One table says which roles may do each thing. Each front end (console, Signal through
the fake signal-cli-rest-api, Discord through discord.py test doubles) runs every entry
for every role from the same starting point, and the test asserts the allowed set
exactly: an allowed action changes what the bot stores (or shows what was asked for),
a refused one changes nothing and shows nothing it should not.

Roles: "none" (a member the bot never gave a role), "volunteer" (here: the one T1 was
offered to), "verifier", "organizer", and "reporter" (a verifier who filed R1: the
two-person rule must stop them deciding it).
"""

from __future__ import annotations

from dataclasses import dataclass
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
from bot.platforms.signal.frontend import SignalFrontEnd
from tests.conftest import example_data
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal import conftest as signal

ROLES = ("none", "volunteer", "verifier", "organizer", "reporter")
EVERYONE = frozenset(ROLES)
DECIDERS = frozenset({"verifier", "organizer"})
ORGANIZER = frozenset({"organizer"})
PERSON_NAME = "Teodora Quispe"


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


MATRIX: tuple[Entry, ...] = (
    Entry("report", EVERYONE, "/report where: 9 Oak St; what: vans", discord=("form:report",)),
    Entry("verify", DECIDERS, "/verify R1", discord=("slash:verify", "button:verify:report:1")),
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
        # A member's roles and language; not their name, which every Signal message may
        # update from the profile, whatever the command.
        members = [
            (m.id, m.roles, m.language) if m is not None else None
            for m in [await tx.members.get(number) for number in range(1, 30)]
        ]
        messages = sum(e.kind is not MessageKind.REPLY for e in await tx.outbox.all_entries())
    return (reports, tasks, people, members, messages)


async def prepare(app: App, cast: dict[str, Member], verified: bool) -> None:
    """R1 reported by the reporter; P1 recorded with tasks T1 (offered to the volunteer)
    and T2 (open); R1 verified by the verifier when asked."""
    await app.intake.submit(cast["reporter"], build_draft(where="5th & Main", what="2 vans"))
    organizer = cast["organizer"]
    await app.people.record_person(organizer, 1, {"name": PERSON_NAME, "phone": "5550104444"})
    await app.tasks.assign(organizer, 1, cast["volunteer"])
    if verified:
        await app.decisions.verify(cast["verifier"], 1)


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
            await prepare(app, cast, entry.verified)
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
            await prepare(app, cast, entry.verified)
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
            assert server.contract_errors == []
        finally:
            front.client.close()
            await app.close()
            await server.stop()
