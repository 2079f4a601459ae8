"""Report lifecycle in the core: transitions, the messages each writes, exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.errors import UserError
from bot.core.models import Agency, DismissReason, ReportDraft, ReportState, Sign, Source
from bot.core.report_follow_ups import Correction
from bot.core.report_intake import SubmissionKind
from tests.conftest import member, outbox_rows, report_count
from tests.core.test_router import say
from tests.fakes.clock import FakeClock

DRAFT = ReportDraft(
    where="5th & Main",
    what="two ICE vans, agents questioning people",
    agency=Agency.ICE,
    signs=(Sign.BUSES, Sign.QUESTIONING),
    source=Source.FIRST_HAND,
    media=("photo1.jpg",),
)


async def submitted(app: App, reporter: str = "dee", draft: ReportDraft = DRAFT) -> int:
    submission = await app.intake.submit(await member(app, reporter), draft)
    return submission.report.id


async def rows_by_kind(app: App) -> dict[str, list[tuple[str, bool]]]:
    found: dict[str, list[tuple[str, bool]]] = {}
    for row in await outbox_rows(app.store):
        found.setdefault(row.kind, []).append((row.address, row.is_direct))
    return found


async def test_a_new_report_is_pending_and_only_reaches_the_organizer_chat(app: App) -> None:
    submission = await app.intake.submit(await member(app, "dee"), DRAFT)
    report = submission.report
    assert submission.kind is SubmissionKind.NEW
    assert (report.code, report.state) == ("R1", ReportState.PENDING)
    rows = await outbox_rows(app.store)
    assert [(r.kind, r.address, r.ping) for r in rows] == [
        ("new_report", "organizers", "verifiers")
    ]
    assert "NOT VERIFIED" in rows[0].body
    assert "dee" not in rows[0].body


async def test_verify_broadcasts_once_to_every_target_in_the_same_transaction(app: App) -> None:
    report_id = await submitted(app)
    report = await app.decisions.verify(await member(app, "ben"), report_id, "saw them")
    assert report.state is ReportState.VERIFIED
    kinds = await rows_by_kind(app)
    assert kinds["alert"] == [("alerts", False), ("alertas", False)]
    assert kinds["decision"] == [("organizers", False)]
    alerts = [r for r in await outbox_rows(app.store) if r.kind == "alert"]
    english, spanish = alerts[0].body, alerts[1].body
    assert "VERIFIED ALERT R1" in english and "ALERTA VERIFICADA R1" in spanish
    for text in ("5th & Main", "saw them", "ICE", "+1 555 0100"):
        assert text in english and text in spanish
    # What the verifier saw is the alert's description, not the reporter's words.
    assert "two ICE vans" not in english and "two ICE vans" not in spanish
    # The rights lines are the rights card's alert lines (tests/i18n/test_rights.py).
    assert "• You have the right to remain silent and to ask for a lawyer." in english
    assert "• Do not sign anything." in english
    assert "• Tiene derecho a guardar silencio y a pedir un abogado." in spanish
    assert "• No firme nada." in spanish


async def test_dismiss_closes_with_a_reason_and_broadcasts_nothing(app: App) -> None:
    for reason in DismissReason:
        report_id = await submitted(app, draft=ReportDraft(where=f"{reason.value} street"))
        report = await app.decisions.dismiss(await member(app, "cruz"), report_id, reason, "lunch")
        assert (report.state, report.dismiss_reason) == (ReportState.DISMISSED, reason)
    assert "alert" not in await rows_by_kind(app)


async def test_resolve_goes_to_exactly_the_chats_that_got_the_alert(app: App) -> None:
    report_id = await submitted(app)
    await app.decisions.verify(await member(app, "ben"), report_id)
    done = await app.follow_ups.resolve(await member(app, "cruz"), report_id, "they left")
    assert done.report.state is ReportState.RESOLVED
    assert done.targets == ("alerts", "alertas")
    rows = [r for r in await outbox_rows(app.store) if r.kind == "resolved"]
    assert [r.address for r in rows] == ["alerts", "alertas"]
    assert "ALL CLEAR R1" in rows[0].body and "DESPEJADO R1" in rows[1].body


async def test_correct_updates_the_report_and_tells_everyone_who_got_it(app: App) -> None:
    report_id = await submitted(app)
    await app.decisions.verify(await member(app, "ben"), report_id)
    done = await app.follow_ups.correct(
        await member(app, "ana"),
        report_id,
        Correction(where="5th & Maple", agency=Agency.CBP),
        "wrong street",
    )
    assert (done.report.where, done.report.agency) == ("5th & Maple", Agency.CBP)
    assert done.report.state is ReportState.VERIFIED
    rows = [r for r in await outbox_rows(app.store) if r.kind == "corrected"]
    assert [r.address for r in rows] == ["alerts", "alertas"]
    assert "CORRECTION to alert R1" in rows[0].body and "5th & Maple" in rows[0].body
    assert "place and agency" in rows[0].body


@pytest.mark.parametrize("after_resolve", [False, True])
async def test_retract_withdraws_a_verified_or_resolved_alert(
    app: App, after_resolve: bool
) -> None:
    report_id = await submitted(app)
    await app.decisions.verify(await member(app, "ben"), report_id)
    if after_resolve:
        await app.follow_ups.resolve(await member(app, "ben"), report_id)
    done = await app.follow_ups.retract(await member(app, "ana"), report_id, "a film crew")
    assert done.report.state is ReportState.RETRACTED
    rows = [r for r in await outbox_rows(app.store) if r.kind == "retracted"]
    assert [r.address for r in rows] == ["alerts", "alertas"]
    assert "RETRACTED R1" in rows[0].body


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ("pending", "resolve"),
        ("pending", "correct"),
        ("pending", "retract"),
        ("dismissed", "verify"),
        ("dismissed", "resolve"),
        ("dismissed", "retract"),
        ("verified", "verify"),
        ("verified", "dismiss"),
        ("resolved", "verify"),
        ("resolved", "resolve"),
        ("resolved", "correct"),
        ("retracted", "correct"),
        ("retracted", "retract"),
    ],
)
async def test_illegal_transitions_are_refused_and_change_nothing(
    app: App, setup: str, action: str
) -> None:
    ana, ben = await member(app, "ana"), await member(app, "ben")
    report_id = await submitted(app)
    if setup == "dismissed":
        await app.decisions.dismiss(ben, report_id, DismissReason.FALSE_ALARM)
    if setup in ("verified", "resolved", "retracted"):
        await app.decisions.verify(ben, report_id)
    if setup == "resolved":
        await app.follow_ups.resolve(ben, report_id)
    if setup == "retracted":
        await app.follow_ups.retract(ana, report_id)
    before = (await app.reports.get(report_id), await outbox_rows(app.store))
    calls = {
        "verify": lambda: app.decisions.verify(ana, report_id),
        "dismiss": lambda: app.decisions.dismiss(ana, report_id, DismissReason.ROUTINE),
        "resolve": lambda: app.follow_ups.resolve(ana, report_id),
        "correct": lambda: app.follow_ups.correct(ana, report_id, Correction(what="x")),
        "retract": lambda: app.follow_ups.retract(ana, report_id),
    }
    with pytest.raises(UserError):
        await calls[action]()
    assert (await app.reports.get(report_id), await outbox_rows(app.store)) == before


async def test_a_second_decision_is_refused_politely_naming_the_first(app: App) -> None:
    report_id = await submitted(app)
    await app.decisions.verify(await member(app, "ben"), report_id)
    with pytest.raises(UserError) as refused:
        await app.decisions.dismiss(await member(app, "cruz"), report_id, DismissReason.ROUTINE)
    text = app.renderer.render(refused.value.message, "en")
    assert text.startswith("R1 was already decided: verified by ben")


async def test_two_verifiers_pressing_at_once_produce_one_broadcast(app: App) -> None:
    report_id = await submitted(app)
    ben, cruz, ana = [await member(app, n) for n in ("ben", "cruz", "ana")]
    results = await asyncio.gather(
        app.decisions.verify(ben, report_id),
        app.decisions.verify(cruz, report_id),
        app.decisions.dismiss(ana, report_id, DismissReason.ROUTINE),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, UserError) for r in results if isinstance(r, BaseException))
    kinds = await rows_by_kind(app)
    expected_alerts = 2 if winners[0].state is ReportState.VERIFIED else 0
    assert len(kinds.get("alert", [])) == expected_alerts
    assert len(kinds["decision"]) == 1


async def test_a_thousand_concurrent_presses_still_broadcast_once(app: App) -> None:
    report_id = await submitted(app)
    ben, cruz = await member(app, "ben"), await member(app, "cruz")
    results = await asyncio.gather(
        *(app.decisions.verify(ben if i % 2 else cruz, report_id) for i in range(1000)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert len((await rows_by_kind(app))["alert"]) == 2


async def test_unknown_report_codes_are_refused(app: App) -> None:
    with pytest.raises(UserError) as refused:
        await app.decisions.verify(await member(app, "ben"), 42)
    assert "There is no report R42" in app.renderer.render(refused.value.message, "en")


async def test_every_change_is_audited_without_report_text(app: App) -> None:
    report_id = await submitted(app)
    await app.decisions.verify(await member(app, "ben"), report_id)
    await app.follow_ups.resolve(await member(app, "ben"), report_id)
    async with app.store.reading() as tx:
        entries = await tx.audit.entries("R1")
    assert [e["action"] for e in entries] == [
        "report.submitted",
        "report.verified",
        "report.resolved",
    ]
    assert "5th" not in repr(entries) and "vans" not in repr(entries)


# -- corroboration ------------------------------------------------------------------


async def test_a_second_report_of_the_same_place_corroborates(app: App) -> None:
    first = await submitted(app, "dee")
    second = await app.intake.submit(
        await member(app, "eli"), ReportDraft(where="Main St and 5th Street", what="vans too")
    )
    assert second.kind is SubmissionKind.CORROBORATION
    assert second.report.id == first
    assert second.report.independent_reports == 2
    cards = [r for r in await outbox_rows(app.store) if r.kind == "corroboration"]
    assert [c.address for c in cards] == ["organizers"]
    assert "2 independent reports" in cards[0].body


async def test_the_same_person_again_is_not_an_independent_report(app: App) -> None:
    await submitted(app, "dee")
    again = await app.intake.submit(await member(app, "dee"), DRAFT)
    assert again.kind is SubmissionKind.REPEAT
    assert again.report.independent_reports == 1


async def test_outside_the_window_or_after_dismissal_is_a_new_report(
    app: App, clock: FakeClock
) -> None:
    first = await submitted(app, "dee")
    clock.advance(app.network.corroboration_window.total_seconds() + 1)
    assert await submitted(app, "eli") != first
    third = await submitted(app, "dee", ReportDraft(where="Oak & 9th"))
    await app.decisions.dismiss(await member(app, "ben"), third, DismissReason.FALSE_ALARM)
    assert await submitted(app, "eli", ReportDraft(where="9th and Oak")) != third


async def test_a_corroborator_cannot_verify_either(app: App) -> None:
    report_id = await submitted(app, "dee")
    await app.intake.submit(await member(app, "ben"), DRAFT)  # ben saw it too
    with pytest.raises(UserError) as refused:
        await app.decisions.verify(await member(app, "ben"), report_id)
    assert "two-person rule" in app.renderer.render(refused.value.message, "en")
    await app.decisions.verify(await member(app, "cruz"), report_id)


async def test_a_known_location_carries_a_caution_for_verifiers(app: App) -> None:
    await submitted(app, draft=ReportDraft(where="outside the Federal Building", what="agents"))
    card = (await outbox_rows(app.store))[0].body
    assert "near the federal building" in card
    assert "routine business" in card


# -- rate limit -----------------------------------------------------------------------


async def test_a_member_who_floods_is_refused_kindly_and_organizers_hear_it_once(
    app: App, clock: FakeClock
) -> None:
    limit = app.network.reports_per_hour
    for n in range(limit):
        await say(app, "eli", f"/report where: {n} Oak St; what: vans")
        clock.advance(60)
    refused = await say(app, "eli", "/report where: 99 Oak St; what: vans")
    assert f"You have sent {limit} reports within an hour" in refused
    assert "+1 555 0100" in refused  # the hotline, for a real emergency
    assert await report_count(app.store) == limit  # nothing was stored
    await say(app, "eli", "/report where: 98 Oak St; what: vans")  # still refused
    notices = [row for row in await outbox_rows(app.store) if row.kind == "delivery_problem"]
    assert len(notices) == 1 and "A member has sent 6 reports" in notices[0].body
    assert "eli" not in notices[0].body  # no reporter is ever named to the organizers
    assert not notices[0].is_direct

    # Others are not slowed or limited, and organizers (who relay hotline calls) never are.
    assert "Report R" in await say(app, "dee", "/report where: 1 Pine St; what: bus")
    for n in range(limit + 2):
        assert "within an hour" not in await say(app, "ana", f"/report where: {n} Elm; what: x")

    # An hour after the first, eli may report again.
    clock.advance(timedelta(hours=1) - timedelta(seconds=60 * limit) + timedelta(seconds=1))
    assert "within an hour" not in await say(app, "eli", "/report where: 97 Oak St; what: vans")


async def test_corroborations_count_towards_the_limit(app: App, clock: FakeClock) -> None:
    for _ in range(app.network.reports_per_hour):
        await say(app, "eli", "/report where: 5 Oak St; what: vans")
    assert "within an hour" in await say(app, "eli", "/report where: 5 Oak St; what: vans")


async def test_who_may_not_decide_cannot_probe_which_reports_exist(app: App) -> None:
    dee = await member(app, "dee")
    for code in (1, 99):  # R1 does not exist yet, R99 never will: the same answer
        with pytest.raises(UserError, match="Only verifiers and organizers"):
            await app.decisions.verify(dee, code)
