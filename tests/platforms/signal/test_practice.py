"""/practice over Signal: the role-play in a direct message, a hint in a group."""

from __future__ import annotations

from tests.platforms.signal.conftest import CRUZ, CRUZ_NUMBER, DEE, ORGANIZERS, SignalRig


async def test_practice_in_a_signal_direct_message(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/practice", uuid=DEE)
    await signal_rig.exchange()
    assert server.to(DEE)[-1].endswith("Agent: Where were you born?")
    for answer in ("I have papers", "", "no", "I want a lawyer", "/skip"):
        server.deliver(answer or "…", uuid=DEE)
        await signal_rig.exchange()
    said = server.to(DEE)
    assert said[1].startswith("Careful: that answer tells the agent")
    assert said[2].startswith("Well done. You do not have to answer questions about your")
    assert said[-1].startswith("Well done. Do not sign anything without talking to a lawyer.")
    assert "Practice over. You kept your rights in 4 of 5 answers." in said[-1]
    assert server.contract_errors == []


async def test_practice_in_spanish_and_in_a_group(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/practicar", uuid=CRUZ, number=CRUZ_NUMBER, group=ORGANIZERS)
    await signal_rig.exchange()
    [hint] = signal_rig.group(ORGANIZERS)
    assert hint.startswith("Practiquemos en un mensaje privado")
    server.deliver("/practicar", uuid=CRUZ, number=CRUZ_NUMBER)
    await signal_rig.exchange()
    assert server.to(CRUZ_NUMBER)[-1].endswith("Agente: ¿Dónde nació?")
    server.deliver("soy de mexico", uuid=CRUZ, number=CRUZ_NUMBER)
    await signal_rig.exchange()
    corrected = server.to(CRUZ_NUMBER)[-1]
    assert corrected.startswith("Cuidado:") and "Quiero guardar silencio" in corrected
