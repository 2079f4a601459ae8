"""A reporter's photos and videos: fetched within limits, fingerprinted, made safe.

A photo straight from a phone tells more than what it shows: EXIF and XMP carry where
it was taken (GPS), when, and with which phone, and that can identify the reporter.
So the bot never passes an original on. A photo it can read is turned upright, drawn
onto a fresh image (which carries no metadata at all: no EXIF, XMP, ICC profile or
comment) and re-encoded as a JPEG of bounded size. A video is never passed on: the bot
has no well-kept library to clean every container's metadata (and telemetry tracks),
so it keeps only the fingerprint and says so. An image it cannot read (HEIC from an
iPhone, say) is treated the same way. Every file is fingerprinted (SHA-256 of the
original bytes) so a verifier can later tell whether a copy that circulates is the
one the reporter sent.

Front ends only hand over what the platform offers (`Upload`: the declared type and
size, and a way to fetch the bytes); the limits and the work live here, so they are
the same on every platform. Nothing here touches storage or a platform.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from bot.core.models import MediaKind, ReceivedMedia

log = logging.getLogger(__name__)

# A clean copy is at most this many pixels on its longest side: plenty to see vans,
# uniforms and a street sign, small enough to upload anywhere (Discord, Signal).
MAX_SIDE = 2048
MAX_COPY_BYTES = 2_000_000
# Images larger than this are not decoded (a "decompression bomb" costs gigabytes).
MAX_PIXELS = 80_000_000
_QUALITIES = ((MAX_SIDE, 85), (MAX_SIDE, 70), (1600, 70), (1280, 60))


class MediaUnavailableError(Exception):
    """A front end could not fetch a file the platform announced."""


@dataclass(frozen=True)
class MediaLimits:
    per_report: int = 4  # files kept per report (or per corroborating report)
    max_bytes: int = 25_000_000  # larger files are not downloaded


DEFAULT_LIMITS = MediaLimits()


@dataclass(frozen=True)
class Upload:
    """A file as a platform announces it; the bytes are fetched only within limits."""

    content_type: str  # as declared by the sender's app (may be empty or wrong)
    size: int | None  # as declared, if the platform says
    fetch: Callable[[], Awaitable[bytes]]  # raises MediaUnavailableError if it cannot


# ISO base media files ("....ftyp<brand>"): the brand says photo or video.
_IMAGE_BRANDS = {
    b"heic": "HEIC", b"heix": "HEIC", b"hevc": "HEIC", b"heim": "HEIC", b"heis": "HEIC",
    b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF", b"avis": "AVIF",
}  # fmt: skip
_VIDEO_BRANDS = {
    b"qt  ": "MOV", b"isom": "MP4", b"iso2": "MP4", b"mp41": "MP4", b"mp42": "MP4",
    b"avc1": "MP4", b"M4V ": "M4V", b"3gp4": "3GP", b"3gp5": "3GP", b"3g2a": "3GP",
}  # fmt: skip
_DECLARED = re.compile(r"[^a-z0-9/.+-]")


def sniff(data: bytes) -> tuple[MediaKind | None, str | None]:
    """(photo-or-video, format name) from the first bytes, for files Pillow cannot read."""
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in _IMAGE_BRANDS:
            return MediaKind.UNREADABLE, _IMAGE_BRANDS[brand]
        if brand in _VIDEO_BRANDS:
            return MediaKind.VIDEO, _VIDEO_BRANDS[brand]
        return MediaKind.VIDEO, "MP4"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return MediaKind.VIDEO, "WebM"
    if data.startswith(b"RIFF") and data[8:12] == b"AVI ":
        return MediaKind.VIDEO, "AVI"
    return None, None


def declared_format(content_type: str) -> str:
    """The declared type, reduced to characters that cannot carry markup or links."""
    return _DECLARED.sub("", content_type.strip().lower())[:40] or "unknown"


def _declared_kind(content_type: str) -> MediaKind:
    declared = content_type.strip().lower()
    if declared.startswith("video/"):
        return MediaKind.VIDEO
    if declared.startswith("image/"):
        return MediaKind.UNREADABLE
    return MediaKind.OTHER


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as the sender saw them, without keeping the profile (which can name
    the phone's maker): converted to sRGB, the profile dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        output = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the colours may be off, nothing else is kept
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels only, drawn onto a new image: whatever the original carried in its
    headers (EXIF, XMP, ICC, comments, text chunks) has nowhere to go."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", rgba.size, (255, 255, 255))
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _encode(image: Image.Image) -> bytes:
    data = b""
    for side, quality in _QUALITIES:
        copy = image.copy()
        copy.thumbnail((side, side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        copy.save(out, "JPEG", quality=quality, optimize=True)
        data = out.getvalue()
        if len(data) <= MAX_COPY_BYTES:
            break
    return data


@dataclass(frozen=True)
class CleanCopy:
    data: bytes
    width: int
    height: int
    format: str


def clean_copy(original: bytes) -> CleanCopy | None:
    """A JPEG of the picture alone, upright, at most MAX_SIDE wide or high; None when
    Pillow cannot read it (or it is too large to decode safely)."""
    try:
        with Image.open(io.BytesIO(original)) as image:
            source_format = str(image.format or "image").upper()
            if image.width * image.height > MAX_PIXELS:
                return None
            if source_format == "JPEG":
                image.draft("RGB", (MAX_SIDE * 2, MAX_SIDE * 2))  # decode big JPEGs smaller
            upright = ImageOps.exif_transpose(image)  # the phone's "rotate me", applied
            clean = _flatten(_to_srgb(upright))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return None
    data = _encode(clean)
    with Image.open(io.BytesIO(data)) as encoded:
        width, height = encoded.size
    return CleanCopy(data, width, height, source_format)


def examine(original: bytes, content_type: str) -> ReceivedMedia:
    """What the bot keeps of one downloaded file."""
    sha256 = hashlib.sha256(original).hexdigest()
    size = len(original)
    copy = clean_copy(original)
    if copy is not None:
        return ReceivedMedia(
            MediaKind.PHOTO,
            copy.format,
            size,
            sha256,
            data=copy.data,
            width=copy.width,
            height=copy.height,
        )
    kind, name = sniff(original)
    return ReceivedMedia(
        kind or _declared_kind(content_type),
        name or declared_format(content_type),
        size,
        sha256,
    )


async def receive(uploads: Sequence[Upload], limits: MediaLimits) -> list[ReceivedMedia]:
    """Every file a reporter sent, each one fetched only if within the limits; what is
    not fetched is still listed, with why."""
    received: list[ReceivedMedia] = []
    for number, upload in enumerate(uploads):
        declared = declared_format(upload.content_type)
        if number >= limits.per_report:
            received.append(ReceivedMedia(MediaKind.OVER_LIMIT, declared, upload.size or 0))
            continue
        if upload.size is not None and upload.size > limits.max_bytes:
            received.append(ReceivedMedia(MediaKind.TOO_LARGE, declared, upload.size))
            continue
        try:
            original = await upload.fetch()
        except MediaUnavailableError:
            received.append(ReceivedMedia(MediaKind.UNAVAILABLE, declared, upload.size or 0))
            continue
        if len(original) > limits.max_bytes:
            received.append(ReceivedMedia(MediaKind.TOO_LARGE, declared, len(original)))
            continue
        # Decoding a 12-megapixel photo takes a moment of CPU: not on the event loop.
        received.append(await asyncio.to_thread(examine, original, upload.content_type))
    return received
