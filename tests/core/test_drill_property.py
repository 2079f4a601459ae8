"""Drills among real work, at random: no message of a drill reaches a non-drill chat.

Drills start and stop (by command, or when their time is up) while reports come in and
are verified, dismissed, cleared and corrected, people are recorded and tasks offered,
before, during and after a drill. After every step: no message in a chat not marked for
drills (the example config's alert chats) says DRILL — PRACTICE in any language, and no
drill report's alert went there; every message to a chat marked for drills while one
ran says so; once a drill is over, nothing it made is left.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.app import App
from bot.config import load_config
from bot.core.models import Conversation, MessageKind, ReportState, TargetPurpose, TaskState
from tests.conftest import EXAMPLE_CONFIG
from tests.fakes.clock import FakeClock

MEMBERS = ["ana", "ben", "cruz", "dee", "eli"]
BANNERS = ("DRILL — PRACTICE", "SIMULACRO — PRÁCTICA")


class DrillMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        self.clock = FakeClock()
        self.app: App = self.run(
            App.start(load_config(EXAMPLE_CONFIG), Path(self.folder.name) / "d.sqlite3", self.clock)
        )

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    def say(self, who: str, text: str, *, direct: bool = False) -> None:
        member = self.run(self.app.members.find("console", who))
        assert member is not None
        conversation = (
            Conversation("console", who, is_direct=True)
            if direct
            else Conversation("console", "organizers", False, TargetPurpose.ORGANIZERS)
        )
        self.clock.advance(1)
        replies = self.run(self.app.router.handle(member, conversation, text))
        for reply in replies:
            assert "Something went wrong" not in self.app.renderer.render(reply.text, "en")

    @rule(text=st.sampled_from(["/drill start 1h", "/drill start 5m", "/simulacro empezar 20m"]))
    def drill_starts(self, text: str) -> None:
        self.say("ana", text)

    @rule(text=st.sampled_from(["/drill stop", "/simulacro terminar"]))
    def drill_stops(self, text: str) -> None:
        self.say("ana", text, direct=True)

    @rule(who=st.sampled_from(MEMBERS), place=st.sampled_from(["5th & Main", "Oak & 9th"]))
    def report(self, who: str, place: str) -> None:
        self.say(who, f"/report where: {place}; what: vans", direct=who in ("dee", "eli"))

    @rule(who=st.sampled_from(["ana", "ben", "cruz"]), code=st.integers(1, 6),
          verb=st.sampled_from(["/verify {}", "/verify {}", "/dismiss {} routine",
                                "/resolve {}", "/correct {} what: more vans", "/retract {}",
                                "/still {} yes"]))  # fmt: skip
    def decide(self, who: str, code: int, verb: str) -> None:
        self.say(who, verb.format(f"R{code}"))

    @rule(code=st.integers(1, 6), volunteer=st.sampled_from(["dee", "eli"]))
    def person_and_task(self, code: int, volunteer: str) -> None:
        self.say("ana", f"/detained R{code} name: Rosa Ek; phone: 555 010 3333", direct=True)
        self.say("ana", f"/task assign T{code} {volunteer}", direct=True)

    @rule(seconds=st.sampled_from([3, 30, 90, 600, 3600, 7200]))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds)
        self.run(self.app.fire_due())

    @invariant()
    def drill_messages_stay_in_drill_chats(self) -> None:
        async def check() -> None:
            async with self.app.store.reading() as tx:
                running = await tx.drills.current()
                for entry in await tx.outbox.all_entries():
                    if entry.is_direct:
                        continue
                    target = self.app.network.target(entry.platform, entry.address)
                    assert target is not None
                    if target.drill:
                        continue
                    assert not any(b in entry.body for b in BANNERS), (entry.address, entry.body)
                    if entry.kind is MessageKind.ALERT and entry.report_id is not None:
                        report = await tx.reports.get(entry.report_id)
                        assert report is not None and not report.drill, "a drill's alert"
                reports = await tx.reports.in_states(ReportState)
                tasks = await tx.tasks.in_states(TaskState)
                if running is None:  # a drill over leaves nothing behind
                    assert not any(r.drill for r in reports)
                    assert not any(t.drill for t in tasks)

        self.run(check())

    def teardown(self) -> None:
        self.run(self.app.close())
        self.loop.close()
        self.folder.cleanup()


DrillMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=15, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestDrillMachine = DrillMachine.TestCase
