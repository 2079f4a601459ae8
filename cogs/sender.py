"""Delivers outbox rows to Discord channels and members.

Every message carries a nonce derived from its outbox row, which Discord enforces: if a
send succeeded but the answer was lost, the retry returns the same message instead of
posting a second alert. The only mention the bot ever allows is the verifier role on a
new report card; everything else is sent with no pings at all.
"""

from __future__ import annotations

import io
import logging

import aiohttp
import discord

from bot.core.messenger import EDITS_CARD
from bot.core.models import MessageKind, OutboxEntry, ReportState
from bot.delivery import DeliveryError
from bot.pacing import Limits, Rate
from cogs.frontend import DiscordFrontEnd
from cogs.text import fit_parts, split_message
from cogs.views import card_view, offer_view, still_view, task_offer_view

log = logging.getLogger(__name__)
# Notices that change the card verifiers act on (its text, its buttons, its count).
CARD_UPDATES = frozenset({MessageKind.DECISION, MessageKind.CORROBORATION})
NO_MENTIONS = discord.AllowedMentions.none()
CANNOT_MESSAGE_USER = 50007  # Discord's code for a member whose direct messages are closed


def nonce_for(entry: OutboxEntry, part: int) -> str:
    return f"rr{entry.id}p{part}"  # Discord allows 25 characters


# Discord's global limit is 50 requests a second per bot; the per-channel buckets are
# not paced here: Discord asks bots not to hard-code them, and discord.py reads them
# from every answer's X-RateLimit headers and waits inside the send (a chat's messages
# go one after another anyway). A send may wait that long, hence the generous timeout.
DISCORD_LIMITS = Limits(overall=Rate(50, 1.0), in_flight=8, timeout=60.0)


class DiscordSender:
    platform = "discord"
    limits = DISCORD_LIMITS

    def __init__(self, client: discord.Client, front: DiscordFrontEnd) -> None:
        self.client = client
        self.front = front

    async def _destination(self, entry: OutboxEntry) -> discord.abc.Messageable:
        target = int(entry.address)
        if entry.is_direct:
            return self.client.get_user(target) or await self.client.fetch_user(target)
        channel = self.client.get_channel(target) or await self.client.fetch_channel(target)
        if not isinstance(channel, discord.abc.Messageable):
            raise DeliveryError("not a text channel", permanent=True)
        return channel

    async def send(self, entry: OutboxEntry) -> str | None:
        try:
            destination = await self._destination(entry)
            message_id = await self._post(destination, entry)
        except discord.Forbidden as error:
            if entry.is_direct:
                closed = error.code == CANNOT_MESSAGE_USER
                reason = "direct messages closed" if closed else "not allowed to write to them"
                raise DeliveryError(reason, permanent=True) from None
            raise DeliveryError("missing permission", permanent=True) from None
        except discord.NotFound:
            raise DeliveryError("channel or member not found", permanent=True) from None
        except discord.RateLimited as error:  # a wait longer than discord.py will sleep
            raise DeliveryError("rate limited", retry_after=error.retry_after) from None
        except discord.HTTPException as error:
            retry_after = getattr(error, "retry_after", None) if error.status == 429 else None
            raise DeliveryError(f"Discord error {error.status}", retry_after=retry_after) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise DeliveryError(f"Discord unreachable ({type(error).__name__})") from None
        if entry.report_id is not None and entry.kind in EDITS_CARD:
            await self._update_card(destination, entry)
        return message_id

    async def _post(self, destination: discord.abc.Messageable, entry: OutboxEntry) -> str:
        content, mentions = entry.body, NO_MENTIONS
        view: discord.ui.View | None = None
        if entry.kind is MessageKind.TASK_OFFER and entry.task_id is not None:
            view = task_offer_view(entry.task_id, self.front.renderer, entry.languages[0])
        if entry.kind is MessageKind.OFFER and entry.report_id is not None:
            view = offer_view(
                entry.report_id,
                self.front.renderer,
                entry.languages[0],
                self.front.app.network.default_eta,
            )
        if entry.kind is MessageKind.ACTIVE_CHECK and entry.report_id is not None:
            view = still_view(entry.report_id, self.front.renderer, entry.languages[0])
        if entry.kind is MessageKind.NEW_REPORT and entry.report_id is not None:
            view = card_view(
                entry.report_id,
                1,
                self.front.renderer,
                entry.languages[0],
                photos=bool(entry.media_ids),
                eta=self.front.app.network.default_eta,
            )
            if entry.ping == "verifiers":
                role = self.front.settings.verifier_role_id
                content = f"<@&{role}>\n{content}"
                mentions = discord.AllowedMentions(
                    everyone=False, users=False, roles=[discord.Object(id=role)]
                )
        parts = split_message(content)
        sent: list[int] = []
        for number, part in enumerate(parts):
            last = number == len(parts) - 1
            # Clean copies of photos go with the last part, above its buttons.
            files = [
                discord.File(io.BytesIO(file.data), filename=file.name) for file in entry.files
            ]
            message = await destination.send(
                part,
                nonce=nonce_for(entry, number),
                allowed_mentions=mentions if number == 0 else NO_MENTIONS,
                view=view if last and view is not None else discord.utils.MISSING,
                files=files if last and files else discord.utils.MISSING,
            )
            sent.append(message.id)
        return reference_to(sent)

    async def _update_card(self, destination: discord.abc.Messageable, entry: OutboxEntry) -> None:
        """Show a decision on the card (and take its buttons away), or a new count.

        A card too long for one message was posted in parts, its buttons on the last:
        a decision is shown whole across the parts, and no part keeps a button.
        """
        assert entry.report_id is not None  # noqa: S101 - checked by the caller
        card = await self.front.app.reports.posted_card(
            entry.report_id, entry.platform, entry.address
        )
        partial = getattr(destination, "get_partial_message", None)
        if card is None or card.external_id is None or partial is None:
            return
        parts = message_ids(card.external_id)
        try:
            if entry.kind is MessageKind.DECISION:
                contents = fit_parts(card.body, entry.body, len(parts))
                for message_id, content in zip(parts, contents, strict=True):
                    await partial(message_id).edit(
                        content=content, view=None, allowed_mentions=NO_MENTIONS
                    )
            else:
                report = await self.front.app.reports.get(entry.report_id)
                if report.state is not ReportState.PENDING:
                    return  # decided cards keep no buttons, whatever comes in later
                photos = any(m.shareable for m in await self.front.app.reports.media(report.id))
                view = card_view(
                    report.id,
                    report.independent_reports,
                    self.front.renderer,
                    card.languages[0],
                    photos=photos,
                    eta=self.front.app.network.default_eta,
                )
                await partial(parts[-1]).edit(view=view, allowed_mentions=NO_MENTIONS)
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError, OSError):
            # The notice itself went out; a stale card is worth a log line, not a retry.
            log.warning("could not update the card of report %s", entry.report_id)


def reference_to(message_ids: list[int]) -> str:
    """What the outbox and the broadcast record keep of a sent message: the ids of its
    parts, in order (one id for a message that fitted), so every part can be edited."""
    return " ".join(str(message_id) for message_id in message_ids)


def message_ids(reference: str) -> list[int]:
    """The parts' ids back from `reference_to` (records from before it hold the first)."""
    return [int(message_id) for message_id in reference.split()]
