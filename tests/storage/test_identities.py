"""Who reported what, and who is in the network, are not readable from a copied database."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import App
from storage.crypto import FieldCipher, generate_key, parse_key
from storage.database import Database, migrations
from storage.identities import member_hash
from tests.conftest import member, outbox_rows
from tests.core.test_router import REPORT, say
from tests.fakes.clock import FakeClock

CIPHER_KEY = generate_key()


def raw(app: App) -> sqlite3.Connection:
    connection = sqlite3.connect(app.store.path)
    connection.row_factory = sqlite3.Row
    return connection


async def test_a_member_is_stored_by_hash_and_sealed_id_and_found_again(app: App) -> None:
    phone = await app.members.identify("console", "+15550104444")
    with raw(app) as db:
        row = db.execute("SELECT * FROM members WHERE id = ?", (phone.id,)).fetchone()
    assert row["external_key"].startswith("h1:") and row["external_sealed"].startswith("enc1:")
    assert "5550104444" not in row["external_key"] + row["external_sealed"]
    again = await app.members.identify("console", "+15550104444")
    assert again.id == phone.id and again.external_id == "+15550104444"


async def test_the_reporter_link_is_sealed_while_open_and_only_a_hash_once_closed(
    app: App,
) -> None:
    await say(app, "dee", REPORT)
    await say(app, "eli", REPORT)  # a corroboration by another member
    dee, eli = await member(app, "dee"), await member(app, "eli")
    with raw(app) as db:
        report = db.execute("SELECT * FROM reports WHERE id = 1").fetchone()
        other = db.execute("SELECT * FROM corroborations WHERE report_id = 1").fetchone()
    assert report["reporter_id"] is None and report["reporter_sealed"].startswith("enc1:")
    assert other["reporter_sealed"].startswith("enc1:")
    assert "cannot verify" not in await say(app, "ben", "/verify R1")
    await say(app, "ben", "/resolve R1")  # closed
    with raw(app) as db:
        report = db.execute("SELECT * FROM reports WHERE id = 1").fetchone()
        other = db.execute("SELECT * FROM corroborations WHERE report_id = 1").fetchone()
    assert report["reporter_sealed"] is None and other["reporter_sealed"] is None
    async with app.store.reading():  # hashes need the database's hash key in context
        assert report["reporter_hash"] == member_hash(dee.id)
        assert other["reporter_hash"] == member_hash(eli.id)


async def test_the_two_person_rule_still_holds_for_a_corroborator(app: App) -> None:
    await say(app, "dee", REPORT)
    await say(app, "ben", REPORT)  # ben, a verifier, saw it too
    assert "two-person rule" in await say(app, "ben", "/verify R1")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/verify R1", "confirmed by a verifier, and the network has been alerted"),
        ("/dismiss R1 routine", "dismissed: routine presence"),
    ],
)
async def test_every_reporter_hears_the_outcome_privately_without_the_verifier(
    app: App, command: str, expected: str
) -> None:
    await say(app, "dee", REPORT)
    await say(app, "eli", REPORT)
    await say(app, "ben", command)
    outcomes = [row for row in await outbox_rows(app.store) if row.kind == "outcome"]
    assert sorted(row.address for row in outcomes) == ["dee", "eli"]
    for row in outcomes:
        assert row.is_direct and expected in row.body and "R1" in row.body
        assert "ben" not in row.body


async def test_a_reporter_hears_when_nobody_could_verify_in_time(app: App) -> None:
    await say(app, "dee", REPORT)
    app.clock.advance(app.network.verification_expiry)  # type: ignore[attr-defined]
    await app.fire_due()
    outcomes = [row for row in await outbox_rows(app.store) if row.kind == "outcome"]
    assert [row.address for row in outcomes] == ["dee"]
    assert "could not be verified in time" in outcomes[0].body


async def test_audit_entries_name_actors_by_keyed_hash(app: App) -> None:
    await say(app, "dee", REPORT)
    dee = await member(app, "dee")
    async with app.store.reading() as tx:
        entries = await tx.audit.entries("R1")
        expected = member_hash(dee.id)
    assert [entry["actor"] for entry in entries] == [expected]
    with raw(app) as db:
        assert (
            db.execute("SELECT COUNT(*) FROM audit_log WHERE actor_id IS NOT NULL").fetchone()[0]
            == 0
        )


def old_database(path: Path) -> None:
    """A database as version 8 of the bot left it: identities in plaintext."""
    with sqlite3.connect(path) as db:
        for number, _name, sql in migrations()[:8]:
            db.executescript(sql + f"\nPRAGMA user_version = {number};")
        db.executescript(
            """
            INSERT INTO members (id, platform, external_id, language, created_at)
                VALUES (1, 'signal', '+15550107777', 'es', '2026-01-01T00:00:00.000000+00:00');
            INSERT INTO reports (place, place_key, agency, reporter_id, created_at, updated_at)
                VALUES ('Elm St', 'elm st', 'ice', 1,
                        '2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00');
            INSERT INTO audit_log (at, actor_id, action, subject)
                VALUES ('2026-01-01T00:00:00.000000+00:00', 1, 'report.submitted', 'R1');
            """
        )


async def test_identities_from_before_hashing_are_converted_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path)
    db = await Database.open(path, FieldCipher(parse_key(CIPHER_KEY)))
    try:
        async with db.reading() as tx:
            found = await tx.members.find("signal", "+15550107777")
            assert found is not None and found.id == 1
            entries = await tx.audit.entries()
            assert entries[0]["actor"] == member_hash(1)
        with sqlite3.connect(path) as check:
            dump = "\n".join(check.iterdump())
        assert "5550107777" not in dump and "Elm St" not in dump and "elm st" not in dump
    finally:
        await db.close()


async def test_hashes_survive_key_rotation(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    db = await Database.open(path, FieldCipher(parse_key(CIPHER_KEY)))
    async with db.transaction() as tx:
        created = await tx.members.ensure("signal", "+15550108888", "en", _now())
    await db.rotate_key(FieldCipher(parse_key(generate_key())))
    async with db.reading() as tx:
        found = await tx.members.find("signal", "+15550108888")
    await db.close()
    assert found is not None and found.id == created.id


def _now() -> datetime:
    return FakeClock().now()


async def test_a_delivered_direct_message_keeps_neither_its_text_nor_its_address(
    app: App,
) -> None:

    await say(app, "dee", REPORT)
    await say(app, "ben", "/verify R1")  # dee hears the outcome by direct message
    async with app.store.transaction() as tx:
        for row in await tx.outbox.pending("console"):
            await tx.outbox.mark_delivered(row.id, None, app.clock.now())
    with raw(app) as db:
        direct = db.execute("SELECT body, address FROM outbox WHERE is_direct = 1").fetchall()
        group = db.execute("SELECT body, address FROM outbox WHERE is_direct = 0").fetchall()
    assert direct and all((row["body"], row["address"]) == ("", "") for row in direct)
    assert group and all(row["body"].startswith("enc1:") and row["address"] for row in group)
