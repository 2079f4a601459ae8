"""Messages written to the bot: direct messages, and @-mentions in the network's server.

A member who writes to the bot in plain words gets the answer the console and Signal
give, from the same text grammar (`bot.core.router`): a cry for help gets the hotline
and the rights that matter at the door, a typed command works as typed, and in a
direct message the words may answer a question the bot asked ("Where exactly?", the
step-by-step /detained). Discord delivers the text of these messages without the
privileged *Message Content* intent: only direct messages and messages that mention
the bot carry it, and those are the only ones handled here. Ordinary conversation in
the server, other servers, bots and the bot itself are ignored.

Replies go back where the message came from: in the direct message, or in the channel
as a reply to the member's message, never pinging anyone.
"""

from __future__ import annotations

import logging
import re

import aiohttp
import discord
from discord.ext import commands

from bot.core.models import Conversation
from cogs.attachments import uploads as attachment_uploads
from cogs.frontend import PLATFORM, DiscordFrontEnd
from cogs.text import split_message

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
# Messages people write (not joins, pins, boosts and the like).
WRITTEN = frozenset({discord.MessageType.default, discord.MessageType.reply})


def without_mention(text: str, user_id: int) -> str:
    """The words around a mention of the bot (`<@id>`, or `<@!id>` from older clients)."""
    return re.sub(rf"<@!?{user_id}>", " ", text).strip()


def mentions_user(message: discord.Message, user_id: int) -> bool:
    """Whether the message names this user itself; `@everyone` and roles do not count."""
    return any(user.id == user_id for user in message.mentions)


class MessagesCog(commands.Cog):
    def __init__(self, front: DiscordFrontEnd, client: discord.Client) -> None:
        self.front = front
        self.client = client

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.client.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return  # bots (this one included) and webhooks are never answered
        if message.type not in WRITTEN:
            return
        if isinstance(message.channel, discord.DMChannel):
            member = (await self.front.direct_member(self.client, message.author)).member
            conversation = Conversation(PLATFORM, str(message.author.id), is_direct=True)
            text, mentioned = message.content, False
        else:
            guild = message.guild
            if guild is None or guild.id != self.front.settings.guild_id:
                return  # someone added the bot to another server: it answers nobody there
            if not mentions_user(message, me.id):
                return  # ordinary conversation is not for the bot (and has no text anyway)
            member = await self.front.actor(message.author)
            address = str(message.channel.id)
            target = self.front.app.network.target(PLATFORM, address)
            conversation = Conversation(
                PLATFORM,
                address,
                is_direct=False,
                purpose=target.purpose if target is not None else None,
            )
            text, mentioned = without_mention(message.content, me.id), True
        replies = await self.front.app.router.handle(
            member,
            conversation,
            text,
            mentioned=mentioned,
            uploads=attachment_uploads(message.attachments),
        )
        if replies:
            await self._answer(message, self.front.render(replies, member))
            # "/lang es" may have been typed here: the next form must speak it.
            await self.front.refresh_language(message.author, member)

    async def _answer(self, message: discord.Message, text: str) -> None:
        # In a channel, each part answers the member's message; if they deleted it
        # (for their safety, say), the answer still goes out. Replying may need Read
        # Message History: refused that, the bot answers with plain messages.
        reference = (
            None
            if isinstance(message.channel, discord.DMChannel)
            else message.to_reference(fail_if_not_exists=False)
        )
        try:
            for part in split_message(text):
                if reference is not None:
                    try:
                        await message.channel.send(
                            part, reference=reference, allowed_mentions=NO_MENTIONS
                        )
                        continue
                    except discord.Forbidden:
                        reference = None
                await message.channel.send(part, allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as error:
            # No retry queue for a conversational answer; the log names no one and no text.
            log.warning("could not answer a message on Discord (%s)", type(error).__name__)
