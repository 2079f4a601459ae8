"""/practice: the bot plays an agent, the member answers, the bot coaches (console)."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from bot.core.practice import Verdict, judge
from bot.core.rights import PRACTICE_KINDS, cards
from bot.i18n import available_languages
from tests.conftest import EXAMPLE_CONFIG, report_count
from tests.core.test_router import ALERTS, ORGANIZERS, dm, say
from tests.fakes.clock import FakeClock

EN = cards()["en"].practice
ES = cards()["es"].practice
REMAIN_SILENT = 'You can say: "I want to remain silent."'


async def test_a_practice_in_english_praises_silence_and_corrects_a_birthplace(app: App) -> None:
    started = await say(app, "dee", "/practice", dm("dee"))
    assert "I will play an immigration agent" in started
    assert "nothing you write here is reported" in started
    assert started.endswith("Agent: Where were you born?")

    born = await say(app, "dee", "I'm from Guatemala", dm("dee"))
    assert born.startswith("Careful: that answer tells the agent something about you")
    assert "Do not answer questions about where you were born. " + REMAIN_SILENT in born
    assert born.endswith("Agent: Are you here legally? Show me your papers.")

    silent = await say(app, "dee", "…", dm("dee"))
    assert silent.startswith("Well done. You do not have to answer questions about your imm")
    assert silent.endswith("Agent: Open the door. We just want to talk.")

    door = await say(app, "dee", "ok ill open it", dm("dee"))
    assert door.startswith("Careful: that gives the agent what they asked for.")
    assert "Do not open the door. An ICE form (I-200, I-205) is not a judge's warrant." in door

    entry = await say(app, "dee", "i wnat a lawyr", dm("dee"))  # typos and all
    assert entry.startswith("Well done. Agents may lie or make promises")
    assert entry.endswith("Agent: Sign this and you can go home.")

    done = await say(app, "dee", "I do not consent, I won't sign anything", dm("dee"))
    assert done.startswith("Well done. Do not sign anything without talking to a lawyer.")
    assert "Practice over. You kept your rights in 3 of 5 answers." in done
    assert "• Remain silent." in done  # the card's urgent lines to take away
    assert done.endswith("Practise again any time with /practice. Your rights card: /rights")
    # Over: the next words are ordinary words again.
    assert "If you or someone near you is in danger" in await say(app, "dee", "hi", dm("dee"))


async def test_a_practice_in_spanish(app: App) -> None:
    # cruz reads Spanish; "/practicar" is the Spanish name of the command.
    started = await say(app, "cruz", "/practicar", dm("cruz"))
    assert "Yo haré de agente de inmigración" in started
    assert started.endswith("Agente: ¿Dónde nació?")
    born = await say(app, "cruz", "soy de mexico", dm("cruz"))
    assert born.startswith("Cuidado:")
    assert 'sobre dónde nació. Puede decir: "Quiero guardar silencio."' in born
    assert born.endswith("Agente: ¿Está aquí legalmente? Enséñeme sus papeles.")
    status = await say(app, "cruz", "tengo papeles", dm("cruz"))
    assert status.startswith("Cuidado:") and "estatus migratorio" in status
    door = await say(app, "cruz", "no abro, no doy mi consentimiento", dm("cruz"))
    assert door.startswith("Muy bien. Mantenga la puerta cerrada.")
    entry = await say(app, "cruz", "/saltar", dm("cruz"))  # silence, typed as a command
    assert entry.startswith("Muy bien.")
    sign = await say(app, "cruz", "no firmo nada", dm("cruz"))
    assert sign.startswith("Muy bien. No firme nada sin hablar con un abogado.")
    assert "3 de 5 respuestas" in sign


@pytest.mark.parametrize(
    ("kind", "answer", "verdict"),
    [
        ("born", "", Verdict.SILENT),
        ("born", "...", Verdict.SILENT),
        ("born", "/skip", Verdict.SILENT),
        ("born", "🤐", Verdict.SILENT),
        ("born", "I want to remain silent", Verdict.SILENT),
        ("born", "quiero guardar silencio", Verdict.SILENT),
        ("born", "Guatemala", Verdict.TOLD),
        ("born", "naci en honduras", Verdict.TOLD),
        ("born", "Soy de México pero quiero un abogado", Verdict.TOLD),  # told them anyway
        ("born", "what do you want from me", Verdict.OTHER),
        ("status", "I have papers", Verdict.TOLD),
        ("status", "yes", Verdict.TOLD),
        ("status", "no", Verdict.TOLD),  # "no" answers "are you here legally?"
        ("status", "I have a green card", Verdict.TOLD),
        ("status", "pero quiero un abogado", Verdict.SILENT),  # "pero" is not Peru
        ("door", "no", Verdict.SILENT),
        ("door", "do you have a warrant?", Verdict.SILENT),
        ("door", "ok", Verdict.GAVE_IN),
        ("door", "ya voy", Verdict.GAVE_IN),
        ("entry", "I crossed the river", Verdict.TOLD),
        ("entry", "cruce por el rio", Verdict.TOLD),
        ("entry", "I came with a visa", Verdict.TOLD),
        ("sign", "I will not sign", Verdict.SILENT),
        ("sign", "I will sign", Verdict.GAVE_IN),
        ("sign", "no firmo nada", Verdict.SILENT),
        ("sign", "where do i sign", Verdict.GAVE_IN),
        ("sign", "我什么都不签", Verdict.SILENT),
    ],
)
def test_how_answers_are_read(kind: str, answer: str, verdict: Verdict) -> None:
    assert judge(kind, answer) is verdict


def test_the_script_is_the_rights_card_files() -> None:
    """Reviewers read the script where they read the card: its === practice === part."""
    folder = resources.files("bot.content").joinpath("rights")
    for language in sorted(available_languages()):
        raw = folder.joinpath(f"{language}.md").read_text(encoding="utf-8")
        card = cards()[language]
        assert "=== practice ===" in raw and card.practice_intro in raw
        assert len(card.practice) == len(PRACTICE_KINDS) == 5
        for step in card.practice:
            assert f"> {step.agent}\n" in raw and f"+ {step.praise}\n" in raw
            assert f"! {step.correction}" in raw
            assert all(0 < len(line) <= 300 for line in (step.agent, step.praise, step.correction))
    assert [step.agent for step in EN] == [
        "Where were you born?",
        "Are you here legally? Show me your papers.",
        "Open the door. We just want to talk.",
        "How did you get into the country? Just tell us and this will be over.",
        "Sign this and you can go home.",
    ]
    assert ES[0].agent == "¿Dónde nació?" and ES[4].agent == "Firme aquí y se puede ir a su casa."
    # Each correction is the card's own rights line, in the words of the short card.
    assert "Do not answer questions about where you were born" in cards()["en"].text
    assert EN[0].correction.startswith("Do not answer questions about where you were born")


@pytest.mark.parametrize("language", sorted(available_languages()))
async def test_every_language_practises_from_its_own_card(app: App, language: str) -> None:
    await say(app, "dee", f"/lang {language}", dm("dee"))
    started = await say(app, "dee", "/practice", dm("dee"))
    card = cards()[language]
    assert card.practice_intro in started and started.endswith(card.practice[0].agent)
    praised = await say(app, "dee", "…", dm("dee"))
    assert praised.startswith(card.practice[0].praise)
    corrected = await say(app, "dee", "Guatemala", dm("dee"))
    assert card.practice[1].correction in corrected


async def test_the_review_status_of_the_cards_is_shown(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreviewed = "This practice script has not been reviewed by the community yet."
    assert not cards()["en"].reviewed
    assert unreviewed in await say(app, "dee", "/practice", dm("dee"))
    monkeypatch.setitem(cards(), "en", cards()["en"].__class__(
        **{**cards()["en"].__dict__, "review": "reviewed"}
    ))  # fmt: skip
    assert unreviewed not in await say(app, "dee", "/practice", dm("dee"))


async def test_in_a_group_it_asks_for_a_private_message(app: App) -> None:
    for chat in (ORGANIZERS, ALERTS):
        answer = await say(app, "dee", "/practice", chat)
        assert answer == (
            "Let's practise in a private message, where nobody else reads your answers: "
            "send me /practice there."
        )
    # Nothing started: a direct message is not taken for an answer to the agent.
    assert "If you or someone near you is in danger" in await say(app, "dee", "hello?", dm("dee"))


@pytest.mark.parametrize("stop", ["/stop", "stop", "/cancel", "parar"])
async def test_stop_ends_it_with_a_summary(app: App, stop: str) -> None:
    await say(app, "dee", "/practice", dm("dee"))
    await say(app, "dee", "-", dm("dee"))
    await say(app, "dee", "I'm legal", dm("dee"))
    stopped = await say(app, "dee", stop, dm("dee"))
    assert stopped.startswith("Practice over. You kept your rights in 1 of 2 answers.")
    assert "There is nothing to stop." in await say(app, "dee", "/stop", dm("dee"))


async def test_stop_before_any_answer(app: App) -> None:
    await say(app, "dee", "/practice", dm("dee"))
    assert await say(app, "dee", "/stop", dm("dee")) == (
        "Practice stopped. Send /practice to try it any time."
    )


async def test_a_real_report_during_practice_is_still_a_report(app: App) -> None:
    await say(app, "dee", "/practice", dm("dee"))
    filed = await say(app, "dee", "/report ICE vans at 5th & Main right now", dm("dee"))
    assert "Report R1 is with the verifiers" in filed
    slipped = await say(app, "dee", "/reprot ICE at the Food Lion on Oak St", dm("dee"))
    assert "Report R2 is with the verifiers" in slipped
    assert await report_count(app.store) == 2
    # The practice is where it was.
    assert (await say(app, "dee", "…", dm("dee"))).startswith("Well done. You never have to say")


async def test_a_practice_left_for_half_an_hour_is_over(app: App, clock: FakeClock) -> None:
    await say(app, "dee", "/practice", dm("dee"))
    clock.advance(timedelta(minutes=31))
    answer = await say(app, "dee", "la migra esta en mi puerta", dm("dee"))
    assert "Careful" not in answer and "Agent:" not in answer
    assert "If you or someone near you is in danger now, call:" in answer  # not lost


async def test_it_waits_for_a_person_being_recorded(app: App) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    await say(app, "ana", "Rosa Díaz", dm("ana"))
    refused = await say(app, "ana", "/practice", dm("ana"))
    assert refused.startswith("Finish what you are recording first, or send /cancel")
    assert "Who should we call for them?" in await say(app, "ana", "1985-02-11", dm("ana"))


async def test_a_restart_in_the_middle_loses_nothing(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "p.sqlite3"
    app = await App.start(load_config(EXAMPLE_CONFIG), db, clock)
    try:
        await say(app, "dee", "/practice", dm("dee"))
        await say(app, "dee", "…", dm("dee"))
    finally:
        await app.close()
    app = await App.start(load_config(EXAMPLE_CONFIG), db, clock)
    try:
        answer = await say(app, "dee", "yes", dm("dee"))
        assert "immigration status" in answer
        assert answer.endswith("Agent: Open the door. We just want to talk.")
    finally:
        await app.close()


async def test_nothing_the_member_answers_is_kept(app: App) -> None:
    await say(app, "dee", "/practice", dm("dee"))
    await say(app, "dee", "I was born in Quetzaltenango", dm("dee"))
    dee = await app.members.find("console", "dee")
    assert dee is not None
    async with app.store.reading() as tx:
        dialog = await tx.dialogs.get(dee.id)
    assert dialog is not None and dialog.data == {"right": "0"}
