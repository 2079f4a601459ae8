"""Roles on Signal: a role taken away stays taken away after a restart, /roles names
members without a phone number or UUID (and gives the "#12" /role takes), and the last
organizer keeps their role. A restart is a new process: a new App and front end on the
same database file."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import App
from bot.config import Config
from bot.platforms.signal.frontend import SignalFrontEnd
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
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

IDENTITIES = (ANA, BEN, CRUZ, CRUZ_NUMBER, DEE, "+15550000002")


@asynccontextmanager
async def running(
    config: Config, server: FakeSignal, db: Path, clock: FakeClock
) -> AsyncIterator[SignalRig]:
    """One run of the bot: leaving the block is the process stopping."""
    assert config.signal is not None
    app = await App.start(config, db, clock)
    front = SignalFrontEnd(app, config.signal)
    try:
        yield SignalRig(app, front, server)
    finally:
        front.client.close()
        await app.close()


async def test_a_role_taken_away_on_signal_stays_taken_away_after_a_restart(
    signal_config: Config, fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "signal.sqlite3"
    async with running(signal_config, fake_signal, db, clock) as rig:
        fake_signal.deliver(f"/role remove {BEN} verifier", uuid=ANA, name="Ana")
        await rig.exchange()
        ben = await rig.app.members.find("signal", BEN)
        assert ben is not None
        assert fake_signal.to(ANA)[-1] == f"member #{ben.id} now has: no role."
    async with running(signal_config, fake_signal, db, clock) as rig:
        fake_signal.deliver(REPORT, uuid=DEE, group=ORGANIZERS, name="Dee")
        await rig.exchange()
        fake_signal.deliver("/verify R1", uuid=BEN, group=ORGANIZERS, name=None)
        await rig.exchange()
        said = rig.group(ORGANIZERS)
        assert any(m.startswith("Only verifiers and organizers can verify") for m in said)
        assert not any("Verified R1" in m or "R1 VERIFIED" in m for m in said)
        [told] = [m for m in said if m.startswith("Roles on Signal:")]
        assert f"• member #{ben.id}: the config says verifier; my records say no role." in told
        assert not any(identity in told for identity in IDENTITIES)
    async with running(signal_config, fake_signal, db, clock) as rig:
        fake_signal.deliver("/status", uuid=ANA, group=ORGANIZERS, name="Ana")
        await rig.exchange()
        assert len([m for m in rig.group(ORGANIZERS) if m.startswith("Roles on")]) == 1  # once
        ben = await rig.app.members.find("signal", BEN)
        assert ben is not None and ben.roles == frozenset()


async def test_roles_on_signal_names_members_without_their_numbers(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/help", uuid=BEN, number="+15550000002", name="Ben B")  # his profile name
    server.deliver("/roles", uuid=ANA, name="A")  # a direct message
    await signal_rig.exchange()
    listing = server.to(ANA)[-1]
    found = {
        key: await signal_rig.app.members.find("signal", key) for key in (ANA, BEN, CRUZ_NUMBER)
    }
    ana, ben, cruz = (found[key] for key in (ANA, BEN, CRUZ_NUMBER))
    assert ana is not None and ben is not None and cruz is not None
    assert listing.startswith("Who has which role here:\n")
    assert f"• organizer: Ana (organizer) #{ana.id}\n" in listing
    assert f"• verifier: Ben B #{ben.id} and member #{cruz.id}\n" in listing
    assert not any(identity in listing for identity in IDENTITIES)
    assert not re.search(r"\d{7}", listing)  # no phone number, whole or in part

    server.deliver(f"/role remove #{cruz.id} verifier", uuid=ANA, name="A")  # as listed
    await signal_rig.exchange()
    assert server.to(ANA)[-1] == f"member #{cruz.id} now has: no role."
    server.deliver("/role remove #1 organizer", uuid=ANA, name="A")  # the console's ana
    await signal_rig.exchange()
    assert server.to(ANA)[-1].startswith("I don't know “#1” yet.")


async def test_roles_in_the_signal_group_lists_nobody(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/roles", uuid=ANA, group=ORGANIZERS, name="A")
    server.deliver("/roles", uuid=DEE, name="Dee")
    await signal_rig.exchange()
    [answer] = signal_rig.group(ORGANIZERS)
    assert answer == (
        "Who has which role is shown only in a direct message, so nobody else in this "
        "chat learns it. Send me /roles there."
    )
    assert server.to(DEE) == ["Only organizers can see who has which role."]


async def test_the_last_organizer_on_signal_keeps_the_role(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(f"/role remove {ANA} organizer", uuid=ANA, name="A")
    await signal_rig.exchange()
    refused = server.to(ANA)[-1]
    assert refused.startswith("You are the last organizer here")
    assert "give someone else the organizer role (/role add <member> organizer)" in refused
    ana = await signal_rig.app.members.find("signal", ANA)
    assert ana is not None and {r.value for r in ana.roles} == {"organizer"}
