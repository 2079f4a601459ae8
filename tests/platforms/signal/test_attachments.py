"""Photos on Signal: fetched for a report, cleaned, re-uploaded to the organizer group,
and deleted from signal-cli's volume, which keeps nothing the bot does not need."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
import requests

from bot.platforms.signal.attachments import attachment_ids
from bot.platforms.signal.client import SignalClient, SignalError
from bot.platforms.signal.frontend import group_address
from tests.fakes.photos import MP4, SECRETS, phone_jpeg
from tests.fakes.signal_server import SWAGGER, FakeSignal, parse_data_uri
from tests.platforms.signal.conftest import ALERTS, BEN, BOT_NUMBER, DEE, ORGANIZERS, SignalRig

REPORT = "/report where: 5th & Main; what: 2 ICE vans; agency: ICE"
PHOTO = phone_jpeg(640, 320)


async def test_a_reports_photo_reaches_the_organizer_group_clean_and_leaves_signal_cli(
    signal_rig: SignalRig,
) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, attachments=((PHOTO, "image/jpeg"), (MP4, "video/mp4")))
    await signal_rig.exchange()

    card = next(s for s in server.sent if "NEW REPORT R1" in s.message)
    assert f"SHA-256 of the original: {hashlib.sha256(PHOTO).hexdigest()}" in card.message
    assert "Video 2 (MP4, 532 B): not passed on" in card.message
    [(name, content_type, data)] = card.attachments
    assert (name, content_type) == ("R1-photo-1.jpg", "image/jpeg")
    assert data[:2] == b"\xff\xd8" and not [s for s in SECRETS if s in data]
    receipt = next(s.message for s in server.sent if s.recipient in (DEE, "+15550000004"))
    assert "Your photo was received" in receipt and "Your video was received" in receipt
    assert server.files == {}  # fetched, then deleted from the service's volume
    assert server.contract_errors == []


async def test_the_alert_carries_the_photo_only_when_the_verifier_chooses(
    signal_rig: SignalRig,
) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, attachments=((PHOTO, "image/jpeg"),))
    await signal_rig.exchange()
    server.deliver("/verify R1 with photo 1", uuid=BEN, group=ORGANIZERS)
    await signal_rig.exchange()
    [alert] = [s for s in server.sent if s.recipient == group_address(ALERTS)]
    assert [name for name, _type, _data in alert.attachments] == ["R1-photo-1.jpg"]
    for sent in server.sent:
        if sent.body.get("base64_attachments"):
            assert all(i.startswith("data:image/jpeg;filename=R1-photo-1.jpg;base64,")
                       for i in sent.body["base64_attachments"])  # fmt: skip


async def test_group_chatter_photos_are_deleted_at_once_and_never_fetched(
    signal_rig: SignalRig,
) -> None:
    server = signal_rig.server
    server.deliver("look at this", uuid=DEE, group=ORGANIZERS, attachments=((PHOTO, "image/jpeg"),))
    server.deliver("", uuid=DEE, group=ALERTS, attachments=((PHOTO, "image/jpeg"),))
    await signal_rig.exchange()
    assert server.files == {}
    assert not any(r.startswith("attachment ") for r in server.requests)  # never read
    assert server.sent == []  # and nobody was answered: it was not for the bot


async def test_a_photo_sent_alone_in_a_direct_message_is_not_kept_and_the_sender_told(
    signal_rig: SignalRig,
) -> None:
    server = signal_rig.server
    server.deliver("", uuid=DEE, attachments=((PHOTO, "image/jpeg"),))
    await signal_rig.exchange()
    [answer] = [s.message for s in server.sent]
    assert answer.startswith("I did not keep the file you sent")
    assert server.files == {}


async def test_link_previews_and_leftovers_from_before_are_swept(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.files["old-photo-from-last-year.jpg"] = PHOTO  # kept before the bot cleaned up
    server.deliver("https://example.org", uuid=DEE, group=ORGANIZERS, preview=PHOTO)
    await signal_rig.exchange()
    assert server.files == {}


async def test_a_message_not_yet_handled_keeps_its_files_through_a_sweep(
    signal_rig: SignalRig,
) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, attachments=((PHOTO, "image/jpeg"),))
    items = await asyncio.to_thread(signal_rig.front.client.receive, 1)
    async with signal_rig.app.store.transaction() as tx:  # stored, then a crash
        envelope = items[0]["envelope"]
        await tx.inbox.store(DEE, envelope["timestamp"], envelope, signal_rig.app.clock.now())
    server.files["stray.jpg"] = PHOTO
    assert await signal_rig.front.sweep_attachments() == 1  # the stray only
    assert list(server.files) == list(attachment_ids(envelope))

    await signal_rig.front.handle_pending()  # after the restart
    await signal_rig.front.worker.deliver_due()
    card = next(s for s in server.sent if "NEW REPORT R1" in s.message)
    assert [name for name, _t, _d in card.attachments] == ["R1-photo-1.jpg"]
    assert server.files == {}


async def test_the_bot_asks_signal_cli_to_download_attachments(signal_rig: SignalRig) -> None:
    server = signal_rig.server
    server.deliver(REPORT, uuid=DEE, attachments=((PHOTO, "image/jpeg"),))
    await signal_rig.exchange()
    assert server.receive_queries[0]["ignore_attachments"] == "false"
    assert server.receive_queries[0]["ignore_stories"] == "true"  # stories: never
    fetched = [r.split()[1] for r in server.requests if r.startswith("attachment ")]
    deleted = [r.split()[1] for r in server.requests if r.startswith("delete ")]
    assert fetched == deleted and len(fetched) == 1  # the report's photo: read, then deleted


async def test_ignoring_attachments_would_lose_the_photo_for_good(fake_signal: FakeSignal) -> None:
    """Why the bot does not ask signal-cli to ignore attachments: the file is never
    downloaded, and the service cannot give it later."""
    stamp = fake_signal.deliver(REPORT, uuid=DEE, attachments=((PHOTO, "image/jpeg"),))
    url = f"{fake_signal.url}/v1/receive/{BOT_NUMBER}"

    def receive_ignoring() -> list[dict[str, object]]:
        answer = requests.get(url, params={"ignore_attachments": "true"}, timeout=5)
        return list(answer.json())

    [message] = await asyncio.to_thread(receive_ignoring)
    envelope = message["envelope"]
    assert isinstance(envelope, dict) and envelope["timestamp"] == stamp
    [name] = list(attachment_ids(envelope))  # named in the envelope, but never on disk
    client = SignalClient(fake_signal.url, BOT_NUMBER)
    try:
        with pytest.raises(SignalError) as refused:
            await asyncio.to_thread(client.attachment, name, 10_000_000)
    finally:
        client.close()
    assert (refused.value.status, refused.value.message) == (
        404,
        "No attachment with that name found",
    )


async def test_the_fake_speaks_the_services_attachment_api(fake_signal: FakeSignal) -> None:
    paths = SWAGGER["paths"]
    assert set(paths["/v1/attachments/{attachment}"]) == {"get", "delete"}
    receive = paths["/v1/receive/{number}"]["get"]["parameters"]
    assert "ignore_attachments" in {p["name"] for p in receive}
    fake_signal.files["x.jpg"] = b"abc"
    client = SignalClient(fake_signal.url, BOT_NUMBER)

    def calls() -> None:
        assert client.attachments() == ["x.jpg"]
        assert client.attachment("x.jpg", 10) == b"abc"
        with pytest.raises(SignalError) as refused:
            client.attachment("x.jpg", 2)
        assert refused.value.status == 413
        assert client.delete_attachment("x.jpg") is True
        assert client.delete_attachment("x.jpg") is False  # 404: already gone
        bad = requests.get(
            f"{fake_signal.url}/v1/receive/{BOT_NUMBER}",
            params={"ignore_attachments": "yes"},
            timeout=5,
        )
        assert bad.status_code == 400 and bad.json() == {
            "error": "Couldn't process request - ignore_attachments parameter needs to be "
            "either 'true' or 'false'"
        }

    try:
        await asyncio.to_thread(calls)
    finally:
        client.close()


def test_a_data_uri_is_read_as_the_service_reads_it() -> None:
    assert parse_data_uri("data:image/jpeg;filename=R1-photo-1.jpg;base64,YWJj") == (
        "R1-photo-1.jpg",
        "image/jpeg",
        b"abc",
    )
    assert parse_data_uri("YWJj") == ("", "", b"abc")
    with pytest.raises(ValueError, match=r"^illegal base64 data at input byte 2$"):
        parse_data_uri("data:image/jpeg;base64,YW*j")
