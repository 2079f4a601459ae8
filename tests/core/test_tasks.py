"""Follow-through: every task transition and permission, privacy, reminders, escalation."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.models import TaskState
from tests.conftest import outbox_rows
from tests.core.test_router import ORGANIZERS, dm, say
from tests.fakes.clock import FakeClock

PERSON = (
    "/detained R1 name: Rosa Díaz; dob: 1985-02-11; contact: Marta Díaz; relation: sister; "
    "phone: +1 555 010 0199; children: Lincoln Elementary; pickup: 3h; notes: diabetic"
)
PERSONAL = ("Rosa", "Díaz", "1985-02-11", "Marta", "5550100199", "010-0199", "Lincoln",
            "diabetic")  # fmt: skip


async def raid(app: App) -> None:
    """A verified report and one person detained, recorded by ana in a DM: T1, T2, T3."""
    await say(app, "dee", "/report where: 5th & Main; what: arrests at the bus stop")
    await say(app, "ben", "/verify R1")
    reply = await say(app, "ana", PERSON, dm("ana"))
    assert "Recorded P1. Proposed tasks:" in reply


async def state(app: App, task: int) -> TaskState:
    async with app.store.reading() as tx:
        found = await tx.tasks.get(task)
    assert found is not None
    return found.state


async def test_recording_a_person_proposes_the_standard_tasks(app: App, clock: FakeClock) -> None:
    await raid(app)
    listing = await say(app, "ana", "/tasks open", dm("ana"))
    assert "T1: call the family contact (about P1) · open" in listing
    assert "T2: find legal help: an attorney or a legal-aid referral (about P1)" in listing
    assert "T3: pick up the children (about P1) · open" in listing
    await say(app, "ana", "/detained name: Juan", dm("ana"))  # no children: no pick-up
    assert "T6" not in await say(app, "ana", "/tasks open", dm("ana"))


async def test_the_whole_lifecycle_and_who_may_move_it(app: App) -> None:
    await raid(app)
    # Only organizers assign; only the assignee answers.
    assert "Only organizers can add, assign or cancel" in await say(
        app, "ben", "/task assign T1 dee", dm("ben")
    )
    assert "Offered T1 to dee" in await say(app, "ana", "/task assign T1 dee 2h", dm("ana"))
    assert await state(app, 1) is TaskState.OFFERED
    assert "T1 is not assigned to you" in await say(app, "eli", "/task accept T1", dm("eli"))
    assert "Thank you: T1 is yours." in await say(app, "dee", "/task accept T1", dm("dee"))
    assert await state(app, 1) is TaskState.ACCEPTED
    assert "T1 is accepted, so this does not apply" in await say(
        app, "dee", "/task decline T1", dm("dee")
    )
    assert "T1 is released" in await say(app, "dee", "/task release T1 car broke", dm("dee"))
    assert await state(app, 1) is TaskState.OPEN
    await say(app, "ana", "/task assign T1 eli", dm("ana"))
    assert "You declined T1" in await say(app, "eli", "/task decline T1", dm("eli"))
    assert await state(app, 1) is TaskState.OPEN
    await say(app, "ana", "/task assign T1 eli", dm("ana"))
    await say(app, "eli", "/task accept T1", dm("eli"))
    assert "T1 is marked done" in await say(app, "eli", "/task done T1 talked to Marta", dm("eli"))
    assert await state(app, 1) is TaskState.DONE
    assert "T1 is done, so this does not apply" in await say(
        app, "ana", "/task cancel T1", dm("ana")
    )
    assert "Only organizers can add, assign or cancel" in await say(
        app, "dee", "/task cancel T2", dm("dee")
    )
    assert "T2 is cancelled." in await say(app, "ana", "/task cancel T2", dm("ana"))
    assert await state(app, 2) is TaskState.CANCELLED


async def test_personal_data_never_reaches_a_group(app: App, clock: FakeClock) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T3 dee 1h", dm("ana"))
    await say(app, "dee", "/task accept T3", dm("dee"))
    clock.advance(timedelta(hours=3))
    await app.fire_due()  # reminders and escalations too
    await say(app, "dee", "/task done T3 Rosa's kids are with Marta", dm("dee"))
    await say(app, "ana", "/status")
    rows = await outbox_rows(app.store)
    groups = [r for r in rows if not r.is_direct]
    assert groups, "expected task notices in the organizer chat"
    for row in groups:
        for secret in PERSONAL:
            assert secret not in row.body, (secret, row.kind, row.body)
    details = [r for r in rows if r.is_direct and "Marta Díaz" in r.body]
    assert {r.address for r in details} <= {"dee", "ana"}  # the assignee and organizers


async def test_details_only_for_organizers_and_the_volunteer_who_accepted(app: App) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    assert "Accept T1 first" in await say(app, "dee", "/person P1", dm("dee"))
    await say(app, "dee", "/task accept T1", dm("dee"))
    card = await say(app, "dee", "/person P1", dm("dee"))
    # Calling the family needs the contact, not the person's name or date of birth.
    assert "(555) 010-0199" in card and "Rosa Díaz" not in card and "1985-02-11" not in card
    assert "only shown in a direct message" in await say(app, "dee", "/person P1", ORGANIZERS)
    assert "Only organizers can see P1" in await say(app, "eli", "/person P1", dm("eli"))
    assert "Rosa Díaz" in await say(app, "ana", "/person P1", dm("ana"))
    rows = [r for r in await outbox_rows(app.store) if r.kind == "task_details"]
    assert [r.address for r in rows] == ["dee"] and "Marta Díaz (sister)" in rows[0].body


async def test_the_offer_asks_for_commitment_and_carries_no_personal_data(app: App) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    [offer] = [r for r in await outbox_rows(app.store) if r.kind == "task_offer"]
    assert offer.address == "dee" and offer.is_direct
    assert "Accept only if you will follow through" in offer.body
    assert not any(secret in offer.body for secret in PERSONAL)


async def test_an_unaccepted_offer_is_reminded_then_escalated(app: App, clock: FakeClock) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    clock.advance(app.config.timers.task_accept_reminder)
    await app.fire_due()
    clock.advance(app.config.timers.task_accept_escalation)
    await app.fire_due()
    kinds = [(r.kind, r.address) for r in await outbox_rows(app.store)]
    assert ("task_reminder", "dee") in kinds
    [escalation] = [r for r in await outbox_rows(app.store) if r.kind == "escalation"]
    assert escalation.address == "organizers"
    assert "Nobody has accepted T1 yet (offered to dee)" in escalation.body


async def test_an_accepted_task_is_reminded_before_and_at_due_then_escalated(
    app: App, clock: FakeClock
) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T1 dee 2h", dm("ana"))
    await say(app, "dee", "/task accept T1", dm("dee"))
    for _ in range(6):
        clock.advance(timedelta(minutes=30))
        await app.fire_due()
    rows = await outbox_rows(app.store)
    reminders = [r.body for r in rows if r.kind == "task_reminder" and r.address == "dee"]
    assert any(b.startswith("Reminder: T1: call the family contact") for b in reminders)
    assert any(b.startswith("T1 is due now.") for b in reminders)
    [overdue] = [r for r in rows if r.kind == "escalation"]
    assert "T1 is overdue" in overdue.body and overdue.address == "organizers"
    assert "OVERDUE since" in await say(app, "ana", "/tasks open", dm("ana"))


async def test_done_before_due_means_no_reminders(app: App, clock: FakeClock) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T1 dee 2h", dm("ana"))
    await say(app, "dee", "/task accept T1", dm("dee"))
    await say(app, "dee", "/task done T1", dm("dee"))
    clock.advance(timedelta(hours=5))
    await app.fire_due()
    assert not [
        r for r in await outbox_rows(app.store) if r.kind in ("task_reminder", "escalation")
    ]


async def test_task_timers_fire_once_across_a_rebuilt_schedule(app: App, clock: FakeClock) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    clock.advance(app.config.timers.task_accept_reminder)
    async with app.store.reading() as tx:
        pending = await tx.timers.pending(due_by=clock.now())
    results = await asyncio.gather(*(app.timers.fire(t.id) for t in pending for _ in range(3)))
    assert results.count(True) == len(pending)
    assert sum(r.kind == "task_reminder" for r in await outbox_rows(app.store)) == 1


@pytest.mark.parametrize(
    ("line", "english"),
    [
        ("/detained R1 dob: 1990-01-01", "Who was detained? Add their name"),
        ("/detained R1 name: X; dob: 04/12/1990", "could be 1990-04-12 or 1990-12-04"),
        ("/detained R1 name: X; dob: 1990-13-45", "is not a date of birth I can read"),
        ("/detained R9 name: X; dob: 04/12/1990", "There is no report R9"),
        ("/detained R1 name: X; dob: 2999-01-01", "cannot be right"),
        ("/detained R1 name: X; phone: call her", "is not a phone number I can use"),
        ("/detained R1 name: X; pickup: whenever", "is not a time I can read"),
        ("/detained R9 name: X", "There is no report R9"),
        ("/task frob T1", "Write /task followed by one of"),
        ("/task accept", "Which task? Add its code"),
        ("/task accept Q1", "is not a code I know"),
        ("/task accept T99", "There is no task T99"),
        ("/task assign T1", "Who should do it?"),
        ("/task assign T1 zed", "I don't know “zed” yet"),
        ("/task add", "What is the task?"),
        ("/person P9", "There is no person P9"),
    ],
)
async def test_bad_input_is_refused_clearly_and_changes_nothing(
    app: App, line: str, english: str
) -> None:
    await raid(app)
    before = await outbox_rows(app.store)
    assert english in await say(app, "ana", line, dm("ana"))
    assert await outbox_rows(app.store) == before


async def test_spanish_organizers_and_volunteers(app: App) -> None:
    await raid(app)
    await say(app, "dee", "/idioma es", dm("dee"))
    await say(app, "ana", "/tarea asignar T1 dee", dm("ana"))
    assert "Gracias: T1 es suya." in await say(app, "dee", "/tarea aceptar T1", dm("dee"))
    [offer] = [r for r in await outbox_rows(app.store) if r.kind == "task_offer"]
    assert offer.body.startswith("Se le pide que tome T1: llamar al contacto de la familia")
    assert re.search(r"Sus tareas:\n• T1", await say(app, "dee", "/tareas", dm("dee")))


async def test_organizers_edit_a_proposed_task_and_the_assignee_hears(
    app: App, clock: FakeClock
) -> None:
    await raid(app)
    assert "Only organizers" in await say(app, "dee", "/task edit T3 due: 4h", dm("dee"))
    await say(app, "ana", "/task assign T3 dee 1h", dm("ana"))
    await say(app, "dee", "/task accept T3", dm("dee"))
    changed = await say(app, "ana", "/task edit T3 due: 4h; what: bring the car seat", dm("ana"))
    assert "T3: pick up the children (bring the car seat) (about P1)" in changed
    assert [r for r in await outbox_rows(app.store) if r.kind == "task" and r.address == "dee"]
    clock.advance(timedelta(hours=1, minutes=5))
    await app.fire_due()  # the old due time no longer fires
    assert not [r for r in await outbox_rows(app.store) if "T3 is due now" in r.body]
    clock.advance(timedelta(hours=3))
    await app.fire_due()
    assert [r for r in await outbox_rows(app.store) if "T3 is due now" in r.body]
    assert "Say what to change" in await say(app, "ana", "/task edit T3", dm("ana"))


async def test_a_volunteer_answering_a_task_that_is_over_is_told_what_became_of_it(
    app: App,
) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    await say(app, "dee", "/task accept T1", dm("dee"))
    await say(app, "ana", "/task cancel T1", dm("ana"))
    reply = await say(app, "dee", "/task done T1", dm("dee"))
    assert "T1 is cancelled, so this does not apply to it." in reply
    assert "not assigned to you" in await say(app, "eli", "/task done T1", dm("eli"))
    assert await state(app, 1) is TaskState.CANCELLED


async def test_an_offer_awaits_an_answer_only_from_its_member_until_answered(app: App) -> None:
    await raid(app)
    dee, eli = await app.members.find("console", "dee"), await app.members.find("console", "eli")
    assert dee is not None and eli is not None
    assert not await app.tasks.awaits_answer(dee, 1)  # open: offered to nobody yet
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    assert await app.tasks.awaits_answer(dee, 1)
    assert not await app.tasks.awaits_answer(eli, 1)
    await say(app, "dee", "/task accept T1", dm("dee"))
    assert not await app.tasks.awaits_answer(dee, 1)  # answered: its buttons can go
    assert not await app.tasks.awaits_answer(dee, 99)
