"""What messages say about the files reporters send.

Verifiers read, for each file, what came and what became of it (a photo's clean copy is
attached; a video is fingerprinted and not passed on, and why), with the SHA-256 of the
original so a copy met later can be matched. The reporter reads the same facts about
their own files, in their language, with what to do instead. Nothing a reporter sent is
dropped without a word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.core.media import MediaLimits
from bot.core.models import Media, MediaKind, ReceivedMedia
from bot.i18n import ListOf, Raw, Size, Text, _, _n, lines

# Kinds as the reporter hears of them: one sentence per kind, however many files.
_RECEIPT_ORDER = (
    MediaKind.PHOTO,
    MediaKind.VIDEO,
    MediaKind.UNREADABLE,
    MediaKind.OTHER,
    MediaKind.TOO_LARGE,
    MediaKind.UNAVAILABLE,
    MediaKind.OVER_LIMIT,
)


def _item(media: Media, limits: MediaLimits) -> Text:
    number, size = media.number, Size(media.size)
    fmt = Raw(media.format)
    if media.kind is MediaKind.PHOTO:
        return _(
            "Photo {number}: attached, as a copy without its hidden details (where, when, "
            "which phone).",
            number=number,
        )
    if media.kind is MediaKind.VIDEO:
        return _(
            "Video {number} ({format}, {size}): not passed on. The bot does not forward "
            "videos, because it cannot remove the hidden details they carry (where, when, "
            "which phone).",
            number=number,
            format=fmt,
            size=size,
        )
    if media.kind is MediaKind.UNREADABLE:
        return _(
            "Photo {number} ({format}, {size}): in a format the bot cannot read, so not passed on.",
            number=number,
            format=fmt,
            size=size,
        )
    if media.kind is MediaKind.OTHER:
        return _(
            "File {number} ({format}, {size}): not a photo or a video, so not passed on.",
            number=number,
            format=fmt,
            size=size,
        )
    if media.kind is MediaKind.TOO_LARGE:
        return _(
            "File {number} ({size}): larger than {limit}, so not downloaded.",
            number=number,
            size=size,
            limit=Size(limits.max_bytes),
        )
    if media.kind is MediaKind.OVER_LIMIT:
        return _(
            "File {number}: more than {limit} files came with this report, so it was not "
            "downloaded.",
            number=number,
            limit=limits.per_report,
        )
    return _("File {number}: the bot could not download it.", number=number)


def card_lines(media: Sequence[Media], limits: MediaLimits) -> list[Text]:
    """One entry per file, with the original's fingerprint where the bot had it."""
    parts: list[Text] = []
    for item in media:
        fingerprint = (
            _("SHA-256 of the original: {sha256}", sha256=Raw(item.sha256)) if item.sha256 else None
        )
        parts.append(lines(_item(item, limits), fingerprint))
    return parts


def how_to_share(code: str, media: Sequence[Media]) -> Text | None:
    """Photos stay with the verifiers unless one chooses to send them with the alert."""
    photos = [item.number for item in media if item.shareable]
    if not photos:
        return None
    return lines(
        _(
            "Photos stay here unless you send them with the alert: /verify {code} with photos "
            "(or only one: /verify {code} with photo {number}).",
            code=code,
            number=photos[0],
        ),
        _(
            "Look at each photo before you send it: a face, a house number, a door or a car "
            "plate can show who reported, or where they live."
        ),
    )


def links_line(links: Sequence[str]) -> Text | None:
    """Links a reporter typed (`media: …`): shown, never opened by the bot."""
    if not links:
        return None
    return _(
        "Links in the report (the bot did not open them; opening a link can tell its owner "
        "who you are): {links}",
        links=Raw(" ".join(links)),
    )


def receipt(received: Sequence[ReceivedMedia], limits: MediaLimits) -> Text | None:
    """What the reporter hears about their files, one sentence for each kind."""
    if not received:
        return None
    counts = Counter(item.kind for item in received)
    parts: list[Text] = []
    for kind in _RECEIPT_ORDER:
        count = counts.get(kind, 0)
        if count:
            parts.append(_receipt_line(kind, count, received, limits))
    return lines(*parts)


def _receipt_line(
    kind: MediaKind, count: int, received: Sequence[ReceivedMedia], limits: MediaLimits
) -> Text:
    if kind is MediaKind.PHOTO:
        return _n(
            "Your photo was received. Verifiers see a copy without its hidden details "
            "(where, when, which phone); it goes to the network only if a verifier chooses "
            "to send it with the alert.",
            "Your {count} photos were received. Verifiers see copies without their hidden "
            "details (where, when, which phone); they go to the network only if a verifier "
            "chooses to send them with the alert.",
            count,
        )
    if kind is MediaKind.VIDEO:
        return _n(
            "Your video was received, but the bot does not forward videos, because it cannot "
            "remove the hidden details they carry (where, when, which phone). The verifiers "
            "know you sent one. If you can, send a photo or a screenshot instead.",
            "Your {count} videos were received, but the bot does not forward videos, because "
            "it cannot remove the hidden details they carry (where, when, which phone). The "
            "verifiers know you sent them. If you can, send photos or screenshots instead.",
            count,
        )
    if kind is MediaKind.UNREADABLE:
        formats = sorted({item.format for item in received if item.kind is kind})
        return _n(
            "I could not open your photo ({formats}: the file may be damaged, or in a format "
            "I cannot read), so it was not passed on. Please send a screenshot of it.",
            "I could not open {count} of your photos ({formats}: the files may be damaged, or "
            "in a format I cannot read), so they were not passed on. Please send screenshots "
            "of them.",
            count,
            formats=ListOf(tuple(Raw(name) for name in formats)),
        )
    if kind is MediaKind.OTHER:
        return _n(
            "A file that is not a photo or a video was not passed on.",
            "{count} files that are not photos or videos were not passed on.",
            count,
        )
    if kind is MediaKind.TOO_LARGE:
        return _n(
            "A file was larger than {limit} and was not received.",
            "{count} files were larger than {limit} and were not received.",
            count,
            limit=Size(limits.max_bytes),
        )
    if kind is MediaKind.UNAVAILABLE:
        return _n(
            "A file could not be downloaded. Please send it again.",
            "{count} files could not be downloaded. Please send them again.",
            count,
        )
    return _n(
        "I keep at most {limit} files per report; {count} more was not received.",
        "I keep at most {limit} files per report; {count} more were not received.",
        count,
        limit=limits.per_report,
    )


def not_with_a_report(count: int) -> Text:
    """Files sent with a message that is not a report: not kept, and the sender told."""
    return _n(
        "I did not keep the file you sent: I keep photos only when they come with a "
        "report. To add one, send it again with /report and what you see.",
        "I did not keep the {count} files you sent: I keep photos only when they come with "
        "a report. To add them, send them again with /report and what you see.",
        count,
    )


def none_to_send(code: str) -> Text:
    """Photos were asked for, and the report has none that can be sent."""
    return _("{code} has no photo that can be sent, so the alert went without one.", code=code)


def sent_with(numbers: Sequence[int]) -> Text:
    """Which photos went out with an alert."""
    return _n(
        "The alert went with photo {numbers}.",
        "The alert went with photos {numbers}.",
        len(numbers),
        numbers=ListOf(tuple(Raw(str(number)) for number in numbers)),
    )
