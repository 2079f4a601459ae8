"""/practice on Discord, with the real client: the slash command starts it in a direct
message, the member's answers are ordinary direct messages; in the server it says so."""

from __future__ import annotations

from tests.cogs.live import MEMBER, Live
from tests.fakes import discord as fakes


async def test_practice_runs_in_a_direct_message(live: Live) -> None:
    started = await live.discord.slash(MEMBER, "practice", dm=True)
    assert "I will play an immigration agent" in started.text
    assert started.text.endswith("Agent: Where were you born?")
    await live.discord.dm(MEMBER, "I'm from Honduras")
    corrected = live.discord.dm_texts(MEMBER)[-1]
    assert corrected.startswith("Careful: that answer tells the agent something about you")
    assert "Do not answer questions about where you were born." in corrected
    await live.discord.dm(MEMBER, "...")
    praised = live.discord.dm_texts(MEMBER)[-1]
    assert praised.startswith("Well done. You do not have to answer questions about your")
    assert praised.endswith("Agent: Open the door. We just want to talk.")
    await live.discord.dm(MEMBER, "stop")
    assert live.discord.dm_texts(MEMBER)[-1].startswith(
        "Practice over. You kept your rights in 1 of 2 answers."
    )


async def test_practice_typed_in_a_direct_message_and_in_spanish(live: Live) -> None:
    await live.discord.dm(MEMBER, "/lang es")
    await live.discord.dm(MEMBER, "/practicar")
    assert live.discord.dm_texts(MEMBER)[-1].endswith("Agente: ¿Dónde nació?")
    await live.discord.dm(MEMBER, "nací en guatemala")
    assert live.discord.dm_texts(MEMBER)[-1].startswith("Cuidado:")


async def test_in_the_server_it_asks_for_a_direct_message(live: Live) -> None:
    asked = await live.discord.slash(MEMBER, "practice", channel=fakes.ORGANIZER_CHANNEL)
    assert asked.text == (
        "Let's practise in a private message, where nobody else reads your answers: "
        "send me /practice there."
    )
    await live.discord.dm(MEMBER, "Guatemala")  # not taken for an answer to the agent
    assert "Careful" not in live.discord.dm_texts(MEMBER)[-1]
