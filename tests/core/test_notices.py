"""Notices to organizers never name a member: a direct address is nobody's business.

A reporter whose direct messages are closed (Discord's 50007, an unregistered Signal
number) is not a dead chat organizers could fix; telling them "I cannot post in
<member> any more" right after a verification would tie the reporter to the report.
The same goes for the flood notice. These tests run on every platform's kind of
address through the delivery worker that all front ends share.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.errors import UserError
from bot.core.models import MessageKind, OutboxEntry, ReportDraft
from bot.delivery import DeliveryError, OutboxWorker
from bot.i18n import Trusted
from tests.conftest import member, outbox_rows
from tests.fakes.clock import FakeClock

# One member's direct address on each platform.
ADDRESSES = {
    "console": "zoe",
    "signal": "f1000000-0000-4000-8000-000000000009",
    "discord": "920000000000000006",
}


class ClosedDirectMessages:
    """Delivers to chats; every direct message is refused for good, as a closed one is."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.delivered: list[OutboxEntry] = []

    async def send(self, entry: OutboxEntry) -> str | None:
        if entry.is_direct:
            raise DeliveryError("direct messages closed", permanent=True)
        self.delivered.append(entry)
        return None


@pytest.mark.parametrize("platform", sorted(ADDRESSES))
async def test_no_notice_names_a_direct_address(app: App, clock: FakeClock, platform: str) -> None:
    address = ADDRESSES[platform]
    reporter = await app.members.identify(platform, address)
    told: list[str] = []

    async def unreachable(entry: OutboxEntry, reason: str) -> None:
        told.append(reason)
        await app.notices.chat_unreachable(
            entry.platform, entry.address, reason, is_direct=entry.is_direct
        )

    own = OutboxWorker(app.store, ClosedDirectMessages(platform), clock, on_unreachable=unreachable)
    console = OutboxWorker(app.store, ClosedDirectMessages("console"), clock)
    await app.intake.submit(reporter, ReportDraft(where="5th & Main", what="2 vans"))
    await app.decisions.verify(await member(app, "ben"), 1)
    for _ in range(app.network.reports_per_hour):  # a flood, to the limit and past it
        clock.advance(timedelta(minutes=1))
        with contextlib.suppress(UserError):  # refused past the limit
            await app.intake.submit(reporter, ReportDraft(where="Oak & 9th", what="vans"))
    await own.deliver_due()  # the outcome and receipts to the reporter: all refused
    await console.deliver_due()

    assert told == []  # a member is no dead chat
    rows = await outbox_rows(app.store)
    refused = [row for row in rows if row.is_direct and row.platform == platform]
    assert refused and all((r.state, r.address, r.body) == ("failed", "", "") for r in refused)
    said = [row.body for row in rows if not row.is_direct]
    assert any("reports within an hour" in body for body in said)  # organizers were told…
    for body in said:  # …without a word of who
        assert address not in body and reporter.handle not in body


@pytest.mark.parametrize("platform", sorted(ADDRESSES))
async def test_a_direct_address_is_never_named_as_unreachable(app: App, platform: str) -> None:
    assert not await app.notices.chat_unreachable(
        platform, ADDRESSES[platform], "gone", is_direct=True
    )
    assert not [r for r in await outbox_rows(app.store) if r.kind is MessageKind.DELIVERY_PROBLEM]
    assert await app.notices.chat_unreachable("console", "alertas", "gone", is_direct=False)
    [notice] = [r for r in await outbox_rows(app.store) if r.kind is MessageKind.DELIVERY_PROBLEM]
    assert notice.body.startswith("I cannot post in alertas any more (gone).")


async def test_a_services_words_are_kept_without_the_numbers_in_them(app: App) -> None:
    """signal-cli's rate-limit text names the recipient ("for sending to +1555…")."""
    text = Trusted("Signal is rate-limiting the bot's number.")
    reason = 'CAPTCHA proof required for sending to "+15551234567", or wait "60" seconds'
    assert await app.notices.tell_organizers_once("signal", "rate-limit", reason, text)
    with sqlite3.connect(app.store.path) as db:  # what a seized disk would show
        [(kept,)] = db.execute("SELECT reason FROM delivery_problems").fetchall()
    assert "+15551234567" not in kept and kept.startswith("CAPTCHA proof required")
