"""What an action answers, and the guard that turns refusals and bugs into answers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from bot.core.errors import UserError
from bot.core.models import (
    Member,
    Target,
)
from bot.i18n import (
    Text,
    _,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    text: Text
    language: str | None = None  # None: whoever reads it, in their language (see below)


def reply_languages(reply: Reply, member: Member, chat: Target | None) -> tuple[str, ...]:
    """The languages a reply is written in, first language first.

    In a direct message (`chat` None), the member's language. In a group chat everyone
    there reads the answer, so one whose languages do not include the member's gets it
    in the member's language first (it answers them), then in the chat's. A reply in a
    language the member asked for (/rights fr) stays in that language.
    """
    if reply.language is not None:
        return (reply.language,)
    if chat is None or member.language in chat.languages:
        return (member.language,)
    return (member.language, *chat.languages)


# What anyone is told when the bot fails them (a bug, the database): one text everywhere.
APOLOGY = _(
    "Something went wrong on my side and nothing was changed. "
    "Please try again, or tell an organizer."
)


async def guarded(operation: Awaitable[list[Reply]], name: str, actor: Member) -> list[Reply]:
    """Run an action; refusals become replies and bugs become an apology, never a crash."""
    try:
        return await operation
    except UserError as refusal:
        return [Reply(refusal.message)]
    except Exception:
        # Only the command name and member id: message text may name people or places.
        log.exception("command %s from member %s failed", name, actor.id)
        return [Reply(APOLOGY)]
