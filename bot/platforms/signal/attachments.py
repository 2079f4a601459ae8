"""Files people send on Signal: fetched for a report, then deleted from the service.

signal-cli downloads every attachment of every message it receives (photos posted in
the groups, link-preview images, quoted thumbnails) onto its own volume, outside the
bot's encryption and purge. Asking it to ignore attachments is no way out: a file it
ignored is never downloaded, so a report's photo could not be fetched afterwards. So
the bot lets it download, and then:

- fetches the attachments of a message it handles (`GET /v1/attachments/{id}`) and
  hands them to the core, which keeps only what it can make safe, sealed;
- deletes every attachment a message carried (`DELETE /v1/attachments/{id}`) as soon
  as the message is handled, whether it was a report, a command or group chatter;
- sweeps what is left (`GET /v1/attachments`), keeping only the files of messages
  still waiting to be handled, so nothing lingers from before an upgrade or from
  files no envelope names (previews stored beside an attachment).

The service's attachment folder is the bot's own: run no other program on the same
signal-cli-rest-api that needs the files kept.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from bot.core.media import MediaLimits, MediaUnavailableError, Upload
from bot.platforms.signal.client import SignalClient, SignalError

log = logging.getLogger(__name__)


def attachment_ids(value: Any) -> Iterator[str]:
    """Every attachment an envelope names, wherever it sits (a message's files, a link
    preview's image, a quoted thumbnail, a shared contact's avatar, a synced message):
    objects with a string `id` and a `contentType`, as `receive.Attachment` has."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and "contentType" in value:
            yield value["id"]
        for item in value.values():
            yield from attachment_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from attachment_ids(item)


def _files(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The files a message carries (not previews or thumbnails), as the envelope lists them."""
    return [
        item
        for item in data.get("attachments") or []
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]


class SignalAttachments:
    def __init__(self, client: SignalClient, limits: MediaLimits) -> None:
        self.client = client
        self.limits = limits
        # Files fetched ahead of handling, by attachment id (or why they could not be).
        self._fetched: dict[str, bytes | MediaUnavailableError] = {}

    async def prefetch(self, data: dict[str, Any]) -> None:
        """Download the files of a message about to be handled, within the limits.

        Done before the message's unit of work opens, so the database is never held
        while a file travels; `uploads` then hands the bytes over without a request."""
        for number, item in enumerate(_files(data)):
            size = item.get("size")
            if number >= self.limits.per_report:
                break
            if isinstance(size, int) and size > self.limits.max_bytes:
                continue  # the core lists it as too large without asking for it
            try:
                self._fetched[item["id"]] = await asyncio.to_thread(
                    self.client.attachment, item["id"], self.limits.max_bytes
                )
            except SignalError as error:
                self._fetched[item["id"]] = MediaUnavailableError(str(error))

    def uploads(self, data: dict[str, Any]) -> list[Upload]:
        """The files of one message, as the core takes them (fetched only if kept)."""
        return [
            Upload(
                content_type=str(item.get("contentType") or ""),
                size=item["size"] if isinstance(item.get("size"), int) else None,
                fetch=self._fetcher(item["id"]),
            )
            for item in _files(data)
        ]

    def _fetcher(self, attachment_id: str) -> Callable[[], Awaitable[bytes]]:
        async def fetch() -> bytes:
            fetched = self._fetched.pop(attachment_id, None)
            if isinstance(fetched, MediaUnavailableError):
                raise fetched
            if fetched is not None:
                return fetched
            try:
                return await asyncio.to_thread(
                    self.client.attachment, attachment_id, self.limits.max_bytes
                )
            except SignalError as error:
                raise MediaUnavailableError(str(error)) from None

        return fetch

    async def discard(self, envelope: dict[str, Any]) -> None:
        """Delete from the service every file this envelope names. A failure is logged
        and left to the next sweep: it must not stop the bot answering."""
        for attachment_id in dict.fromkeys(attachment_ids(envelope)):
            self._fetched.pop(attachment_id, None)
            try:
                await asyncio.to_thread(self.client.delete_attachment, attachment_id)
            except SignalError as error:
                log.warning("could not delete a Signal attachment: %s", error)

    async def sweep(self, keep: set[str]) -> int:
        """Delete every file the service keeps except those in `keep`; how many went."""
        try:
            stored = await asyncio.to_thread(self.client.attachments)
        except SignalError as error:
            log.warning("could not list Signal attachments: %s", error)
            return 0
        deleted = 0
        for name in stored:
            if name in keep:
                continue
            try:
                deleted += await asyncio.to_thread(self.client.delete_attachment, name)
            except SignalError as error:
                log.warning("could not delete a Signal attachment: %s", error)
        if deleted:
            log.info("deleted %d attachments signal-cli had kept", deleted)
        return deleted
