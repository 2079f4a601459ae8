"""Files people attach on Discord, handed to the core as it takes them.

The bot downloads an attachment's bytes itself (`Attachment.read`), when the core asks
for them: the link Discord gives expires within a day and leads to the original, with
its location and phone details, so the link is never kept or shown to anyone. Only a
clean copy made by the core goes back out, as a file the bot uploads.
"""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
import discord

from bot.core.media import MediaUnavailableError, Upload


def upload(attachment: discord.Attachment) -> Upload:
    async def fetch() -> bytes:
        try:
            return await attachment.read()
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as error:
            raise MediaUnavailableError(type(error).__name__) from None

    return Upload(attachment.content_type or "", attachment.size, fetch)


def kept(attachment: discord.Attachment) -> dict[str, str]:
    """What a form keeps (sealed, under its token) to download the photo when it is sent:
    the link, never shown to anyone, purged with the form if it is never sent."""
    return {
        "media": attachment.url,
        "type": attachment.content_type or "",
        "size": str(attachment.size),
    }


def from_kept(http: discord.http.HTTPClient, opened: Mapping[str, str]) -> tuple[Upload, ...]:
    """The photo a form was opened with, downloaded (by discord.py) when the core asks."""
    link = opened.get("media", "")
    if not link:
        return ()

    async def fetch() -> bytes:
        try:
            return await http.get_from_cdn(link)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as error:
            raise MediaUnavailableError(type(error).__name__) from None

    size = opened.get("size", "")
    return (Upload(opened.get("type", ""), int(size) if size.isdigit() else None, fetch),)


def uploads(attachments: list[discord.Attachment]) -> tuple[Upload, ...]:
    return tuple(upload(attachment) for attachment in attachments)
