"""Migration 10 fills the broadcast record from the outbox of a database made before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.app import App
from bot.config import Config
from bot.core.models import MessageKind
from storage.crypto import FieldCipher, generate_key, parse_key
from storage.database import Database, migrations
from tests.conftest import outbox_rows
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

T = "2026-11-20T18:00:00.000000+00:00"


def database_before_broadcasts(path: Path) -> None:
    """A database as version 9 of the bot left it: R1 verified, its alert in the outbox."""
    with sqlite3.connect(path) as db:
        for number, _name, sql in migrations()[:9]:
            if number == 9:  # a member from before identities were hashed
                db.execute(
                    "INSERT INTO members (id, platform, external_id, language, created_at) "
                    "VALUES (1, 'console', 'dee', 'en', ?)",
                    (T,),
                )
            db.executescript(sql + f"\nPRAGMA user_version = {number};")
        db.executescript(
            f"""
            INSERT INTO reports (id, state, place, place_key, agency, reporter_id,
                                 created_at, updated_at)
                VALUES (1, 'verified', 'Elm St', 'elm st', 'ice', 1, '{T}', '{T}');
            INSERT INTO reports (id, state, place, place_key, agency, reporter_id,
                                 created_at, updated_at)
                VALUES (2, 'pending', 'Oak Ave', 'oak ave', 'ice', 1, '{T}', '{T}');
            INSERT INTO outbox (id, platform, address, is_direct, languages, kind, report_id,
                                body, state, next_attempt_at, external_id, created_at)
            VALUES
                (1, 'console', 'organizers', 0, 'en', 'new_report', 1, 'NEW REPORT R1',
                 'delivered', '{T}', 'card-1', '{T}'),
                (2, 'console', 'alerts', 0, 'en', 'alert', 1, 'VERIFIED ALERT R1',
                 'delivered', '{T}', 'msg-2', '{T}'),
                (3, 'console', 'alertas', 0, 'es,en', 'alert', 1, 'ALERTA VERIFICADA R1',
                 'delivered', '{T}', NULL, '{T}'),
                (4, 'console', 'dee', 1, 'en', 'outcome', 1, 'your report R1',
                 'delivered', '{T}', NULL, '{T}'),
                (5, 'console', 'organizers', 0, 'en', 'decision', 1, 'R1 VERIFIED',
                 'delivered', '{T}', NULL, '{T}'),
                (6, 'console', 'organizers', 0, 'en', 'new_report', 2, 'NEW REPORT R2',
                 'pending', '{T}', NULL, '{T}'),
                (7, 'console', 'organizers', 0, 'en', 'summary', NULL, 'summary',
                 'delivered', '{T}', NULL, '{T}');
            """  # noqa: S608 - a constant timestamp
        )


async def test_migration_10_records_where_old_alerts_and_cards_went(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    database_before_broadcasts(path)
    db = await Database.open(path, FieldCipher(parse_key(generate_key())))
    try:
        assert await db.schema_version() == migrations()[-1][0]
        async with db.reading() as tx:
            alerts = await tx.broadcasts.for_report(1, MessageKind.ALERT)
            cards = await tx.broadcasts.for_report(1, MessageKind.NEW_REPORT)
            other_cards = await tx.broadcasts.for_report(2, MessageKind.NEW_REPORT)
            no_alerts = await tx.broadcasts.for_report(2, MessageKind.ALERT)
    finally:
        await db.close()
    assert [(b.platform, b.address, b.languages, b.external_id) for b in alerts] == [
        ("console", "alerts", ("en",), "msg-2"),
        ("console", "alertas", ("es", "en"), None),
    ]
    assert [(b.address, b.external_id) for b in cards] == [("organizers", "card-1")]
    assert [b.address for b in other_cards] == ["organizers"]
    assert no_alerts == []
    with sqlite3.connect(path) as check:
        kinds = check.execute("SELECT kind, outbox_id FROM broadcasts ORDER BY id").fetchall()
    # Direct messages, decisions, summaries are not broadcasts; each row knows its message.
    assert kinds == [("new_report", 1), ("alert", 2), ("alert", 3), ("new_report", 6)]


async def test_an_old_alert_is_retracted_everywhere_after_its_outbox_rows_are_gone(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "old.sqlite3"
    database_before_broadcasts(path)
    app = await App.start(config, path, FakeClock())
    try:
        with sqlite3.connect(path) as raw:  # as the purge would, days later
            raw.execute("DELETE FROM outbox WHERE report_id = 1")
        lines = await ChatHarness(app).say("ana@organizers: /retract R1 a film crew")
        retracted = {
            (row.address, row.languages)
            for row in await outbox_rows(app.store)
            if row.kind == "retracted"
        }
        # Every chat that got the alert, in the languages the config now gives it.
        assert retracted == {("alerts", ("en",)), ("alertas", ("es",))}
        assert "RETRACTED R1" in in_chat(lines, "alerts")
        assert "R1" in in_chat(lines, "alertas")
    finally:
        await app.close()
