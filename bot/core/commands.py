"""The text-command grammar shared by the console and Signal.

`/name rest`, where `rest` is free text and optional `label: value` fields separated by
`;` or new lines. Labels have English and Spanish spellings, accents optional, because
people type on phones, fast, in the language they think in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.core.errors import UserError
from bot.core.places import words
from bot.i18n import Msg, Raw, _


class Audience(StrEnum):
    EVERYONE = "everyone"
    VERIFIERS = "verifiers"
    ORGANIZERS = "organizers"


@dataclass(frozen=True)
class CommandSpec:
    name: str
    aliases: tuple[str, ...]
    summary: Msg
    example: str
    audience: Audience = Audience.EVERYONE


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "report",
        ("reportar", "reporte"),
        _("Report what you see. Nothing is shared until a verifier confirms it."),
        "/report where: 5th & Main; what: 2 ICE vans, agents stopping people; "
        "agency: ICE; signs: vans, questioning; source: first-hand",
    ),
    CommandSpec(
        "verify",
        ("verificar", "confirmar"),
        _("Confirm a report you checked; the alert goes out to the network."),
        "/verify R3 saw them myself, 3 vans",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "dismiss",
        ("descartar",),
        _("Close a report that is routine presence, a false alarm, or could not be verified."),
        "/dismiss R3 routine agents at lunch near the federal building",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "resolve",
        ("resolver", "despejado"),
        _("Announce all clear for a verified alert."),
        "/resolve R3 agents left at 2:40 pm",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "still",
        ("sigue", "todavia"),
        _("Answer “is it still going on?”: yes keeps the alert active, no sends the all clear."),
        "/still R3 yes",
        Audience.VERIFIERS,
    ),
    CommandSpec(
        "correct",
        ("corregir",),
        _("Correct a verified alert; everyone who got it gets the correction."),
        "/correct R3 where: 5th & Maple; note: wrong street in the first alert",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "retract",
        ("retractar", "retirar"),
        _("Withdraw an alert that turned out to be wrong."),
        "/retract R3 it was a film crew",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "role",
        ("rol",),
        _("Give a member a role, or take it away (Signal and console; on Discord use its roles)."),
        "/role add +15551234567 verifier",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "detained",
        ("detenido", "detenida"),
        _("Record a person detained (in a direct message); proposes the follow-up tasks."),
        "/detained R3 name: Juan Pérez; dob: 1990-04-12; contact: María Pérez; "
        "relation: sister; phone: +1 555 010 0199; children: Lincoln Elementary; pickup: 15:00",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "cancel",
        ("cancelar", "stop", "parar"),
        _("Stop a step-by-step conversation; nothing is saved."),
        "/cancel",
        Audience.ORGANIZERS,
    ),
    CommandSpec(
        "task",
        ("tarea",),
        _(
            "Tasks: organizers add, assign and cancel; the volunteer asked accepts, declines, "
            "marks done or releases."
        ),
        "/task accept T4",
    ),
    CommandSpec(
        "tasks",
        ("tareas",),
        _("Show your tasks; organizers: /tasks open shows every open task."),
        "/tasks",
    ),
    CommandSpec(
        "person",
        ("persona",),
        _("Show a detained person's details (direct message only)."),
        "/person P2",
    ),
    CommandSpec(
        "status",
        ("estado",),
        _("Show active alerts (and, for verifiers, reports waiting for a check)."),
        "/status",
    ),
    CommandSpec("rights", ("derechos",), _("Show your rights if agents stop you."), "/rights es"),
    CommandSpec("hotline", ("linea", "línea"), _("Show the rapid response hotline."), "/hotline"),
    CommandSpec(
        "lang", ("idioma", "language"), _("Choose the language I write to you in."), "/lang es"
    ),
    CommandSpec("help", ("ayuda",), _("Show the commands, or how to use one."), "/help report"),
)

# A command's name in other languages: typed in any chat, and shown in Discord's menus
# to members whose Discord speaks that language. Spanish names are the first alias of
# each command above. Written without accents, which people often leave out on a phone;
# accented spellings are accepted too.
LOCAL_NAMES: Mapping[str, Mapping[str, str]] = {
    "fr": {
        "report": "signaler", "verify": "verifier", "dismiss": "ecarter",
        "resolve": "terminer", "correct": "corriger", "retract": "retirer", "role": "role",
        "detained": "detenu", "cancel": "annuler", "task": "tache", "tasks": "taches",
        "person": "personne", "status": "etat", "rights": "droits", "hotline": "urgence",
        "lang": "langue", "help": "aide",
        "still": "encore",
    },
    "pt": {
        "report": "relatar", "verify": "verificar", "dismiss": "descartar",
        "resolve": "encerrar", "correct": "corrigir", "retract": "retirar", "role": "papel",
        "detained": "detido", "cancel": "cancelar", "task": "tarefa", "tasks": "tarefas",
        "person": "pessoa", "status": "situacao", "rights": "direitos",
        "hotline": "emergencia", "lang": "idioma", "help": "ajuda",
        "still": "continua",
    },
}  # fmt: skip


def local_name(command: str, language: str) -> str | None:
    """What the command is called in `language`, if it has its own name there."""
    if language == "es":
        spec = _BY_NAME.get(command)
        return (
            spec.aliases[0] if spec is not None and spec.name == command and spec.aliases else None
        )
    return LOCAL_NAMES.get(language, {}).get(command)


def _fold(name: str) -> str:
    """Lowercase without accents: "Vérifier" and "verifier" are the same command."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _names() -> dict[str, CommandSpec]:
    by_name: dict[str, CommandSpec] = {}
    for spec in COMMANDS:
        local = [names[spec.name] for names in LOCAL_NAMES.values() if spec.name in names]
        for name in (spec.name, *spec.aliases, *local):
            other = by_name.setdefault(_fold(name), spec)
            if other is not spec:  # one word, two commands: a mistake in the tables above
                raise RuntimeError(f"/{name} names both /{other.name} and /{spec.name}")
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
        name=name, body=(match.group(2) or "").strip(), spec=_BY_NAME.get(_fold(name))
    )


def find_command(name: str) -> CommandSpec | None:
    return _BY_NAME.get(_fold(name.lstrip("/")))


def label_key(label: str) -> str:
    return " ".join(words(label))


def label_table(spellings: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """{typed label -> field} from {field -> spellings}, normalised like places."""
    return {label_key(spelling): field for field, all_ in spellings.items() for spelling in all_}


def parse_fields(body: str, labels: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """Split into free text and labelled fields; unknown labels stay in the free text."""
    free: list[str] = []
    fields: dict[str, str] = {}
    for segment in re.split(r"[;\n]", body):
        segment = segment.strip()
        if not segment:
            continue
        match = _LABEL.match(segment)
        field = labels.get(label_key(match.group(1))) if match else None
        if match is None or field is None:
            free.append(segment)
            continue
        if field in fields:
            raise UserError(
                _(
                    "You gave “{label}” twice. Send it again with it once.",
                    label=Raw(match.group(1).strip()),
                )
            )
        fields[field] = match.group(2).strip()
    return "; ".join(free), fields


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
