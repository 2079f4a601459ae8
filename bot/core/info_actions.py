"""Commands for everyone: rights cards, the hotline, help."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import permissions, rendering
from bot.core.commands import COMMANDS, Audience, CommandSpec, find_command, local_name
from bot.core.errors import UserError
from bot.core.models import (
    Member,
)
from bot.core.network import Network
from bot.core.replies import Reply
from bot.core.rights import MORE_WORDS, card_for, cards
from bot.i18n import (
    Lines,
    Raw,
    Renderer,
    Text,
    _,
    language_name,
    lines,
    normalise_language,
    one_of,
)

MORE_HINT = _("For the longer card, with advice for bystanders: /rights more")


class InfoActions:
    network: Network

    async def rights(self, actor: Member, language: str = "", *, more: bool = False) -> list[Reply]:
        """The short card, or with `more` the longer one; "/rights es more" in any order."""
        words = language.lower().split()
        more = more or any(word in MORE_WORDS for word in words)
        codes = [word for word in words if word not in MORE_WORDS]
        wanted = normalise_language(codes[0]) if codes else actor.language
        if wanted not in cards():
            raise UserError(
                _(
                    "I don't have a rights card in “{code}”. Available: {choices}.",
                    code=Raw(wanted[:16]),
                    choices=one_of(Raw(f"{language_name(c)} ({c})") for c in sorted(cards())),
                )
            )
        card = card_for(wanted)
        review_note = (
            None if card.reviewed else _("This card has not been reviewed by the community yet.")
        )
        return [
            Reply(
                lines(
                    Raw(card.more if more else card.text),
                    rendering.hotline_lines(self.network),
                    None if more else MORE_HINT,
                    review_note,
                ),
                language=card.language,
            )
        ]

    async def hotline(self, actor: Member) -> list[Reply]:
        return [Reply(rendering.hotline_lines(self.network))]

    async def help(self, actor: Member, command: str = "") -> list[Reply]:
        if command.strip():
            spec = find_command(command.split()[0])
            if spec is None:
                raise UserError(
                    _(
                        "I don't know the command /{name}. Send /help to see what I can do.",
                        name=Raw(command.split()[0].lstrip("/")[:32]),
                    )
                )
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
