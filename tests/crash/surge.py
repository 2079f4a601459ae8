"""The surge the crash test plays: a raid day's reports, decisions and follow-up tasks.

Each story is one incident, told step by step by the members who would really send
each message; a step is sent once the bot has answered the step before it (its answer
gives the codes the next step needs: R7, P3, T12). Many stories run at once, so the
bot always has a queue of messages to work through. What every answered step claimed
is kept in a ledger, which the test checks against the database at the end.

Members are named as on the console (ana, ben, …); each front end writes a member and a
chat its own way (`who` is the member a command names, e.g. the volunteer a task goes
to).
"""

from __future__ import annotations

import random
import re
from collections.abc import Generator
from dataclasses import dataclass, field

ORGANIZER = "ana"
VERIFIERS = ("ben", "cruz")
VOLUNTEERS = ("dee", "eli", "fay", "gus")
REPORTERS = ("dee", "eli", "fay", "gus", "hal")
ROLES = {
    "ana": ["organizer"],
    "ben": ["verifier"],
    "cruz": ["verifier"],
    "dee": ["volunteer"],
    "eli": ["volunteer"],
    "fay": ["volunteer"],
    "gus": ["volunteer"],
    "hal": [],
}
# Every member's language is set in the config, as networks do: someone who never chose
# one and types "/reportar" would be answered in Spanish from then on, and the answers
# the surge looks for are in English, but for cruz.
LANGUAGES = {name: "es" if name == "cruz" else "en" for name in ROLES}

STREETS = ("Oak St", "Pine Ave", "Maple Dr", "Cedar Rd", "Elm St", "Birch Ln", "Walnut Way")


@dataclass
class Step:
    """One message a member sends, and what the bot's answer to it looks like."""

    story: int
    kind: str
    member: str
    chat: str  # "organizers" or "dm"
    text: str  # "{who}" stands for the member the command names
    answer: re.Pattern[str]  # found in the bot's answer to the sender
    who: str | None = None
    place: str | None = None  # a report's place: Signal finds its code on the card
    receipt: re.Pattern[str] | None = None  # the answer's first line, if it has several
    replies: int = 1  # answers the bot sends (a slip of the thumb gets "I read /reprot as…")


@dataclass
class Claim:
    """What an answered step says is now true, for the final check."""

    kind: str  # report, verified, dismissed, person, offered, accepted, done, all_clear
    code: str  # R7, P3, T12
    detail: str = ""  # the place, the person's name, the member


@dataclass
class Story:
    number: int
    script: Generator[Step, str, None]
    step: Step | None = None
    answered: list[tuple[Step, str]] = field(default_factory=list)

    def start(self) -> None:
        self.step = next(self.script)

    def answer(self, text: str) -> None:
        """The bot answered the current step (with `text`): go on to the next one."""
        assert self.step is not None
        self.answered.append((self.step, text))
        try:
            self.step = self.script.send(text)
        except StopIteration:
            self.step = None


def pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.MULTILINE)


REPORT_RECEIPT = pattern(
    r"Thank you\. Report (?P<code>R\d+) is with the verifiers"
    r"|You already reported this place as (?P<again>R\d+)"
)
DETAINED_RECEIPT = pattern(r"^Recorded (?P<code>P\d+)\. Proposed tasks:")
# All of it: a kill can come between its lines, and the tasks' codes are further down.
DETAINED_ANSWER = pattern(
    r"^Recorded (?P<code>P\d+)\. Proposed tasks:\n(?:• T\d+: .*\n)+Assign one"
)


# On Signal the receipt goes to a chat many reporters share: a report's code is read off
# the card verifiers get, which names its place.
CARD = pattern(r"^NEW REPORT (?P<code>R\d+) \(NOT VERIFIED")


def expired(report: str) -> str:
    """A report nobody decided in time is closed; a decision after that is told so."""
    return rf"{report} expired without a verification|{report} venció sin verificación"


def code_in(found: re.Match[str]) -> str:
    return found.group("code") or found.groupdict().get("again") or ""


def task_code(answer: str, what: str, person: str) -> str:
    found = re.search(rf"• (T\d+): {re.escape(what)} \(about {person}\)", answer)
    assert found, f"no task to {what} for {person} in the answer:\n{answer}"
    return found.group(1)


class Surge:
    """Every story of the day, the ledger of what the bot confirmed, and the stories'
    promises about time (which subjects nobody touches again, so each of their timers
    must have fired exactly once)."""

    def __init__(self, stories: int, rng: random.Random) -> None:
        self.rng = rng
        self.ledger: list[Claim] = []
        self.stories: list[Story] = []
        kinds = ["raid"] * 3 + ["dismissed", "ignored"]
        for number in range(1, stories + 1):
            kind = kinds[(number - 1) % len(kinds)]
            script = {"raid": self._raid, "dismissed": self._dismissed, "ignored": self._ignored}
            self.stories.append(Story(number, script[kind](number)))
        for story in self.stories:
            story.start()

    @property
    def steps(self) -> int:
        return sum(len(story.answered) for story in self.stories)

    def done(self) -> bool:
        return all(story.step is None for story in self.stories)

    def partly_answered(self, step: Step, answer: str) -> bool:
        """The kill came while the answer was being written: what its first line
        confirmed is claimed; the member, not having the whole answer, sends it again."""
        found = step.receipt.search(answer) if step.receipt else None
        if found is not None and step.kind == "detained":
            self.ledger.append(Claim("person", found.group("code"), f"Persona {step.story}"))
        return found is not None

    # -- the stories -------------------------------------------------------------------

    def _place(self, number: int) -> str:
        return f"{100 + number} {STREETS[number % len(STREETS)]}"

    def _report(self, number: int, reporter: str, place: str) -> Step:
        """A report as people send them: labels in English or Spanish, a slip of the thumb."""
        chat = "dm" if number % 4 == 0 else "organizers"
        wording = number % 3
        if wording == 0:
            text = (
                f"/report where: {place}; what: 2 ICE vans, agents stopping people (#{number}); "
                "agency: ICE; source: first-hand"
            )
        elif wording == 1:
            text = (
                f"/reportar dónde: {place}; qué: agentes de ICE pidiendo papeles (#{number}); "
                "agencia: ICE"
            )
        else:
            text = f"/reprot where: {place}; what: agents outside the laundromat (#{number})"
        replies = 2 if wording == 2 else 1
        return Step(
            number, "report", reporter, chat, text, REPORT_RECEIPT, place=place, replies=replies
        )

    def _filed(self, number: int, answer: str, place: str) -> str:
        found = REPORT_RECEIPT.search(answer) or CARD.search(answer)
        assert found, answer
        code = code_in(found)
        self.ledger.append(Claim("report", code, place))
        return code

    def _raid(self, number: int) -> Generator[Step, str, None]:
        """Reported, verified, two people detained, tasks offered, taken, done or not."""
        rng = random.Random(self.rng.random())
        reporter = rng.choice(REPORTERS)
        verifier = rng.choice(VERIFIERS)
        helper, idler = rng.sample(VOLUNTEERS, 2)
        place = self._place(number)
        answer = yield self._report(number, reporter, place)
        report = self._filed(number, answer, place)
        verify = rng.choice([f"/verify {report} saw them myself", f"/verificar {report}"])
        answer = yield Step(
            number,
            "verify",
            verifier,
            "organizers",
            verify,
            pattern(
                rf"Verified {report}\.|{report} verificado\."
                rf"|{report} was already decided|{report} ya fue decidido|{expired(report)}"
            ),
        )
        if re.search(expired(report), answer):
            return  # the kills held it up past its expiry: closed, nothing to follow up
        self.ledger.append(Claim("verified", report))
        name = f"Persona {number}"
        answer = yield Step(
            number,
            "detained",
            ORGANIZER,
            "dm",
            f"/detained {report} name: {name}; dob: 1980-02-{number % 28 + 1:02d}; contact: "
            f"Familia {number}; relation: sister; phone: +1 555 010 01{number % 100:02d}; "
            "children: Lincoln Elementary; pickup: 3h",
            DETAINED_ANSWER,
            receipt=DETAINED_RECEIPT,
        )
        found = DETAINED_ANSWER.search(answer)
        assert found, answer
        person = found.group("code")
        self.ledger.append(Claim("person", person, name))
        call = task_code(answer, "call the family contact", person)
        share = task_code(answer, "find legal help: an attorney or a legal-aid referral", person)
        yield Step(
            number,
            "assign",
            ORGANIZER,
            "dm",
            f"/task assign {call} {{who}} 8s",
            pattern(rf"Offered {call} to {helper}\."),
            who=helper,
        )
        self.ledger.append(Claim("offered", call, helper))
        yield Step(
            number,
            "assign",
            ORGANIZER,
            "dm",
            f"/task assign {share} {{who}}",
            pattern(rf"Offered {share} to {idler}\."),
            who=idler,
        )
        self.ledger.append(Claim("offered", share, idler))  # never answered: reminded
        yield Step(
            number,
            "accept",
            helper,
            "dm",
            rng.choice([f"/task accept {call}", f"/tarea aceptar {call}"]),
            pattern(rf"Thank you: {call} is yours\.|{call} is accepted, so this does not apply"),
        )
        self.ledger.append(Claim("accepted", call, helper))
        if number % 2:
            yield Step(
                number,
                "done",
                helper,
                "dm",
                f"/task done {call} llamé a la familia, están bien",
                pattern(rf"Thank you! {call} is marked done\.|{call} is done, so this does not"),
            )
            self.ledger.append(Claim("done", call))
        if number % 3:
            yield Step(
                number,
                "all_clear",
                verifier,
                "organizers",
                rng.choice([f"/still {report} no", f"/resolve {report} they left"]),
                pattern(
                    rf"All clear for {report} sent to|Aviso de despejado de {report} enviado"
                    rf"|{report} is all clear, so this does not|{report} está despejado"
                ),
            )
            self.ledger.append(Claim("all_clear", report))

    def _dismissed(self, number: int) -> Generator[Step, str, None]:
        rng = random.Random(self.rng.random())
        place = self._place(number)
        answer = yield self._report(number, rng.choice(REPORTERS), place)
        report = self._filed(number, answer, place)
        answer = yield Step(
            number,
            "dismiss",
            rng.choice(VERIFIERS),
            "organizers",
            rng.choice([f"/dismiss {report} routine", f"/descartar {report} rutina"]),
            pattern(
                rf"Dismissed {report} \(|{report} descartado \("
                rf"|{report} was already decided|{report} ya fue decidido|{expired(report)}"
            ),
        )
        if not re.search(expired(report), answer):
            self.ledger.append(Claim("dismissed", report))

    def _ignored(self, number: int) -> Generator[Step, str, None]:
        """Nobody checks it: re-asked, then closed as could not verify."""
        place = self._place(number)
        answer = yield self._report(
            number, random.Random(self.rng.random()).choice(REPORTERS), place
        )
        self._filed(number, answer, place)
