"""Messages that are not about one report or task: replies, and problems told once.

Replies go through the outbox like everything else, so a platform outage delays an
answer and never drops it. A problem (a chat the bot can no longer post in, a member
flooding reports) is told to the organizer chats once until it clears.
"""

from __future__ import annotations

import logging

from bot.core.models import (
    MessageKind,
    Target,
)
from bot.core.service import Service
from bot.i18n import Raw, Text, Trusted, _
from bot.redact import redact

log = logging.getLogger(__name__)


class Notices(Service):
    async def tell_organizers_once(
        self, platform: str, key: str, reason: str, text: Text, *, skip: Target | None = None
    ) -> bool:
        """Post `text` to every organizer chat, once per (platform, key) until cleared.

        `reason` is kept (and may be logged): a service's own words for a failure can
        quote a phone number or an account id, so they are redacted first."""
        reason = redact(reason)
        async with self.store.transaction() as tx:
            if not await tx.outbox.record_problem(platform, key, reason, self.clock.now()):
                return False
            await self.messenger.to_organizers(tx, MessageKind.DELIVERY_PROBLEM, text, skip=skip)
            # The key may be a member's phone number: the platform is all the log needs.
            await tx.audit.record(self.clock.now(), None, "delivery.problem", platform)
        return True

    async def problem_over(
        self, platform: str, key: str, text: Text | None = None, *, skip: Target | None = None
    ) -> bool:
        """End a problem told with `tell_organizers_once`, so the next one is told again;
        with `text`, say so in every organizer chat (only if it was told). True if it was."""
        async with self.store.transaction() as tx:
            if not await tx.outbox.clear_problem(platform, key):
                return False
            if text is not None:
                await self.messenger.to_organizers(
                    tx, MessageKind.DELIVERY_PROBLEM, text, skip=skip
                )
            await tx.audit.record(self.clock.now(), None, "delivery.problem_over", platform)
        return True

    async def chat_unreachable(
        self, platform: str, address: str, reason: str, *, is_direct: bool
    ) -> bool:
        """Tell the organizers, once, that a chat cannot be posted to. True if told now.

        A chat in the config is named by its label, a group no longer in it (messages
        queued under an older config) by its id. A direct address is a member's, and a
        member who cannot be written to is no dead chat: naming them would tie them to
        what the message was about, a report's outcome above all, so nobody is told.
        """
        if is_direct:
            log.info("a direct message on %s cannot be delivered; nobody is told", platform)
            return False
        target = self.network.target(platform, address)
        notice = _(
            "I cannot post in {chat} any more ({reason}). Messages for it are not getting "
            "through: check that the chat still exists and that I may post there.",
            chat=Trusted(target.label) if target is not None else Raw(address),
            reason=Raw(reason),
        )
        return await self.tell_organizers_once(platform, address, reason, notice, skip=target)

    async def send_reply(
        self,
        platform: str,
        address: str,
        *,
        is_direct: bool,
        languages: tuple[str, ...],
        text: Text,
    ) -> None:
        """An answer to a member, through the outbox, so an outage delays it, never drops it."""
        async with self.store.transaction() as tx:
            await self.messenger.to_address(
                tx,
                platform,
                address,
                is_direct=is_direct,
                languages=languages,
                kind=MessageKind.REPLY,
                text=text,
            )
