"""Random sequences of commands by random members never break the network's promises.

After every step: no alert for a report that was never verified by someone other than
its reporters; nobody claimed a report they had reported, and no claim outlives its
report's pending state; every report has at most one decision; no group chat ever receives a
detained person's details, a task's description or a volunteer's note, as an answer or
as any other message; a volunteer is never sent (answer or message) a field of a person
that the tasks they hold right now do not need, nor the words of a task they do not
hold; and nothing anyone types (including random text) makes the bot fail.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bot.app import App
from bot.config import load_config
from bot.core.commands import COMMANDS
from bot.core.models import (
    Conversation,
    Member,
    OutboxEntry,
    ReportState,
    Role,
    TaskKind,
    TaskState,
)
from tests.conftest import EXAMPLE_CONFIG
from tests.fakes.clock import FakeClock

MEMBERS = ["ana", "ben", "cruz", "dee", "eli"]
PLACES = ["5th & Main", "Main & 5th", "Oak & 9th", "the federal building"]
SECRET_NAME = "Zyxwa Secretname"
SECRET_PHONE = "5550109999"
SECRET_PHONE_SHOWN = "010-9999"  # as people read it: (555) 010-9999
SECRET_DOB = "1971-06-05"
SECRET_CONTACT = "Qorvath Kinname"
SECRET_RELATION = "grandaunt"
SECRET_LANGUAGE = "Mixteco"
SECRET_SCHOOL = "Escuela Zzyzx"
SECRET_NOTES = "warfarin nightly"
CONTACT = {SECRET_CONTACT, SECRET_RELATION, SECRET_PHONE, SECRET_PHONE_SHOWN, SECRET_LANGUAGE}
# What a volunteer holding each kind of task may be sent, written out here on purpose
# (not read from the core's table), so a change there must be a change here too.
MAY_SEE = {
    TaskKind.CALL_CONTACT: CONTACT,
    TaskKind.PICK_UP_CHILDREN: CONTACT | {SECRET_SCHOOL},
    TaskKind.LEGAL_REFERRAL: {SECRET_NAME, SECRET_DOB},
    TaskKind.OTHER: set(),
}
PERSON_SECRETS = {SECRET_NAME, SECRET_DOB, SECRET_NOTES, *CONTACT, SECRET_SCHOOL}
# Tasks in organizers' words, and volunteers' notes: the marks that show them.
DESCRIPTIONS = {
    "call Tobiah Marchetti-Oyelaran's lawyer about the bond hearing, +1 555 019 4432": (
        "Marchetti-Oyelaran",
        "019 4432",
    ),
    "visit Wendeline Zorbaugh at Krome": ("Zorbaugh",),
}
NOTE = "Pemberwick's sister has the kids"
SECRETS = PERSON_SECRETS | {m for marks in DESCRIPTIONS.values() for m in marks} | {"Pemberwick"}


class NetworkMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        self.clock = FakeClock()
        self.app: App = self.run(
            App.start(load_config(EXAMPLE_CONFIG), Path(self.folder.name) / "m.sqlite3", self.clock)
        )
        self.outbox_seen: set[int] = set()  # outbox rows already checked for need to know

    async def may_be_sent(self, address: str) -> set[str]:
        """The secrets the console member `address` may be sent right now: everything
        for an organizer; for a volunteer, what the tasks they hold need, and their words."""
        member = await self.app.members.find("console", address)
        assert member is not None, address
        if member.has(Role.ORGANIZER):
            return set(SECRETS)
        allowed: set[str] = set()
        async with self.app.store.reading() as tx:
            held = await tx.tasks.in_states((TaskState.ACCEPTED,), assignee_id=member.id)
        for task in held:
            if task.person_id is not None:
                allowed |= MAY_SEE[task.kind]
            for words, marks in DESCRIPTIONS.items():
                if words in task.description:
                    allowed |= set(marks)
        return allowed

    def check_sent(self, text: str, *, direct: bool, to: str, what: str) -> None:
        shown = {secret for secret in SECRETS if secret in text}
        allowed = self.run(self.may_be_sent(to)) if direct else set()
        assert shown <= allowed, f"{what} to {to} showed {sorted(shown - allowed)}: {text!r}"

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
            rendered = self.app.renderer.render(reply.text, "en")
            # A bug is answered with an apology instead of a crash; here it must not happen.
            assert "Something went wrong" not in rendered
            self.check_sent(rendered, direct=direct, to=who, what=f"the answer to {text!r}")
        self.check_outbox()

    def check_outbox(self) -> None:
        """Every message written since the last look, judged at once (before the next
        step can change who holds what): what a group is sent, nobody may read there; a
        volunteer is sent only what the tasks they hold right now need."""
        entries = self.run(self.all_entries())
        for entry in entries:
            if entry.id not in self.outbox_seen:
                self.check_sent(
                    entry.body, direct=entry.is_direct, to=entry.address, what=entry.kind.value
                )
                self.outbox_seen.add(entry.id)

    async def all_entries(self) -> list[OutboxEntry]:
        async with self.app.store.reading() as tx:
            return await tx.outbox.all_entries()  # opened with the data key

    @initialize()
    def people_and_tasks(self) -> None:
        """Every run starts where need to know matters: P1 recorded (T1 call the family,
        T2 legal referral, T3 pick up the children) and T4 about P1 in ana's words."""
        self.record_person("ana", direct=True, code=0, children=True)
        self.add_task("ana", direct=True, words=sorted(DESCRIPTIONS)[0], person=1)

    @rule(who=st.sampled_from(MEMBERS), place=st.sampled_from(PLACES))
    def report(self, who: str, place: str) -> None:
        self.say(who, f"/report where: {place}; what: vans")

    @rule(who=st.sampled_from(MEMBERS), code=st.integers(1, 3),
          verb=st.sampled_from(["/verify", "/verify", "/dismiss {} routine", "/resolve",
                                "/retract", "/correct {} what: more vans"]))  # fmt: skip
    def decide(self, who: str, code: int, verb: str) -> None:
        command = verb.format(f"R{code}") if "{}" in verb else f"{verb} R{code}"
        self.say(who, command)

    @rule(who=st.sampled_from(MEMBERS), code=st.integers(1, 3), direct=st.booleans(),
          verb=st.sampled_from(["/claim {} 10m", "/voy {} en 5", "/claim {}", "/unclaim {}",
                                "/duty on 2h", "/turno no", "/duty"]))  # fmt: skip
    def dispatch(self, who: str, code: int, direct: bool, verb: str) -> None:
        """Claims, give-backs and duty, by anyone: the rules of deciding hold for claims."""
        self.say(who, verb.format(f"R{code}"), direct=direct)

    @rule(who=st.sampled_from(["ben", "cruz", "ana"]), place=st.sampled_from(PLACES),
          verb=st.sampled_from(["/claim", "/voy", "/verify", "/dismiss {} routine"]))  # fmt: skip
    def report_then_act_on_it(self, who: str, place: str, verb: str) -> None:
        """A verifier reports (or corroborates) a place, then tries to claim or decide it."""
        self.say(who, f"/report where: {place}; what: vans")
        newest = self.run(self.newest_report())
        command = verb.format(f"R{newest}") if "{}" in verb else f"{verb} R{newest}"
        self.say(who, command, direct=True)

    async def newest_report(self) -> int:
        async with self.app.store.reading() as tx:
            return await tx.reports.next_id() - 1

    @rule(who=st.sampled_from(["ana", "ana", *MEMBERS]), direct=st.booleans(),
          code=st.integers(0, 3), children=st.booleans())  # fmt: skip
    def record_person(self, who: str, direct: bool, code: int, children: bool) -> None:
        school = f"; children: {SECRET_SCHOOL}" if children else ""
        report = f" R{code}" if code else ""
        self.say(
            who,
            f"/detained{report} name: {SECRET_NAME}; dob: {SECRET_DOB}; contact: "
            f"{SECRET_CONTACT}; relation: {SECRET_RELATION}; phone: +1 {SECRET_PHONE}; "
            f"language: {SECRET_LANGUAGE}; notes: takes {SECRET_NOTES}{school}",
            direct=direct,
        )

    @rule(who=st.sampled_from(["ana", "ana", *MEMBERS]), direct=st.booleans(),
          person=st.integers(1, 2),
          fix=st.sampled_from([f"dob: {SECRET_DOB}", f"phone: {SECRET_PHONE}", "pickup: 09:00",
                               f"children: {SECRET_SCHOOL}; pickup: 3pm", "dob: 12/04/1990",
                               f"contact: {SECRET_CONTACT}; relation: {SECRET_RELATION}",
                               f"notes: {SECRET_NOTES}", "language: -"]))  # fmt: skip
    def correct_person(self, who: str, direct: bool, person: int, fix: str) -> None:
        """An organizer fixes a detail (and the volunteers holding tasks that need it are
        sent the new details); anyone else, or anywhere else, is refused."""
        self.say(who, f"/person P{person} {fix}", direct=direct)

    @rule(who=st.sampled_from(["ana", *MEMBERS]), direct=st.booleans(),
          words=st.sampled_from(sorted(DESCRIPTIONS)), person=st.integers(0, 2))  # fmt: skip
    def add_task(self, who: str, direct: bool, words: str, person: int) -> None:
        about = f"; person: P{person}" if person else ""
        self.say(who, f"/task add {words}{about}", direct=direct)

    @rule(who=st.sampled_from(MEMBERS), task=st.integers(1, 8),
          verb=st.sampled_from(["assign {} dee", "assign {} eli", "accept {}", "decline {}",
                                "done {} " + NOTE, "release {} " + NOTE, "cancel {}",
                                "edit {} what: visit Wendeline Zorbaugh at Krome",
                                "edit {} due: 2h"]))  # fmt: skip
    def task(self, who: str, task: int, verb: str) -> None:
        self.say(who, "/task " + verb.format(f"T{task}"), direct=True)

    @rule(volunteer=st.sampled_from(["dee", "eli"]), task=st.integers(1, 6))
    def volunteer_takes(self, volunteer: str, task: int) -> None:
        """The usual way of things, in one step: offered by an organizer, then accepted."""
        self.say("ana", f"/task assign T{task} {volunteer}", direct=True)
        self.say(volunteer, f"/task accept T{task}", direct=True)

    @rule(volunteer=st.sampled_from(["dee", "eli"]), task=st.integers(1, 6),
          end=st.sampled_from(["done", "release", "cancel", "reassign"]))  # fmt: skip
    def task_ends(self, volunteer: str, task: int, end: str) -> None:
        """A task a volunteer may hold is over for them: done, given back, cancelled, or
        given to someone else; then they ask about the person all the same."""
        if end == "cancel":
            self.say("ana", f"/task cancel T{task}", direct=True)
        elif end == "reassign":
            other = "eli" if volunteer == "dee" else "dee"
            self.say("ana", f"/task assign T{task} {other}", direct=True)
        else:
            self.say(volunteer, f"/task {end} T{task} {NOTE}", direct=True)
        self.say(volunteer, "/person P1", direct=True)

    @rule(who=st.sampled_from(["ana", "dee", "eli", *MEMBERS]), direct=st.booleans(),
          text=st.sampled_from(["/tasks open", "/tasks", "/status", "/person P1",
                                "/person P2", "/tareas todas"]))  # fmt: skip
    def look(self, who: str, direct: bool, text: str) -> None:
        """What people ask to see, in a DM or in the organizer chat."""
        self.say(who, text, direct=direct)

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
        self.check_outbox()

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
                    for claim in (e for e in log if e["action"] == "report.claimed"):
                        before = log[: log.index(claim)]
                        reporters = {
                            e["actor"]
                            for e in before
                            if e["action"] in ("report.submitted", "report.corroborated")
                        }
                        assert claim["actor"] not in reporters, "claimed their own report"
                    state = await tx.dispatch.get(report.id)
                    if state.claimed_by is not None:
                        assert report.state is ReportState.PENDING, "a claim outlived its report"
                    if decisions:
                        before = log[: log.index(decisions[0])]
                        reporters = {
                            e["actor"]
                            for e in before
                            if e["action"] in ("report.submitted", "report.corroborated")
                        }
                        assert decisions[0]["actor"] not in reporters, "self-verified"

        self.run(check())
        self.check_outbox()

    def teardown(self) -> None:
        self.run(self.app.close())
        self.loop.close()
        self.folder.cleanup()


NetworkMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestNetworkMachine = NetworkMachine.TestCase
