"""Forms a member opened and has not sent yet: what each was opened with.

A form (a Discord modal) is filled in for seconds or minutes after it was opened; by
then the process that opened it may have restarted, or another process may receive the
submission. The typed text comes back with the submission itself; what the form was
opened with (a photo's link, the report code and the details given with /detained) is
kept here, sealed, under a random token the form carries. A form never sent is purged
with abandoned conversations.
"""

from __future__ import annotations

import logging
import secrets

from bot.core.clock import Clock
from bot.core.models import Member
from bot.core.store import Store

log = logging.getLogger(__name__)


def new_token() -> str:
    """A form's token: random, short enough for Discord's 100-character custom ids."""
    return secrets.token_urlsafe(12)


class FormService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def keep(self, token: str, kind: str, member: Member, data: dict[str, str]) -> None:
        async with self.store.transaction() as tx:
            await tx.forms.save(token, kind, member.id, data, self.clock.now())

    async def opened_with(self, token: str, kind: str, member: Member) -> dict[str, str] | None:
        """What the form was opened with; None if it is unknown (purged, or never kept)
        or was not this member's form of this kind."""
        async with self.store.reading() as tx:
            form = await tx.forms.get(token)
        if form is None:
            log.warning("a %s form was sent whose opening is not known any more", kind)
            return None
        if form.kind != kind or form.member_id != member.id:
            log.warning("a %s form was sent by someone it was not opened for", kind)
            return None
        return form.data

    async def sent(self, token: str) -> None:
        """The form was sent and handled: what it was opened with is not needed any more."""
        async with self.store.transaction() as tx:
            await tx.forms.delete(token)
