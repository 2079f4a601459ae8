"""Test doubles of discord.py objects, in the style of python-discord/bot's helpers.

Each double is a mock with `spec_set` of the real discord.py class: a misspelled
attribute fails the test, and `isinstance` still holds. Nothing here touches the network.
"""

from __future__ import annotations

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
    response.edit_message = AsyncMock(side_effect=respond)
    interaction.response = response
    interaction.message = None  # a slash command's; a button's message is set by the test
    followup = MagicMock(spec_set=discord.Webhook)
    followup.send = AsyncMock()
    interaction.followup = followup
    return interaction


def replies_of(interaction: MagicMock) -> list[str]:
    """Everything the member was told, and a check that all of it was private (an answer
    written into the message whose button they pressed is in their DM)."""
    calls = [
        *interaction.response.send_message.call_args_list,
        *interaction.followup.send.call_args_list,
    ]
    for call in calls:
        assert call.kwargs.get("ephemeral") is True, "a reply was visible to the channel"
    updates = [call.kwargs["content"] for call in interaction.response.edit_message.call_args_list]
    return [call.args[0] for call in calls] + updates


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


# The network's server as the fake Discord (tests/fakes/discord_server.py) plays it.
BOT_USER = 4242
OTHER_GUILD = 7000
GENERAL_CHANNEL = 3009
