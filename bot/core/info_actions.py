"""Commands for everyone: rights cards, the hotline, help."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import permissions, rendering, rights
from bot.core.commands import (
    COMMANDS,
    Audience,
    CommandSpec,
    find_command,
    local_name,
    unknown_command,
)
from bot.core.errors import UserError
from bot.core.models import Agency, Member, Sign
from bot.core.network import Network
from bot.core.replies import Reply
from bot.core.report_reading import REPORT_EXAMPLE
from bot.core.rights import card_for, cards
from bot.core.vocabulary import find, language_code
from bot.i18n import (
    Lines,
    ListOf,
    Raw,
    Renderer,
    Text,
    _,
    language_name,
    lines,
)
from bot.i18n.words import fold, vocabulary

MORE_HINT = _("For the longer card, with advice for bystanders: /rights more")


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
                    choices=ListOf(
                        tuple(Raw(f"{language_name(c)} ({c})") for c in sorted(cards()))
                    ),
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
        """Words that are not a command, sent to the bot: maybe a cry for help. Never just
        "I only understand commands": the hotline, the rights that matter at the door,
        and how to report, in the member's language."""
        command = local_name("report", actor.language) or "report"
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
        return [
            Reply(
                lines(
                    _("If you or someone near you is in danger now, call:"),
                    rendering.hotline_lines(self.network),
                    rights.urgent_reminder(),
                    how,
                    _("Send /help to see everything else I can do."),
                )
            )
        ]

    async def hotline(self, actor: Member) -> list[Reply]:
        return [Reply(rendering.hotline_lines(self.network))]

    async def help(self, actor: Member, command: str = "") -> list[Reply]:
        if command.strip():
            spec = find_command(command.split()[0])
            if spec is None:
                raise UserError(unknown_command(command.split()[0].lstrip("/"), actor.language))
            return [Reply(help_entry(spec))]
        visible = [spec for spec in COMMANDS if audience_includes(spec.audience, actor)]
        return [Reply(lines(_("What I can do:"), *(help_entry(spec) for spec in visible)))]


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


def help_entry(spec: CommandSpec) -> Text:
    summary = Lines((CommandName(spec.name), Raw(": "), spec.summary), separator="")
    example = Lines((Raw("    "), _("Example: {example}", example=Raw(spec.example))), separator="")
    return lines(summary, example)
