"""Task offers on Discord, end to end with the real client: the offer comes by DM, and
everything it names works there (its buttons, the commands it quotes, typed or slashed).

A direct message carries no server and no roles: the bot acts for the member identified
by their user id, with the roles it reads from the network's server.
"""

from __future__ import annotations

from bot.core.models import TaskState
from tests.cogs.live import MEMBER, ORGANIZER, REPORTER, Live
from tests.fakes import discord as fakes
from tests.fakes.discord_records import Message


async def offered(live: Live, to: int = MEMBER, due: str = "") -> Message:
    discord = live.discord
    room = fakes.ORGANIZER_CHANNEL
    added = await discord.slash(ORGANIZER, "task add", description="bring water to the vigil",
                                channel=room)  # fmt: skip
    assert added.text.startswith("Added T1: bring water to the vigil.")
    assigned = await discord.slash(ORGANIZER, "task assign", task="T1", member=to, due=due,
                                   channel=room)  # fmt: skip
    assert assigned.text.startswith(f"Offered T1 to <@{to}>.")
    [offer] = discord.dms(to)
    # The offer says what kind of task and when; its words come once it is accepted.
    assert offer.content.startswith("You are asked to take T1: other task.")
    assert "bring water" not in offer.content
    assert "Send /task accept T1 or /task decline T1." in offer.content
    return offer


async def task_state(live: Live) -> TaskState:
    async with live.app.store.reading() as tx:
        task = await tx.tasks.get(1)
    assert task is not None
    return task.state


async def test_accept_in_the_direct_message_takes_the_task(live: Live) -> None:
    offer = await offered(live)
    assert offer.labels == ["Accept", "Decline"] and not offer.ephemeral
    pressed = await live.discord.press(MEMBER, offer, "Accept")
    assert await task_state(live) is TaskState.ACCEPTED
    now = live.discord.messages[offer.id]  # the offer itself shows the answer, for good
    assert now.content.startswith("You are asked to take T1")
    assert now.content.endswith("Thank you: T1 is yours.\nThe details follow in the next message.")
    details = live.discord.dm_texts(MEMBER)[-1]  # what the offer did not say, now it is theirs
    assert details.startswith("Thank you. The details for T1:\nWhat to do: bring water")
    assert now.live_buttons == []  # nothing left to press on an answered offer
    assert pressed.callback == 6  # acknowledged at once, then the offer updated in place
    organizers = live.discord.texts(fakes.ORGANIZER_CHANNEL)
    assert any(text == "<@504> accepted T1." for text in organizers)


async def test_decline_in_the_direct_message_gives_the_task_back(live: Live) -> None:
    offer = await offered(live)
    await live.discord.press(MEMBER, offer, "Decline")
    assert await task_state(live) is TaskState.OPEN
    now = live.discord.messages[offer.id]
    assert now.content.endswith("You declined T1. The organizers will find someone else.")
    assert now.live_buttons == []
    organizers = live.discord.texts(fakes.ORGANIZER_CHANNEL)
    assert any(text.startswith("<@504> gave back T1; it needs someone else") for text in organizers)


async def test_an_offer_taken_back_meanwhile_loses_its_buttons_when_pressed(live: Live) -> None:
    offer = await offered(live)
    await live.discord.slash(ORGANIZER, "task cancel", task="T1", channel=fakes.ORGANIZER_CHANNEL)
    await live.discord.press(MEMBER, offer, "Accept")
    assert await task_state(live) is TaskState.CANCELLED
    now = live.discord.messages[offer.id]
    assert "T1 is cancelled" in now.content and now.live_buttons == []


async def test_the_commands_the_offer_names_exist_in_the_direct_message(live: Live) -> None:
    await offered(live)
    discord = live.discord
    assert {"task", "tasks"} <= set(discord.visible_commands("dm"))
    offered_codes = await discord.autocomplete(MEMBER, "task accept", "task", "", dm=True)
    assert [choice["value"] for choice in offered_codes] == ["T1"]
    accepted = await discord.slash(MEMBER, "task accept", task="T1", dm=True)
    assert accepted.text == "Thank you: T1 is yours.\nThe details follow in the next message."
    assert not accepted.original.ephemeral  # a DM is private already, and this one stays
    assert await task_state(live) is TaskState.ACCEPTED
    listed = await discord.slash(MEMBER, "tasks", dm=True)
    assert "T1: bring water to the vigil · accepted" in listed.text
    done = await discord.slash(MEMBER, "task done", task="T1", dm=True)
    assert done.text == (
        "Thank you! T1 is marked done.\n"
        "Please delete the details of T1 you kept: you no longer need them."
    )


async def test_typing_the_command_the_offer_names_works_too(live: Live) -> None:
    await offered(live)
    await live.discord.dm(MEMBER, "/task accept T1")
    answer, details = live.discord.dm_texts(MEMBER)[-2:]
    assert answer == "Thank you: T1 is yours.\nThe details follow in the next message."
    assert details.startswith("Thank you. The details for T1:\nWhat to do: bring water")
    assert await task_state(live) is TaskState.ACCEPTED


async def test_an_organizer_in_a_direct_message_keeps_their_roles(live: Live) -> None:
    await offered(live)
    listing = await live.discord.slash(ORGANIZER, "tasks", dm=True, which="open")
    assert "T1: bring water to the vigil · offered" in listing.text
    refused = await live.discord.slash(MEMBER, "tasks", dm=True, which="open")
    assert refused.text.startswith("Only organizers can see every task.")


async def test_someone_who_left_the_server_is_refused_kindly(live: Live) -> None:
    offer = await offered(live)
    live.discord.remove_member(MEMBER)
    pressed = await live.discord.press(MEMBER, offer, "Accept")
    assert pressed.text == (
        "I act only for members of the network's Discord server, and you are not in it "
        "(any more). If that is a mistake, ask an organizer."
    )
    assert await task_state(live) is TaskState.OFFERED
    assert live.discord.messages[offer.id].labels == ["Accept", "Decline"]
    # Help in danger is for everyone, in the server or not.
    hotline = await live.discord.slash(MEMBER, "hotline", dm=True)
    assert hotline.text == "Call Rapid response hotline: +1 555 0100 (24/7)"


async def test_someone_else_cannot_answer_an_offer_by_its_code(live: Live) -> None:
    await offered(live)
    refused = await live.discord.slash(REPORTER, "task accept", task="T1", dm=True)
    assert refused.text.startswith("T1 is not assigned to you.")
    assert await task_state(live) is TaskState.OFFERED


async def test_an_organizer_assigns_from_a_direct_message(live: Live) -> None:
    await live.discord.slash(ORGANIZER, "task add", description="drive to the vigil", dm=True)
    assigned = await live.discord.slash(ORGANIZER, "task assign", task="T1", member=MEMBER,
                                        dm=True)  # fmt: skip
    assert assigned.text.startswith(f"Offered T1 to <@{MEMBER}>.")
    [offer] = live.discord.dms(MEMBER)
    assert offer.content.startswith("You are asked to take T1: other task.")
