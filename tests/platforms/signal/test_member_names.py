"""Organizers see Signal members by name, never by phone number or UUID.

The name is the one the config gives the member, else the profile name their messages
carry (`sourceName`), else "member #N". The profile name is kept sealed, follows the
member's changes, and is shown as plain text whatever it contains.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.core.models import OutboxEntry
from tests.conftest import outbox_rows
from tests.platforms.signal.conftest import (
    ANA,
    BEN,
    CRUZ,
    CRUZ_NUMBER,
    DEE,
    ORGANIZERS,
    SignalRig,
)
from tests.platforms.signal.test_end_to_end import REPORT

NEWCOMER = "f0000000-0000-4000-8000-000000000006"
IDENTITIES = (ANA, BEN, CRUZ, CRUZ_NUMBER, DEE, NEWCOMER, "+15550000002", "+15550000004")


def in_chats(rows: list[OutboxEntry]) -> list[str]:
    """Everything written for group chats (organizers, alerts) on every platform."""
    return [r.body for r in rows if not r.is_direct]


async def test_organizers_see_who_decided_by_profile_name(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS, name="Dee")
    server.deliver("/verify R1", uuid=BEN, number="+15550000002", group=ORGANIZERS, name="Ben B")
    await signal_rig.exchange()
    [notice] = [m for m in signal_rig.group(ORGANIZERS) if "VERIFIED by" in m]
    assert notice.startswith("R1 VERIFIED by Ben B. Alert sent to:")
    server.deliver("/verificar R1", uuid=CRUZ, number=CRUZ_NUMBER, group=ORGANIZERS, name="C")
    await signal_rig.exchange()
    [already] = [m for m in signal_rig.group(ORGANIZERS) if "Ben B" in m and "R1" in m][1:]
    assert "Ben B" in already and BEN not in already  # "already verified by Ben B", in Spanish


async def test_every_organizer_message_that_names_a_member_uses_a_name(
    signal_rig: SignalRig,
) -> None:
    """A tour of the messages that name someone: decisions, corrections, the "still going
    on" confirmation, roles, task offers and lists. No phone number or UUID in any chat."""
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, number="+15550000004", group=ORGANIZERS, name="Dee")
    server.deliver("/verify R1", uuid=BEN, number="+15550000002", group=ORGANIZERS, name="Ben B")
    await signal_rig.exchange()
    server.deliver("/correct R1 where: 6th & Main", uuid=ANA, group=ORGANIZERS, name="A")
    server.deliver("/still R1 yes", uuid=ANA, group=ORGANIZERS, name="A")
    server.deliver("/help", uuid=NEWCOMER, name=None)  # no profile name at all
    await signal_rig.exchange()
    server.deliver(f"/role add {NEWCOMER} verifier", uuid=ANA, group=ORGANIZERS, name="A")
    server.deliver("/detained R1 name: Rosa Díaz; contact: Marta; phone: +1 555 010 0199", uuid=ANA)
    await signal_rig.exchange()
    server.deliver(f"/task assign T1 {DEE}", uuid=ANA, group=ORGANIZERS, name="A")
    server.deliver("/tasks open", uuid=ANA, group=ORGANIZERS, name="A")
    await signal_rig.exchange()

    said = signal_rig.group(ORGANIZERS)
    member_id = (await signal_rig.app.members.find("signal", NEWCOMER)).id  # type: ignore[union-attr]
    expected = [
        "R1 VERIFIED by Ben B.",
        "R1 corrected by Ana (organizer)",  # the config's name wins over her profile's "A"
        "R1 is still going on, Ana (organizer) confirmed.",
        f"member #{member_id} now has: verifier.",
        "Offered T1 to Dee.",
    ]
    for start in expected:
        assert any(m.startswith(start) for m in said), start
    assert any("T1: call the family contact" in m and " · Dee" in m for m in said)
    rows = await outbox_rows(signal_rig.app.store)
    for body in in_chats(rows):
        assert not any(identity in body for identity in IDENTITIES), body


async def test_a_changed_profile_name_is_used_from_then_on(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS, name="Dee")
    server.deliver("/help", uuid=BEN, name="Old Name")
    server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS, name="Benita")
    await signal_rig.exchange()
    assert any(m.startswith("R1 VERIFIED by Benita.") for m in signal_rig.group(ORGANIZERS))
    member = await signal_rig.app.members.find("signal", BEN)
    assert member is not None and member.name == "Benita"


async def test_a_profile_name_is_plain_text_and_sealed_at_rest(
    signal_rig: SignalRig, tmp_path: Path
) -> None:
    tricky = "Ben \u202e@everyone\nR9 VERIFIED"
    signal_rig.server.deliver(REPORT, uuid=DEE, group=ORGANIZERS, name="Dee")
    signal_rig.server.deliver("/verify R1", uuid=BEN, group=ORGANIZERS, name=tricky)
    await signal_rig.exchange()
    [notice] = [m for m in signal_rig.group(ORGANIZERS) if "VERIFIED by" in m]
    first_line = notice.splitlines()[0]
    assert first_line.startswith("R1 VERIFIED by Ben @everyone R9 VERIFIED.")  # one line
    assert "\u202e" not in notice
    await signal_rig.app.store.checkpoint()
    with sqlite3.connect(tmp_path / "signal.sqlite3") as raw:
        stored = [row[0] for row in raw.execute("SELECT name_sealed FROM members")]
    assert any(value and value.startswith("enc1:") for value in stored)
    assert not any(value and ("Ben" in value or "Dee" in value) for value in stored)


async def test_a_reporters_profile_name_is_not_collected(signal_rig: SignalRig) -> None:
    signal_rig.server.deliver(REPORT, uuid=NEWCOMER, group=ORGANIZERS, name="Rosa M.")
    await signal_rig.exchange()
    reporter = await signal_rig.app.members.find("signal", NEWCOMER)
    assert reporter is not None and reporter.roles == frozenset() and reporter.name is None
