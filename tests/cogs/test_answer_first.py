"""Every slash command, button and form answers Discord before touching the database.

Discord fails an interaction that gets no answer within three seconds, and the database
can be busy for longer (the nightly purge). Here the store is held, as a long purge
holds it, while each interaction arrives: its first answer (a form, or "thinking…",
privately) must go out all the same, and the real answer follow once the store is free.
Every command in the command tree and every button the bot registers must be listed
below, so a new one cannot skip the check.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from discord import app_commands

from bot.core.store import Transaction
from cogs.reports import ReportForm
from cogs.tasks import DetainedForm
from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import GOOD
from tests.fakes import discord as fakes
from tests.test_permission_matrix import prepare


class HeldStore:
    """Holds every unit of work until released, the way a long purge holds the store."""

    def __init__(self, rig: Rig) -> None:
        self.store = rig.app.store
        self.free = asyncio.Event()
        self.waiting = 0
        self._open = (self.store.transaction, self.store.reading)
        self.store.transaction = self._held(self.store.transaction)  # type: ignore[method-assign]
        self.store.reading = self._held(self.store.reading)  # type: ignore[method-assign]

    def _held(
        self, open_unit: Callable[[], AbstractAsyncContextManager[Transaction]]
    ) -> Callable[[], AbstractAsyncContextManager[Transaction]]:
        @asynccontextmanager
        async def held() -> AsyncIterator[Transaction]:
            self.waiting += 1
            await self.free.wait()
            async with open_unit() as tx:
                yield tx

        return held

    def undo(self) -> None:
        self.free.set()
        self.store.transaction, self.store.reading = self._open  # type: ignore[method-assign]


def choice(value: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=value, value=value)


# Sample options for every slash command, by qualified name ("task edit").
OPTIONS: dict[str, Callable[[Rig], dict[str, Any]]] = {
    "report": lambda rig: {"photo": None},
    "verify": lambda rig: {"report": "R1"},
    "claim": lambda rig: {"report": "R1", "eta": "15m"},
    "unclaim": lambda rig: {"report": "R1"},
    "duty": lambda rig: {"state": choice("on"), "length": "4h"},
    "dismiss": lambda rig: {"report": "R1", "reason": choice("routine")},
    "resolve": lambda rig: {"report": "R1"},
    "still": lambda rig: {"report": "R1", "answer": choice("yes")},
    "correct": lambda rig: {"report": "R1", "where": "5th & Maple"},
    "retract": lambda rig: {"report": "R1"},
    "status": lambda rig: {},
    "rights": lambda rig: {},
    "hotline": lambda rig: {},
    "practice": lambda rig: {},
    "lang": lambda rig: {"language": "es"},
    "help": lambda rig: {},
    "roles": lambda rig: {},
    "stats": lambda rig: {"since": "30d"},
    "drill": lambda rig: {"action": choice("start"), "length": "1h"},
    "tasks": lambda rig: {"which": choice("open")},
    "person": lambda rig: {"person": "P1"},
    "detained": lambda rig: {"report": "R1", "children": "Lincoln Elementary"},
    "task add": lambda rig: {"description": "bring documents"},
    "task assign": lambda rig: {"task": "T2", "member": rig.users["member"]},
    "task edit": lambda rig: {"task": "T2", "due": "4h"},
    "task accept": lambda rig: {"task": "T1"},
    "task decline": lambda rig: {"task": "T1"},
    "task done": lambda rig: {"task": "T1"},
    "task release": lambda rig: {"task": "T1"},
    "task cancel": lambda rig: {"task": "T2"},
}
BUTTONS = (
    "claim:report:1",
    "verify:report:1",
    "verify:report:1:photos",
    "dismiss:report:1:routine",
    "still:report:1:yes",
    "task:accept:1",
    "rr:open:place:1",
    "rr:open:report",
)


def slash_commands(rig: Rig) -> dict[str, app_commands.Command[Any, ..., Any]]:
    found: dict[str, app_commands.Command[Any, ..., Any]] = {}
    for command in rig.bot.tree.get_commands():
        if isinstance(command, app_commands.Group):
            found.update({sub.qualified_name: sub for sub in command.walk_commands()})  # type: ignore[misc]
        else:
            assert isinstance(command, app_commands.Command)
            found[command.qualified_name] = command
    return found


@pytest.fixture
async def stage(rig: Rig) -> Rig:
    """R1 reported, P1 recorded with T1 offered to the organizer and T2 open; T3 (in
    the organizer's words, due whenever) offered to them too."""
    cast = {who: await rig.front.actor(rig.users[who]) for who in ("organizer", "verifier")}
    cast["reporter"] = await rig.front.actor(rig.users["reporter"])
    cast["volunteer"] = cast["organizer"]
    await prepare(rig.app, cast, verified=False)
    return rig


async def first_answer_while_held(rig: Rig, interaction: Any, handler: Any) -> asyncio.Task[Any]:
    """Start `handler` with the store held; return once Discord got its first answer."""
    held = HeldStore(rig)
    running = asyncio.ensure_future(handler)
    try:
        for _ in range(200):
            await asyncio.sleep(0)
            if fakes.answered(interaction) or running.done():
                break
        assert fakes.answered(interaction), "no answer to Discord while the store was busy"
    finally:
        held.undo()
    await running
    return running


def test_every_command_and_button_is_listed(rig: Rig) -> None:
    assert set(slash_commands(rig)) == set(OPTIONS)
    registered = rig.bot._connection._view_store._dynamic_items
    matched = {
        pattern for pattern in registered for custom_id in BUTTONS if pattern.fullmatch(custom_id)
    }
    assert matched == set(registered)


@pytest.mark.parametrize("name", sorted(OPTIONS))
async def test_slash_commands_answer_before_the_database(stage: Rig, name: str) -> None:
    rig = stage
    command = slash_commands(rig)[name]
    interaction = rig.interaction("organizer")
    await first_answer_while_held(
        rig, interaction, command.callback(command.binding, interaction, **OPTIONS[name](rig))
    )
    response = interaction.response
    if response.send_modal.await_count:
        return  # a form is the answer; what it was opened with was kept after it showed
    assert response.defer.await_count == 1
    assert response.defer.call_args.kwargs == {"ephemeral": True, "thinking": True}
    assert fakes.replies_of(interaction), "the real answer never followed"


@pytest.mark.parametrize("custom_id", BUTTONS)
async def test_buttons_answer_before_the_database(stage: Rig, custom_id: str) -> None:
    rig = stage
    interaction = rig.interaction("verifier")
    await first_answer_while_held(rig, interaction, press_with(rig, interaction, custom_id))
    if not interaction.response.send_modal.await_count:  # a button that opens a form
        assert fakes.replies_of(interaction)


async def press_with(rig: Rig, interaction: Any, custom_id: str) -> None:
    """As Discord's press reaches the bot: through the dynamic items it registered."""
    for pattern, item_type in rig.bot._connection._view_store._dynamic_items.items():
        match = pattern.fullmatch(custom_id)
        if match:
            item = await item_type.from_custom_id(interaction, None, match)
            await item.callback(interaction)
            return
    raise AssertionError(f"no dynamic item matches {custom_id}")


@pytest.mark.parametrize(
    ("form", "values"),
    [
        (lambda rig: ReportForm(rig.front.renderer, "en"), GOOD),
        (lambda rig: ReportForm(rig.front.renderer, "en", "unknown-token"), GOOD),
        (lambda rig: DetainedForm(rig.front.renderer, "en"), {"name": "Rosa Díaz"}),
    ],
    ids=["report", "report with a photo", "detained"],
)
async def test_forms_answer_before_the_database(
    stage: Rig, form: Callable[[Rig], Any], values: dict[str, str]
) -> None:
    rig = stage
    shown = form(rig).to_dict()
    interaction = fakes.form_submission(rig.bot, rig.users["organizer"], shown, values)
    cog = rig.cog("FormsCog")
    await first_answer_while_held(rig, interaction, cog.on_interaction(interaction))
    assert interaction.response.defer.call_args.kwargs == {"ephemeral": True, "thinking": True}
    [reply] = fakes.replies_of(interaction)
    assert reply.startswith(("Thank you. This matches report R1", "Recorded P2."))


async def test_suggestions_come_in_time_or_not_at_all(stage: Rig) -> None:
    rig = stage
    cog = rig.cog("TasksCog")
    rig.front.suggest_within = 0  # the store is busy past Discord's patience
    held = HeldStore(rig)
    try:
        assert await cog.open_codes(rig.interaction("organizer"), "") == []
    finally:
        held.undo()
    await asyncio.gather(*rig.front._late)  # the late lookup finished, not cut short
    rig.front.suggest_within = 60.0
    offered = await cog.open_codes(rig.interaction("organizer"), "")
    assert [c.value for c in offered] == ["T3", "T1", "T2"]


@pytest.mark.parametrize("deferred", [False, True])
async def test_what_no_handler_caught_is_answered_privately(rig: Rig, deferred: bool) -> None:
    interaction = rig.interaction("member")
    if deferred:
        await rig.front.acknowledge(interaction)
    await rig.bot.tree.on_error(interaction, app_commands.AppCommandError("an option failed"))
    [reply] = fakes.replies_of(interaction)
    assert reply.startswith("Something went wrong on my side and nothing was changed.")
