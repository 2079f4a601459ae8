"""The text-command grammar shared by the console and Signal.

`/name rest`, where `rest` is free text and optional `label: value` fields separated by
`;` or new lines. Labels have English and Spanish spellings, accents optional, because
people type on phones, fast, in the language they think in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.errors import UserError
from bot.i18n import SOURCE_LANGUAGE, Msg, Raw, Renderer, Text, _
from bot.i18n.words import fold, vocabulary


class Audience(StrEnum):
    EVERYONE = "everyone"
    VERIFIERS = "verifiers"
    ORGANIZERS = "organizers"


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: Msg
    example: str
    audience: Audience = Audience.EVERYONE
    # Answered in a broadcast chat, which the whole network reads: only what tells
    # nothing about anyone (a report's receipt, rights, the hotline, help).
    in_broadcast_chats: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "report",
        _("Report what you see. Nothing is shared until a verifier confirms it."),
        "/report where: 5th & Main; what: 2 ICE vans, agents stopping people; "
        "agency: ICE; signs: vans, questioning; source: first-hand",
        in_broadcast_chats=True,
    ),
    CommandSpec(
        "verify",
        _("Confirm a report you checked; the alert goes out to the network."),
        "/verify R3 3 vans, agents checking IDs",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "dismiss",
        _("Close a report that is routine presence, a false alarm, or could not be verified."),
        "/dismiss R3 routine agents at lunch near the federal building",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "claim",
        _("Say you are going to check a report, with your ETA; the others are not asked again."),
        "/claim R3 15m",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "unclaim",
        _("Give back a report you claimed, so another verifier is asked at once."),
        "/unclaim R3",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "duty",
        _("Go on duty (new reports are offered to you first) or off: /duty on 4h, /duty off."),
        "/duty on 4h",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "resolve",
        _("Announce all clear for a verified alert."),
        "/resolve R3 agents left at 2:40 pm",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "still",
        _("Answer “is it still going on?”: yes keeps the alert active, no sends the all clear."),
        "/still R3 yes",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "correct",
        _("Correct a verified alert; everyone who got it gets the correction."),
        "/correct R3 where: 5th & Maple; note: wrong street in the first alert",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "retract",
        _("Withdraw an alert that turned out to be wrong."),
        "/retract R3 it was a film crew",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "role",
        _("Give a member a role, or take it away (Signal and console; on Discord use its roles)."),
        "/role add +15551234567 verifier",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "roles",
        _("See who has which role (in a direct message); /roles reset re-applies the config's."),
        "/roles",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "detained",
        _("Record a person detained (in a direct message); proposes the follow-up tasks."),
        "/detained R3 name: Juan Pérez; dob: 1990-04-12; contact: María Pérez; "
        "relation: sister; phone: +1 555 010 0199; children: Lincoln Elementary; pickup: 15:00",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "cancel",
        _("Stop a step-by-step conversation; nothing is saved."),
        "/cancel",
        Audience.ORGANIZERS,
        in_broadcast_chats=True,
    ),
    CommandSpec(
        "task",
        _(
            "Tasks: organizers add, assign and cancel; the volunteer asked accepts, declines, "
            "marks done or releases."
        ),
        "/task accept T4",
    ),
    CommandSpec(
        "tasks",
        _("Show your tasks; organizers: /tasks open shows every open task."),
        "/tasks",
    ),
    CommandSpec(
        "person",
        _("Show a detained person's details; organizers correct them too (direct message only)."),
        "/person P2",
    ),
    CommandSpec(
        "status",
        _("Show active alerts (and, for verifiers, reports waiting for a check)."),
        "/status",
        in_broadcast_chats=True,  # there: the active alerts only, which that chat had
    ),
    CommandSpec(
        "stats",
        _(
            "The network's numbers for a debrief (in a direct message): reports and how they "
            "ended, time to claim and decide, alerts, tasks."
        ),
        "/stats 7d",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "rights", _("Show your rights if agents stop you."), "/rights es", in_broadcast_chats=True
    ),
    CommandSpec(
        "hotline", _("Show the rapid response hotline."), "/hotline", in_broadcast_chats=True
    ),
    CommandSpec(
        "practice",
        _(
            "Practise staying silent: I play an agent, you answer, I coach you "
            "(in a direct message)."
        ),
        "/practice",
        in_broadcast_chats=True,  # there: "let's practise in a private message"
    ),
    CommandSpec(
        "lang", _("Choose the language I write to you in."), "/lang es", in_broadcast_chats=True
    ),
    CommandSpec(
        "help", _("Show the commands, or how to use one."), "/help report", in_broadcast_chats=True
    ),
    CommandSpec(
        "drill",
        _(
            "Start a practice run (every message says DRILL — PRACTICE, alerts go only to "
            "drill chats, and what it makes is deleted when it ends), or stop it."
        ),
        "/drill start 2h",
        Audience.ORGANIZERS,
    ),
)


def names(command: str) -> tuple[str, ...]:
    """Every word that calls `command`, in every language (from the words files)."""
    return (command, *vocabulary().words("commands").get(command, ()))


def local_name(command: str, language: str) -> str | None:
    """What the command is called in `language`, if it has its own name there."""
    if language == SOURCE_LANGUAGE:
        return None
    local = vocabulary().local("commands", command, language)
    return local[0] if local else None


def _names() -> dict[str, CommandSpec]:
    by_name: dict[str, CommandSpec] = {}
    for spec in COMMANDS:
        for name in names(spec.name):
            by_name.setdefault(fold(name), spec)
    return by_name


_BY_NAME = _names()
_COMMAND = re.compile(r"^/(\S*)(?:\s+(.*))?$", re.DOTALL)
_REPORT_CODE = re.compile(r"^(?:r|#)?-?(\d{1,9})$", re.IGNORECASE)
_LABEL = re.compile(r"^([^:\n]{1,24}):(.*)$", re.DOTALL)


@dataclass(frozen=True)
class CommandLine:
    name: str
    body: str
    spec: CommandSpec | None


def split_command(text: str) -> CommandLine | None:
    """The command and its arguments, or None when the text is not a command at all."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    name = match.group(1).lower()
    return CommandLine(
        name=name, body=(match.group(2) or "").strip(), spec=_BY_NAME.get(fold(name))
    )


def command_language(name: str) -> str | None:
    """The language a typed command name belongs to, when it is one language's own word
    ("/ayuda", "/reportar": es); None for English words and words several languages share
    ("/roles", "/denunciar")."""
    return _command_language(fold(name.lstrip("/")))


@cache
def _command_language(typed: str) -> str | None:
    words = vocabulary()
    found = {
        language
        for language in words.languages()
        for key in words.keys("commands")
        if typed in (fold(word) for word in words.local("commands", key, language))
        or (language == SOURCE_LANGUAGE and typed == fold(key))
    }
    return found.pop() if len(found) == 1 and SOURCE_LANGUAGE not in found else None


def find_command(name: str) -> CommandSpec | None:
    return _BY_NAME.get(fold(name.lstrip("/")))


def closest_command(name: str, language: str = SOURCE_LANGUAGE) -> str | None:
    """The command word nearest to a misspelled one ("/reprot" -> "report"), if one is
    near enough to be what was meant; among equally near ones, the reader's language's."""
    typed = fold(name.lstrip("/"))
    if len(typed) < 3:
        return None
    limit = 1 if len(typed) <= 4 else 2
    near = process.extract(
        typed, list(_BY_NAME), scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    if not near:
        return None
    words = vocabulary()
    own = {
        fold(w) for key in words.keys("commands") for w in words.local("commands", key, language)
    }
    best = min(distance for _word, distance, _index in near)
    nearest = [word for word, distance, _index in near if distance == best]
    return next((word for word in nearest if word in own), nearest[0])


# Which labels each command's example uses, so an example can be shown in the reader's
# language ("/reportar dónde: 5th & Main; qué: …").
_EXAMPLE_LABELS = {
    "report": "report", "correct": "correction", "detained": "person", "task": "task",
    "verify": "correction", "person": "person",
}  # fmt: skip
_EXAMPLE_VERBS = {"task": "task_verbs", "role": "role_verbs", "drill": "drill_verbs"}
_EXAMPLE_LABEL = re.compile(r"(^|;\s*|\s)([a-z][a-z ]{0,23}?):")


@dataclass(frozen=True)
class Example:
    """A command's example in the reader's language: its command name and its labels as
    that language's words files spell them; the values stay as written. `text`: another
    example of the same command than the one /help shows ("/person P3 dob: 1990-04-12")."""

    command: str
    text: str = ""

    def render(self, renderer: Renderer, language: str) -> str:
        spec = _BY_NAME[self.command]
        text = self.text or spec.example
        local = local_name(spec.name, language)
        if local:
            text = re.sub(rf"^/{re.escape(spec.name)}\b", f"/{local}", text)
        verbs = _EXAMPLE_VERBS.get(spec.name)
        verb = re.match(r"^(/\S+ )(\w+)", text) if verbs is not None else None
        if verbs is not None and verb is not None:
            key = vocabulary().index(verbs).get(fold(verb.group(2)))
            own = vocabulary().local(verbs, key, language) if key else ()
            text = verb.group(1) + (own[0] if own else verb.group(2)) + text[verb.end() :]
        if spec.name == "role":  # "/rol dar +1555… verificador": the role in their words
            head, _space, role = text.rpartition(" ")
            key = vocabulary().index("roles").get(fold(role))
            own = vocabulary().local("roles", key, language) if key else ()
            text = f"{head} {own[0] if own else role}"
        section = _EXAMPLE_LABELS.get(spec.name)
        if section is None or language == SOURCE_LANGUAGE:
            return renderer.escape(text)
        words = vocabulary()
        english = words.index(f"labels.{section}")

        def swap(match: re.Match[str]) -> str:
            key = english.get(fold(match.group(2)))
            own = words.local(f"labels.{section}", key, language) if key else ()
            return f"{match.group(1)}{own[0] if own else match.group(2)}:"

        return renderer.escape(_EXAMPLE_LABEL.sub(swap, text))


def label_key(label: str) -> str:
    return fold(label)


def label_table(section: str) -> dict[str, str]:
    """{typed label -> field} for one `[labels.<section>]` of the words files."""
    return vocabulary().index(f"labels.{section}")


# A label starts a segment: "where: …". Between `;` or new lines anything may be a label
# (a known one is a field, an unknown one is kept as text); after ". " ", " or " - " only a
# known label starts a new field, so "vans, no plates. source: my sister" splits once.
_HARD = re.compile(r"[;\n]")
_SOFT = re.compile(r"(?:[.,]|\s-+)\s+(?=([^:;\n,.]{1,24}?)\s*(?::(?!//)|\s[-–]\s))")
_LABEL = re.compile(r"^([^\W\d_][^:\n]{0,23}?)\s*:(?!//)(.*)$", re.DOTALL)
# "where - 5th & Main": a dash after a label we know works like its colon.
_DASH_LABEL = re.compile(r"^([^\W\d_][^:\n-]{0,23}?)\s+[-–]\s+(.*)$", re.DOTALL)


def field_for(label: str, labels: Mapping[str, str]) -> str | None:
    """The field a typed label names, forgiving one slip in a longer label ("whre",
    "agnecy"); None when it names none, or could be two."""
    key = label_key(label)
    if key in labels or len(key) < 3:
        return labels.get(key)
    near = {
        labels[known]
        for known in labels
        if len(known) >= 3 and OSA.distance(key, known, score_cutoff=1) <= 1
    }
    return near.pop() if len(near) == 1 else None


def _segments(body: str, labels: Mapping[str, str]) -> list[str]:
    segments: list[str] = []
    for chunk in _HARD.split(body):
        start = 0
        for match in _SOFT.finditer(chunk):
            if field_for(match.group(1), labels) is not None:
                segments.append(chunk[start : match.start()])
                start = match.end()
        segments.append(chunk[start:])
    return [segment.strip() for segment in segments if segment.strip()]


@dataclass(frozen=True)
class Fields:
    """Labelled values and everything else, as typed; nothing is dropped."""

    values: dict[str, str]
    free: str  # text with no label, and text under labels we do not know ("when: 10 min")


def parse_fields(body: str, labels: Mapping[str, str], *, continued: bool = False) -> Fields:
    """Split what someone typed into labelled fields and free text; never refuses.

    With `continued`, text after a `;` that starts no label belongs to the field before
    it ("notes: diabetic; medicine in her bag" is one note). A label given twice keeps
    both values.
    """
    free: list[str] = []
    values: dict[str, str] = {}
    last: str | None = None
    for segment in _segments(body, labels):
        match = _LABEL.match(segment)
        field = field_for(match.group(1), labels) if match else None
        if field is None:
            dashed = _DASH_LABEL.match(segment)
            if dashed is not None and field_for(dashed.group(1), labels) is not None:
                match, field = dashed, field_for(dashed.group(1), labels)
        if match is not None and field is not None:
            value = match.group(2).strip()
            values[field] = "; ".join(part for part in (values.get(field, ""), value) if part)
            last = field
        elif continued and last is not None and match is None:
            values[last] = "; ".join(part for part in (values[last], segment) if part)
        else:
            free.append(segment)
            last = None if match is not None else last
    return Fields(values, "; ".join(free))


def parse_code(token: str, prefix: str) -> int:
    """T4, t4, #4 or 4 for tasks; P2 for people. The prefix letter is optional."""
    match = re.match(rf"^(?:{prefix}|#)?-?(\d{{1,9}})$", token.strip(), re.IGNORECASE)
    if match is None or int(match.group(1)) == 0:
        raise UserError(
            _(
                "“{value}” is not a code I know. Codes look like {example}.",
                value=Raw(token.strip()),
                example=Raw(f"{prefix}3"),
            )
        )
    return int(match.group(1))


def parse_report_code(token: str) -> int:
    match = _REPORT_CODE.match(token.strip())
    if match is None or int(match.group(1)) == 0:
        raise UserError(
            _("“{value}” is not a report code. Codes look like R3.", value=Raw(token.strip()))
        )
    return int(match.group(1))


def take_report_code(body: str, example: str) -> tuple[int, str]:
    """The report code at the start of `body` and the rest of the text after it."""
    parts = body.split(maxsplit=1)
    if not parts:
        raise UserError(
            _("Which report? Add its code, for example: {example}", example=Raw(example))
        )
    return parse_report_code(parts[0]), parts[1].strip() if len(parts) > 1 else ""


def not_in_broadcast_chats(name: str) -> Text:
    """A command whose answer could tell the whole network about someone (roles, tasks,
    reports waiting, people), sent in a broadcast chat."""
    return _(
        "Everyone in the network reads this chat, so I do not answer /{name} here. Send it "
        "to me in a direct message, or in the organizer chat.",
        name=Raw(name[:32]),
    )


def unknown_command(name: str, language: str = SOURCE_LANGUAGE, body: str = "") -> Text:
    """An unknown command, with the nearest one when it looks like a typing slip: the
    whole line corrected, the rest of it as typed, to copy and send (nothing runs on a
    guess, so nothing typed is lost either)."""
    nearest = closest_command(name, language)
    if nearest is not None:
        return _(
            "I don't know the command /{name}. Did you mean: {line}\n"
            "Copy it, check it and send it. Send /help to see what I can do.",
            name=Raw(name[:32]),
            line=Raw(f"/{nearest} {body.strip()}".strip()),
        )
    return _(
        "I don't know the command /{name}. Send /help to see what I can do.",
        name=Raw(name[:32]),
    )
