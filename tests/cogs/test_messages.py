"""Direct messages and @-mentions on Discord, through discord.py's own code paths.

Each message is a gateway MESSAGE_CREATE parsed by discord.py into a real
`discord.Message` and dispatched to `on_message`; each answer is the HTTP request
discord.py's client would make. The assertions are what the member would see.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from cogs.messages import without_mention
from tests.cogs.conftest import Rig
from tests.fakes import discord as fakes


def pings_nobody(body: dict[str, Any]) -> bool:
    """Discord's allowed_mentions: no @everyone, user, role, nor the author replied to."""
    mentions = body["allowed_mentions"]
    return (
        mentions["parse"] == []
        and set(mentions) <= {"parse", "replied_user"}
        and (mentions.get("replied_user") is not True)
    )


MEMBER, SPEAKER, ORGANIZER, OUTSIDER = 601, 602, 603, 604


@pytest.fixture
async def api(rig: Rig) -> AsyncIterator[fakes.FakeDiscordAPI]:
    gateway = fakes.FakeDiscordAPI(rig.bot)
    gateway.members = {MEMBER: (), SPEAKER: (), ORGANIZER: (fakes.ORGANIZER_ROLE,)}
    await gateway.connect()
    yield gateway
    assert gateway.unexpected == []


async def test_a_cry_for_help_in_a_direct_message_gets_the_hotline_and_the_rights(
    api: fakes.FakeDiscordAPI,
) -> None:
    await api.dm(MEMBER, "ICE is at my door right now what do I do")
    [answer] = api.sent(api.dm_channel(MEMBER))
    assert answer["content"].startswith("If you or someone near you is in danger now, call:")
    assert "+1 555 0100" in answer["content"]
    assert "Do not open the door" in answer["content"]
    assert pings_nobody(answer)
    assert "message_reference" not in answer  # a DM is a conversation, not a thread
    assert list(api.client.cached_messages) == []  # discord.py keeps no copy of what they wrote


async def test_a_member_who_chose_spanish_is_answered_in_spanish(
    api: fakes.FakeDiscordAPI,
) -> None:
    await api.dm(SPEAKER, "/idioma es")
    await api.dm(SPEAKER, "hola")
    chosen, answer = api.dm_texts(SPEAKER)
    assert "Español" in chosen or "español" in chosen
    assert answer.startswith("Si usted o alguien cerca está en peligro ahora, llame:")
    assert "No abra la puerta" in answer


async def test_a_typed_command_and_the_answer_to_where_exactly(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    await api.dm(MEMBER, "/report ICE vans and agents questioning people")
    receipt = "\n".join(api.dm_texts(MEMBER))
    assert "Report R1 is with the verifiers" in receipt
    assert "Where exactly is it, for R1?" in receipt
    await api.dm(MEMBER, "5th & Main, by the laundromat")
    assert "I added the place to R1" in api.dm_texts(MEMBER)[-1]
    report = await rig.app.reports.get(1)
    assert "5th & Main" in report.where


async def test_roles_in_a_direct_message_come_from_the_server(api: fakes.FakeDiscordAPI) -> None:
    await api.dm(ORGANIZER, "/detained")  # organizers only, and in a DM only
    await api.dm(MEMBER, "/detained")
    assert "What is the person's full name?" in "\n".join(api.dm_texts(ORGANIZER))
    assert api.dm_texts(MEMBER) == ["Only organizers can record people detained."]


async def test_when_the_server_cannot_be_asked_the_last_known_roles_hold(
    api: fakes.FakeDiscordAPI,
) -> None:
    await api.dm(ORGANIZER, "/tasks open")  # roles read from the server and remembered
    api.lookup_failures.append(fakes.http_error(503, "Service Unavailable"))
    await api.dm(ORGANIZER, "/detained")
    assert "What is the person's full name?" in api.dm_texts(ORGANIZER)[-1]


async def test_someone_outside_the_server_gets_help_but_no_roles(
    api: fakes.FakeDiscordAPI,
) -> None:
    await api.dm(OUTSIDER, "help")
    [answer] = api.dm_texts(OUTSIDER)
    assert "Do not open the door" in answer


async def test_a_mention_in_a_channel_is_answered_there_as_a_reply(
    api: fakes.FakeDiscordAPI,
) -> None:
    await api.post(
        MEMBER,
        fakes.GENERAL_CHANNEL,
        "ICE at the school, what do we do?",
        mention=True,
        message_id=77,
    )
    [answer] = api.sent(fakes.GENERAL_CHANNEL)
    assert "Do not open the door" in answer["content"]
    assert answer["message_reference"]["message_id"] == 77
    assert answer["message_reference"]["fail_if_not_exists"] is False
    assert pings_nobody(answer)
    assert api.dm_texts(MEMBER) == []


async def test_without_permission_to_reply_the_answer_is_a_plain_message(
    api: fakes.FakeDiscordAPI,
) -> None:
    api.send_failures.append(fakes.http_error(403, "Missing Permissions"))
    await api.post(MEMBER, fakes.GENERAL_CHANNEL, "help", mention=True)
    refused, answer = api.sent(fakes.GENERAL_CHANNEL)
    assert "message_reference" in refused and "message_reference" not in answer
    assert "Do not open the door" in answer["content"] and pings_nobody(answer)


async def test_a_mention_with_a_command_runs_the_command(api: fakes.FakeDiscordAPI) -> None:
    await api.post(MEMBER, fakes.ALERTS_CHANNEL, "/hotline", mention=True)
    assert api.texts(fakes.ALERTS_CHANNEL) == ["Call Rapid response hotline: +1 555 0100 (24/7)"]


async def test_what_the_bot_ignores(api: fakes.FakeDiscordAPI) -> None:
    await api.post(MEMBER, fakes.GENERAL_CHANNEL, "anyone seen the vans?")  # not for the bot
    await api.post(MEMBER, fakes.GENERAL_CHANNEL, "@everyone vans!", mention_everyone=True)
    await api.post(MEMBER, fakes.GENERAL_CHANNEL, "help", mention=True, guild_id=fakes.OTHER_GUILD)
    await api.dm(MEMBER, "I am a bot", bot=True)
    author = fakes.user_payload(fakes.BOT_USER, bot=True)  # the bot's own message
    await api.receive(fakes.message_payload(author, "hello", channel_id=api.dm_channel(MEMBER)))
    assert api.requests == []  # not even a lookup: nothing was answered, nothing asked


async def test_a_long_answer_is_split_into_discord_sized_messages(
    api: fakes.FakeDiscordAPI,
) -> None:
    await api.dm(MEMBER, "/rights more")
    parts = api.dm_texts(MEMBER)
    assert len(parts) > 1
    assert all(len(part) <= 2000 for part in parts)
    assert "\n".join(parts).startswith("KNOW YOUR RIGHTS")


async def test_a_failed_answer_is_logged_without_the_text(
    api: fakes.FakeDiscordAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.send_failures.append(fakes.http_error(403, "Cannot send messages to this user"))
    with caplog.at_level(logging.WARNING):
        await api.dm(MEMBER, "/hotline")
    assert "could not answer" in caplog.text
    assert "555" not in caplog.text and "hotline" not in caplog.text


async def test_no_prefix_command_noise_for_a_mention(
    api: fakes.FakeDiscordAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="discord.ext.commands"):
        await api.post(MEMBER, fakes.GENERAL_CHANNEL, "hola", mention=True)
    assert "Ignoring exception" not in caplog.text
    assert len(api.sent(fakes.GENERAL_CHANNEL)) == 1


async def test_someone_who_left_the_server_loses_their_roles_in_direct_messages_too(
    api: fakes.FakeDiscordAPI,
) -> None:
    await api.dm(ORGANIZER, "/detained")
    await api.dm(ORGANIZER, "/cancel")
    del api.members[ORGANIZER]
    await api.dm(ORGANIZER, "/detained")
    assert api.dm_texts(ORGANIZER)[-1] == "Only organizers can record people detained."


def test_the_mention_is_taken_out_of_the_words() -> None:
    assert without_mention(f"<@{fakes.BOT_USER}> /hotline", fakes.BOT_USER) == "/hotline"
    assert without_mention(f"help <@!{fakes.BOT_USER}> now", fakes.BOT_USER) == "help   now"
    assert without_mention("<@12> hi", fakes.BOT_USER) == "<@12> hi"
