"""On Discord, in direct messages, with the real client: thanks gets a short answer, a
Spanish command is answered in Spanish, a task verb with a slip in it is read as meant."""

from __future__ import annotations

from bot.core.models import ReportState
from tests.cogs.live import MEMBER, ORGANIZER, REPORTER, VERIFIER, Live
from tests.fakes import discord as fakes


async def test_thanks_and_a_spanish_command_in_a_direct_message(live: Live) -> None:
    await live.discord.dm(MEMBER, "thanks!")
    thanks = live.discord.dm_texts(MEMBER)[-1]
    assert thanks.startswith("You're welcome.\nI'm here if you need me: send /help.")
    await live.discord.dm(MEMBER, "/ayuda")
    answer = live.discord.dm_texts(MEMBER)[-1]
    assert answer.startswith("Lo que puedo hacer:")  # answered in the words typed
    assert answer.endswith("Para recibir siempre las respuestas en español, envíe /idioma es.")
    await live.discord.dm(MEMBER, "/help")  # and only that once
    assert live.discord.dm_texts(MEMBER)[-1].startswith("What I can do:")


async def test_a_task_verb_with_a_slip_in_a_direct_message(live: Live) -> None:
    room = fakes.ORGANIZER_CHANNEL
    await live.discord.slash(ORGANIZER, "task add", description="drive to the vigil", channel=room)
    await live.discord.slash(ORGANIZER, "task assign", task="T1", member=MEMBER, channel=room)
    await live.discord.dm(MEMBER, "/task acept T1")
    answer, details = live.discord.dm_texts(MEMBER)[-2:]
    assert answer == (
        "(I read “acept” as accept.)\n\n"
        "Thank you: T1 is yours.\nThe details follow in the next message."
    )
    assert details.startswith("Thank you. The details for T1:")


async def test_a_slip_in_verify_gives_the_whole_line_back(live: Live) -> None:
    await live.discord.dm(REPORTER, "/report where: 5th & Main; what: ICE vans at the door")
    await live.discord.dm(VERIFIER, "/verfy R1 2 vans agents asking for papers")
    answer = live.discord.dm_texts(VERIFIER)[-1]
    assert "Did you mean: /verify R1 2 vans agents asking for papers\n" in answer
    await live.discord.dm(VERIFIER, "/verifcar R1 2 camionetas, piden papeles")
    answer = live.discord.dm_texts(VERIFIER)[-1]  # a slip: still in their language
    assert "Did you mean: /verificar R1 2 camionetas, piden papeles\n" in answer
    report = await live.app.reports.get(1)
    assert report is not None and report.state is ReportState.PENDING  # nothing ran on a guess
