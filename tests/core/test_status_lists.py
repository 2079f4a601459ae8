"""/status as a dispatcher reads it on a phone: a drill's reports told from real ones,
and at most 15 lines a section in a surge, with /status all for every one."""

from __future__ import annotations

from bot.app import App
from bot.core.models import ReportDraft, Source
from tests.conftest import member
from tests.fakes.chat import ChatHarness, in_chat


async def test_during_a_drill_status_marks_the_real_reports(chat: ChatHarness) -> None:
    # The tester's script: real reports first, then a drill and a drill report.
    await chat.say("ben@dm: /report 3 ice vans at soto and 1st st, agents questioning ppl")
    await chat.say("ben@dm: /claim R1 10m")
    await chat.say("ben@dm: /verify R1 vans there")
    await chat.say("cruz@dm: /reportar la migra en la lavanderia de la calle oak, 2 camionetas")
    await chat.say("cruz@dm: /voy R2 en 5")
    await chat.say("ana@organizers: /drill start 20m")
    await chat.say("eli@dm: /report ice at broadway & 1st by the courthouse, 4 agents")
    status = await chat.text("ana@organizers: /status")
    assert "DRILL — PRACTICE" in status
    assert "• REAL, not a drill: R1 ·" in status and "• REAL, not a drill: R2 ·" in status
    assert "• R3 ·" in status and "REAL, not a drill: R3" not in status
    spanish = await chat.text("cruz@dm: /estado")
    assert "• REAL, no es simulacro: R1 ·" in spanish and "• R3 ·" in spanish
    await chat.say("ana@organizers: /drill stop")
    after = await chat.text("ana@organizers: /status")
    assert "REAL" not in after and "• R1 ·" in after and "R3" not in after


async def _surge(app: App, count: int) -> None:
    """`count` pending reports, each at its own place (as many reporters would send)."""
    ana = await member(app, "ana")  # an organizer: not limited, as in a surge of relays
    for number in range(1, count + 1):
        await app.intake.submit(
            ana,
            ReportDraft(
                where=f"{number}00 Oak St", what="agents at the door", source=Source.FIRST_HAND
            ),
        )


async def test_status_in_a_surge_shows_15_waiting_and_says_how_to_see_all(
    chat: ChatHarness, app: App
) -> None:
    await _surge(app, 40)
    status = await chat.text("ana@dm: /status")
    waiting = [line for line in status.splitlines() if "waiting for a verifier" in line]
    assert len(waiting) == 15, status
    assert "• R1 ·" in status and "• R15 ·" in status and "R16 ·" not in status  # oldest
    assert "…and 25 more: /status all shows every one." in status
    everything = await chat.text("ana@dm: /status all")
    assert all(f"• R{n} ·" in everything for n in range(1, 41)) and "more:" not in everything
    spanish = await chat.text("cruz@dm: /estado")
    assert "…y 25 más: /estado todo los muestra todos." in spanish
    assert "R16 ·" not in spanish
    todo = await chat.text("cruz@dm: /estado todo")
    assert "• R40 ·" in todo and "más:" not in todo


async def test_status_shows_the_newest_active_alerts_in_a_surge(
    chat: ChatHarness, app: App
) -> None:
    await _surge(app, 17)
    for number in range(1, 18):
        await chat.say(f"ben@dm: /verify R{number}")
    status = in_chat(await chat.say("ben@dm: /status"), "dm:ben")
    assert "• R3 ·" in status and "• R17 ·" in status and "R2 ·" not in status
    assert "…and 2 more: /status all shows every one." in status
