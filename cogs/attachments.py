"""Files people attach on Discord, handed to the core as it takes them.

The bot downloads an attachment's bytes itself (`Attachment.read`), when the core asks
for them: the link Discord gives expires within a day and leads to the original, with
its location and phone details, so the link is never kept or shown to anyone. Only a
clean copy made by the core goes back out, as a file the bot uploads.
"""

from __future__ import annotations

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


def uploads(attachments: list[discord.Attachment]) -> tuple[Upload, ...]:
    return tuple(upload(attachment) for attachment in attachments)
