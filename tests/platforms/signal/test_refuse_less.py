"""Over Signal: thanks gets a short answer, a Spanish command is answered in Spanish, and a
dismissal reads its reason from the verifier's own words."""

from __future__ import annotations

from bot.core.models import DismissReason, ReportState
from tests.platforms.signal.conftest import BEN, CRUZ, CRUZ_NUMBER, DEE, ORGANIZERS, SignalRig

NEWCOMER = "f0000000-0000-4000-8000-000000000009"


async def test_a_newcomer_writing_in_spanish_is_answered_in_spanish(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/ayuda", uuid=NEWCOMER)
    await signal_rig.exchange()
    answer, told = server.to(NEWCOMER)
    assert answer.startswith("Lo que puedo hacer:")
    assert told == "Para recibir siempre las respuestas en español, envíe /idioma es."
    server.deliver("/idioma es", uuid=NEWCOMER)  # as the hint says: Spanish from now on
    await signal_rig.exchange()
    server.deliver("gracias!", uuid=NEWCOMER)
    await signal_rig.exchange()
    thanks = server.to(NEWCOMER)[-1]
    assert thanks.startswith("De nada.\nAquí estoy si me necesita: envíe /ayuda.")
    assert "+1 555 0100" in thanks and "/reportar" not in thanks
    assert server.contract_errors == []


async def test_a_dismissal_in_free_words_over_signal(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/report ICE at 5th & Main, 2 vans", uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    server.deliver("/dismiss R1 its just a traffic stop", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    assert any(
        m.startswith("Dismissed R1 (routine presence, not an operation).")
        for m in signal_rig.group(ORGANIZERS)
    )
    report = await signal_rig.app.reports.get(1)
    assert report is not None and report.state is ReportState.DISMISSED
    assert report.dismiss_reason is DismissReason.ROUTINE
    assert report.decision_note == "its just a traffic stop"


async def test_a_slip_in_a_command_word_gives_the_whole_line_back(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver("/report ICE at 5th & Main, 2 vans", uuid=DEE, group=ORGANIZERS)
    await signal_rig.exchange()
    server.deliver("/verfy R1 2 vans agents asking for papers", uuid=BEN)
    await signal_rig.exchange()
    assert "Did you mean: /verify R1 2 vans agents asking for papers\n" in server.to(BEN)[-1]
    server.deliver("/vot R1 10", uuid=CRUZ, number=CRUZ_NUMBER)  # cruz reads Spanish
    await signal_rig.exchange()
    told = (server.to(CRUZ_NUMBER) or server.to(CRUZ))[-1]
    assert told.startswith("No conozco el comando /vot. Quizás quiso decir: /voy R1 10\n")
    report = await signal_rig.app.reports.get(1)
    assert report is not None and report.state is ReportState.PENDING  # nothing ran
    assert server.contract_errors == []
