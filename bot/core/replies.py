"""What an action answers, and the guard that turns refusals and bugs into answers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from bot.core.errors import UserError
from bot.core.models import (
    Member,
)
from bot.i18n import (
    Text,
    _,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    text: Text
    language: str | None = None  # None: the member's own language


async def guarded(operation: Awaitable[list[Reply]], name: str, actor: Member) -> list[Reply]:
    """Run an action; refusals become replies and bugs become an apology, never a crash."""
    try:
        return await operation
    except UserError as refusal:
        return [Reply(refusal.message)]
    except Exception:
        # Only the command name and member id: message text may name people or places.
        log.exception("command %s from member %s failed", name, actor.id)
        return [
            Reply(
                _(
                    "Something went wrong on my side and nothing was changed. "
                    "Please try again, or tell an organizer."
                )
            )
        ]
