"""Photos and videos with a report, as people meet them: the verifiers see a clean copy
with the card, the network only when a verifier chooses, the reporter hears what came,
and everything is sealed at rest and purged with its report."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from tests.conftest import outbox_rows
from tests.core.test_retention import deliver_all
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock
from tests.fakes.photos import HEIC, MP4, SECRETS, phone_jpeg

REPORT = "/report where: 5th & Main; what: 2 ICE vans; agency: ICE"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {"photo.jpg": phone_jpeg(640, 320), "clip.mp4": MP4, "IMG_0001.HEIC": HEIC}
    folder = tmp_path / "phone"
    folder.mkdir()
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


async def report_with(chat: ChatHarness, who: str, line: str, *paths: Path) -> list[str]:
    for path in paths:
        await chat.say(f"!attach {path}")
    return await chat.say(f"{who}@dm: {line}")


async def test_verifiers_get_a_clean_copy_with_the_card_and_the_reporter_hears_what_came(
    chat: ChatHarness, files: dict[str, Path]
) -> None:
    out = await report_with(chat, "dee", REPORT, files["photo.jpg"], files["clip.mp4"])

    organizers = in_chat(out, "organizers")
    photo_hash = hashlib.sha256(files["photo.jpg"].read_bytes()).hexdigest()
    assert "Photo 1: attached, as a copy without its hidden details" in organizers
    assert f"SHA-256 of the original: {photo_hash}" in organizers
    assert "Video 2 (MP4, 532 B): not passed on. The bot does not forward videos" in organizers
    assert hashlib.sha256(MP4).hexdigest() in organizers
    assert "📎 R1-photo-1.jpg" in organizers
    assert "/verify R1 with photos (or only one: /verify R1 with photo 1)" in organizers
    assert "Look at each photo before you send it: a face, a house number" in organizers
    assert "photos or videos attached" not in organizers  # the old line that showed nothing

    receipt = in_chat(out, "dm:dee")
    assert "Your photo was received. Verifiers see a copy without its hidden details" in receipt
    assert "Your video was received, but the bot does not forward videos" in receipt
    assert "screenshot instead" in receipt
    assert not any(line.startswith(("[alerts]", "[alertas]")) for line in out)


async def test_the_copy_uploaded_is_the_clean_one(app: App, files: dict[str, Path]) -> None:
    chat = ChatHarness(app)
    await report_with(chat, "dee", REPORT, files["photo.jpg"])
    card = next(row for row in await outbox_rows(app.store) if row.kind == "new_report")
    async with app.store.reading() as tx:
        [copy] = await tx.media.files(card.media_ids)
    assert copy.name == "R1-photo-1.jpg" and copy.content_type == "image/jpeg"
    assert [secret for secret in SECRETS if secret in copy.data] == []


async def test_photos_go_with_the_alert_only_when_a_verifier_chooses(
    chat: ChatHarness, files: dict[str, Path]
) -> None:
    await report_with(chat, "dee", REPORT, files["photo.jpg"])
    out = await chat.say("ben@organizers: /verify R1 saw them myself")
    assert not any("📎" in line for line in out if not line.startswith("[organizers]"))
    assert "went with photo" not in "\n".join(out)

    await report_with(chat, "dee", "/report where: Elm & 3rd; what: vans", files["photo.jpg"])
    out = await chat.say("cruz@organizers: /verificar R2 con fotos, los vi yo")
    assert "📎 R2-photo-1.jpg" in in_chat(out, "alerts")
    assert "📎 R2-photo-1.jpg" in in_chat(out, "alertas")
    assert "The alert went with photo 1." in in_chat(out, "organizers")
    assert "Note: los vi yo" in in_chat(out, "organizers")


async def test_asking_for_a_photo_that_is_not_there_changes_nothing(
    chat: ChatHarness, files: dict[str, Path]
) -> None:
    await report_with(chat, "dee", REPORT, files["photo.jpg"], files["clip.mp4"])
    await report_with(chat, "eli", "/report where: Elm & 3rd; what: vans")

    out = await chat.text("ben@organizers: /verify R1 with photo 2")
    assert "R1 has no photo 2 to send: its photos are 1. Nothing changed." in out
    status = await chat.text("ben@organizers: /status")
    assert "R1 · 5th & Main · waiting for a verifier" in status


async def test_asking_for_photos_a_report_does_not_have_never_holds_the_alert_back(
    chat: ChatHarness,
) -> None:
    """ "con fotos" out of habit, on a report with no photo: the alert goes, without one."""
    await chat.text("eli@dm: /report where: Elm & 3rd; what: vans")
    out = await chat.text("cruz@organizers: /verificar R1 con fotos los vi yo")
    assert "[organizers] R1 verificado. La alerta sale a: alerts y alertas." in out
    assert "R1 no tiene ninguna foto que se pueda enviar, así que la alerta salió sin foto." in out
    assert "[alerts] " in out and "Elm & 3rd" in out


async def test_a_corroborating_reports_photos_reach_verifiers_and_can_go_with_the_alert(
    chat: ChatHarness, files: dict[str, Path]
) -> None:
    await report_with(chat, "dee", REPORT)
    out = await report_with(chat, "eli", REPORT, files["photo.jpg"])
    organizers = in_chat(out, "organizers")
    assert "another report of the same place" in organizers
    assert "Photo 1: attached" in organizers and "📎 R1-photo-1.jpg" in organizers

    out = await chat.say("ben@organizers: /verify R1 with photo 1")
    assert "📎 R1-photo-1.jpg" in in_chat(out, "alerts")


async def test_a_photo_the_bot_cannot_read_is_named_and_the_reporter_told_what_to_do(
    chat: ChatHarness, files: dict[str, Path]
) -> None:
    out = await report_with(chat, "cruz", REPORT, files["IMG_0001.HEIC"])
    assert "Photo 1 (HEIC, 224 B): in a format the bot cannot read" in in_chat(out, "organizers")
    assert "📎" not in "\n".join(out)
    receipt = in_chat(out, "dm:cruz")  # cruz reads Spanish
    assert "No pude abrir 1 foto suya (HEIC: el archivo puede estar dañado" in receipt


async def test_a_file_without_a_report_is_not_kept_and_the_sender_is_told(
    app: App, files: dict[str, Path]
) -> None:
    chat = ChatHarness(app)
    await chat.say(f"!attach {files['photo.jpg']}")
    out = await chat.say("dee@dm: ")
    assert in_chat(out, "dm:dee") == (
        "I did not keep the file you sent: I keep photos only when they come with a "
        "report. To add one, send it again with /report and what you see."
    )
    with sqlite3.connect(app.store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM media").fetchone() == (0,)


async def test_beyond_the_limits_nothing_is_downloaded_and_everyone_is_told(
    config: Config, tmp_path: Path, clock: FakeClock, files: dict[str, Path]
) -> None:
    limited = config.model_copy(
        update={"limits": config.limits.model_copy(update={"media_per_report": 2})}
    )
    app = await App.start(limited, tmp_path / "limited.sqlite3", clock)
    try:
        chat = ChatHarness(app)
        photo = files["photo.jpg"]
        out = await report_with(chat, "dee", REPORT, photo, photo, photo)
    finally:
        await app.close()
    assert "File 3: more than 2 files came with this report, so it was not downloaded." in (
        in_chat(out, "organizers")
    )
    assert "I keep at most 2 files per report; 1 more was not received." in in_chat(out, "dm:dee")


def on_disk(path: Path) -> bytes:
    return b"".join(
        p.read_bytes()
        for p in path.parent.iterdir()
        if p.name.startswith(path.name) and not p.name.endswith(".key")
    )


async def test_photos_and_fingerprints_are_sealed_at_rest(app: App, files: dict[str, Path]) -> None:
    chat = ChatHarness(app)
    await report_with(chat, "dee", REPORT, files["photo.jpg"], files["clip.mp4"])
    async with app.store.reading() as tx:
        [copy] = await tx.media.files([1])
    stored = on_disk(Path(app.store.path))
    for secret in (
        hashlib.sha256(files["photo.jpg"].read_bytes()).hexdigest().encode(),
        hashlib.sha256(MP4).hexdigest().encode(),
        copy.data[200:264],  # a stretch of the clean copy's own bytes
    ):
        assert secret not in stored


async def test_the_purge_deletes_a_closed_reports_photos_with_it(
    app: App, clock: FakeClock, files: dict[str, Path]
) -> None:
    chat = ChatHarness(app)
    await report_with(chat, "dee", REPORT, files["photo.jpg"], files["clip.mp4"])
    await chat.say("ben@organizers: /dismiss R1 routine")
    await deliver_all(app)
    with sqlite3.connect(app.store.path) as db:
        sealed = db.execute("SELECT data FROM media WHERE kind = 'photo'").fetchone()[0]
    assert sealed in on_disk(Path(app.store.path))

    clock.advance(timedelta(days=89))
    assert (await app.retention.plan())["photos and videos of closed reports"] == 0
    clock.advance(timedelta(days=2))
    plan = await app.retention.plan()
    assert plan["photos and videos of closed reports"] == 2
    assert (await app.retention.purge())["photos and videos of closed reports"] == 2

    with sqlite3.connect(app.store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM media").fetchone() == (0,)
    assert sealed not in on_disk(Path(app.store.path))  # overwritten, WAL truncated
