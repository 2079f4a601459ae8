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

from bot.core.models import MessageKind, OutboxEntry, ReportState
from bot.delivery import DeliveryError
from cogs.frontend import DiscordFrontEnd
from cogs.text import split_message
from cogs.views import card_view, still_view, task_offer_view

log = logging.getLogger(__name__)
# Notices that change the card verifiers act on (its text, its buttons, its count).
CARD_UPDATES = frozenset({MessageKind.DECISION, MessageKind.CORROBORATION})
NO_MENTIONS = discord.AllowedMentions.none()


def nonce_for(entry: OutboxEntry, part: int) -> str:
    return f"rr{entry.id}p{part}"  # Discord allows 25 characters


class DiscordSender:
    platform = "discord"

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
        except discord.Forbidden:
            raise DeliveryError("missing permission", permanent=True) from None
        except discord.NotFound:
            raise DeliveryError("channel or member not found", permanent=True) from None
        except discord.HTTPException as error:
            retry_after = getattr(error, "retry_after", None) if error.status == 429 else None
            raise DeliveryError(f"Discord error {error.status}", retry_after=retry_after) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise DeliveryError(f"Discord unreachable ({type(error).__name__})") from None
        if entry.report_id is not None and entry.kind in (
            MessageKind.DECISION,
            MessageKind.CORROBORATION,
        ):
            await self._update_card(destination, entry)
        return message_id

    async def _post(self, destination: discord.abc.Messageable, entry: OutboxEntry) -> str:
        content, mentions = entry.body, NO_MENTIONS
        view: discord.ui.View | None = None
        if entry.kind is MessageKind.TASK_OFFER and entry.task_id is not None:
            view = task_offer_view(entry.task_id, self.front.renderer, entry.languages[0])
        if entry.kind is MessageKind.ACTIVE_CHECK and entry.report_id is not None:
            view = still_view(entry.report_id, self.front.renderer, entry.languages[0])
        if entry.kind is MessageKind.NEW_REPORT and entry.report_id is not None:
            view = card_view(
                entry.report_id,
                1,
                self.front.renderer,
                entry.languages[0],
                photos=bool(entry.media_ids),
            )
            if entry.ping == "verifiers":
                role = self.front.settings.verifier_role_id
                content = f"<@&{role}>\n{content}"
                mentions = discord.AllowedMentions(
                    everyone=False, users=False, roles=[discord.Object(id=role)]
                )
        parts = split_message(content)
        first: str | None = None
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
            first = first or str(message.id)
        assert first is not None  # noqa: S101 - split_message always returns a part
        return first

    async def _update_card(self, destination: discord.abc.Messageable, entry: OutboxEntry) -> None:
        """Show a decision on the card (and take its buttons away), or a new count."""
        assert entry.report_id is not None  # noqa: S101 - checked by the caller
        card = await self.front.app.reports.posted_card(
            entry.report_id, entry.platform, entry.address
        )
        partial = getattr(destination, "get_partial_message", None)
        if card is None or card.external_id is None or partial is None:
            return
        message = partial(int(card.external_id))
        try:
            if entry.kind is MessageKind.DECISION:
                content = split_message(f"{card.body}\n\n{entry.body}")[0]
                await message.edit(content=content, view=None, allowed_mentions=NO_MENTIONS)
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
                )
                await message.edit(view=view, allowed_mentions=NO_MENTIONS)
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError, OSError):
            # The notice itself went out; a stale card is worth a log line, not a retry.
            log.warning("could not update the card of report %s", entry.report_id)
