"""/stats on Signal: organizers read the after-action numbers in a direct message;
asked in the organizer group, the numbers go to the asker and the group hears only that."""

from __future__ import annotations

from tests.platforms.signal.conftest import ANA, BEN, CRUZ_NUMBER, DEE, ORGANIZERS, SignalRig
from tests.platforms.signal.test_end_to_end import REPORT


async def test_an_organizer_reads_the_numbers_on_signal(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, group=ORGANIZERS, name="Dee")
    await signal_rig.exchange()
    server.deliver("/verify R1 saw them", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    server.deliver("/stats", uuid=ANA)
    await signal_rig.exchange()
    numbers = server.to(ANA)[-1]
    assert "Numbers for the last 7 days" in numbers
    assert "• confirmed: 1 (100%)" in numbers
    assert "Time to claim: no claims recorded" in numbers
    assert "5th & Main" not in numbers and "Dee" not in numbers


async def test_asked_in_the_group_the_numbers_go_privately(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/stats 30d", uuid=ANA, group=ORGANIZERS)
    await signal_rig.exchange()
    assert signal_rig.group(ORGANIZERS)[-1] == "I sent you the numbers privately."
    assert "Numbers for the last 30 days" in server.to(ANA)[-1]
    assert not any("Numbers for" in m for m in signal_rig.group(ORGANIZERS))


async def test_a_verifier_is_told_only_organizers_see_them(signal_rig: SignalRig) -> None:
    signal_rig.server.deliver("/cifras", uuid=CRUZ_NUMBER)
    await signal_rig.exchange()
    assert signal_rig.server.to(CRUZ_NUMBER)[-1] == (
        "Solo los organizadores pueden ver las cifras de la red."
    )
