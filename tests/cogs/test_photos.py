"""A photo attached on Discord, with the real discord.py client: downloaded by the bot
from Discord's CDN (the fake's, on 127.0.0.1) with discord.py's own `Attachment.read()`,
cleaned, uploaded with the card, and sent with the alert only when a verifier presses
"Verify, and send the photos with the alert" (or names the photos in /verify).

What a verifier sees is read back as their app shows it: the card's files as Discord
describes them, downloaded from their address on the CDN.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import discord
from PIL import ExifTags, Image

from bot.app import App
from bot.config import Config
from tests.cogs.live import MEMBER, REPORTER, VERIFIER, Live, running
from tests.cogs.test_live_reports import FORM, LONG, card_of
from tests.conftest import outbox_rows
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.fakes.discord_records import Exchange, Message, Upload
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.photos import MP4, SECRETS, phone_jpeg

PHOTO = phone_jpeg(640, 320)  # stored sideways, with GPS and the phone's details
WITH_PHOTOS = "Verify, and send the photos with the alert"


def photo(data: bytes = PHOTO, content_type: str = "image/jpeg") -> Upload:
    name = "IMG_0001.jpg" if content_type.startswith("image/") else "VID_0001.mp4"
    return Upload(name, data, content_type)


async def open_report(live: Live, file: Upload, who: int = REPORTER) -> Exchange:
    """/report with its photo option: the form opens."""
    opened = await live.discord.slash(who, "report", photo=file)
    assert opened.callback == 9 and opened.modal is not None
    return opened


async def report_with(live: Live, file: Upload, who: int = REPORTER, **fields: str) -> Exchange:
    """/report with a photo, then the form sent: as a member does it."""
    opened = await open_report(live, file, who)
    return await live.discord.submit(who, opened, {**FORM, **fields})


def clean(data: bytes) -> bool:
    """No detail of the phone, the time or the place, in the bytes or the picture's tags."""
    image = Image.open(io.BytesIO(data))
    return (
        not [secret for secret in SECRETS if secret in data]
        and not image.getexif()
        and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        and not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    )


def names(message: Message) -> list[str]:
    return [file.filename for file in message.files]


async def as_shown(live: Live, message: Message) -> list[discord.Attachment]:
    """The message's files as a member's app shows them (fetched from Discord)."""
    channel = live.bot.get_channel(message.channel_id)
    assert isinstance(channel, discord.TextChannel)
    return (await channel.fetch_message(message.id)).attachments


async def test_the_photo_is_downloaded_cleaned_and_uploaded_with_the_card(live: Live) -> None:
    opened = await open_report(live, photo())
    assert live.discord.cdn.downloads == []  # nothing fetched before the report is sent
    submitted = await live.discord.submit(REPORTER, opened, FORM)
    assert submitted.callback == 5  # "thinking…": a photo takes longer than Discord waits
    assert "Report R1 is with the verifiers" in submitted.text
    assert "Your photo was received" in submitted.text
    assert submitted.original is not None and submitted.original.ephemeral
    [attached] = opened.attached
    [download] = live.discord.cdn.downloads
    assert (download.attachment_id, download.status) == (attached.id, 200)

    [card] = card_of(live)
    assert f"SHA-256 of the original: {hashlib.sha256(PHOTO).hexdigest()}" in card.content
    assert "127.0.0.1" not in card.content and "attachments/" not in card.content
    assert names(card) == ["R1-photo-1.jpg"]
    [shown] = await as_shown(live, card)  # what a verifier's app shows, and downloads
    assert (shown.filename, shown.content_type) == ("R1-photo-1.jpg", "image/jpeg")
    assert (shown.width, shown.height) == (320, 640)  # upright
    data = await shown.read()
    assert data == card.files[0].data and clean(data)
    assert [b["custom_id"] for b in card.buttons][:3] == [
        "claim:report:1",
        "verify:report:1",
        "verify:report:1:photos",
    ]
    assert card.labels[2] == WITH_PHOTOS


async def test_the_alert_carries_the_photo_only_when_a_verifier_chooses(live: Live) -> None:
    await report_with(live, photo())
    [card] = card_of(live)
    pressed = await live.discord.press(VERIFIER, card, WITH_PHOTOS)
    assert pressed.text.startswith("Verified R1.")
    assert "The alert went with photo 1." in pressed.text
    assert pressed.original is not None and pressed.original.ephemeral
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        [alert] = live.discord.posted(channel)
        assert names(alert) == ["R1-photo-1.jpg"] and clean(alert.files[0].data)
        assert f"<@{REPORTER}>" not in alert.content
    decided = live.discord.messages[card.id]
    assert f"R1 VERIFIED by <@{VERIFIER}>." in decided.content
    fingerprint = hashlib.sha256(PHOTO).hexdigest()
    assert f"SHA-256 of the original: {fingerprint}" in decided.content  # still named
    assert decided.live_buttons == [] and names(decided) == ["R1-photo-1.jpg"]  # it stays


async def test_plain_verify_sends_the_alert_without_the_photo(live: Live) -> None:
    await report_with(live, photo())
    [card] = card_of(live)
    pressed = await live.discord.press(VERIFIER, card, "Verify")
    assert "photo" not in pressed.text
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        [alert] = live.discord.posted(channel)
        assert alert.files == []


async def test_verify_by_slash_command_with_chosen_photos(live: Live) -> None:
    await report_with(live, photo())
    refused = await live.discord.slash(VERIFIER, "verify", report="R1", note="saw them", photos="2")
    assert "R1 has no photo 2 to send: its photos are 1. Nothing changed." in refused.text
    assert refused.original is not None and refused.original.ephemeral
    assert live.discord.posted(fakes.ALERTS_CHANNEL) == []
    verified = await live.discord.slash(
        VERIFIER, "verify", report="R1", note="saw them", photos="1"
    )
    assert "The alert went with photo 1." in verified.text
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        [alert] = live.discord.posted(channel)
        assert names(alert) == ["R1-photo-1.jpg"]


async def test_a_video_is_named_on_the_card_and_never_uploaded(live: Live) -> None:
    submitted = await report_with(live, photo(MP4, "video/mp4"))
    assert "the bot does not forward videos" in submitted.text
    [card] = card_of(live)
    assert "Video 1 (MP4, 532 B): not passed on." in card.content
    assert card.files == []
    assert "verify:report:1:photos" not in [b["custom_id"] for b in card.buttons]


async def test_an_attachment_discord_no_longer_serves_is_still_named(live: Live) -> None:
    opened = await open_report(live, photo())
    live.discord.cdn.expire(*opened.attached)  # expired, or deleted by the member
    submitted = await live.discord.submit(REPORTER, opened, FORM)
    assert "A file could not be downloaded. Please send it again." in submitted.text
    assert "Report R1 is with the verifiers" in submitted.text  # the report itself is kept
    assert [d.status for d in live.discord.cdn.downloads] == [404]
    [card] = card_of(live)
    assert "File 1: the bot could not download it." in card.content
    assert card.files == []


async def test_a_photo_in_a_direct_message_report_reaches_the_verifiers(live: Live) -> None:
    sent = await live.discord.dm(MEMBER, "/report ICE vans at 5th & Main", files=(photo(),))
    answer = "\n".join(live.discord.dm_texts(MEMBER))
    assert "Report R1 is with the verifiers" in answer and "Your photo was received" in answer
    assert [d.attachment_id for d in live.discord.cdn.downloads] == [sent.files[0].id]
    [card] = card_of(live)
    assert names(card) == ["R1-photo-1.jpg"] and clean(card.files[0].data)
    assert f"SHA-256 of the original: {hashlib.sha256(PHOTO).hexdigest()}" in card.content


async def test_a_photo_alone_in_a_direct_message_is_not_kept_and_the_member_told(
    live: Live,
) -> None:
    await live.discord.dm(MEMBER, "", files=(photo(),))
    [answer] = live.discord.dm_texts(MEMBER)
    assert answer.startswith("I did not keep the file you sent")
    assert live.discord.cdn.downloads == []  # not even downloaded
    assert live.discord.posted(fakes.ORGANIZER_CHANNEL) == []
    assert await outbox_rows(live.app.store) == []


# -- a card too long for one message (a bilingual organizer channel, a long report)


async def test_a_split_card_carries_its_photo_on_the_part_with_the_buttons(
    bilingual: Live,
) -> None:
    await report_with(bilingual, photo(), **LONG)
    first, last = card_of(bilingual)
    assert first.files == [] and first.buttons == []
    assert names(last) == ["R1-photo-1.jpg"] and clean(last.files[0].data)
    assert "verify:report:1:photos" in [b["custom_id"] for b in last.live_buttons]
    assert all(len(part.content) <= 2000 for part in (first, last))


async def test_verify_with_photos_on_a_split_card_shows_the_decision_whole(
    bilingual: Live,
) -> None:
    await report_with(bilingual, photo(), **LONG)
    parts = card_of(bilingual)
    pressed = await bilingual.discord.press(VERIFIER, parts[-1], "verify:report:1:photos")
    assert pressed.text.startswith("Verified R1")  # in the verifier's own language
    assert "The alert went with photo 1." in pressed.text
    now = [bilingual.discord.messages[part.id] for part in parts]
    assert all(message.live_buttons == [] for message in now)
    shown = "\n".join(message.content for message in now)
    assert f"R1 VERIFICADO por <@{VERIFIER}>." in shown
    assert f"R1 VERIFIED by <@{VERIFIER}>." in shown
    assert shown.rstrip().endswith("The alert went with photo 1.")  # the whole decision
    fingerprint = hashlib.sha256(PHOTO).hexdigest()
    assert f"SHA-256 del original: {fingerprint}" in shown  # the card still names its photo
    assert f"SHA-256 of the original: {fingerprint}" in shown
    assert all(len(message.content) <= 2000 for message in now)
    assert names(now[0]) == [] and names(now[-1]) == ["R1-photo-1.jpg"]  # the photo stays
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        # One photo per alert, on its last part (the two-language alert is in two).
        alert = bilingual.discord.posted(channel)
        assert [names(part) for part in alert][-1] == ["R1-photo-1.jpg"]
        assert sum(len(part.files) for part in alert) == 1


async def test_a_corroborating_photo_adds_the_button_to_send_photos(live: Live) -> None:
    opened = await live.discord.slash(REPORTER, "report")
    await live.discord.submit(REPORTER, opened, FORM)
    [card] = card_of(live)
    assert WITH_PHOTOS not in card.labels
    await report_with(
        live, photo(), MEMBER, **{"Where? (address, corner, landmark)": "Main St & 5th St"}
    )
    now = live.discord.messages[card.id]
    assert now.labels[2] == WITH_PHOTOS and now.buttons[-1]["label"] == "2 independent reports"
    corroboration = live.discord.posted(fakes.ORGANIZER_CHANNEL)[-1]
    assert corroboration.id != card.id and names(corroboration) == ["R1-photo-1.jpg"]
    pressed = await live.discord.press(VERIFIER, now, WITH_PHOTOS)
    assert "The alert went with photo 1." in pressed.text
    [alert] = live.discord.posted(fakes.ALERTS_CHANNEL)
    assert names(alert) == ["R1-photo-1.jpg"] and clean(alert.files[0].data)


async def test_a_report_form_with_a_photo_survives_a_restart(
    discord_config: Config, tmp_path: Path, clock: FakeClock, discord: FakeDiscord
) -> None:
    """Opened before a restart, sent after it to a new process that never saw the form:
    the text and the photo both arrive (the photo is fetched from Discord only then)."""
    path = tmp_path / "network.sqlite3"
    app = await App.start(discord_config, path, clock)
    try:
        async with running(discord_config, app, discord) as before:
            opened = await open_report(before, photo())
    finally:
        await app.close()
    assert discord.cdn.downloads == []
    app = await App.start(discord_config, path, clock)
    try:
        async with running(discord_config, app, discord) as after:
            submitted = await after.discord.submit(REPORTER, opened, FORM)
            assert "Report R1 is with the verifiers" in submitted.text
            assert "Your photo was received" in submitted.text
            [card] = card_of(after)
            assert names(card) == ["R1-photo-1.jpg"] and clean(card.files[0].data)
            report = await after.app.reports.get(1)
            assert report.where == FORM["Where? (address, corner, landmark)"]
    finally:
        await app.close()
    assert discord.problems == []
