"""Commands for everyone: rights cards, the hotline, help."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import permissions, rendering, rights
from bot.core.commands import (
    Audience,
    CommandSpec,
    Example,
    find_command,
    local_name,
    unknown_command,
)
from bot.core.errors import UserError
from bot.core.models import Agency, Member, Sign
from bot.core.network import Network
from bot.core.phrases import only
from bot.core.replies import Reply
from bot.core.report_reading import REPORT_EXAMPLE
from bot.core.rights import card_for, cards
from bot.core.vocabulary import find, language_code
from bot.i18n import (
    Lines,
    Raw,
    Renderer,
    Text,
    _,
    language_name,
    lines,
    one_of,
)
from bot.i18n.words import fold, vocabulary

MORE_HINT = _("For the longer card, with advice for bystanders: /rights more")
INDENT = "    "

# /help lists the commands in these groups, in this order; every command is in one
# (a test checks), and a member sees only the commands they may use.
HELP_GROUPS: tuple[tuple[Text, tuple[str, ...]], ...] = (
    (_("Reports"), ("report", "status", "stats")),
    (
        _("Verifying"),
        (
            "claim",
            "unclaim",
            "duty",
            "verify",
            "dismiss",
            "resolve",
            "still",
            "correct",
            "retract",
        ),
    ),
    (_("People and tasks"), ("detained", "person", "task", "tasks", "cancel", "role", "roles")),
    (_("For everyone"), ("rights", "practice", "hotline", "lang", "help")),
    (_("Drills"), ("drill",)),
)

# Each /task verb: how to type it (commands and labels stay English: that is what people
# type), what it does, and an example.
TASK_VERBS_HELP: tuple[tuple[str, Text, str], ...] = (
    (
        "/task add <what>; due: <when>; person: P2; report: R3",
        _("add a task; everything after the description is optional"),
        "/task add bring water to the vigil; due: 2h",
    ),
    (
        "/task assign T4 <member> [when]",
        _("offer the task to a member, due when you say"),
        "/task assign T4 dee 2h",
    ),
    (
        "/task edit T4 what: <what>; due: <when>",
        _("change what the task says, or when it is due"),
        "/task edit T4 due: 16:00",
    ),
    ("/task cancel T4", _("drop the task"), "/task cancel T4"),
    ("/task accept T4", _("take the task offered to you"), "/task accept T4"),
    (
        "/task decline T4 [why]",
        _("say no to the task offered to you"),
        "/task decline T4 at work until 6",
    ),
    ("/task done T4 [note]", _("mark your task done"), "/task done T4 family called, lawyer on it"),
    (
        "/task release T4 [why]",
        _("give your task back, so someone else can take it"),
        "/task release T4 my car broke down",
    ),
)


class InfoActions:
    network: Network

    async def rights(self, actor: Member, language: str = "", *, more: bool = False) -> list[Reply]:
        """The short card, or with `more` the longer one; "/rights es more" in any order."""
        longer = vocabulary().index("rights")
        words = language.split()
        more = more or any(fold(word) in longer for word in words)
        codes = [word for word in words if fold(word) not in longer]
        wanted = language_code(" ".join(codes)) if codes else None
        if wanted is not None and wanted not in cards():
            raise UserError(
                _(
                    "I don't have a rights card in “{code}”. Available: {choices}.",
                    code=Raw(wanted[:16]),
                    choices=one_of(Raw(f"{language_name(c)} ({c})") for c in sorted(cards())),
                )
            )
        # Without a language asked for, each reader gets the card in theirs: in a group
        # chat, that is every language the chat reads.
        return [
            Reply(
                lines(
                    CardText(wanted, more=more),
                    rendering.hotline_lines(self.network),
                    None if more else MORE_HINT,
                    ReviewNote(wanted),
                ),
                language=wanted,
            )
        ]

    async def help_now(self, actor: Member, text: str) -> list[Reply]:
        """Words that are not a command, sent to the bot: maybe a cry for help. Only
        thanks or "ok" get a short answer (with the hotline all the same)."""
        courtesy = only(text, "courtesy")
        if courtesy:
            return [
                Reply(
                    lines(
                        _("You're welcome.") if "thanks" in courtesy else _("Good."),
                        _("I'm here if you need me: send /help."),
                        rendering.hotline_lines(self.network),
                    )
                )
            ]
        return [Reply(help_for(self.network, actor.language, text))]

    async def hotline(self, actor: Member) -> list[Reply]:
        return [Reply(rendering.hotline_lines(self.network))]

    async def help(self, actor: Member, command: str = "") -> list[Reply]:
        if command.strip():
            spec = find_command(command.split()[0])
            if spec is None:
                raise UserError(unknown_command(command.split()[0].lstrip("/"), actor.language))
            if spec.name == "task":
                return [Reply(lines(help_entry(spec), task_help()))]
            return [Reply(help_entry(spec))]
        parts: list[Text] = [_("What I can do:")]
        for title, names in HELP_GROUPS:
            visible = [
                spec
                for spec in (find_command(name) for name in names)
                if spec is not None and audience_includes(spec.audience, actor)
            ]
            if visible:
                parts.append(Lines((title, Raw(":")), separator=""))
                parts += [help_line(spec) for spec in visible]
        parts.append(_("For how to use one, with an example, send /help and its name: /help task"))
        return [Reply(lines(*parts))]


def audience_includes(audience: Audience, member: Member) -> bool:
    if audience is Audience.VERIFIERS:
        return permissions.is_verifier(member)
    if audience is Audience.ORGANIZERS:
        return permissions.is_organizer(member)
    return True


@dataclass(frozen=True)
class CardText:
    """The short or the longer rights card, in `language` or else the reader's."""

    language: str | None
    more: bool = False

    def render(self, renderer: Renderer, language: str) -> str:
        card = card_for(self.language or language)
        return Raw(card.more if self.more else card.text).render(renderer, language)


@dataclass(frozen=True)
class ReviewNote:
    """Says so when the card shown (as `CardText` chooses it) has not been reviewed."""

    language: str | None

    def render(self, renderer: Renderer, language: str) -> str:
        if card_for(self.language or language).reviewed:
            return ""
        return _("This card has not been reviewed by the community yet.").render(renderer, language)


@dataclass(frozen=True)
class CommandName:
    """ "/report", or "/report (/signaler)" for a reader whose language has its own name."""

    name: str

    def render(self, renderer: Renderer, language: str) -> str:
        local = local_name(self.name, language)
        return f"/{self.name}" + (f" (/{local})" if local and local != self.name else "")


def help_line(spec: CommandSpec) -> Text:
    """One line of /help: the command and what it does, no example (/help <name> has it)."""
    return Lines((Raw(INDENT), CommandName(spec.name), Raw(": "), spec.summary), separator="")


def task_help() -> Text:
    """Every /task verb with its syntax and an example: who does what, in that order."""
    parts: list[Text] = []
    for heading, verbs in (
        (_("Organizers:"), TASK_VERBS_HELP[:4]),
        (_("The member a task is offered to:"), TASK_VERBS_HELP[4:]),
    ):
        parts.append(heading)
        for syntax, summary, example in verbs:
            parts.append(Lines((Raw(INDENT + syntax), Raw(" — "), summary), separator=""))
            parts.append(
                Lines(
                    (Raw(INDENT * 2), _("Example: {example}", example=Raw(example))),
                    separator="",
                )
            )
    return lines(*parts)


def help_entry(spec: CommandSpec) -> Text:
    summary = Lines((CommandName(spec.name), Raw(": "), spec.summary), separator="")
    example = Lines(
        (Raw("    "), _("Example: {example}", example=Example(spec.name))), separator=""
    )
    return lines(summary, example)


def help_for(network: Network, language: str, text: str) -> Text:
    """Never just "I only understand commands": the hotline, the rights that matter at
    the door, and how to report (their own words, ready to send, if they read like a
    report), in the member's language."""
    command = local_name("report", language) or "report"
    looks_like_a_report = bool(
        find(Agency, "agencies", text).choices or find(Sign, "signs", text).choices
    )
    how: Text = (
        lines(
            _("To pass this on to the verifiers as a report, send:"),
            Raw(f"/{command} {text.strip()}"),
        )
        if looks_like_a_report and text.strip()
        else lines(
            _("To tell the network what is happening, send /report and what you see:"),
            REPORT_EXAMPLE,
        )
    )
    return lines(
        _("If you or someone near you is in danger now, call:"),
        rendering.hotline_lines(network),
        rights.urgent_reminder(),
        how,
        _("Send /help to see everything else I can do."),
    )
