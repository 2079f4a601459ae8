"""Random sequences of commands by random members never break the network's promises.

After every step: no alert for a report that was never verified by someone other than
its reporters; every report has at most one decision; and no group chat ever receives
a detained person's details.
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
from bot.core.models import Conversation, Member
from tests.conftest import EXAMPLE_CONFIG
from tests.fakes.clock import FakeClock

MEMBERS = ["ana", "ben", "cruz", "dee", "eli"]
PLACES = ["5th & Main", "Main & 5th", "Oak & 9th", "the federal building"]
SECRET_NAME = "Zyxwa Secretname"
SECRET_PHONE = "5550109999"


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
        self.run(self.app.router.handle(self.member(who), conversation, text))

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

    @rule(minutes=st.integers(1, 120))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes * 60)
        self.run(self.app.fire_due())

    @invariant()
    def promises_hold(self) -> None:
        async def check() -> None:
            async with self.app.db.reading() as conn:
                alerts = await (
                    await conn.execute(
                        "SELECT DISTINCT o.report_id, d.decision, d.decided_by, d.decided_at "
                        "FROM outbox o LEFT JOIN decisions d ON d.report_id = o.report_id "
                        "WHERE o.kind = 'alert'"
                    )
                ).fetchall()
                for row in alerts:
                    assert row["decision"] == "verified", "an alert without a verification"
                    # Who had reported the place when the decision was made.
                    reporters = await (
                        await conn.execute(
                            "SELECT reporter_id FROM reports WHERE id = ? UNION "
                            "SELECT reporter_id FROM corroborations WHERE report_id = ? "
                            "AND created_at <= ?",
                            (row["report_id"], row["report_id"], row["decided_at"]),
                        )
                    ).fetchall()
                    assert row["decided_by"] not in {r[0] for r in reporters}, "self-verified"
                twice = await (
                    await conn.execute(
                        "SELECT report_id FROM decisions GROUP BY report_id HAVING COUNT(*) > 1"
                    )
                ).fetchall()
                assert not twice
                groups = await (
                    await conn.execute("SELECT body FROM outbox WHERE is_direct = 0")
                ).fetchall()
                for row in groups:
                    assert SECRET_NAME not in row["body"] and SECRET_PHONE not in row["body"]

        self.run(check())

    def teardown(self) -> None:
        self.run(self.app.close())
        self.loop.close()
        self.folder.cleanup()


NetworkMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestNetworkMachine = NetworkMachine.TestCase
