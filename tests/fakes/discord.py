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


async def settle() -> None:
    """Wait for every handler discord.py started (its event and view tasks) to finish."""
    for _ in range(20):
        running = [
            task
            for task in asyncio.all_tasks()
            if task.get_name().startswith(("discord.py: ", "discord-ui-")) and not task.done()
        ]
        if not running:
            return
        await asyncio.gather(*running)
    raise AssertionError("discord.py's handlers never finished")


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


def mock_interaction(
    client: Any,
    user: MagicMock,
    guild_id: int | None = GUILD_ID,
    *,
    kind: discord.InteractionType = discord.InteractionType.application_command,
    data: dict[str, Any] | None = None,
    locale: discord.Locale = discord.Locale.american_english,
) -> MagicMock:
    interaction = MagicMock(spec_set=discord.Interaction)
    interaction.client = client
    interaction.user = user
    interaction.guild_id = guild_id
    interaction.type = kind
    interaction.data = data
    interaction.locale = locale
    done = {"value": False}

    async def respond(*_args: Any, **_kwargs: Any) -> None:
        if done["value"]:  # as discord.py: an interaction is answered once
            raise discord.InteractionResponded(interaction)
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


def answered(interaction: MagicMock) -> bool:
    """Whether Discord got its first answer: a message, a form, or "thinking…"."""
    response = interaction.response
    return bool(
        response.send_message.await_count
        or response.send_modal.await_count
        or response.defer.await_count
    )


def replies_of(interaction: MagicMock) -> list[str]:
    """Everything the member was told, and a check that all of it was private (an answer
    written into the message whose button they pressed is in their DM)."""
    calls = [
        *interaction.response.send_message.call_args_list,
        *interaction.followup.send.call_args_list,
    ]
    for call in [*calls, *interaction.response.defer.call_args_list]:
        assert call.kwargs.get("ephemeral") is True, "a reply was visible to the channel"
    updates = [call.kwargs["content"] for call in interaction.response.edit_message.call_args_list]
    return [call.args[0] for call in calls] + updates


def form_submission(
    client: Any, user: MagicMock, shown: dict[str, Any], values: dict[str, str]
) -> MagicMock:
    """The interaction Discord sends when a form is filled in with `values` and sent.
    `shown` is the form as the bot sent it (`Modal.to_dict()`), so the custom ids are
    the ones Discord echoes back; nothing else of the bot that showed it is needed."""
    rows = []
    for row in shown["components"]:
        assert row["type"] == 1, "only action rows of text inputs are modelled here"
        inner = [
            {
                "type": c["type"],
                "custom_id": c["custom_id"],
                "value": values.get(c["custom_id"], ""),
            }
            for c in row["components"]
        ]
        rows.append({"type": 1, "components": inner})
    data = {"custom_id": shown["custom_id"], "components": rows}
    return mock_interaction(client, user, kind=discord.InteractionType.modal_submit, data=data)


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


def http_error(status: int, text: str = "error", code: int = 0) -> discord.HTTPException:
    """The error discord.py raises for this answer; with `code`, Discord's JSON error."""
    response = MagicMock()
    response.status = status
    response.reason = text
    message: str | dict[str, Any] = {"code": code, "message": text} if code else text
    if status == 403:
        return discord.Forbidden(response, message)
    if status == 404:
        return discord.NotFound(response, message)
    return discord.HTTPException(response, message)


# The network's server as the fake Discord (tests/fakes/discord_server.py) plays it.
BOT_USER = 4242
OTHER_GUILD = 7000
GENERAL_CHANNEL = 3009
