"""/help is short and grouped; /help task shows every verb with an example."""

from __future__ import annotations

from bot.app import App
from bot.core.commands import COMMANDS
from bot.core.info_actions import HELP_GROUPS
from tests.core.test_router import dm, say


def test_every_command_is_in_exactly_one_help_group() -> None:
    listed = [name for _title, names in HELP_GROUPS for name in names]
    assert sorted(listed) == sorted(spec.name for spec in COMMANDS)


async def test_an_organizer_sees_every_command_grouped_one_line_each(app: App) -> None:
    text = await say(app, "ana", "/help", dm("ana"))
    rows = text.splitlines()
    assert rows[0] == "What I can do:"
    headings = [row for row in rows if not row.startswith(" ")][1:-1]
    assert headings == ["Reports:", "Verifying:", "People and tasks:", "For everyone:"]
    assert len(rows) == 1 + len(headings) + len(COMMANDS) + 1  # no examples here
    assert "Example:" not in text
    assert rows[-1].endswith("/help task")
    assert rows[rows.index("Verifying:") + 7].startswith("    /still: Answer")


async def test_a_volunteer_sees_only_their_groups(app: App) -> None:
    text = await say(app, "dee", "/help", dm("dee"))
    assert "Verifying:" not in text and "/verify" not in text
    assert "Reports:" in text and "For everyone:" in text


async def test_help_is_in_the_readers_language(app: App) -> None:
    text = await say(app, "cruz", "/ayuda", dm("cruz"))
    assert text.startswith("Lo que puedo hacer:")
    assert "Verificación:" in text and "Para todos:" in text
    assert "/verify (/verificar): " in text


async def test_help_task_shows_every_verb_with_an_example(app: App) -> None:
    text = await say(app, "dee", "/help task", dm("dee"))
    for verb in ("add", "assign", "edit", "cancel", "accept", "decline", "done", "release"):
        assert f"    /task {verb} " in text, verb
    assert "/task edit T4 what: <what>; due: <when> — " in text
    assert "Example: /task edit T4 due: 16:00" in text
    assert text.count("Example: /task ") == 1 + 8  # the command's own, and one per verb
    spanish = await say(app, "cruz", "/ayuda tarea", dm("cruz"))
    assert "Ejemplo: /task edit T4 due: 16:00" in spanish
