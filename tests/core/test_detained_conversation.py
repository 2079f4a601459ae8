"""Recording a person step by step in a direct message."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.config import load_config
from tests.conftest import EXAMPLE_CONFIG
from tests.core.test_router import ORGANIZERS, dm, say
from tests.fakes.clock import FakeClock

ANSWERS = ["Rosa Díaz", "1985-02-11", "Marta Díaz", "sister", "+1 555 010 0199", "es",
           "Lincoln Elementary", "3h", "needs insulin"]  # fmt: skip


async def walk(app: App, answers: list[str]) -> list[str]:
    said = [await say(app, "ana", "/detained", dm("ana"))]
    for answer in answers:
        said.append(await say(app, "ana", answer, dm("ana")))
    return said


async def test_step_by_step_then_saved_on_yes(app: App) -> None:
    said = await walk(app, ANSWERS)
    assert "What is the person's full name?" in said[0]
    summary = said[-1]
    assert summary.startswith("Please check:\nRosa Díaz\nDate of birth: 1985-02-11")
    assert "Contact: Marta Díaz (sister), +15550100199" in summary
    assert "Children to pick up: Lincoln Elementary" in summary
    saved = await say(app, "ana", "yes", dm("ana"))
    assert "Recorded P1. Proposed tasks:" in saved
    assert "T3: pick up the children (about P1)" in saved
    assert "Rosa Díaz" in await say(app, "ana", "/person P1", dm("ana"))
    assert "If you or someone near you is in danger" in await say(app, "ana", "hello", dm("ana"))


async def test_a_wrong_answer_is_asked_again_and_nothing_is_lost(app: App) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    await say(app, "ana", "Rosa Díaz", dm("ana"))
    again = await say(app, "ana", "11/02/1985", dm("ana"))
    assert "is not a date of birth I can read" in again and again.endswith("Send - to skip.")
    for answer in ["1985-02-11", "-", "-", "not a phone", "-", "-", "-"]:
        await say(app, "ana", answer, dm("ana"))
    summary = await say(app, "ana", "-", dm("ana"))
    assert summary.startswith("Please check:\nRosa Díaz\nDate of birth: 1985-02-11")
    assert "Contact" not in summary


async def test_no_discards_and_cancel_stops(app: App) -> None:
    await walk(app, ANSWERS)
    assert await say(app, "ana", "no", dm("ana")) == "Stopped. Nothing was saved."
    await say(app, "ana", "/detained", dm("ana"))  # (R9 does not exist: refused at once)
    assert await say(app, "ana", "/cancel", dm("ana")) == "Stopped. Nothing was saved."
    assert await say(app, "ana", "/cancel", dm("ana")) == "There is nothing to stop."
    assert "There are no open tasks." in await say(app, "ana", "/tasks open", dm("ana"))


async def test_only_organizers_only_in_a_direct_message(app: App) -> None:
    assert "Only organizers can record" in await say(app, "dee", "/detained", dm("dee"))
    assert "only taken in a direct message" in await say(app, "ana", "/detained", ORGANIZERS)


async def test_a_restart_in_the_middle_loses_nothing(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "d.sqlite3"
    app = await App.start(load_config(EXAMPLE_CONFIG), db, clock)
    await say(app, "ana", "/detained", dm("ana"))
    await say(app, "ana", "Rosa Díaz", dm("ana"))
    await app.close()
    app = await App.start(load_config(EXAMPLE_CONFIG), db, clock)
    try:
        assert "Their date of birth" not in await say(app, "ana", "1985-02-11", dm("ana"))
    finally:
        await app.close()


async def test_an_abandoned_conversation_times_out(app: App, clock: FakeClock) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    clock.advance(timedelta(hours=1))
    assert "timed out and nothing was saved" in await say(app, "ana", "Rosa", dm("ana"))


async def test_an_unknown_report_is_caught_before_the_first_question(app: App) -> None:
    reply = await say(app, "ana", "/detained R7", dm("ana"))
    assert "There is no report R7" in reply
    assert "full name" not in reply
    assert "If you or someone near you is in danger" in await say(
        app, "ana", "Rosa Díaz", dm("ana")
    )
