"""Need to know: a volunteer reads only what their task needs, only while it is theirs,
only in a direct message; a task's own words never reach a group chat or an offer.

Everything is checked the way people see it: what the bot sends (the outbox) and what
it answers, for the tester's own steps (a task that names a detainee and a lawyer's
phone, /tasks open and /status in the organizer chat).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.core.models import TaskKind
from bot.core.need_to_know import NEEDS, PersonField
from tests.conftest import outbox_rows
from tests.core.test_router import ORGANIZERS, dm, say
from tests.fakes.clock import FakeClock

PERSON = (
    "/detained R1 name: Rosa Díaz; dob: 1985-02-11; contact: Marta Salgado; relation: sister; "
    "phone: +1 555 010 0199; language: Mixteco; children: Ana and Leo, Lincoln Elementary; "
    "pickup: 3h; notes: diabetic, lawyer is Ms. Park"
)
# How each field of PERSON shows in a message.
SHOWN = {
    PersonField.NAME: "Rosa Díaz",
    PersonField.DATE_OF_BIRTH: "1985-02-11",
    PersonField.CONTACT_NAME: "Marta Salgado",
    PersonField.CONTACT_RELATION: "(sister)",
    PersonField.CONTACT_PHONE: "(555) 010-0199",
    PersonField.LANGUAGE: "Mixteco",
    PersonField.CHILDREN: "Lincoln Elementary",
    PersonField.CHILDREN_BY: "Pick up by:",
    PersonField.NOTES: "diabetic",
    PersonField.REPORT: "Linked to report R1",
}
# What each kind of task needs, written out again here: a change to the core's table
# must be a change to this one too.
EXPECTED = {
    TaskKind.CALL_CONTACT: {
        PersonField.CONTACT_NAME,
        PersonField.CONTACT_RELATION,
        PersonField.CONTACT_PHONE,
        PersonField.LANGUAGE,
    },
    TaskKind.PICK_UP_CHILDREN: {
        PersonField.CHILDREN,
        PersonField.CHILDREN_BY,
        PersonField.CONTACT_NAME,
        PersonField.CONTACT_RELATION,
        PersonField.CONTACT_PHONE,
        PersonField.LANGUAGE,
    },
    TaskKind.LEGAL_REFERRAL: {PersonField.NAME, PersonField.DATE_OF_BIRTH},
    TaskKind.OTHER: set(),
}
# T1 call the family, T2 legal referral, T3 pick up the children; T4 written by ana.
TASK_OF_KIND = {
    TaskKind.CALL_CONTACT: 1,
    TaskKind.LEGAL_REFERRAL: 2,
    TaskKind.PICK_UP_CHILDREN: 3,
    TaskKind.OTHER: 4,
}
# The tester's task: a detainee's name and a lawyer's phone in its words.
LAWYER_TASK = "call Tobiah Marchetti-Oyelaran's lawyer about the bond hearing, +1 555 019 4432"
LAWYER_SECRETS = ("Tobiah", "Marchetti-Oyelaran", "019 4432", "bond hearing")


async def raid(app: App) -> None:
    """R1 verified; P1 recorded by ana in a DM (T1-T3); T4, about P1, in ana's words."""
    await say(app, "dee", "/report where: 5th & Main; what: arrests at the bus stop")
    await say(app, "ben", "/verify R1")
    assert "Recorded P1." in await say(app, "ana", PERSON, dm("ana"))
    assert "Added T4" in await say(app, "ana", f"/task add {LAWYER_TASK}; person: P1", dm("ana"))


def fields_in(text: str) -> set[PersonField]:
    return {field for field, shown in SHOWN.items() if shown in text}


async def take(app: App, task: int, who: str = "dee") -> str:
    await say(app, "ana", f"/task assign T{task} {who}", dm("ana"))
    return await say(app, who, f"/task accept T{task}", dm(who))


def test_every_kind_of_task_says_what_it_needs_and_no_more() -> None:
    assert set(NEEDS) == set(TaskKind)  # a new kind must say what it needs
    assert {kind: set(fields) for kind, fields in NEEDS.items()} == EXPECTED
    everything = set().union(*NEEDS.values())
    assert PersonField.NOTES not in everything and PersonField.REPORT not in everything


@pytest.mark.parametrize("kind", list(TaskKind), ids=lambda k: k.value)
async def test_a_volunteer_gets_exactly_the_fields_their_task_needs(
    app: App, kind: TaskKind
) -> None:
    await raid(app)
    accepted = await take(app, TASK_OF_KIND[kind])
    assert "is yours" in accepted
    [details] = [r for r in await outbox_rows(app.store) if r.kind == "task_details"]
    assert details.address == "dee" and details.is_direct
    assert fields_in(details.body) == EXPECTED[kind]
    card = await say(app, "dee", "/person P1", dm("dee"))
    if EXPECTED[kind]:
        assert fields_in(card) == EXPECTED[kind]
        assert "Only what your task needs is shown." in card
    else:
        assert card == (
            "T4 needs none of P1's details, so I do not show them. If you need something, "
            "ask an organizer."
        )
    # The task's own words come with the details of the task they belong to only.
    assert any(s in details.body for s in LAWYER_SECRETS) == (kind is TaskKind.OTHER)


async def test_two_tasks_about_one_person_show_what_either_needs(app: App) -> None:
    await raid(app)
    await take(app, 1)
    await take(app, 2)
    card = await say(app, "dee", "/person P1", dm("dee"))
    assert fields_in(card) == EXPECTED[TaskKind.CALL_CONTACT] | EXPECTED[TaskKind.LEGAL_REFERRAL]
    await say(app, "dee", "/task done T2 referral given", dm("dee"))
    assert (
        fields_in(await say(app, "dee", "/person P1", dm("dee"))) == EXPECTED[TaskKind.CALL_CONTACT]
    )


async def test_organizers_see_everything_in_a_direct_message_only(app: App) -> None:
    await raid(app)
    card = await say(app, "ana", "/person P1", dm("ana"))
    assert fields_in(card) == set(PersonField)
    assert "Only what your task needs" not in card
    refused = await say(app, "ana", "/person P1", ORGANIZERS)
    assert "only shown in a direct message" in refused and not fields_in(refused)


@pytest.mark.parametrize(
    ("end", "by", "told"),
    [
        ("/task done T3 kids are with their aunt", "dee", "T3 is done, so you no longer have"),
        ("/task release T3 car broke", "dee", "Only organizers can see P1's details"),
        ("/task cancel T3", "ana", "T3 was cancelled, so you no longer have"),
        ("/task assign T3 eli", "ana", "Only organizers can see P1's details"),
    ],
    ids=["done", "released", "cancelled", "given to someone else"],
)
async def test_access_ends_with_the_task_and_is_refused_kindly(
    app: App, end: str, by: str, told: str
) -> None:
    await raid(app)
    await take(app, 3)
    assert "Lincoln Elementary" in await say(app, "dee", "/person P1", dm("dee"))
    await say(app, by, end, dm(by))
    refused = await say(app, "dee", "/person P1", dm("dee"))
    assert told in refused
    assert not fields_in(refused)
    if end.startswith("/task done"):
        assert refused == (
            "T3 is done, so you no longer have access to P1's details. Thank you for your "
            "help! If you still need something, ask an organizer."
        )


async def test_the_volunteer_is_asked_to_delete_what_they_kept_when_it_ends(app: App) -> None:
    await raid(app)
    await take(app, 3)
    done = await say(app, "dee", "/task done T3", dm("dee"))
    assert done == (
        "Thank you! T3 is marked done.\n"
        "Please delete the details of T3 you kept: you no longer need them."
    )
    await take(app, 1)
    await say(app, "ana", "/task cancel T1", dm("ana"))
    [cancelled] = [r for r in await outbox_rows(app.store) if "T1 was cancelled" in r.body]
    assert cancelled.address == "dee" and "Please delete the details of T1" in cancelled.body
    # Offered, never accepted: nothing was sent, nothing to delete.
    await say(app, "ana", "/task assign T2 dee", dm("ana"))
    assert "Please delete" not in await say(app, "dee", "/task done T2", dm("dee"))


async def test_a_volunteer_cannot_probe_which_people_exist(app: App) -> None:
    await raid(app)
    there = await say(app, "eli", "/person P1", dm("eli"))
    nobody = await say(app, "eli", "/person P9", dm("eli"))
    assert there == nobody.replace("P9", "P1")
    assert there == (
        "Only organizers can see P1's details, and a volunteer only while they are doing a "
        "task about them."
    )
    assert "There is no person P9" in await say(app, "ana", "/person P9", dm("ana"))


async def test_an_offer_shows_the_kind_and_time_and_the_rest_comes_with_accepting(
    app: App,
) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T4 dee 2h", dm("ana"))
    [offer] = [r for r in await outbox_rows(app.store) if r.kind == "task_offer"]
    assert offer.body.startswith("You are asked to take T4: other task (about P1).\nDue: ")
    assert "I will send you the details when you accept." in offer.body
    assert not any(s in offer.body for s in LAWYER_SECRETS) and not fields_in(offer.body)
    # T4 needs none of P1's details, accepted or not; T1 needs the contact's.
    assert "Only organizers can see P1" in await say(app, "dee", "/person P1", dm("dee"))
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    assert await say(app, "dee", "/person P1", dm("dee")) == (
        "Accept T1 first; then I will send you the details it needs."
    )
    accepted = await say(app, "dee", "/task accept T4", dm("dee"))
    # Said in the direct messages the details go to: they follow, not "are elsewhere".
    assert "The details follow in the next message." in accepted
    assert "in your direct messages" not in accepted
    [details] = [r for r in await outbox_rows(app.store) if r.kind == "task_details"]
    assert f"What to do: {LAWYER_TASK}" in details.body and details.address == "dee"
    assert not fields_in(details.body)
    mine = await say(app, "dee", "/tasks", dm("dee"))
    assert f"T4: {LAWYER_TASK} (about P1) · accepted" in mine
    assert "Marchetti" not in await say(app, "dee", "/tasks", ORGANIZERS)


async def test_the_testers_steps_leak_nothing_to_the_organizer_chat(
    app: App, clock: FakeClock
) -> None:
    await raid(app)
    listing = await say(app, "ana", "/tasks open", ORGANIZERS)
    status = await say(app, "ana", "/status", ORGANIZERS)
    assert "T4: other task (about P1) · open" in listing
    assert "T4: other task (about P1) · open" in status
    for text in (listing, status):
        assert not any(s in text for s in LAWYER_SECRETS), text
    # In a DM the organizer reads the task's words; /status stays codes and kinds.
    assert LAWYER_TASK in await say(app, "ana", "/tasks open", dm("ana"))
    assert "Marchetti" not in await say(app, "ana", "/status", dm("ana"))
    # The whole life of the task, its reminders and escalations: no group hears its words.
    await say(app, "ana", "/task assign T4 dee 1h", dm("ana"))
    await say(app, "dee", "/task accept T4", dm("dee"))
    await say(app, "ana", "/task edit T4 what: also ask about Tobiah's bond amount", dm("ana"))
    clock.advance(timedelta(hours=3))
    await app.fire_due()
    await say(app, "dee", "/task done T4 Tobiah's lawyer has it", dm("dee"))
    rows = await outbox_rows(app.store)
    assert [r for r in rows if not r.is_direct and "T4" in r.body]
    for row in rows:
        if not row.is_direct:
            assert not any(s in row.body for s in LAWYER_SECRETS), (row.kind, row.body)
            assert not fields_in(row.body), (row.kind, row.body)
    [reminder] = [r for r in rows if r.kind == "task_reminder" and "Reminder: T4" in r.body]
    assert "Tobiah" in reminder.body and reminder.address == "dee"  # the holder, privately


async def test_a_task_added_in_a_group_is_not_read_back_there(app: App) -> None:
    await raid(app)
    added = await say(app, "ana", f"/task add {LAWYER_TASK}", ORGANIZERS)
    assert added.startswith("Added T5: other task. Assign it with /task assign T5")
    assert "I show it only in direct messages" in added
    assert not any(s in added for s in LAWYER_SECRETS)
    privately = await say(app, "ana", f"/task add {LAWYER_TASK}", dm("ana"))
    assert privately.startswith(f"Added T6: {LAWYER_TASK}. Assign it with")
    assert "only in direct messages" not in privately


async def test_an_edit_reaches_an_offered_volunteer_without_the_words(app: App) -> None:
    await raid(app)
    await say(app, "ana", "/task assign T4 dee", dm("ana"))
    changed = await say(app, "ana", "/task edit T4 what: visit Tobiah at Krome", dm("ana"))
    assert "T4: visit Tobiah at Krome (about P1)" in changed  # ana, in a DM
    [told] = [r for r in await outbox_rows(app.store) if "T4 was changed" in r.body]
    assert told.address == "dee" and "Tobiah" not in told.body
    assert "Tobiah" not in await say(app, "ana", "/task edit T4 due: 2h", ORGANIZERS)
    await say(app, "dee", "/task accept T4", dm("dee"))
    await say(app, "ana", "/task edit T4 what: visit Tobiah at Krome at noon", dm("ana"))
    again = [r for r in await outbox_rows(app.store) if "T4 was changed" in r.body][-1]
    assert "visit Tobiah at Krome at noon" in again.body  # dee holds it now


async def test_a_spanish_volunteer_hears_it_all_in_spanish(app: App) -> None:
    await raid(app)
    await say(app, "dee", "/idioma es", dm("dee"))
    await say(app, "ana", "/task assign T4 dee", dm("ana"))
    [offer] = [r for r in await outbox_rows(app.store) if r.kind == "task_offer"]
    assert offer.body.startswith("Se le pide que tome T4: otra tarea (sobre P1).")
    assert "Le enviaré los datos cuando acepte." in offer.body and "Tobiah" not in offer.body
    await say(app, "dee", "/tarea aceptar T4", dm("dee"))
    [details] = [r for r in await outbox_rows(app.store) if r.kind == "task_details"]
    assert f"Qué hacer: {LAWYER_TASK}" in details.body
    await take(app, 3)
    assert "Solo se muestra lo que su tarea necesita." in await say(
        app, "dee", "/persona P1", dm("dee")
    )
    hecha = await say(app, "dee", "/tarea hecha T3 los niños están con su tía", dm("dee"))
    assert "Por favor, borre los datos de T3 que haya guardado" in hecha
    assert await say(app, "dee", "/persona P1", dm("dee")) == (
        "T4 no necesita ninguno de los datos de P1, así que no los muestro. Si necesita "
        "algo, pregunte a un organizador."
    )
    await say(app, "dee", "/tarea hecha T4", dm("dee"))
    assert await say(app, "dee", "/persona P1", dm("dee")) == (
        "T3 está hecha, así que ya no tiene acceso a los datos de P1. ¡Gracias por su "
        "ayuda! Si todavía necesita algo, pregunte a un organizador."
    )
