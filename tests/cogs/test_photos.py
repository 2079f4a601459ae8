"""A photo attached on Discord: downloaded by the bot, cleaned, uploaded with the card,
and sent with the alert only when a verifier presses "Verify, and send the photos"."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from PIL import Image

from cogs.reports import ReportForm
from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import GOOD, press
from tests.conftest import outbox_rows
from tests.fakes import discord as fakes
from tests.fakes.discord import replies_of
from tests.fakes.photos import MP4, SECRETS, phone_jpeg

PHOTO = phone_jpeg(640, 320)
MEMBER = 601


@pytest.fixture
async def api(rig: Rig) -> AsyncIterator[fakes.FakeDiscordAPI]:
    gateway = fakes.FakeDiscordAPI(rig.bot)
    gateway.members = {MEMBER: ()}
    await gateway.connect()
    yield gateway
    assert gateway.unexpected == []


async def report_with_photo(rig: Rig, api: fakes.FakeDiscordAPI, data: bytes, kind: str) -> Any:
    """/report with its photo option, then the form sent: as a member does it."""
    photo = discord.Attachment(data=api.attachment(data, kind), state=rig.bot._connection)
    opened = rig.interaction("reporter")
    cog = rig.cog("ReportsCog")
    await cog.report.callback(cog, opened, photo=photo)
    form = opened.response.send_modal.call_args.args[0]
    assert isinstance(form, ReportForm) and len(form.uploads) == 1
    submit = rig.interaction("reporter")
    member = await rig.front.actor(rig.users["reporter"])
    await ReportForm(rig.front, member, form.uploads, GOOD).on_submit(submit)
    return submit


def uploaded(message: dict[str, Any]) -> list[tuple[str, bytes]]:
    files = message.get("files")
    if files is None or files is discord.utils.MISSING:
        return []
    return [(file.filename, file.fp.getvalue()) for file in files]


async def test_the_photo_is_downloaded_cleaned_and_uploaded_with_the_card(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    submit = await report_with_photo(rig, api, PHOTO, "image/jpeg")
    submit.response.defer.assert_awaited_once()  # a photo takes longer than Discord waits
    [receipt] = replies_of(submit)
    assert "Report R1 is with the verifiers" in receipt and "Your photo was received" in receipt

    await rig.deliver()
    [card] = rig.channels[fakes.ORGANIZER_CHANNEL].sent
    assert f"SHA-256 of the original: {hashlib.sha256(PHOTO).hexdigest()}" in card["content"]
    assert "cdn.discordapp.com" not in card["content"]
    [(name, data)] = uploaded(card)
    assert name == "R1-photo-1.jpg" and not [s for s in SECRETS if s in data]
    assert Image.open(io.BytesIO(data)).size == (320, 640)  # upright
    ids = [child.custom_id for child in card["view"].children]
    assert ids[:2] == ["verify:report:1", "verify:report:1:photos"]


async def test_the_alert_carries_the_photo_only_when_a_verifier_chooses(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    await report_with_photo(rig, api, PHOTO, "image/jpeg")
    await rig.deliver()
    pressed = await press(rig, "verifier", "verify:report:1:photos")
    assert "The alert went with photo 1." in replies_of(pressed)[0]
    await rig.deliver()
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        [alert] = rig.channels[channel].sent
        assert [name for name, _data in uploaded(alert)] == ["R1-photo-1.jpg"]


async def test_plain_verify_sends_the_alert_without_the_photo(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    await report_with_photo(rig, api, PHOTO, "image/jpeg")
    await rig.deliver()
    await press(rig, "verifier", "verify:report:1")
    await rig.deliver()
    [alert] = rig.channels[fakes.ALERTS_CHANNEL].sent
    assert uploaded(alert) == []


async def test_verify_by_slash_command_with_chosen_photos(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    await report_with_photo(rig, api, PHOTO, "image/jpeg")
    await rig.deliver()
    interaction = rig.interaction("verifier")
    cog = rig.cog("ReportsCog")
    await cog.verify.callback(cog, interaction, "R1", "saw them", "2")
    assert (
        "R1 has no photo 2 to send: its photos are 1. Nothing changed."
        in (replies_of(interaction)[0])
    )
    interaction = rig.interaction("verifier")
    await cog.verify.callback(cog, interaction, "R1", "saw them", "1")
    await rig.deliver()
    [alert] = rig.channels[fakes.ALERTS_CHANNEL].sent
    assert [name for name, _data in uploaded(alert)] == ["R1-photo-1.jpg"]


async def test_a_video_is_named_on_the_card_and_never_uploaded(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    submit = await report_with_photo(rig, api, MP4, "video/mp4")
    assert "the bot does not forward videos" in replies_of(submit)[0]
    await rig.deliver()
    [card] = rig.channels[fakes.ORGANIZER_CHANNEL].sent
    assert "Video 1 (MP4, 532 B): not passed on." in card["content"]
    assert uploaded(card) == []
    assert "verify:report:1:photos" not in [c.custom_id for c in card["view"].children]


async def test_an_attachment_discord_no_longer_serves_is_still_named(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    photo = discord.Attachment(data=api.attachment(PHOTO, "image/jpeg"), state=rig.bot._connection)
    api.cdn.clear()  # expired, or deleted by the member
    opened = rig.interaction("reporter")
    cog = rig.cog("ReportsCog")
    await cog.report.callback(cog, opened, photo=photo)
    form = opened.response.send_modal.call_args.args[0]
    submit = rig.interaction("reporter")
    member = await rig.front.actor(rig.users["reporter"])
    await ReportForm(rig.front, member, form.uploads, GOOD).on_submit(submit)
    assert "A file could not be downloaded. Please send it again." in replies_of(submit)[0]
    card = next(row for row in await outbox_rows(rig.app.store) if row.kind == "new_report")
    assert "File 1: the bot could not download it." in card.body


async def test_a_photo_in_a_direct_message_report_reaches_the_verifiers(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    await api.dm(MEMBER, "/report ICE vans at 5th & Main", files=((PHOTO, "image/jpeg"),))
    [answer] = api.dm_texts(MEMBER)
    assert "Your photo was received" in answer
    await rig.deliver()
    [card] = rig.channels[fakes.ORGANIZER_CHANNEL].sent
    assert [name for name, _data in uploaded(card)] == ["R1-photo-1.jpg"]


async def test_a_photo_alone_in_a_direct_message_is_not_kept_and_the_member_told(
    rig: Rig, api: fakes.FakeDiscordAPI
) -> None:
    await api.dm(MEMBER, "", files=((PHOTO, "image/jpeg"),))
    [answer] = api.dm_texts(MEMBER)
    assert answer.startswith("I did not keep the file you sent")
    assert await outbox_rows(rig.app.store) == []
