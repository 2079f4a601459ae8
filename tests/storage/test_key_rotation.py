"""Rotating the data key: everything re-sealed, the old key refused, nothing lost."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from bot.data_key import rotate
from storage.crypto import DataKeyError, generate_key
from storage.database import DatabaseError
from tests.conftest import EXAMPLE_CONFIG, run_rrbot
from tests.core.test_router import dm, say
from tests.fakes.chat import ChatHarness
from tests.fakes.clock import FakeClock
from tests.fakes.photos import phone_jpeg

PERSON = "/detained name: Rosa Díaz; phone: +1 555 010 0199; notes: insulin"


async def seed(path: Path, clock: FakeClock) -> None:
    app = await App.start(load_config(EXAMPLE_CONFIG), path, clock)
    try:
        assert "Recorded P1" in await say(app, "ana", PERSON, dm("ana"))
    finally:
        await app.close()


async def person_name(path: Path, clock: FakeClock) -> str:
    app = await App.start(load_config(EXAMPLE_CONFIG), path, clock)
    try:
        return await say(app, "ana", "/person P1", dm("ana"))
    finally:
        await app.close()


async def test_rotating_a_file_key(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RRBOT_DATA_KEY", raising=False)
    path = tmp_path / "r.sqlite3"
    await seed(path, clock)
    old = (tmp_path / "r.sqlite3.key").read_text()
    new = generate_key()
    monkeypatch.setenv("RRBOT_NEW_DATA_KEY", new)
    summary = await rotate(load_config(EXAMPLE_CONFIG), path)
    assert summary.startswith("re-sealed ") and "the new key is now in" in summary
    assert (tmp_path / "r.sqlite3.key").read_text().strip() == new
    assert not (tmp_path / "r.sqlite3.key.new").exists()
    monkeypatch.delenv("RRBOT_NEW_DATA_KEY")
    assert "Rosa Díaz" in await person_name(path, clock)
    monkeypatch.setenv("RRBOT_DATA_KEY", old.strip())
    with pytest.raises(DatabaseError, match="the data key does not open"):
        await person_name(path, clock)


async def test_rotating_an_environment_key(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = generate_key(), generate_key()
    monkeypatch.setenv("RRBOT_DATA_KEY", old)
    path = tmp_path / "e.sqlite3"
    await seed(path, clock)
    monkeypatch.setenv("RRBOT_NEW_DATA_KEY", new)
    assert "start the bot with the new key in RRBOT_DATA_KEY" in await rotate(
        load_config(EXAMPLE_CONFIG), path
    )
    with pytest.raises(DatabaseError):
        await person_name(path, clock)
    monkeypatch.setenv("RRBOT_DATA_KEY", new)
    assert "Rosa Díaz" in await person_name(path, clock)


async def test_rotation_refuses_without_a_new_key_or_with_the_same_one(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = generate_key()
    monkeypatch.setenv("RRBOT_DATA_KEY", key)
    path = tmp_path / "s.sqlite3"
    await seed(path, clock)
    monkeypatch.delenv("RRBOT_NEW_DATA_KEY", raising=False)
    with pytest.raises(DataKeyError, match="put the new key in RRBOT_NEW_DATA_KEY first"):
        await rotate(load_config(EXAMPLE_CONFIG), path)
    monkeypatch.setenv("RRBOT_NEW_DATA_KEY", key)
    with pytest.raises(DataKeyError, match="already in use"):
        await rotate(load_config(EXAMPLE_CONFIG), path)
    assert "Rosa Díaz" in await person_name(path, clock)  # nothing changed


async def test_rotation_never_makes_a_key_for_a_database_it_cannot_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RRBOT_DATA_KEY", raising=False)
    monkeypatch.setenv("RRBOT_NEW_DATA_KEY", generate_key())
    path = tmp_path / "lost.sqlite3"
    with pytest.raises(DataKeyError, match="no data key: it is neither in RRBOT_DATA_KEY nor in"):
        await rotate(load_config(EXAMPLE_CONFIG), path)
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240 - no key, no staged key, no database


def test_the_commands_speak_in_one_line(tmp_path: Path) -> None:
    key = run_rrbot("generate-key").stdout.strip()
    assert len(key) == 44
    missing = run_rrbot(
        "rotate-key",
        "--config",
        str(EXAMPLE_CONFIG),
        "--db",
        str(tmp_path / "x.sqlite3"),
        RRBOT_DATA_KEY=key,
    )
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "rrbot: put the new key in RRBOT_NEW_DATA_KEY first (make one with rrbot generate-key)"
    )


async def test_rotation_reseals_photos_and_their_fingerprints(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = generate_key(), generate_key()
    monkeypatch.setenv("RRBOT_DATA_KEY", old)
    path = tmp_path / "m.sqlite3"
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(phone_jpeg())

    async def kept() -> tuple[bytes, str | None]:
        app = await App.start(load_config(EXAMPLE_CONFIG), path, clock)
        try:
            async with app.store.reading() as tx:
                [copy] = await tx.media.files([1])
                [item] = await tx.media.for_report(1)
            return copy.data, item.sha256
        finally:
            await app.close()

    app = await App.start(load_config(EXAMPLE_CONFIG), path, clock)
    try:
        chat = ChatHarness(app)
        await chat.say(f"!attach {photo}")
        await chat.say("dee@dm: /report where: 5th & Main; what: vans")
    finally:
        await app.close()
    before = await kept()
    monkeypatch.setenv("RRBOT_NEW_DATA_KEY", new)
    await rotate(load_config(EXAMPLE_CONFIG), path)
    monkeypatch.setenv("RRBOT_DATA_KEY", new)
    assert await kept() == before
    assert before[1] == hashlib.sha256(photo.read_bytes()).hexdigest()
