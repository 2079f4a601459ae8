"""Test doubles of discord.py objects, in the style of python-discord/bot's helpers.

Each double is a mock with `spec_set` of the real discord.py class: a misspelled
attribute fails the test, and `isinstance` still holds. Nothing here touches the network.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord

GUILD_ID = 1000
ORGANIZER_ROLE = 2001
VERIFIER_ROLE = 2002
ORGANIZER_CHANNEL = 3001
ALERTS_CHANNEL = 3002
ALERTAS_CHANNEL = 3003

_ids = itertools.count(900_000)


def discord_section() -> dict[str, Any]:
    return {
        "token_env": "RRBOT_TEST_TOKEN",
        "guild_id": GUILD_ID,
        "organizer_role_id": ORGANIZER_ROLE,
        "verifier_role_id": VERIFIER_ROLE,
        "organizer_channel_id": ORGANIZER_CHANNEL,
        "organizer_channel_name": "rr-organizers",
        "organizer_languages": ["en"],
        "broadcast": [
            {"channel_id": ALERTS_CHANNEL, "name": "alerts", "languages": ["en"]},
            {"channel_id": ALERTAS_CHANNEL, "name": "alertas", "languages": ["es", "en"]},
        ],
    }


def mock_role(role_id: int) -> MagicMock:
    role = MagicMock(spec_set=discord.Role)
    role.id = role_id
    return role


def mock_member(user_id: int, *role_ids: int) -> MagicMock:
    member = MagicMock(spec_set=discord.Member)
    member.id = user_id
    member.bot = False
    member.roles = [mock_role(r) for r in role_ids]
    member.mention = f"<@{user_id}>"
    return member


def mock_interaction(client: Any, user: MagicMock, guild_id: int | None = GUILD_ID) -> MagicMock:
    interaction = MagicMock(spec_set=discord.Interaction)
    interaction.client = client
    interaction.user = user
    interaction.guild_id = guild_id
    done = {"value": False}

    async def respond(*_args: Any, **_kwargs: Any) -> None:
        done["value"] = True

    response = MagicMock(spec_set=discord.InteractionResponse)
    response.is_done.side_effect = lambda: done["value"]
    response.send_message = AsyncMock(side_effect=respond)
    response.send_modal = AsyncMock(side_effect=respond)
    response.defer = AsyncMock(side_effect=respond)
    interaction.response = response
    followup = MagicMock(spec_set=discord.Webhook)
    followup.send = AsyncMock()
    interaction.followup = followup
    return interaction


def replies_of(interaction: MagicMock) -> list[str]:
    """Everything the member was told, and a check that all of it was private."""
    calls = [
        *interaction.response.send_message.call_args_list,
        *interaction.followup.send.call_args_list,
    ]
    for call in calls:
        assert call.kwargs.get("ephemeral") is True, "a reply was visible to the channel"
    return [call.args[0] for call in calls]


class FakeChannel:
    """Records what is sent; can be told to fail. Returned as a spec_set TextChannel mock."""

    def __init__(self, channel_id: int) -> None:
        self.id = channel_id
        self.sent: list[dict[str, Any]] = []
        self.edits: list[tuple[int, dict[str, Any]]] = []
        self.failures: list[BaseException] = []
        self.nonces: dict[str, int] = {}
        self.mock = MagicMock(spec_set=discord.TextChannel)
        self.mock.id = channel_id
        self.mock.send = AsyncMock(side_effect=self._send)
        self.mock.get_partial_message = MagicMock(side_effect=self._partial)

    async def _send(self, content: str, **kwargs: Any) -> MagicMock:
        if self.failures:
            raise self.failures.pop(0)
        nonce = kwargs.get("nonce")
        if nonce in self.nonces:  # Discord's enforce_nonce: the same message comes back
            message_id = self.nonces[nonce]
        else:
            message_id = next(_ids)
            self.sent.append({"id": message_id, "content": content, **kwargs})
            if nonce is not None:
                self.nonces[nonce] = message_id
        message = MagicMock(spec_set=discord.Message)
        message.id = message_id
        return message

    def _partial(self, message_id: int) -> MagicMock:
        partial = MagicMock(spec_set=discord.PartialMessage)

        async def edit(**kwargs: Any) -> None:
            self.edits.append((message_id, kwargs))

        partial.edit = AsyncMock(side_effect=edit)
        return partial

    @property
    def contents(self) -> list[str]:
        return [message["content"] for message in self.sent]


def http_error(status: int, text: str = "error") -> discord.HTTPException:
    response = MagicMock()
    response.status = status
    response.reason = text
    if status == 403:
        return discord.Forbidden(response, text)
    if status == 404:
        return discord.NotFound(response, text)
    return discord.HTTPException(response, text)


# -- Discord's side of the connection: events in through the gateway parsers, requests out


BOT_USER = 4242
OTHER_GUILD = 7000
GENERAL_CHANNEL = 3009
_TIMESTAMP = "2025-01-01T12:00:00.000000+00:00"


def user_payload(user_id: int, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": f"user{user_id}",
        "global_name": None,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


def member_payload(user_id: int, *role_ids: int) -> dict[str, Any]:
    return {
        "user": user_payload(user_id),
        "roles": [str(role) for role in role_ids],
        "joined_at": _TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
    }


def _text_channel(channel_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "name": name,
        "position": 0,
        "guild_id": str(GUILD_ID),
    }


def guild_payload() -> dict[str, Any]:
    """GUILD_CREATE for the network's server, as the *guilds* intent delivers it."""
    role_names = {GUILD_ID: "@everyone", ORGANIZER_ROLE: "organizers", VERIFIER_ROLE: "verifiers"}
    channels = {
        ORGANIZER_CHANNEL: "rr-organizers",
        ALERTS_CHANNEL: "alerts",
        ALERTAS_CHANNEL: "alertas",
        GENERAL_CHANNEL: "general",
    }
    return {
        "id": str(GUILD_ID),
        "name": "network",
        "owner_id": "1",
        "unavailable": False,
        "member_count": 10,
        "large": False,
        "roles": [
            {
                "id": str(role_id),
                "name": name,
                "permissions": "0",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": True,
                "flags": 0,
            }
            for role_id, name in role_names.items()
        ],
        "channels": [_text_channel(cid, name) for cid, name in channels.items()],
        "members": [],
        "threads": [],
        "emojis": [],
        "stickers": [],
        "features": [],
    }


def message_payload(
    author: dict[str, Any],
    content: str,
    *,
    channel_id: int,
    guild_id: int | None = None,
    member: dict[str, Any] | None = None,
    mentions: tuple[dict[str, Any], ...] = (),
    mention_everyone: bool = False,
    message_id: int | None = None,
    attachments: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(message_id or next(_ids)),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": _TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": list(mentions),
        "mention_roles": [],
        "attachments": list(attachments),
        "embeds": [],
        "pinned": False,
        "type": 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member is not None:
        data["member"] = {k: v for k, v in member.items() if k != "user"}
    return data


class FakeDiscordAPI:
    """Discord's side of one bot's connection, in process.

    Events reach the bot through discord.py's own gateway parsers (`MESSAGE_CREATE` is
    parsed into a real `discord.Message` and dispatched to `on_message` as in
    production), and everything the bot asks of Discord leaves through discord.py's own
    HTTP client, whose `request` lands here: answered like Discord answers, and recorded.
    Only what the bot needs is served; anything else fails the test.
    """

    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self.state = client._connection
        self.members: dict[int, tuple[int, ...]] = {}  # who is in the server, with roles
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.unexpected: list[str] = []
        self.send_failures: list[BaseException] = []  # for the next posts
        self.lookup_failures: list[BaseException] = []  # for the next member lookups
        self._dm_channels: dict[int, int] = {}
        self.cdn: dict[str, bytes] = {}  # files people attached, by their CDN address
        client.http.request = self._request  # type: ignore[method-assign]
        client.http.get_from_cdn = self._get_from_cdn  # type: ignore[method-assign]

    async def connect(self) -> None:
        """What READY and GUILD_CREATE leave behind: the bot's own user, the server cached."""
        await self.client._async_setup_hook()
        self.state.user = discord.ClientUser(
            state=self.state, data=user_payload(BOT_USER, bot=True)
        )  # type: ignore[arg-type]
        self.state.parsers["GUILD_CREATE"](guild_payload())

    async def receive(self, payload: dict[str, Any]) -> None:
        """One MESSAGE_CREATE from the gateway, and every handler it set off, to the end."""
        self.state.parsers["MESSAGE_CREATE"](payload)
        for _ in range(10):
            running = [
                task
                for task in asyncio.all_tasks()
                if task.get_name().startswith("discord.py: ") and not task.done()
            ]
            if not running:
                return
            await asyncio.gather(*running)
        raise AssertionError("the handlers of one message never finished")

    def dm_channel(self, user_id: int) -> int:
        return self._dm_channels.setdefault(user_id, next(_ids))

    async def dm(
        self,
        user_id: int,
        text: str,
        *,
        bot: bool = False,
        files: tuple[tuple[bytes, str], ...] = (),
    ) -> None:
        """A direct message; `files` (bytes, content type) are attached, as a phone does."""
        author = user_payload(user_id, bot=bot)
        attached = tuple(self.attachment(data, content_type) for data, content_type in files)
        await self.receive(
            message_payload(author, text, channel_id=self.dm_channel(user_id), attachments=attached)
        )

    def attachment(self, data: bytes, content_type: str) -> dict[str, Any]:
        """An attachment as Discord describes it; its bytes are served from the CDN."""
        attachment_id = next(_ids)
        url = f"https://cdn.discordapp.com/attachments/1/{attachment_id}/IMG_0001.jpg"
        self.cdn[url] = data
        return {
            "id": str(attachment_id),
            "filename": "IMG_0001.jpg",
            "size": len(data),
            "url": url,
            "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
            "content_type": content_type,
        }

    async def _get_from_cdn(self, url: str) -> bytes:
        if url not in self.cdn:
            raise http_error(404, "Not Found")
        return self.cdn[url]

    async def post(
        self,
        user_id: int,
        channel_id: int,
        text: str,
        *,
        mention: bool = False,
        guild_id: int = GUILD_ID,
        mention_everyone: bool = False,
        message_id: int | None = None,
    ) -> None:
        """A message in a server channel; with `mention`, it @-mentions the bot."""
        member = member_payload(user_id, *self.members.get(user_id, ()))
        mentions = (user_payload(BOT_USER, bot=True),) if mention else ()
        content = f"<@{BOT_USER}> {text}" if mention else text
        await self.receive(
            message_payload(
                member["user"],
                content,
                channel_id=channel_id,
                guild_id=guild_id,
                member=member,
                mentions=mentions,
                mention_everyone=mention_everyone,
                message_id=message_id,
            )
        )

    def sent(self, channel_id: int) -> list[dict[str, Any]]:
        """The JSON bodies of the messages the bot posted in one channel (or DM channel)."""
        path = f"/channels/{channel_id}/messages"
        return [body for method, url, body in self.requests if method == "POST" and url == path]

    def texts(self, channel_id: int) -> list[str]:
        return [body["content"] for body in self.sent(channel_id)]

    def dm_texts(self, user_id: int) -> list[str]:
        return self.texts(self.dm_channel(user_id))

    async def _request(self, route: Any, **kwargs: Any) -> Any:
        path = route.url.removeprefix(route.BASE)
        body = kwargs.get("json") or {}
        self.requests.append((route.method, path, body))
        if route.method == "POST" and route.path == "/channels/{channel_id}/messages":
            if self.send_failures:
                raise self.send_failures.pop(0)
            return message_payload(
                user_payload(BOT_USER, bot=True),
                body.get("content", ""),
                channel_id=int(route.channel_id),
            )
        if route.method == "GET" and route.path == "/guilds/{guild_id}/members/{member_id}":
            if self.lookup_failures:
                raise self.lookup_failures.pop(0)
            user_id = int(path.rsplit("/", 1)[1])
            if int(route.guild_id) != GUILD_ID or user_id not in self.members:
                raise http_error(404, "Unknown Member")
            return member_payload(user_id, *self.members[user_id])
        self.unexpected.append(f"{route.method} {path}")
        raise http_error(404, "not served by the fake")
