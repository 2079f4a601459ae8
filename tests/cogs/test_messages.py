"""Direct messages and @-mentions on Discord, through the real discord.py client.

Each message is a gateway MESSAGE_CREATE from the fake Discord, parsed by discord.py
into a real `discord.Message` and dispatched to `on_message`; each answer is the HTTP
request discord.py makes. The assertions are what the member would see.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cogs.messages import without_mention
from tests.cogs.live import MEMBER, ORGANIZER, OUTSIDER, REPORTER, Live
from tests.fakes import discord as fakes
from tests.fakes.discord_records import Request

MEMBER_LOOKUP = r"/guilds/\d+/members/\d+"


def pings_nobody(body: dict[str, Any]) -> bool:
    """Discord's allowed_mentions: no @everyone, user, role, nor the author replied to."""
    mentions = body["allowed_mentions"]
    return (
        mentions["parse"] == []
        and set(mentions) <= {"parse", "replied_user"}
        and (mentions.get("replied_user") is not True)
    )


def posts_to(live: Live, channel_id: int) -> list[Request]:
    path = f"/channels/{channel_id}/messages"
    return [r for r in live.discord.requests if r.method == "POST" and r.path == path]


async def test_a_cry_for_help_in_a_direct_message_gets_the_hotline_and_the_rights(
    live: Live,
) -> None:
    await live.discord.dm(MEMBER, "ICE is at my door right now what do I do")
    [answer] = live.discord.dms(MEMBER)
    assert answer.content.startswith("If you or someone near you is in danger now, call:")
    assert "+1 555 0100" in answer.content
    assert "Do not open the door" in answer.content
    [request] = posts_to(live, live.discord.dm_channel(MEMBER))
    assert pings_nobody(request.body)
    assert answer.reference is None  # a DM is a conversation, not a thread
    assert list(live.bot.cached_messages) == []  # discord.py keeps no copy of what they wrote


async def test_a_member_who_chose_spanish_is_answered_in_spanish(live: Live) -> None:
    await live.discord.dm(REPORTER, "/idioma es")
    await live.discord.dm(REPORTER, "hola")
    chosen, answer = live.discord.dm_texts(REPORTER)
    assert "Español" in chosen or "español" in chosen
    assert answer.startswith("Si usted o alguien cerca está en peligro ahora, llame:")
    assert "No abra la puerta" in answer


async def test_a_typed_command_and_the_answer_to_where_exactly(live: Live) -> None:
    await live.discord.dm(MEMBER, "/report ICE vans and agents questioning people")
    receipt = "\n".join(live.discord.dm_texts(MEMBER))
    assert "Report R1 is with the verifiers" in receipt
    assert "Where exactly is it, for R1?" in receipt
    await live.discord.dm(MEMBER, "5th & Main, by the laundromat")
    assert "I added the place to R1" in live.discord.dm_texts(MEMBER)[-1]
    report = await live.app.reports.get(1)
    assert "5th & Main" in report.where


async def test_roles_in_a_direct_message_come_from_the_server(live: Live) -> None:
    await live.discord.dm(ORGANIZER, "/detained")  # organizers only, and in a DM only
    await live.discord.dm(MEMBER, "/detained")
    assert "What is the person's full name?" in "\n".join(live.discord.dm_texts(ORGANIZER))
    assert live.discord.dm_texts(MEMBER) == ["Only organizers can record people detained."]


async def test_when_the_server_cannot_be_asked_the_last_known_roles_hold(live: Live) -> None:
    await live.discord.dm(ORGANIZER, "/tasks open")  # roles read from the server, remembered
    live.discord.fail("GET", MEMBER_LOOKUP, 503)
    await live.discord.dm(ORGANIZER, "/detained")
    assert "What is the person's full name?" in live.discord.dm_texts(ORGANIZER)[-1]


async def test_someone_outside_the_server_gets_help_but_no_roles(live: Live) -> None:
    await live.discord.dm(OUTSIDER, "help")
    [answer] = live.discord.dm_texts(OUTSIDER)
    assert "Do not open the door" in answer


async def test_a_mention_in_a_channel_is_answered_there_as_a_reply(live: Live) -> None:
    await live.discord.post(
        MEMBER, fakes.GENERAL_CHANNEL, "ICE at the school, what do we do?", mention=True,
        message_id=77,
    )  # fmt: skip
    [answer] = live.discord.posted(fakes.GENERAL_CHANNEL)
    assert "Do not open the door" in answer.content
    assert answer.reference == 77
    [request] = posts_to(live, fakes.GENERAL_CHANNEL)
    assert request.body["message_reference"]["fail_if_not_exists"] is False
    assert pings_nobody(request.body) and answer.pings == frozenset()
    assert live.discord.dm_texts(MEMBER) == []


async def test_without_permission_to_reply_the_answer_is_a_plain_message(live: Live) -> None:
    live.discord.fail("POST", rf"/channels/{fakes.GENERAL_CHANNEL}/messages", 403)
    await live.discord.post(MEMBER, fakes.GENERAL_CHANNEL, "help", mention=True)
    refused, sent = posts_to(live, fakes.GENERAL_CHANNEL)
    assert "message_reference" in refused.body and refused.status == 403
    assert "message_reference" not in sent.body and pings_nobody(sent.body)
    [answer] = live.discord.posted(fakes.GENERAL_CHANNEL)
    assert "Do not open the door" in answer.content


async def test_a_mention_with_a_command_runs_the_command(live: Live) -> None:
    await live.discord.post(MEMBER, fakes.ALERTS_CHANNEL, "/hotline", mention=True)
    assert live.discord.texts(fakes.ALERTS_CHANNEL) == [
        "Call Rapid response hotline: +1 555 0100 (24/7)"
    ]


async def test_what_the_bot_ignores(live: Live) -> None:
    before = len(live.discord.requests)
    discord = live.discord
    await discord.post(MEMBER, fakes.GENERAL_CHANNEL, "anyone seen the vans?")  # not for the bot
    await discord.post(MEMBER, fakes.GENERAL_CHANNEL, "@everyone vans!", mention_everyone=True)
    await discord.post(MEMBER, fakes.GENERAL_CHANNEL, "help", mention=True,
                       guild_id=fakes.OTHER_GUILD)  # fmt: skip
    await discord.dm(MEMBER, "I am a bot", bot=True)
    await discord.dm(fakes.BOT_USER, "hello")  # the bot's own message
    assert discord.requests[before:] == []  # not even a lookup: nothing answered, nothing asked


async def test_a_long_answer_is_split_into_discord_sized_messages(live: Live) -> None:
    await live.discord.dm(MEMBER, "/rights more")
    parts = live.discord.dm_texts(MEMBER)
    assert len(parts) > 1
    assert all(len(part) <= 2000 for part in parts)
    assert "\n".join(parts).startswith("KNOW YOUR RIGHTS")


async def test_a_failed_answer_is_logged_without_the_text(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    live.discord.dms_closed.add(MEMBER)
    with caplog.at_level(logging.WARNING):
        await live.discord.dm(MEMBER, "/hotline")
    [refused] = posts_to(live, live.discord.dm_channel(MEMBER))
    assert refused.status == 403
    assert "could not answer" in caplog.text
    assert "555" not in caplog.text and "hotline" not in caplog.text


async def test_no_prefix_command_noise_for_a_mention(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="discord.ext.commands"):
        await live.discord.post(MEMBER, fakes.GENERAL_CHANNEL, "hola", mention=True)
    assert "Ignoring exception" not in caplog.text
    assert len(live.discord.posted(fakes.GENERAL_CHANNEL)) == 1


async def test_someone_who_left_the_server_loses_their_roles_in_direct_messages_too(
    live: Live,
) -> None:
    await live.discord.dm(ORGANIZER, "/detained")
    await live.discord.dm(ORGANIZER, "/cancel")
    live.discord.remove_member(ORGANIZER)
    await live.discord.dm(ORGANIZER, "/detained")
    assert live.discord.dm_texts(ORGANIZER)[-1] == "Only organizers can record people detained."


def test_the_mention_is_taken_out_of_the_words() -> None:
    assert without_mention(f"<@{fakes.BOT_USER}> /hotline", fakes.BOT_USER) == "/hotline"
    assert without_mention(f"help <@!{fakes.BOT_USER}> now", fakes.BOT_USER) == "help   now"
    assert without_mention("<@12> hi", fakes.BOT_USER) == "<@12> hi"


async def test_a_language_typed_to_the_bot_is_the_next_forms_language(live: Live) -> None:
    """A form is the first answer, shown before the database is read: it still speaks
    the language the member chose a moment ago."""
    await live.discord.dm(MEMBER, "/idioma es")
    opened = await live.discord.slash(MEMBER, "report", dm=True)
    assert opened.modal is not None and opened.modal["title"] == "Reporte lo que ve"


async def test_role_typed_to_the_bot_says_roles_are_the_servers(live: Live) -> None:
    """/role is exempt on Discord (tests/test_front_end_parity.py); typed in a direct
    message it must say why, not report a change the next press would undo."""
    await live.discord.dm(MEMBER, "/help")  # known to the bot
    await live.discord.dm(ORGANIZER, f"/role add {MEMBER} verifier")
    answer = live.discord.dm_texts(ORGANIZER)[-1]
    assert answer.startswith("Here roles are the server's own roles")
    member = await live.app.members.find("discord", str(MEMBER))
    assert member is not None and member.roles == frozenset()
