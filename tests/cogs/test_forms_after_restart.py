"""A form opened before a restart and sent after it is taken, and nothing typed is lost.

Each test shows a form from one bot process, keeps only what Discord keeps (the form as
it was sent: its custom ids), throws that process away, and sends the filled-in form to
a new process on the same database, which has never seen the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import Config
from bot.core.models import TaskKind, TaskState
from tests.cogs.conftest import Rig, start_rig
from tests.cogs.test_reports_flow import GOOD, file_report, press
from tests.fakes.clock import FakeClock
from tests.fakes.discord import replies_of


async def restarted(rig: Rig, config: Config, path: Path, clock: FakeClock) -> Rig:
    await rig.app.close()
    return await start_rig(config, path, clock)


async def test_the_place_form_and_its_button_survive_a_restart(
    discord_config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "network.sqlite3"
    before = await start_rig(discord_config, path, clock)
    filed = await file_report(before, values={**GOOD, "where": ""})
    [button] = filed.followup.send.call_args.kwargs["view"].children
    opened = await press(before, "reporter", button.custom_id)
    shown: dict[str, Any] = opened.response.send_modal.call_args.args[0].to_dict()
    after = await restarted(before, discord_config, path, clock)
    try:
        # The button still opens the form in the new process...
        again = await press(after, "reporter", button.custom_id)
        assert again.response.send_modal.call_args.args[0].to_dict() == shown
        # ...and the form shown by the old one is taken.
        sent = await after.submit("reporter", shown, {"where": "Pine & 3rd"})
        assert "I added the place to R1" in replies_of(sent)[0]
        assert (await after.app.reports.get(1)).where == "Pine & 3rd"
    finally:
        await after.app.close()


async def test_the_detained_form_keeps_what_came_with_the_command(
    discord_config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "network.sqlite3"
    before = await start_rig(discord_config, path, clock)
    await file_report(before)
    opened = before.interaction("organizer")
    cog = before.cog("TasksCog")
    await cog.detained.callback(
        cog, opened, report="R1", relation="sister", children="Lincoln Elementary", pickup="3h"
    )
    shown: dict[str, Any] = opened.response.send_modal.call_args.args[0].to_dict()
    after = await restarted(before, discord_config, path, clock)
    try:
        typed = {"name": "Rosa Díaz", "contact": "Marta Díaz", "phone": "+1 555 010 0199"}
        sent = await after.submit("organizer", shown, typed)
        [recorded] = replies_of(sent)
        assert "Recorded P1. Proposed tasks:" in recorded
        assert "T3: pick up the children" in recorded
        async with after.app.store.reading() as tx:
            person = await tx.people.get(1)
            tasks = await tx.tasks.in_states(TaskState)
            token = shown["custom_id"].rsplit(":", 1)[1]
            assert await tx.forms.get(token) is None  # used up, not kept until the purge
        assert person is not None and person.report_id == 1
        assert person.details.name == "Rosa Díaz"
        assert person.details.contact_relation == "sister"
        assert person.details.children == "Lincoln Elementary"
        assert TaskKind.PICK_UP_CHILDREN in {task.kind for task in tasks}
    finally:
        await after.app.close()


async def test_a_form_sent_by_someone_else_does_not_get_its_details(rig: Rig) -> None:
    opened = rig.interaction("organizer")
    cog = rig.cog("TasksCog")
    await file_report(rig)
    await cog.detained.callback(cog, opened, report="R1", children="Lincoln Elementary")
    shown: dict[str, Any] = opened.response.send_modal.call_args.args[0].to_dict()
    rig.users["verifier"].roles = rig.users["organizer"].roles  # another organizer
    sent = await rig.submit("verifier", shown, {"name": "Rosa Díaz"})
    assert "Recorded P1." in replies_of(sent)[0]
    async with rig.app.store.reading() as tx:
        person = await tx.people.get(1)
    assert person is not None and person.report_id is None
    assert person.details.children == ""


async def test_no_form_is_kept_in_memory(rig: Rig) -> None:
    """discord.py's send_modal keeps a modal only while it is unfinished; ours are
    finished from the start, so no process holds forms and none needs to."""
    from cogs.reports import PlaceForm, ReportForm
    from cogs.tasks import DetainedForm

    for form in (
        ReportForm(rig.front.renderer, "en"),
        PlaceForm(rig.front.renderer, "en", 3),
        DetainedForm(rig.front.renderer, "en", "tok"),
    ):
        assert form.is_finished()
    assert rig.bot._connection._view_store._modals == {}
