"""Need to know on Signal: in a direct message a volunteer reads only what their task
needs, only while it is theirs; no group hears a person's details or a task's words."""

from __future__ import annotations

import pytest

from tests.platforms.signal.conftest import ALERTAS, ALERTS, ANA, BEN, DEE, ORGANIZERS, SignalRig

REPORT = "/report where: 5th & Main; what: 2 ICE vans; agency: ICE; source: first-hand"
PERSON = (
    "/detained R1 name: Rosa Díaz; dob: 1985-02-11; contact: Marta Salgado; relation: "
    "sister; phone: +1 555 010 0199; language: Spanish; notes: diabetic"
)
LAWYER_TASK = "call Tobiah Marchetti-Oyelaran's lawyer about the bond hearing, +1 555 019 4432"
SECRETS = ("Rosa", "1985-02-11", "diabetic", "Marta", "010-0199", "Tobiah", "019 4432")


async def raid(rig: SignalRig) -> None:
    """R1 verified in the organizer group; P1 recorded by Ana in a DM (T1 call the
    family, T2 legal referral) and T3 in her own words; Dee has written to the bot."""
    server = rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS)
    await rig.exchange()
    server.deliver(PERSON, uuid=ANA)
    server.deliver(f"/task add {LAWYER_TASK}; person: P1", uuid=ANA)
    server.deliver("/help", uuid=DEE)
    await rig.exchange()


async def dee_says(rig: SignalRig, text: str) -> str:
    before = len(rig.server.to(DEE))
    rig.server.deliver(text, uuid=DEE)
    await rig.exchange()
    return "\n".join(rig.server.to(DEE)[before:])


def groups_clean(rig: SignalRig) -> None:
    for group in (ORGANIZERS, ALERTS, ALERTAS):
        for text in rig.group(group):
            assert not any(secret in text for secret in SECRETS), text


@pytest.mark.parametrize(
    ("end", "by", "told"),
    [
        ("/task done T2 referral given", DEE, "T2 is done, so you no longer have access"),
        ("/task release T2 cannot make it", DEE, "Only organizers can see P1's details"),
        ("/task cancel T2", ANA, "T2 was cancelled, so you no longer have access"),
    ],
    ids=["done", "released", "cancelled"],
)
async def test_a_legal_referral_shows_the_name_and_birth_date_until_it_ends(
    signal_rig: SignalRig, end: str, by: str, told: str
) -> None:
    await raid(signal_rig)
    server = signal_rig.server
    server.deliver(f"/task assign T2 {DEE}", uuid=ANA)
    await signal_rig.exchange()
    assert "Accept T2 first" in await dee_says(signal_rig, "/person P1")
    accepted = await dee_says(signal_rig, "/task accept T2")
    # What attorneys and the detainee locator ask for; not the family or the notes.
    assert "P1: Rosa Díaz" in accepted and "Date of birth: 1985-02-11" in accepted
    assert "Marta" not in accepted and "010-0199" not in accepted and "diabetic" not in accepted
    card = await dee_says(signal_rig, "/person P1")
    assert "Rosa Díaz" in card and "1985-02-11" in card and "Marta" not in card
    server.deliver(end, uuid=by)
    await signal_rig.exchange()
    refused = await dee_says(signal_rig, "/person P1")
    assert refused.startswith(told)
    assert not any(secret in refused for secret in SECRETS)
    groups_clean(signal_rig)


async def test_the_testers_steps_in_the_organizer_group(signal_rig: SignalRig) -> None:
    await raid(signal_rig)
    server = signal_rig.server
    server.deliver("/tasks open", uuid=ANA, group=ORGANIZERS)
    server.deliver("/status", uuid=ANA, group=ORGANIZERS)
    await signal_rig.exchange()
    listing, status = signal_rig.group(ORGANIZERS)[-2:]
    assert "T3: other task (about P1) · open" in listing
    assert "T3: other task (about P1) · open" in status
    server.deliver(f"/task assign T3 {DEE}", uuid=ANA)
    await signal_rig.exchange()
    offer = server.to(DEE)[-1]
    assert offer.startswith("You are asked to take T3: other task (about P1).")
    assert "Tobiah" not in offer
    accepted = await dee_says(signal_rig, "/task accept T3")
    assert f"What to do: {LAWYER_TASK}" in accepted and "Rosa" not in accepted
    await dee_says(signal_rig, "/task done T3 Tobiah's lawyer has it")
    groups_clean(signal_rig)
