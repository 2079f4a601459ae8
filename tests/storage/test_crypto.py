"""Personal data at rest: sealed in the database and its WAL, never in the logs."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import App
from bot.config import load_config
from storage import database
from storage.crypto import DataKeyError, FieldCipher, generate_key, parse_key
from storage.database import SEALED_COLUMNS, Database, DatabaseError
from tests.conftest import EXAMPLE_CONFIG
from tests.core.test_router import dm, say
from tests.fakes.clock import FakeClock

CIPHER = FieldCipher(parse_key(generate_key()))
SECRETS = [
    "Xochiquetzal Oyelaran",
    "1985-02-11",
    "Marisol Oyelaran",
    "5550107733",
    "Escuela Benito Juarez",
    "insulin twice a day",
    "kids are with their aunt Nayeli",
    "+15550109876",  # a reporter's phone number (their platform id)
    "5550109876",
    "742 Evergreen Terrace",  # what the reporter wrote
    "agents knocking at the blue door",
    "Marchetti-Oyelaran",  # a task in an organizer's words
    "019 4432",
    "Itzel Oyelaran-Quispe",  # a contact corrected with /person, sent to the volunteer
    "5550107744",
    "5550106612",  # a hotline caller's callback number, relayed by an organizer
    "010 6612",
    "010-6612",
]


@given(st.text(max_size=200), st.sampled_from(["people.name", "outbox.body"]))
def test_sealing_round_trips_and_hides_the_text(value: str, field: str) -> None:
    sealed = CIPHER.seal(value, field)
    assert sealed.startswith("enc1:") and CIPHER.open(sealed, field) == value
    if len(value) >= 4:
        assert value not in sealed.removeprefix("enc1:")  # the marker is not the text


def test_a_value_cannot_be_moved_to_another_column_or_opened_with_another_key() -> None:
    sealed = CIPHER.seal("Rosa", "people.name")
    with pytest.raises(DataKeyError, match="does not open"):
        CIPHER.open(sealed, "people.notes")
    with pytest.raises(DataKeyError, match="another key"):
        FieldCipher(parse_key(generate_key())).open(sealed, "people.name")


@pytest.mark.parametrize("text", ["", "not base64 !!", "c2hvcnQ="])
def test_a_malformed_key_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(DataKeyError, match="generate-key"):
        parse_key(text)


async def test_the_wrong_key_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    await (await Database.open(path, CIPHER)).close()
    with pytest.raises(DatabaseError, match="the data key does not open"):
        await Database.open(path, FieldCipher(parse_key(generate_key())))


async def test_plaintext_from_before_encryption_is_sealed_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    await (await Database.open(path, CIPHER)).close()
    with sqlite3.connect(path) as raw:  # as an older version of the bot wrote it
        raw.execute(
            "INSERT INTO people (name, contact_phone, created_at) "
            "VALUES ('Old Name', '5550100000', '2026-01-01T00:00:00.000000+00:00')"
        )
        # That version had not sealed anything yet, so it had not recorded doing so (a
        # database this version sealed is at a schema no older version opens).
        raw.execute("DELETE FROM settings WHERE name = 'sealed_columns'")
    db = await Database.open(path, CIPHER)
    try:
        async with db.reading() as tx:
            row = await (await tx.conn.execute("SELECT name, contact_phone FROM people")).fetchone()
            assert row is not None and row["name"].startswith("enc1:")
            person = await tx.people.get(1)
        assert person is not None and person.details.name == "Old Name"
    finally:
        await db.close()


async def test_start_up_scans_for_plaintext_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-time upgrade records that it ran: later start-ups do not rescan every
    sealed column (start-up must not grow with the data)."""
    path = tmp_path / "once.sqlite3"
    await (await Database.open(path, CIPHER)).close()
    with sqlite3.connect(path) as raw:
        (done,) = raw.execute("SELECT value FROM settings WHERE name = 'sealed_columns'").fetchone()
    assert set(done.split()) == {f"{table}.{column}" for table, _k, column, _f in SEALED_COLUMNS}
    scanned: list[str] = []
    scan = database._sealed_values

    def spy(conn: Any, table: str, key: str, column: str, rows_filter: str) -> Any:
        scanned.append(f"{table}.{column}")
        return scan(conn, table, key, column, rows_filter)

    monkeypatch.setattr(database, "_sealed_values", spy)
    await (await Database.open(path, CIPHER)).close()
    assert scanned == []


def copy_database_files(folder: Path) -> tuple[bytes, list[str]]:
    """What an adversary copies: the database and its -wal and -shm files (not the key)."""
    files = [p for p in folder.iterdir() if p.name.startswith("seized.sqlite3")]
    files = [p for p in files if not p.name.endswith(".key")]
    return b"".join(p.read_bytes() for p in files), [p.name for p in files]


async def test_a_seized_database_wal_and_logs_reveal_no_personal_data(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "seized.sqlite3"
    app = await App.start(load_config(EXAMPLE_CONFIG), path, clock)
    try:
        await say(app, "dee", "/report where: 5th & Main; what: arrests")
        await say(app, "ben", "/verify R1")
        phone = await app.members.identify("console", "+15550109876")
        await say(app, phone, "/report where: 742 Evergreen Terrace; what: agents knocking")
        await say(
            app,
            "dee",
            "/report where: 742 Evergreen Terrace; what: agents knocking at the blue door",
        )
        await say(app, "ben", "/dismiss R2 routine")  # closed: the reporters are forgotten
        await say(
            app,
            "ana",
            "/detained R1 name: Xochiquetzal Oyelaran; dob: 1985-02-11; "
            "contact: Marisol Oyelaran; relation: sister; phone: +1 555 010 7733; "
            "children: Escuela Benito Juarez; pickup: 3h; "
            "notes: insulin twice a day",
            dm("ana"),
        )
        await say(app, "ana", "/detained", dm("ana"))  # a conversation in progress, too
        await say(app, "ana", "Xochiquetzal Oyelaran", dm("ana"))
        added = await say(
            app,
            "ana",
            "/task add call Tobiah Marchetti-Oyelaran's lawyer about the bond hearing, "
            "+1 555 019 4432; person: P1",
            dm("ana"),
        )
        assert "Added T4: call Tobiah Marchetti-Oyelaran's lawyer" in added
        await say(app, "ana", "/task assign T4 dee", dm("ana"))
        assert "is yours" in await say(app, "dee", "/task accept T4", dm("dee"))  # words sent
        await say(app, "ana", "/task assign T3 dee", dm("ana"))
        await say(app, "dee", "/task accept T3", dm("dee"))
        corrected = await say(
            app, "ana", "/person P1 contact: Itzel Oyelaran-Quispe; phone: 555 010 7744", dm("ana")
        )
        assert "dee is doing T3 and was sent the corrected details." in corrected
        await say(app, "dee", "/task done T3 kids are with their aunt Nayeli", dm("dee"))
        assert "Xochiquetzal Oyelaran" in await say(app, "ana", "/person P1", dm("ana"))
        relayed = await say(
            app,
            "ana",
            "/report where: 9th & Oak; source: hotline; callback: (555) 010-6612",
            dm("ana"),
        )
        assert "Callback number, kept sealed: +1 555-010-6612" in relayed
        await say(app, "ben", "/verify R3 2 vans on the corner")  # the reminder is written
        # What an adversary copies while the bot runs: the file and its write-ahead log.
        seized, names = await asyncio.to_thread(copy_database_files, tmp_path)
        assert any(name.endswith("-wal") for name in names)
    finally:
        await app.close()
    seized += (await asyncio.to_thread(copy_database_files, tmp_path))[0]  # after shutdown
    for secret in SECRETS:
        assert secret.encode() not in seized, secret
        assert secret not in caplog.text, secret
