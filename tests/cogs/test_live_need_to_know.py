"""Need to know on Discord, end to end with the real client: in their direct messages a
volunteer sees only what their task needs, only while it is theirs; a task's own words
never reach a channel, whether asked for by slash command or by naming the bot there.
"""

from __future__ import annotations

import pytest

from tests.cogs.live import MEMBER, ORGANIZER, Live
from tests.fakes import discord as fakes

# What the organizer recorded, and how each field shows.
NAME, DOB, NOTES = "Rosa Díaz", "1985-02-11", "diabetic"
CONTACT, CHILDREN = "Marta Salgado (sister), (555) 010-0199", "Lincoln Elementary"
LAWYER_TASK = "call Tobiah Marchetti-Oyelaran's lawyer about the bond hearing, +1 555 019 4432"
SECRETS = ("Rosa", DOB, NOTES, "Marta", "010-0199", CHILDREN, "Tobiah", "019 4432")


async def recorded(live: Live) -> None:
    """P1 recorded by the organizer in their DM with the form: T1 call, T2 legal
    referral, T3 pick up the children."""
    opened = await live.discord.slash(
        ORGANIZER, "detained", dm=True, relation="sister", children=CHILDREN, pickup="3h"
    )
    done = await live.discord.submit(
        ORGANIZER,
        opened,
        {
            "Full name": NAME,
            "Date of birth (1990-04-12)": DOB,
            "Who to call (name)": "Marta Salgado",
            "Their phone number": "+1 555 010 0199",
            "Notes (medication, lawyer…)": NOTES,
        },
    )
    assert "Recorded P1. Proposed tasks:" in done.text


async def pick_up_taken(live: Live) -> str:
    """T3 offered to the member in the organizer channel, accepted by button in their
    DM; the details that came with it."""
    await live.discord.slash(ORGANIZER, "task assign", task="T3", member=MEMBER,
                             channel=fakes.ORGANIZER_CHANNEL)  # fmt: skip
    [offer] = live.discord.dms(MEMBER)
    assert offer.content.startswith("You are asked to take T3: pick up the children (about P1).")
    assert not any(secret in offer.content for secret in SECRETS)
    await live.discord.press(MEMBER, offer, "Accept")
    return live.discord.dm_texts(MEMBER)[-1]


def channels_clean(live: Live) -> None:
    for channel in (fakes.ORGANIZER_CHANNEL, fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL,
                    fakes.GENERAL_CHANNEL):  # fmt: skip
        for text in live.discord.texts(channel):
            assert not any(secret in text for secret in SECRETS), text


@pytest.mark.parametrize("end", ["done", "release", "cancel"])
async def test_a_pick_up_shows_what_it_needs_until_it_ends(live: Live, end: str) -> None:
    await recorded(live)
    details = await pick_up_taken(live)
    assert details.startswith("Thank you. The details for T3:\nP1\n")
    assert CONTACT in details and CHILDREN in details and "Pick up by:" in details
    assert NAME not in details and DOB not in details and NOTES not in details
    card = await live.discord.slash(MEMBER, "person", person="P1", dm=True)
    await live.discord.dm(MEMBER, "/person P1")  # typed, as the text grammar reads it
    for shown in (card.text, live.discord.dm_texts(MEMBER)[-1]):
        assert CONTACT in shown and CHILDREN in shown
        assert NAME not in shown and DOB not in shown and NOTES not in shown
        assert shown.endswith("Only what your task needs is shown.")
    # The organizer still sees all of it.
    whole = await live.discord.slash(ORGANIZER, "person", person="P1", dm=True)
    assert NAME in whole.text and DOB in whole.text and NOTES in whole.text

    if end == "done":
        ended = await live.discord.slash(MEMBER, "task done", task="T3", dm=True)
        assert ended.text.endswith(
            "Please delete the details of T3 you kept: you no longer need them."
        )
        told = "T3 is done, so you no longer have access to P1's details."
    elif end == "release":
        await live.discord.dm(MEMBER, "/task release T3 car broke")
        told = "Only organizers can see P1's details"
    else:
        await live.discord.slash(ORGANIZER, "task cancel", task="T3",
                                 channel=fakes.ORGANIZER_CHANNEL)  # fmt: skip
        assert "Please delete the details of T3" in live.discord.dm_texts(MEMBER)[-1]
        told = "T3 was cancelled, so you no longer have access to P1's details."
    after = await live.discord.slash(MEMBER, "person", person="P1", dm=True)
    await live.discord.dm(MEMBER, "/person P1")
    for refused in (after.text, live.discord.dm_texts(MEMBER)[-1]):
        assert refused.startswith(told)
        assert not any(secret in refused for secret in SECRETS)
    channels_clean(live)


async def test_a_task_in_its_own_words_stays_out_of_the_channels(live: Live) -> None:
    await recorded(live)
    added = await live.discord.slash(ORGANIZER, "task add", description=LAWYER_TASK,
                                     person="P1", dm=True)  # fmt: skip
    assert added.text.startswith(f"Added T4: {LAWYER_TASK} (about P1).")
    # The tester's steps, in the organizer channel: by naming the bot, as a message there.
    await live.discord.post(ORGANIZER, fakes.ORGANIZER_CHANNEL, "/tasks open", mention=True)
    await live.discord.post(ORGANIZER, fakes.ORGANIZER_CHANNEL, "/status", mention=True)
    posted = live.discord.texts(fakes.ORGANIZER_CHANNEL)
    assert any("T4: other task (about P1) · open" in text for text in posted)
    await live.discord.slash(ORGANIZER, "task assign", task="T4", member=MEMBER,
                             channel=fakes.ORGANIZER_CHANNEL)  # fmt: skip
    [offer] = live.discord.dms(MEMBER)
    assert offer.content.startswith("You are asked to take T4: other task (about P1).")
    assert "Tobiah" not in offer.content
    await live.discord.press(MEMBER, offer, "Accept")
    details = live.discord.dm_texts(MEMBER)[-1]
    assert f"What to do: {LAWYER_TASK}" in details
    assert NAME not in details and CONTACT not in details  # it needs none of P1's details
    mine = await live.discord.slash(MEMBER, "tasks", dm=True)
    assert f"T4: {LAWYER_TASK} (about P1) · accepted" in mine.text
    await live.discord.slash(MEMBER, "task done", task="T4", note="Tobiah's lawyer has it",
                             dm=True)  # fmt: skip
    channels_clean(live)


async def test_an_organizer_fixes_a_date_of_birth_on_discord_and_the_volunteer_gets_it(
    live: Live,
) -> None:
    """Discord's /person takes the labels of /detained as options (organizers only); the
    same correction works typed in a DM. The legal-help volunteer then sees the date."""
    opened = await live.discord.slash(
        ORGANIZER, "detained", dm=True, children=CHILDREN, pickup="3h"
    )
    done = await live.discord.submit(
        ORGANIZER, opened, {"Full name": NAME, "Date of birth (1990-04-12)": "11/02/1985"}
    )
    assert "Send /person P1 dob: 1985-11-02 or /person P1 dob: 1985-02-11" in done.text
    await live.discord.slash(ORGANIZER, "task assign", task="T2", member=MEMBER,
                             channel=fakes.ORGANIZER_CHANNEL)  # fmt: skip
    await live.discord.press(MEMBER, live.discord.dms(MEMBER)[-1], "Accept")
    refused = await live.discord.slash(MEMBER, "person", person="P1", dob=DOB, dm=True)
    assert refused.text == "Only organizers can change a person's details."
    fixed = await live.discord.slash(
        ORGANIZER, "person", person="P1", dob=DOB, channel=fakes.ORGANIZER_CHANNEL
    )
    assert fixed.text.startswith(f"Changed P1:\n• Date of birth: {DOB}\n")
    assert "was sent the corrected details" in fixed.text
    corrected = live.discord.dm_texts(MEMBER)[-1]
    assert corrected.startswith("The details of P1 were corrected. What T2 needs")
    assert NAME in corrected and DOB in corrected and CHILDREN not in corrected
    await live.discord.dm(ORGANIZER, "/person P1 pickup: tomorrow 3pm")  # typed, in the DM
    assert live.discord.dm_texts(ORGANIZER)[-1].startswith(
        "Changed P1:\n• Pick up by: Tue, Nov 24, 3:00\u202fPM\nT3 is now due"
    )
    channels_clean(live)
