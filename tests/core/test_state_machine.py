"""Random sequences of commands by random members never break the network's promises.

After every step: no alert for a report that was never verified by someone other than
its reporters; every report has at most one decision; no group chat ever receives a
detained person's details; and nothing anyone types (including random text) makes the
bot fail.
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
from bot.core.commands import COMMANDS
from bot.core.models import Conversation, Member
from tests.conftest import EXAMPLE_CONFIG
from tests.fakes.clock import FakeClock

MEMBERS = ["ana", "ben", "cruz", "dee", "eli"]
PLACES = ["5th & Main", "Main & 5th", "Oak & 9th", "the federal building"]
SECRET_NAME = "Zyxwa Secretname"
SECRET_PHONE = "5550109999"
SECRET_PHONE_SHOWN = "010-9999"  # as people read it: (555) 010-9999


class NetworkMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        self.clock = FakeClock()
        self.app: App = self.run(
            App.start(load_config(EXAMPLE_CONFIG), Path(self.folder.name) / "m.sqlite3", self.clock)
        )

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    def member(self, name: str) -> Member:
        found = self.run(self.app.members.find("console", name))
        assert found is not None
        return found

    def say(self, who: str, text: str, *, direct: bool = False) -> None:
        conversation = (
            Conversation("console", who, is_direct=True)
            if direct
            else Conversation(
                "console",
                "organizers",
                is_direct=False,
                purpose=self.app.network.targets[0].purpose,
            )
        )
        self.clock.advance(1)  # every step at its own moment, so "before" is exact below
        replies = self.run(self.app.router.handle(self.member(who), conversation, text))
        for reply in replies:
            # A bug is answered with an apology instead of a crash; here it must not happen.
            assert "Something went wrong" not in self.app.renderer.render(reply.text, "en")

    @rule(who=st.sampled_from(MEMBERS), place=st.sampled_from(PLACES))
    def report(self, who: str, place: str) -> None:
        self.say(who, f"/report where: {place}; what: vans")

    @rule(who=st.sampled_from(MEMBERS), code=st.integers(1, 3),
          verb=st.sampled_from(["/verify", "/verify", "/dismiss {} routine", "/resolve",
                                "/retract", "/correct {} what: more vans"]))  # fmt: skip
    def decide(self, who: str, code: int, verb: str) -> None:
        command = verb.format(f"R{code}") if "{}" in verb else f"{verb} R{code}"
        self.say(who, command)

    @rule(who=st.sampled_from(MEMBERS), direct=st.booleans(), code=st.integers(1, 3))
    def record_person(self, who: str, direct: bool, code: int) -> None:
        self.say(
            who,
            f"/detained R{code} name: {SECRET_NAME}; phone: +1 {SECRET_PHONE}; children: Lincoln",
            direct=direct,
        )

    @rule(who=st.sampled_from(MEMBERS), task=st.integers(1, 6),
          verb=st.sampled_from(["assign {} dee", "assign {} eli", "accept {}", "decline {}",
                                "done {} all good", "release {}", "cancel {}"]))  # fmt: skip
    def task(self, who: str, task: int, verb: str) -> None:
        self.say(who, "/task " + verb.format(f"T{task}"), direct=True)

    @rule(who=st.sampled_from(MEMBERS), direct=st.booleans(),
          text=st.one_of(st.text(max_size=120),
                         st.builds("/{}".format, st.text(max_size=120)),
                         st.builds("/{} {}".format,
                                   st.sampled_from([c.name for c in COMMANDS]),
                                   st.text(max_size=120))))  # fmt: skip
    def anything(self, who: str, direct: bool, text: str) -> None:
        """Whatever anyone types: an answer or silence, never a crash or a broken promise."""
        self.say(who, text, direct=direct)

    @rule(minutes=st.integers(1, 120))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes * 60)
        self.run(self.app.fire_due())

    @invariant()
    def promises_hold(self) -> None:
        async def check() -> None:
            async with self.app.store.reading() as tx:
                entries = await tx.outbox.all_entries()  # opened with the data key
                for report_id in {e.report_id for e in entries if e.report_id is not None}:
                    report = await tx.reports.get(report_id)
                    assert report is not None
                    # The audit log names actors by keyed hash: who reported the place
                    # before the decision, and who decided.
                    log = await tx.audit.entries(report.code)
                    decisions = [
                        e for e in log if e["action"] in ("report.verified", "report.dismissed")
                    ]
                    assert len(decisions) <= 1, "decided twice"
                    alerted = any(e.kind == "alert" and e.report_id == report_id for e in entries)
                    if alerted:
                        assert [d["action"] for d in decisions] == ["report.verified"], (
                            "an alert without a verification"
                        )
                        assert report.decided_by is not None, "an alert without a decider"
                    if decisions:
                        before = log[: log.index(decisions[0])]
                        reporters = {
                            e["actor"]
                            for e in before
                            if e["action"] in ("report.submitted", "report.corroborated")
                        }
                        assert decisions[0]["actor"] not in reporters, "self-verified"
                for entry in entries:
                    if not entry.is_direct:
                        assert SECRET_NAME not in entry.body and SECRET_PHONE not in entry.body
                        assert SECRET_PHONE_SHOWN not in entry.body

        self.run(check())

    def teardown(self) -> None:
        self.run(self.app.close())
        self.loop.close()
        self.folder.cleanup()


NetworkMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestNetworkMachine = NetworkMachine.TestCase
