"""A reporter's files: what is kept of each, and that nothing in it points back to them."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

from PIL import Image

from bot.core.media import (
    MAX_COPY_BYTES,
    MAX_SIDE,
    MediaLimits,
    MediaUnavailableError,
    Upload,
    examine,
    receive,
)
from bot.core.models import MediaKind
from tests.fakes.photos import HEIC, MP4, PDF, SECRETS, big_jpeg, phone_jpeg, png_with_text


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_phone_photo_loses_place_time_phone_and_every_other_detail() -> None:
    original = phone_jpeg()
    assert all(secret in original for secret in SECRETS)  # the test photo carries them

    kept = examine(original, "image/jpeg")

    assert kept.kind is MediaKind.PHOTO
    assert kept.data is not None
    assert [secret for secret in SECRETS if secret in kept.data] == []
    copy = opened(kept.data)
    assert copy.format == "JPEG"
    assert not copy.getexif()
    assert set(copy.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
    assert b"Exif" not in kept.data and b"http://ns.adobe.com" not in kept.data


def test_the_photo_is_turned_upright_before_its_orientation_flag_is_dropped() -> None:
    # Stored 64x32 with "turn 90° clockwise": shown 32x64, the red half on top.
    kept = examine(phone_jpeg(64, 32, orientation=6), "image/jpeg")
    assert kept.data is not None
    copy = opened(kept.data).convert("RGB")
    assert copy.size == (32, 64) == (kept.width, kept.height)
    red, _green, blue = copy.getpixel((16, 8))  # type: ignore[misc]
    assert red > 200 and blue < 60
    red, _green, blue = copy.getpixel((16, 56))  # type: ignore[misc]
    assert blue > 200 and red < 60


def test_the_fingerprint_is_of_the_original_as_sent() -> None:
    original = phone_jpeg()
    kept = examine(original, "image/jpeg")
    assert kept.sha256 == hashlib.sha256(original).hexdigest()
    assert kept.size == len(original)


def test_a_large_photo_is_made_small_enough_to_upload_anywhere() -> None:
    kept = examine(big_jpeg(4000, 3000), "image/jpeg")
    assert kept.data is not None
    assert max(kept.width or 0, kept.height or 0) == MAX_SIDE
    assert len(kept.data) <= MAX_COPY_BYTES


def test_a_screenshot_with_transparency_and_text_chunks_becomes_a_plain_jpeg() -> None:
    kept = examine(png_with_text(), "image/png")
    assert kept.kind is MediaKind.PHOTO and kept.format == "PNG"
    assert kept.data is not None
    assert b"front door" not in kept.data and b"Pixel 7" not in kept.data
    assert opened(kept.data).mode == "RGB"


def test_what_the_bot_cannot_clean_is_fingerprinted_and_never_kept() -> None:
    heic = examine(HEIC, "image/heic")
    video = examine(MP4, "video/mp4")
    document = examine(PDF, "application/pdf")
    assert (heic.kind, heic.format) == (MediaKind.UNREADABLE, "HEIC")
    assert (video.kind, video.format) == (MediaKind.VIDEO, "MP4")
    assert (document.kind, document.format) == (MediaKind.OTHER, "application/pdf")
    for kept, original in ((heic, HEIC), (video, MP4), (document, PDF)):
        assert kept.data is None
        assert kept.sha256 == hashlib.sha256(original).hexdigest()


def test_a_video_is_recognised_by_its_bytes_whatever_it_claims_to_be() -> None:
    assert examine(MP4, "image/jpeg").kind is MediaKind.VIDEO
    assert examine(MP4, "").format == "MP4"


def test_a_declared_type_cannot_smuggle_markup_onto_the_card() -> None:
    kept = examine(PDF, "application/<@&123> [link](https://evil.example)")
    assert kept.format == "application/123linkhttps//evil.example"[:40]


def _png_header_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def test_a_decompression_bomb_is_not_decoded() -> None:
    kept = examine(_png_header_claiming(30_000, 30_000), "image/png")
    assert kept.kind is MediaKind.UNREADABLE and kept.data is None


def upload(data: bytes, content_type: str = "image/jpeg", size: int | None = None) -> Upload:
    async def fetch() -> bytes:
        fetched.append(content_type)
        return data

    return Upload(content_type, len(data) if size is None else size, fetch)


fetched: list[str] = []


async def test_files_beyond_the_limits_are_listed_but_never_downloaded() -> None:
    fetched.clear()
    limits = MediaLimits(per_report=3, max_bytes=10_000)
    photo = phone_jpeg()
    received = await receive(
        [
            upload(photo),
            upload(MP4, "video/mp4", size=50_000),  # says it is too large: not fetched
            upload(photo),
            upload(photo, "image/png"),  # the fourth: over the number kept
        ],
        limits,
    )
    assert [item.kind for item in received] == [
        MediaKind.PHOTO,
        MediaKind.TOO_LARGE,
        MediaKind.PHOTO,
        MediaKind.OVER_LIMIT,
    ]
    assert fetched == ["image/jpeg", "image/jpeg"]
    assert received[1].size == 50_000 and received[1].sha256 is None


async def test_a_file_larger_than_it_said_is_dropped_after_download() -> None:
    received = await receive(
        [upload(big_jpeg(800, 600), size=100)], MediaLimits(per_report=4, max_bytes=1000)
    )
    assert received[0].kind is MediaKind.TOO_LARGE and received[0].data is None


async def test_a_file_the_platform_cannot_hand_over_is_still_listed() -> None:
    async def gone() -> bytes:
        raise MediaUnavailableError("deleted")

    received = await receive([Upload("image/jpeg", 2048, gone)], MediaLimits())
    assert [(item.kind, item.size) for item in received] == [(MediaKind.UNAVAILABLE, 2048)]
