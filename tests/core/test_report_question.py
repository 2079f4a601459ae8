"""`/report` alone asks "What did you see, and where?", and the next message is the report.

A stranger typed `/reportar`, read the question, answered `migra!!! en el swapmeet de la
avenida central`, and got the help card instead: the report was lost. The answer to a
question the bot asked is taken as the answer, with its photo if one comes with it.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.app import App
from bot.core.errors import UserError
from bot.core.models import Conversation
from tests.conftest import member, outbox_rows
from tests.core.test_router import dm, say
from tests.fakes.clock import FakeClock


async def exists(app: App, report_id: int) -> bool:
    try:
        await app.reports.get(report_id)
    except UserError:
        return False
    return True


async def test_the_answer_to_the_question_is_the_report_in_spanish(app: App) -> None:
    eli = await member(app, "eli")
    asked = await say(app, eli, "/reportar", dm("eli"))
    assert "next message" in asked or "próximo mensaje" in asked
    filed = await say(app, eli, "migra!!! en el swapmeet de la avenida central", dm("eli"))
    assert re.search(r"\bR1\b", filed), filed
    report = await app.reports.get(1)
    assert report is not None and "swapmeet" in report.where
    [card] = [r.body for r in await outbox_rows(app.store) if r.kind == "new_report"]
    assert "migra!!!" in card


async def test_only_the_next_message_is_taken(app: App) -> None:
    eli = await member(app, "eli")
    await say(app, eli, "/report", dm("eli"))
    await say(app, eli, "ICE at the Food Lion on Broad St", dm("eli"))
    thanks = await say(app, eli, "thank you", dm("eli"))
    assert "R2" not in thanks
    assert not await exists(app, 2)


async def test_cancel_stops_the_question_and_files_nothing(app: App) -> None:
    eli = await member(app, "eli")
    await say(app, eli, "/report", dm("eli"))
    assert "Nothing was saved" in await say(app, eli, "cancel", dm("eli"))
    await say(app, eli, "/report", dm("eli"))
    assert "Nothing was saved" in await say(app, eli, "/cancel", dm("eli"))
    assert not await exists(app, 1)


async def test_an_answer_after_half_an_hour_is_not_taken_for_a_report(
    app: App, clock: FakeClock
) -> None:
    eli = await member(app, "eli")
    await say(app, eli, "/report", dm("eli"))
    clock.advance(timedelta(minutes=31))
    late = await say(app, eli, "ICE at the Food Lion on Broad St", dm("eli"))
    assert not await exists(app, 1)
    assert "/report ICE at the Food Lion on Broad St" in late  # told how to send it


async def test_in_a_group_the_empty_report_is_explained_not_asked(app: App) -> None:
    eli = await member(app, "eli")
    group = Conversation("console", "organizers", is_direct=False)
    answer = await say(app, eli, "/report", group)
    assert "after /report" in answer
    await say(app, eli, "ICE at the Food Lion", dm("eli"))
    assert not await exists(app, 1)


async def test_a_typo_in_the_command_word_still_files_the_report(app: App) -> None:
    eli = await member(app, "eli")
    filed = await say(app, eli, "/reprotar migra en el swap meet de la avenida central", dm("eli"))
    assert re.search(r"\bR1\b", filed) and "/reprotar" in filed
    other = await say(app, eli, "/hepl", dm("eli"))  # any other slip: did you mean
    assert "Did you mean: /help\n" in other or "Quizás quiso decir: /ayuda\n" in other
