"""Plays the surge into `rrbot run` with Signal, against the fake service, with kills.

Members write to the fake service (`FakeSignal.deliver`: Signal's servers keep the
message for the bot); the bot fetches them with its receives and answers through sends.
Once the service has handed a message over in a receive, the bot alone has it (signal-
cli has taken it off Signal's servers): the bot must handle it whether or not it
answered before a kill, and its member does not send it again, unless the bot lost it
(see `Loss`): then, having no answer, they do. A message the service still holds when
a run dies simply waits for the next run.

The fake service logs which run each receive and send came from (by the connection it
came on: a dead process opens none) and which messages each receive handed over. A
receive that finds its bot gone (the connection closed while it waited) hands nothing
over: the messages stay with the service, as the bot never got them; so does one the
service answers after the driver has sent the run its SIGKILL.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.platforms.signal.frontend import group_address
from storage.crypto import generate_key
from tests.crash.runs import BotProcess, Kill, WarmProcesses, environment
from tests.crash.surge import LANGUAGES, ORGANIZER, ROLES, Step, Surge, pattern
from tests.crash.vault import Snapshot, Vault
from tests.fakes.signal_server import FakeSignal

_sending_run: contextvars.ContextVar[int] = contextvars.ContextVar("sending_run")
BOT_NUMBER = "+15550000001"
ORGANIZERS = "b3JnYW5pemVycy1ncm91cC1pZC0wMDAwMDAwMDAwMDE="  # internal ids: 32 bytes, base64
ALERTS = "YWxlcnRzLWdyb3VwLWlkLTAwMDAwMDAwMDAwMDAwMDI="
ALERTAS = "YWxlcnRhcy1ncm91cC1pZC0wMDAwMDAwMDAwMDAwMDM="
UUIDS = {name: f"{number:08x}-0000-4000-8000-{number:012x}" for number, name in enumerate(ROLES, 1)}
WINDOW = 8
SILENCE = 20.0  # the last run may go this long without answering a waiting message
SETTLE_TIMEOUT = 60.0


def signal_section(url: str) -> dict[str, Any]:
    return {
        "url": url,
        "number": BOT_NUMBER,
        "receive_timeout": "1s",
        "request_timeout": "10s",  # a loaded machine is slow; a timed-out send may repeat
        "organizer_group": {
            "id": group_address(ORGANIZERS),
            "name": "organizers",
            "languages": ["en"],
        },
        "broadcast": [
            {"id": group_address(ALERTS), "name": "alerts", "languages": ["en"]},
            {"id": group_address(ALERTAS), "name": "alertas", "languages": ["es"]},
        ],
        "members": [
            {
                "id": UUIDS[name],
                "name": name,
                "roles": roles,
                "language": LANGUAGES[name],  # set, as for the console (see surge.py)
            }
            for name, roles in ROLES.items()
        ],
    }


@dataclass(frozen=True)
class Handed:
    """One receive that gave the bot messages: which run, which messages, in order."""

    serial: int  # the receive's place among all receives
    run: int
    stamps: tuple[int, ...]


@dataclass(frozen=True)
class SendSeen:
    run: int
    recipient: str
    message: str
    stamp: str


@dataclass
class CrashSignal(FakeSignal):
    """The fake service, logging what each run of the bot received and sent."""

    run: int = 0
    receives: list[tuple[int, int]] = field(default_factory=list)  # (serial, run) of each
    handed: list[Handed] = field(default_factory=list)
    sends: list[SendSeen] = field(default_factory=list)
    connections: dict[int, tuple[object, int]] = field(default_factory=dict)
    receiving: Counter[int] = field(default_factory=Counter)  # receives under way, by run
    dead: set[int] = field(default_factory=set)  # runs that have been sent their SIGKILL

    def run_of(self, request: web.Request) -> int:
        """The run a request came from: the one running when its connection was first seen."""
        protocol = request.protocol
        return self.connections.setdefault(id(protocol), (protocol, self.run))[1]

    async def _receive(self, request: web.Request) -> web.Response:
        run = self.run_of(request)
        self.receiving[run] += 1
        try:
            return await self._hand_over(request, run)
        finally:
            self.receiving[run] -= 1

    async def _hand_over(self, request: web.Request, run: int) -> web.Response:
        response = await super()._receive(request)
        assert isinstance(response.body, bytes)
        messages = json.loads(response.body)
        transport = request.transport
        if messages and (run in self.dead or transport is None or transport.is_closing()):
            self.queued[:0] = messages  # nobody took them: still on Signal's servers
            return web.json_response([], status=200)
        serial = len(self.receives)
        self.receives.append((serial, run))
        if messages:
            stamps = tuple(m["envelope"]["timestamp"] for m in messages)
            self.handed.append(Handed(serial, run, stamps))
        return response

    async def _send(self, request: web.Request) -> web.StreamResponse:
        # Sends run concurrently: each is logged where it is made, with its request's run
        # (a context variable is the request's own), never by looking at what came after.
        _sending_run.set(self.run_of(request))
        return await super()._send(request)

    def _deliver_sent(
        self, body: dict[str, Any], stamp: int, files: list[tuple[str, str, bytes]]
    ) -> None:
        super()._deliver_sent(body, stamp, files)
        sent = self.sent[-1]
        self.sends.append(
            SendSeen(_sending_run.get(), sent.recipient, sent.message, str(sent.timestamp))
        )


@dataclass
class Waiting:
    """A step written to the service, not yet answered."""

    step: Step
    stamp: int
    answer_to: str  # where its answer comes: the group it was sent in, or its sender
    pattern: re.Pattern[str]


@dataclass
class Loss:
    """A message handed to a run that died before storing it."""

    run: int
    stamp: int
    step: Step
    receive: Handed  # the receive that handed it over
    last_receive: bool  # the run's last receive: no later one came from that run
    batch_lost: bool  # nothing of that receive was stored
    batch_answered: bool  # the bot had answered a message of that receive


class SignalDriver:
    def __init__(
        self,
        tmp: Path,
        config: Path,
        db: Path,
        fake: CrashSignal,
        surge: Surge,
        plan: list[Kill],
    ) -> None:
        self.tmp, self.config, self.db = tmp, config, db
        self.fake = fake
        self.surge = surge
        self.plan = plan
        key = generate_key()
        self.env = environment(RRBOT_DATA_KEY=key)
        self.vault = Vault(db, base64.urlsafe_b64decode(key))
        self.waiting: list[Waiting] = []
        self.consumed: set[tuple[str, str]] = set()  # answers already taken (a send again)
        self.answered: set[int] = set()  # timestamps of the messages the bot answered
        self.read = 0  # sends looked at
        self.snapshots: list[Snapshot] = []
        self.losses: list[Loss] = []
        self.written: dict[int, Step] = {}  # every message written, by its timestamp
        self.settled_at: datetime | None = None
        self.exit_code: int | None = None
        self.runs = 0

    async def _spawn(self) -> BotProcess:
        args = ["run", "--config", str(self.config), "--db", str(self.db)]
        return await BotProcess.spawn(args, self.env, self.tmp / "stderr.txt", stdin=False)

    async def play(self) -> None:
        warm = WarmProcesses(self._spawn, len(self.plan) + 1)
        bot: BotProcess | None = None
        try:
            for number in range(len(self.plan) + 1):
                kill = self.plan[number] if number < len(self.plan) else None
                bot = await warm.next()
                self.fake.run = number
                self.runs = number + 1
                await bot.go()
                if kill is None:
                    await self._last_run(bot)
                else:
                    await self._run_until_killed(bot, kill, number)
        finally:  # a failure leaves no process behind
            await warm.close()
            if bot is not None:
                await bot.kill()

    # -- the members ---------------------------------------------------------------------

    def _feed(self) -> None:
        # Answers name the report, task or place they are about, except "Recorded P3":
        # one such question at a time per conversation, so answers come in their order.
        busy = {(w.step.member, w.step.chat) for w in self.waiting if w.step.kind == "detained"}
        stories = {w.step.story for w in self.waiting}
        for story in self.surge.stories:
            if len(self.waiting) >= WINDOW:
                return
            step = story.step
            if step is None or story.number in stories or (step.member, step.chat) in busy:
                continue
            self._write(step)
            if step.kind == "detained":
                busy.add((step.member, step.chat))
            stories.add(story.number)

    def _write(self, step: Step) -> None:
        text = step.text.format(who=UUIDS[step.who]) if step.who else step.text
        group = ORGANIZERS if step.chat == "organizers" else None
        stamp = self.fake.deliver(text, uuid=UUIDS[step.member], group=group, name=None)
        self.written[stamp] = step
        organizers = group_address(ORGANIZERS)
        if step.kind == "report":  # its code is on the card verifiers get
            answer_to = organizers
            place = re.escape(step.place or "")
            card = pattern(rf"^NEW REPORT (?P<code>R\d+) \(NOT VERIFIED.*\nWhere: {place}$")
        else:
            answer_to = organizers if step.chat == "organizers" else UUIDS[step.member]
            card = step.answer
        self.waiting.append(Waiting(step, stamp, answer_to, card))

    def _listen(self) -> None:
        """Give each new send to the oldest waiting step it answers."""
        while self.read < len(self.fake.sends):
            send = self.fake.sends[self.read]
            self.read += 1
            if (send.recipient, send.message) in self.consumed:
                continue  # the same message again (in flight at a kill)
            for waiting in self.waiting:
                if waiting.answer_to == send.recipient and waiting.pattern.search(send.message):
                    self.consumed.add((send.recipient, send.message))
                    self.answered.add(waiting.stamp)
                    self.waiting.remove(waiting)
                    story = self.surge.stories[waiting.step.story - 1]
                    assert story.step is waiting.step
                    story.answer(send.message)
                    break

    # -- runs ------------------------------------------------------------------------

    def _received(self, run: int) -> bool:
        """Whether the run has asked the service for messages: it is up and working."""
        return any(number == run for _serial, number in self.fake.receives)

    async def _run_until_killed(self, bot: BotProcess, kill: Kill, number: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = bot.started_at + kill.after if kill.during_start else None
        silent = bot.started_at + SILENCE
        while True:
            self._feed()
            if deadline is None and self._received(number):
                deadline = loop.time() + kill.after
            if deadline is None and loop.time() > silent:
                deadline = loop.time()
            await asyncio.sleep(0.02)
            self._listen()
            if deadline is not None and loop.time() >= deadline:
                break
            if bot.process.returncode is not None:
                raise AssertionError(f"rrbot run stopped on its own: {self.stderr()}")
        self.fake.dead.add(number)  # from now on, what it asks for is answered to nobody
        await bot.kill()
        # A receive it left waiting must end (handing nothing over) before losses are counted.
        while self.fake.receiving[number]:  # noqa: ASYNC110 - a plain counter
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # whatever the dead run had sent reaches the service
        self._listen()
        snapshot = self.vault.snapshot()
        self.snapshots.append(snapshot)
        self._find_losses(number, snapshot)

    def _find_losses(self, number: int, snapshot: Snapshot) -> None:
        """Messages this run was handed but had not stored: gone with it. Their members
        get no answer and send them again; the checks say whether the kill came in the
        moment between the service's answer and the bot's storing it."""
        stored = {stamp for _source, stamp in snapshot.inbox}
        last = max((serial for serial, run in self.fake.receives if run == number), default=-1)
        for waiting in list(self.waiting):
            handed = next(
                (h for h in self.fake.handed if h.run == number and waiting.stamp in h.stamps),
                None,
            )
            if handed is None or waiting.stamp in stored:
                continue
            self.losses.append(
                Loss(
                    number,
                    waiting.stamp,
                    waiting.step,
                    handed,
                    last_receive=handed.serial == last,
                    batch_lost=not stored & set(handed.stamps),
                    batch_answered=bool(self.answered & set(handed.stamps)),
                )
            )
            self.waiting.remove(waiting)  # its member sends it again

    async def _last_run(self, bot: BotProcess) -> None:
        loop = asyncio.get_running_loop()
        heard = (self.surge.steps, loop.time())  # steps answered, and when the last one was
        checked = 0.0
        while not self._received(len(self.plan)):  # running (and taking SIGTERM) at last
            assert loop.time() - heard[1] < SILENCE, "the last run never asked for messages"
            await asyncio.sleep(0.02)
        while True:
            self._feed()
            await asyncio.sleep(0.05)
            self._listen()
            if self.surge.steps != heard[0]:
                heard = (self.surge.steps, loop.time())
            if self.waiting:
                assert loop.time() - heard[1] < SILENCE, (
                    f"no answer for {SILENCE:.0f} s to: {[w.step.text for w in self.waiting]}; "
                    f"the last messages sent: {[s.message[:80] for s in self.fake.sends[-8:]]}"
                )
            elif self.surge.done() and loop.time() - checked > 0.3:
                checked = loop.time()
                settled = self._timers_settled()
                if settled is not None:
                    self.settled_at = settled
                    break
                assert loop.time() - heard[1] < SETTLE_TIMEOUT, "timers still due after a minute"
            if bot.process.returncode is not None:
                raise AssertionError(f"rrbot run stopped on its own: {self.stderr()}")
        bot.process.terminate()
        self.exit_code = await asyncio.wait_for(bot.finished(), SETTLE_TIMEOUT)
        self._listen()

    def _timers_settled(self) -> datetime | None:
        """The moment by which every timer due had fired and every message gone out."""
        now = datetime.now(UTC)
        return now if self.vault.settled(now) else None

    def stderr(self) -> str:
        return (self.tmp / "stderr.txt").read_text(encoding="utf-8", errors="replace")[-3000:]


def organizer_uuid() -> str:
    return UUIDS[ORGANIZER]
