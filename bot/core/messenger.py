"""Writing messages into the outbox, rendered the way each platform needs them.

Every service that speaks goes through here, inside its own transaction, so "render for
this chat's languages and platform, then enqueue" is written once. Front ends register
how their platform neutralises people's text (`register`); everything else uses the
plain renderer.

It also keeps the broadcast record: an alert, and the card verifiers act on, are noted
per chat (`tx.broadcasts`) in the same transaction, because later news (all clear,
correction, retraction) and card edits must reach exactly those chats long after the
outbox rows that carried them are gone.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.clock import Clock
from bot.core.models import Member, MessageKind, Target, TargetPurpose
from bot.core.network import Network
from bot.core.store import Transaction
from bot.i18n import Renderer, Text

# A front end turns this into its verifier-role mention (Discord) or a mention of each
# verifier (Signal, console). Verifiers who reported the report are called too: leaving
# them out would show everyone else who reported it. The card says they cannot verify it.
PING_VERIFIERS = "verifiers"
# Messages about a report that later news must find again.
RECORDED = frozenset({MessageKind.ALERT, MessageKind.NEW_REPORT})
# Messages whose delivery edits the card posted before them in the same chat (a decision
# shown on it, a new count): the card's outcome must be stored before they are sent.
EDITS_CARD = frozenset({MessageKind.DECISION, MessageKind.CORROBORATION})


class Messenger:
    def __init__(self, network: Network, clock: Clock, renderer: Renderer) -> None:
        self.network = network
        self.clock = clock
        self.renderer = renderer
        self._platforms: dict[str, Renderer] = {}

    def register(self, platform: str, escape: Callable[[str], str]) -> Renderer:
        renderer = Renderer(self.network.zone, escape)
        self._platforms[platform] = renderer
        return renderer

    def renderer_for(self, platform: str) -> Renderer:
        return self._platforms.get(platform, self.renderer)

    async def to_chat(
        self,
        tx: Transaction,
        target: Target,
        kind: MessageKind,
        text: Text,
        *,
        report_id: int | None = None,
        ping: str | None = None,
        media: tuple[int, ...] = (),
    ) -> None:
        """`media`: clean copies of photos uploaded with the message."""
        now = self.clock.now()
        outbox_id = await tx.outbox.enqueue(
            platform=target.platform,
            address=target.address,
            is_direct=False,
            languages=target.languages,
            kind=kind,
            body=self.renderer_for(target.platform).render_all(text, target.languages),
            now=now,
            report_id=report_id,
            ping=ping,
            media=media,
        )
        if report_id is not None and kind in RECORDED:
            await tx.broadcasts.record(
                report_id,
                kind=kind,
                platform=target.platform,
                address=target.address,
                languages=target.languages,
                outbox_id=outbox_id,
                now=now,
            )

    async def report_notice(
        self,
        tx: Transaction,
        kind: MessageKind,
        text: Text,
        report_id: int,
        *,
        ping: bool = False,
        media: tuple[int, ...] = (),
    ) -> None:
        """A message about a report to every organizer chat; `ping` calls the verifiers,
        `media` uploads clean copies of the report's photos with it."""
        await self.to_organizers(
            tx,
            kind,
            text,
            report_id=report_id,
            ping=PING_VERIFIERS if ping else None,
            media=media,
        )

    async def to_organizers(
        self,
        tx: Transaction,
        kind: MessageKind,
        text: Text,
        *,
        report_id: int | None = None,
        ping: str | None = None,
        skip: Target | None = None,
        media: tuple[int, ...] = (),
    ) -> None:
        for target in self.network.targets_for(TargetPurpose.ORGANIZERS):
            if target != skip:
                await self.to_chat(
                    tx, target, kind, text, report_id=report_id, ping=ping, media=media
                )

    async def to_address(
        self,
        tx: Transaction,
        platform: str,
        address: str,
        *,
        is_direct: bool,
        languages: tuple[str, ...],
        kind: MessageKind,
        text: Text,
        task_id: int | None = None,
        report_id: int | None = None,
    ) -> None:
        """A reply, or a direct message to a member, in its languages (first one first)."""
        await tx.outbox.enqueue(
            platform=platform,
            address=address,
            is_direct=is_direct,
            languages=languages,
            kind=kind,
            body=self.renderer_for(platform).render_all(text, languages),
            now=self.clock.now(),
            task_id=task_id,
            report_id=report_id,
        )

    async def to_member(
        self,
        tx: Transaction,
        member: Member,
        kind: MessageKind,
        text: Text,
        *,
        task_id: int | None = None,
        report_id: int | None = None,
    ) -> None:
        await self.to_address(
            tx,
            member.platform,
            member.external_id,
            is_direct=True,
            languages=(member.language,),
            kind=kind,
            text=text,
            task_id=task_id,
            report_id=report_id,
        )
