"""Follow-through on Discord: offers by DM with buttons, private details, the person form."""

from __future__ import annotations

from typing import Any

from bot.core.models import TaskState
from cogs.tasks import DetainedForm
from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import file_report, press
from tests.conftest import outbox_rows
from tests.fakes.discord import replies_of

PERSON = {"name": "Rosa Díaz", "dob": "1985-02-11", "contact": "Marta Díaz",
          "phone": "+1 555 010 0199", "notes": "needs insulin"}  # fmt: skip


async def record_person(rig: Rig, who: str = "organizer", **fields: str) -> Any:
    await file_report(rig)
    await press(rig, "verifier", "verify:report:1")
    interaction = rig.interaction(who)
    cog = rig.cog("TasksCog")
    await cog.detained.callback(
        cog, interaction, report="R1", children="Lincoln Elementary", pickup="3h", relation="sister"
    )
    if not interaction.response.send_modal.await_count:
        return interaction
    form = interaction.response.send_modal.call_args.args[0]
    assert isinstance(form, DetainedForm)
    return await rig.submit(who, form, {**PERSON, **fields})  # what the member typed


async def call(rig: Rig, name: str, who: str, **options: Any) -> str:
    interaction = rig.interaction(who)
    cog = rig.cog("TasksCog")
    command = getattr(cog, name)
    await command.callback(cog, interaction, **options)
    return "\n".join(replies_of(interaction))


async def test_recording_assigning_and_accepting_with_buttons(rig: Rig) -> None:
    submit = await record_person(rig)
    [recorded] = replies_of(submit)
    assert "Recorded P1. Proposed tasks:" in recorded and "T3: pick up the children" in recorded
    assignee = rig.users["member"]
    reply = await call(rig, "assign", "organizer", task="T3", member=assignee, due="2h")
    assert reply.startswith("Offered T3 to <@504>.")
    await rig.deliver()
    [offer] = rig.dms[504].sent
    assert offer["content"].startswith("You are asked to take T3: pick up the children (about P1).")
    assert [c.custom_id for c in offer["view"].children] == ["task:accept:3", "task:decline:3"]
    assert "Rosa" not in offer["content"]
    [refused] = replies_of(await press(rig, "reporter", "task:accept:3"))
    assert "T3 is not assigned to you" in refused
    [accepted] = replies_of(await press(rig, "member", "task:accept:3"))
    assert accepted.startswith("Thank you: T3 is yours.")
    await rig.deliver()
    details = rig.dms[504].contents[-1]
    # A pick-up needs the children, the time and the family contact: not the name, the
    # date of birth or the notes.
    assert "Marta Díaz (sister), (555) 010-0199" in details and "Rosa" not in details
    assert "1985-02-11" not in details
    async with rig.app.store.reading() as tx:
        task = await tx.tasks.get(3)
    assert task is not None and task.state is TaskState.ACCEPTED
    for channel in rig.channels.values():  # no personal data in any channel
        assert not any("Rosa" in m or "010-0199" in m for m in channel.contents)


async def test_declining_by_button_reopens_the_task(rig: Rig) -> None:
    await record_person(rig)
    await call(rig, "assign", "organizer", task="T1", member=rig.users["member"])
    [declined] = replies_of(await press(rig, "member", "task:decline:1"))
    assert declined.startswith("You declined T1.")
    rows = [r for r in await outbox_rows(rig.app.store) if r.kind == "task_update"]
    assert any("gave back T1" in r.body for r in rows)


async def test_person_details_are_private_and_only_for_those_entitled(rig: Rig) -> None:
    await record_person(rig)
    assert "Rosa Díaz" in await call(rig, "person", "organizer", person="P1")
    assert "Only organizers can see P1" in await call(rig, "person", "member", person="P1")
    assert "There is no person P9" in await call(rig, "person", "organizer", person="P9")


async def test_the_person_form_is_for_organizers_and_keeps_an_unreadable_date(rig: Rig) -> None:
    refused = await record_person(rig, who="member")
    assert "Only organizers can record people detained." in replies_of(refused)[0]
    assert refused.response.send_modal.await_count == 0
    unsure = await record_person(rig, dob="11/02/1985")
    said = "\n".join(replies_of(unsure))
    assert "so I kept them in the notes as you typed them" in said
    assert "Send /person P1 dob: 1985-11-02 or /person P1 dob: 1985-02-11" in said
    assert "could be 1985-11-02 or 1985-02-11" in said
    async with rig.app.store.reading() as tx:
        person = await tx.people.get(1)  # recorded, the date kept as typed for a person
    assert person is not None and person.details.date_of_birth is None
    assert "dob: 11/02/1985" in person.details.notes


async def test_task_lists_and_autocomplete(rig: Rig) -> None:
    await record_person(rig)
    assert "You have no tasks." in await call(rig, "tasks", "organizer", which=None)
    from discord import app_commands

    listing = await call(
        rig, "tasks", "organizer", which=app_commands.Choice(name="open", value="open")
    )
    assert "T1: call the family contact (about P1) · open" in listing
    assert "Only organizers can see every task" in await call(
        rig, "tasks", "member", which=app_commands.Choice(name="open", value="open")
    )
    cog = rig.cog("TasksCog")
    assert [c.value for c in await cog.open_codes(rig.interaction("organizer"), "")] == [
        "T1",
        "T3",
        "T2",
    ]
    assert await cog.open_codes(rig.interaction("member"), "") == []


async def test_task_edit_has_the_text_commands_rules_and_words(rig: Rig) -> None:
    await record_person(rig)
    edited = await call(
        rig, "edit", "organizer", task="T2", description="call the lawyer", due="4h"
    )
    assert edited.startswith("Changed:\nT2: find legal help: an attorney or a legal-aid")
    assert "(call the lawyer) (about P1) · open · due Mon, Nov 23, 2:00\u202fPM" in edited
    # The same change typed as text (a direct message to the bot) reads the same.
    organizer = await rig.front.actor(rig.users["organizer"])
    typed = await rig.app.router.handle(
        organizer,
        rig.front.conversation(rig.users["organizer"]),
        "/task edit T3 what: call the lawyer; due: 4h",
    )
    as_text = rig.front.render(typed, organizer)
    assert as_text.startswith("Changed:\nT3: pick up the children")
    assert as_text.endswith("(call the lawyer) (about P1) · open · due Mon, Nov 23, 2:00\u202fPM")
    assert "Say what to change, for example: /task edit T2 due: 16:00" in await call(
        rig, "edit", "organizer", task="T2"
    )
    refused = await call(rig, "edit", "member", task="T2", due="1h")
    assert refused.startswith("Only organizers")
    async with rig.app.store.reading() as tx:
        task = await tx.tasks.get(2)
    assert task is not None and task.description == "call the lawyer"
