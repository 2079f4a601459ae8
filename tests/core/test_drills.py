"""Drills: /drill start and stop, what every message says meanwhile, where alerts go,
the drill's own timers, restarts, and nothing of it left afterwards."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.config import Config
from bot.core.models import ReportDraft, ReportState, TaskState, TimerKind
from tests.conftest import member, outbox_rows
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

BANNER = "DRILL — PRACTICE"
BANNER_ES = "SIMULACRO — PRÁCTICA"


async def test_an_organizer_starts_and_stops_a_drill(chat: ChatHarness, app: App) -> None:
    started = await chat.text("ana@organizers: /drill start 45m")
    assert "Drill started. It ends at" in started
    assert started.startswith(f"[organizers] {BANNER}")
    assert "ana started a drill." in started and "alerts go only to: organizers" in started
    assert await app.drills.current() is not None
    stopped = await chat.text("ana@organizers: /drill stop")
    assert "Drill stopped. Deleted: 0 reports, 0 people recorded, and 0 tasks." in stopped
    assert "ana ended the drill." in stopped
    assert BANNER not in stopped  # it is over: this is real again
    assert await app.drills.current() is None


async def test_only_organizers_run_drills(chat: ChatHarness, app: App) -> None:
    for who in ("ben@organizers", "dee@dm", "cruz@dm"):
        answer = await chat.text(f"{who}: /drill start 1h")
        assert "start or stop a drill" in answer or "empezar o terminar" in answer, answer
    assert await app.drills.current() is None
    await chat.say("ana@dm: /drill start")
    answer = await chat.text("eli@dm: /drill stop")
    assert "Only organizers can start or stop a drill." in answer
    assert await app.drills.current() is not None


async def test_spanish_organizers_say_simulacro(config: Config, tmp_path: Path) -> None:
    data = config.model_dump(exclude={"source"}, round_trip=True)
    data["console"]["members"][0]["language"] = "es"  # ana
    app = await App.start(Config.model_validate(data), tmp_path / "es.sqlite3", FakeClock())
    try:
        chat = ChatHarness(app)
        started = await chat.text("ana@dm: /simulacro empezar 2 horas")
        assert BANNER_ES in started and "Simulacro empezado." in started, started
        # The organizer chat reads English: its announcement says DRILL in English.
        assert f"[organizers] {BANNER}" in started
        state = await chat.text("cruz@dm: /simulacro")  # cruz reads Spanish
        assert "Hay un simulacro en curso hasta" in state and BANNER_ES in state
        stopped = await chat.text("ana@dm: /simulacro terminar")
        assert "Simulacro terminado." in stopped and BANNER_ES not in stopped
    finally:
        await app.close()


async def test_refusals_say_what_to_do(chat: ChatHarness) -> None:
    assert "No drill is running. Start one with /drill start 2h." in await chat.text(
        "ana@dm: /drill stop"
    )
    assert "“banana” is not a length of time I understand" in await chat.text(
        "ana@dm: /drill start banana"
    )
    assert "A drill can last at most 12 hours." in await chat.text("ana@dm: /drill start 2d")
    await chat.say("ana@dm: /drill 45m")  # a length alone starts one
    again = await chat.text("ana@dm: /drill start")
    assert "A drill is already running, until" in again and "/drill stop" in again
    assert "A drill is running until" in await chat.text("dee@dm: /drill")


async def test_only_organizers_are_told_how_to_stop_a_drill(chat: ChatHarness) -> None:
    await chat.say("ana@organizers: /drill start 1h")
    volunteer = await chat.text("dee@dm: /drill")
    assert "A drill is running until" in volunteer and "an organizer ends it" in volunteer
    assert "/drill stop" not in volunteer
    verifier = await chat.text("cruz@dm: /simulacro")  # cruz reads Spanish
    assert "Hay un simulacro en curso hasta" in verifier and "un organizador" in verifier
    assert "terminar" not in verifier and "/drill stop" not in verifier
    assert "/drill stop ends it" in await chat.text("ana@dm: /drill")
    await chat.say("ana@organizers: /drill stop")
    assert "/drill" not in await chat.text("dee@dm: /drill")


async def test_a_drill_alert_goes_to_drill_chats_only_and_every_message_says_so(
    chat: ChatHarness, app: App
) -> None:
    await chat.say("ana@organizers: /drill start 1h")
    said = await chat.say("dee@dm: /report where: 5th & Main; what: 2 vans, agents at the door")
    said += await chat.say("ben@organizers: /verify R1 saw them")
    verified = "\n".join(said)
    assert "Verified R1. The alert is going out to: organizers." in verified
    assert in_chat(said, "alerts") == "" and in_chat(said, "alertas") == ""
    assert "VERIFIED ALERT R1" in in_chat(said, "organizers")
    for entry in await outbox_rows(app.store):
        if entry.body:  # a reporter's outcome is blanked once delivered
            assert entry.body.startswith(BANNER), (entry.kind, entry.body)
        assert entry.address not in ("alerts", "alertas")
    report = await app.reports.get(1)
    assert report.drill and report.state is ReportState.VERIFIED  # stats can leave it out


async def test_the_drill_runs_on_its_own_short_timers(app: App, clock: FakeClock) -> None:
    ana = await member(app, "ana")
    await app.drills.start(ana, timedelta(hours=1))
    await app.intake.submit(await member(app, "dee"), ReportDraft(where="5th & Main"))
    await app.people.record_person(ana, 1, {"name": "Rosa Ek", "phone": "5550103333"})
    await app.tasks.assign(ana, 1, await member(app, "eli"))
    clock.advance(timedelta(seconds=4))  # [drill] claim_within = 3s
    await app.fire_due()
    kinds = [row.kind for row in await outbox_rows(app.store)]
    assert "reask" in kinds
    assert "task_reminder" in kinds  # [drill] task_accept_reminder = 2s
    assert "escalation" in kinds  # [drill] task_accept_escalation = 4s
    clock.advance(timedelta(minutes=1))  # [drill] verification_expiry = 1m
    await app.fire_due()
    assert (await app.reports.get(1)).state is ReportState.DISMISSED


async def test_the_drill_ends_when_its_time_is_up_even_after_a_restart(
    config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "restart.sqlite3"
    app = await App.start(config, path, clock)
    try:
        ana = await member(app, "ana")
        await app.drills.start(ana, timedelta(minutes=30))
        await app.intake.submit(await member(app, "dee"), ReportDraft(where="5th & Main"))
        await app.people.record_person(ana, 1, {"name": "Rosa Ek", "phone": "5550103333"})
    finally:
        await app.close()
    app = await App.start(config, path, clock)  # a restart: the drill still runs
    try:
        assert await app.drills.current() is not None
        chat = ChatHarness(app)
        assert BANNER in await chat.text("dee@dm: /help")
    finally:
        await app.close()
    clock.advance(timedelta(hours=2))  # the bot was down when the drill's time ran out
    app = await App.start(config, path, clock)
    try:
        await app.fire_due()  # start-up catches up on what came due
        assert await app.drills.current() is None
        async with app.store.reading() as tx:
            assert await tx.reports.get(1) is None
            assert await tx.people.get(1) is None
            assert await tx.tasks.in_states(TaskState) == []
            left = [t.kind for t in await tx.timers.pending()]
            assert [kind for kind in left if kind is not TimerKind.DAILY_PURGE] == []
        ended = [row.body for row in await outbox_rows(app.store) if row.kind == "drill"]
        assert any("The drill's time is up." in body for body in ended)
        assert "1 report, 1 person recorded, and 2 tasks" in ended[-1]
    finally:
        await app.close()


async def test_news_of_a_real_alert_goes_out_as_usual_during_a_drill(
    chat: ChatHarness, app: App
) -> None:
    """A real alert from before the drill: its all clear reaches the alert chats, unmarked."""
    await chat.say("dee@dm: /report where: 5th & Main; what: 2 vans")
    await chat.say("ben@organizers: /verify R1")
    await chat.say("ana@organizers: /drill start 1h")
    said = await chat.say("ben@organizers: /resolve R1 they left")
    assert "ALL CLEAR" in in_chat(said, "alerts") and BANNER not in in_chat(said, "alerts")
    await chat.say("ana@organizers: /drill stop")
    assert (await app.reports.get(1)).state is ReportState.RESOLVED  # not a drill's: kept


async def test_the_morning_summary_leaves_the_drill_out(app: App, clock: FakeClock) -> None:
    await app.intake.submit(await member(app, "dee"), ReportDraft(where="Oak & 3rd"))
    await app.drills.start(await member(app, "ana"), timedelta(hours=1))
    await app.intake.submit(await member(app, "eli"), ReportDraft(where="5th & Main"))
    async with app.store.transaction() as tx:
        await app.summary.on_timer(tx, None, clock.now())  # type: ignore[arg-type]
    [summary] = [row.body for row in await outbox_rows(app.store) if row.kind == "summary"]
    assert "1 report waiting for a verifier" in summary


async def test_a_drill_report_never_merges_with_a_real_one(chat: ChatHarness, app: App) -> None:
    await chat.say("dee@dm: /report where: 5th & Main; what: 2 vans")  # real, R1
    await chat.say("ana@organizers: /drill start 1h")
    said = await chat.text("eli@dm: /report where: Main & 5th; what: practice, agents")
    assert "Report R2 is with the verifiers" in said  # a report of its own, not R1's
    await chat.say("ana@organizers: /drill stop")
    report = await app.reports.get(1)
    assert report.independent_reports == 1 and not report.drill


async def test_a_question_asked_during_the_drill_ends_with_it(chat: ChatHarness) -> None:
    await chat.say("ana@organizers: /drill start 1h")
    asked = await chat.text("dee@dm: /report ICE is at my door")
    assert "Where exactly is it, for R1?" in asked
    await chat.say("ana@organizers: /drill stop")
    later = await chat.text("dee@dm: 5th & Main")  # the drill's question is gone
    assert "Something went wrong" not in later and "DRILL" not in later


async def test_a_drill_whose_end_gave_up_still_ends_at_start_up(
    config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    """Its end timer is gone (it failed for good): a start gives a running drill its end
    back, and ends one whose time ran out."""
    path = tmp_path / "gave-up.sqlite3"

    async def lose_the_end(app: App, drill_id: int) -> None:
        async with app.store.transaction() as tx:
            await tx.timers.cancel((TimerKind.DRILL_END,), drill_id)

    app = await App.start(config, path, clock)
    try:
        drill = await app.drills.start(await member(app, "ana"), timedelta(minutes=10))
        await lose_the_end(app, drill.id)
        await app.start_timers()
        async with app.store.reading() as tx:
            [end] = [t for t in await tx.timers.for_subject(drill.id) if t.state == "pending"]
        assert end.kind is TimerKind.DRILL_END and end.due_at == drill.ends_at
        await lose_the_end(app, drill.id)
    finally:
        await app.close()
    clock.advance(timedelta(minutes=11))
    app = await App.start(config, path, clock)
    try:
        await app.start_timers()
        assert await app.drills.current() is None
    finally:
        await app.close()


async def test_a_finished_drill_is_forgotten_with_the_audit_log(app: App, clock: FakeClock) -> None:
    ana = await member(app, "ana")
    await app.drills.start(ana, timedelta(minutes=5))
    await app.drills.stop(ana)
    assert (await app.retention.plan())["finished drills"] == 0
    clock.advance(timedelta(days=366))
    assert (await app.retention.purge())["finished drills"] == 1


async def test_a_task_from_before_the_drill_goes_on_for_real(chat: ChatHarness) -> None:
    await chat.say("ana@dm: /detained name: Rosa Ek; phone: 555 010 3333")
    await chat.say("ana@dm: /task assign T1 dee")
    await chat.say("ana@organizers: /drill start 1h")
    said = await chat.say("dee@dm: /task accept T1")
    assert "dee accepted T1." in in_chat(said, "organizers")
    assert BANNER not in in_chat(said, "organizers")  # real work, said as real
    to_dee = in_chat(said, "dm:dee").splitlines()
    details = next(i for i, line in enumerate(to_dee) if "The details for T1:" in line)
    assert to_dee[details - 1] != BANNER  # the details of a real task: not practice


async def test_duty_taken_in_a_drill_ends_with_it_and_a_real_duty_comes_back(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    await chat.say("ben@dm: /duty on 8h Eastside")  # real, before the drill
    await chat.say("ana@organizers: /drill start 30m")
    said = await chat.text("cruz@dm: /turno sí 3h")  # the tester's line
    assert "Está de turno hasta" in said and "termina cuando termine el simulacro" in said
    said = await chat.text("ben@dm: /duty on 2h")  # changed during the drill
    assert "This duty is part of the drill: it ends when the drill does" in said
    during = await chat.text("ana@dm: /status")
    assert "• cruz until" in during and "• ben until" in during
    await chat.say("ana@organizers: /drill stop")
    status = await chat.text("ana@dm: /status")
    assert "cruz" not in status.split("On duty:")[-1]
    assert "• ben until" in status and "(Eastside)" in status  # his real duty, as it was
    assert "No está de turno" in await chat.text("cruz@dm: /turno")
    clock.advance(timedelta(hours=3))
    assert "You are on duty until" in await chat.text("ben@dm: /duty")  # still the 8h
    # The next real report (no area): offered to ben, the only one on duty, not cruz.
    said = await chat.say("dee@dm: /report where: Oak & 9th; what: agents at the door")
    assert "Can you check R1" in in_chat(said, "dm:ben")
    assert in_chat(said, "dm:cruz") == ""


async def test_round_robin_turns_taken_in_a_drill_are_forgotten(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    ben = (await member(app, "ben")).id
    cruz = (await member(app, "cruz")).id
    await chat.say("ben@dm: /duty on")
    await chat.say("dee@dm: /report where: Oak & 9th; what: agents at the door")  # real R1
    async with app.store.reading() as tx:
        before = await tx.dispatch.last_offered([ben, cruz])
    assert set(before) == {ben}
    clock.advance(timedelta(minutes=5))
    await chat.say("ana@organizers: /simulacro empezar 30m")
    await chat.say("cruz@dm: /turno sí")
    await chat.say("eli@dm: /report where: Broadway & 1st; what: practice van")  # drill
    async with app.store.reading() as tx:
        assert set(await tx.dispatch.last_offered([ben, cruz])) == {ben, cruz}
    await chat.say("ana@organizers: /simulacro terminar")
    async with app.store.reading() as tx:
        assert await tx.dispatch.last_offered([ben, cruz]) == before


async def test_a_drill_duty_is_not_offered_a_real_report(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    await chat.say("ben@dm: /duty on 8h")  # real
    said = await chat.say("dee@dm: /report where: Oak & 9th; what: agents at the door")
    assert "Can you check R1" in in_chat(said, "dm:ben")  # real R1, before the drill
    await chat.say("ana@organizers: /drill start 1h")
    await chat.say("cruz@dm: /turno sí 3h")  # practice duty
    before = len(await outbox_rows(app.store))
    clock.advance(timedelta(minutes=11))  # R1's chain asks the next verifiers on duty
    await app.fire_due()
    offers = [r for r in (await outbox_rows(app.store))[before:] if r.kind == "offer"]
    assert offers and {r.address for r in offers} == {"ben"}, offers
