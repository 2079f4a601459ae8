"""Messages about reports say exactly what happened: counts, who did what, how it ended."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.config import Config
from bot.core.models import DismissReason, ReportDraft
from tests.conftest import member, outbox_rows
from tests.core.test_router import say
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

DRAFT = ReportDraft(where="5th & Main", what="vans")


async def two_people_report(app: App) -> None:
    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.intake.submit(await member(app, "eli"), ReportDraft(where="Main & 5th"))


async def test_a_closed_report_still_counts_everyone_who_reported_it(
    config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    app = await App.start(config, tmp_path / "rrbot.sqlite3", clock)
    try:
        await two_people_report(app)
        await app.decisions.verify(await member(app, "ben"), 1)
        await app.follow_ups.resolve(await member(app, "ben"), 1)
        report = await app.reports.get(1)
        assert report.reporters == frozenset()  # who reported is forgotten once it closes...
        assert report.independent_reports == 2  # ...how many reported is not
        status = await say(app, "ben", "/status")
        assert "R1 · 5th & Main · all clear" in status and "· 2 reports" in status
    finally:
        await app.close()
    reopened = await App.start(config, tmp_path / "rrbot.sqlite3", clock)
    try:
        assert (await reopened.reports.get(1)).independent_reports == 2
    finally:
        await reopened.close()


async def test_the_same_person_twice_is_still_one_report_after_closing(app: App) -> None:
    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.intake.submit(await member(app, "dee"), DRAFT)
    await app.decisions.verify(await member(app, "ben"), 1)
    await app.follow_ups.resolve(await member(app, "ben"), 1)
    assert (await app.reports.get(1)).independent_reports == 1


async def test_an_expired_report_is_listed_as_could_not_verify(app: App, clock: FakeClock) -> None:
    await two_people_report(app)
    await app.intake.submit(await member(app, "dee"), ReportDraft(where="Oak & 9th"))
    await app.decisions.dismiss(await member(app, "ben"), 2, DismissReason.UNVERIFIABLE)
    clock.advance(app.network.verification_expiry)
    await app.fire_due()
    status = await say(app, "ben", "/status")
    assert "R1 · 5th & Main · could not verify (expired)" in status
    assert "· 2 reports" in status
    assert "R2 · Oak & 9th · dismissed" in status  # a verifier decided that one


async def organizer_notices(app: App) -> list[str]:
    return [row.body for row in await outbox_rows(app.store) if row.kind == "update"]


async def test_organizers_hear_what_was_done_to_an_alert_and_by_whom(app: App) -> None:
    await two_people_report(app)
    await say(app, "ben", "/verify R1")
    await say(app, "ana", "/correct R1 where: 5th & Maple; note: wrong street")
    await say(app, "ben", "/resolve R1 they left")
    await say(app, "ana", "/retract R1 it was a film crew")
    corrected, cleared, retracted = await organizer_notices(app)
    assert corrected == (
        "R1 corrected by ana (place). Sent to: alerts and alertas.\nNote: wrong street"
    )
    assert cleared == "All clear for R1 sent by ben. Sent to: alerts and alertas.\nNote: they left"
    assert retracted == (
        "R1 retracted by ana. Sent to: alerts and alertas.\nNote: it was a film crew"
    )
    assert not any("is now" in notice for notice in (corrected, cleared, retracted))


async def test_a_verifier_who_reported_is_not_singled_out_by_the_ping(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    said = await chat.say("ben@dm: /report where: 5th & Main; what: vans")
    card = in_chat(said, "organizers")
    # Every verifier is called, the reporter too: leaving ben out would name him.
    assert card.startswith("@ben @cruz\nNEW REPORT R1")
    assert "If you reported it yourself, another verifier has to check it." in card
    assert "ben" not in card.split("\n", 1)[1]
    clock.advance(app.network.claim_within)
    await app.fire_due()
    [reask] = [row.body for row in await outbox_rows(app.store) if row.kind == "reask"]
    assert "If you reported it yourself, another verifier has to check it." in reask
    # Asked in turn, ben is left out, but organizers read a count, not who was asked.
    assert "I asked the next verifiers directly." in reask and "cruz" not in reask
    offers = [row.address for row in await outbox_rows(app.store) if row.kind == "offer"]
    assert offers == ["cruz"]
    refused = await say(app, "ben", "/verify R1")
    assert "You reported R1 yourself" in refused
