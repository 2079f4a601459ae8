"""Discord's CDN, as the fake Discord plays it: where attachments are downloaded from.

On Discord every file is an attachment with a signed address on the CDN, whether a
member attached it to a message or to a command's option, or the bot uploaded it:
`https://cdn.discordapp.com/attachments/<channel>/<attachment>/<name>?ex=…&is=…&hm=…`
(a command option's file lives under `ephemeral-attachments/`), and the same path on
the media proxy (`media.discordapp.net`) is its `proxy_url`. discord.py downloads one
with `Attachment.read()`: a plain GET of that address, without the bot's token.

Here the CDN and the media proxy are two more addresses on 127.0.0.1, so the bot's own
`Attachment.read()` downloads the bytes a member attached, and the bot's uploads can be
read back the way a verifier's app shows them. As on Discord, an address whose
signature does not match (a link cut short or altered) and a file that expired or was
removed with its message answer 404 with "This content is no longer available.".
A test makes a file expire with `expire()`; every download is recorded (`downloads`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from aiohttp import web
from PIL import Image, UnidentifiedImageError

from tests.fakes.discord_records import Download, Upload

GONE = "This content is no longer available."
# Signed addresses carry when they were issued and when they expire (hex Unix times);
# the fake's are fixed (its one timestamp is 2025-01-01 12:00 UTC), and a file expires
# only when a test says so, never by the wall clock.
ISSUED = 1_735_732_800
LIFETIME = 24 * 3600
_PATH = r"/{kind:attachments|ephemeral-attachments}/{channel:\d+}/{attachment:\d+}/{name}"


class FakeCDN:
    """The files on Discord, by attachment id, served at their signed addresses."""

    def __init__(self, ids: Iterator[int]) -> None:
        self.files: dict[int, Upload] = {}
        self.downloads: list[Download] = []
        self.cdn_port = 0
        self.media_port = 0
        self._ids = ids
        self._secret = secrets.token_bytes(16)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(_PATH, self._serve)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        ports = []
        for _host in ("cdn", "media proxy"):
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            assert site._server is not None
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        self.cdn_port, self.media_port = ports

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def put(self, upload: Upload, channel_id: int, *, ephemeral: bool = False) -> Upload:
        """The file on Discord: a new attachment id, its place on the CDN. Discord keeps
        letters, digits, dots, dashes and underscores of a name; the rest become `_`."""
        stored = dataclasses.replace(
            upload,
            filename=re.sub(r"[^A-Za-z0-9._-]", "_", upload.filename) or "unknown",
            id=next(self._ids),
            channel_id=channel_id,
            ephemeral=ephemeral,
            gone=False,
        )
        self.files[stored.id] = stored
        return stored

    def expire(self, *uploads: Upload) -> None:
        """These files' addresses stop working, as when Discord's signed links expire."""
        for upload in uploads:
            assert upload.id in self.files, "not a file on Discord"
            self.files[upload.id].gone = True

    def url(self, upload: Upload) -> str:
        return f"http://127.0.0.1:{self.cdn_port}{self._signed(upload)}"

    def proxy_url(self, upload: Upload) -> str:
        return f"http://127.0.0.1:{self.media_port}{self._signed(upload)}"

    def payload(self, upload: Upload) -> dict[str, Any]:
        """The attachment object, as in a message's `attachments` or a command's
        resolved options; an image says its width and height."""
        data: dict[str, Any] = {
            "id": str(upload.id),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": self.url(upload),
            "proxy_url": self.proxy_url(upload),
            "content_type": upload.content_type,
        }
        size = _dimensions(upload.data)
        if size is not None:
            data["width"], data["height"] = size
        if upload.ephemeral:
            data["ephemeral"] = True
        if upload.description is not None:
            data["description"] = upload.description
        return data

    def _path(self, upload: Upload) -> str:
        kind = "ephemeral-attachments" if upload.ephemeral else "attachments"
        return f"/{kind}/{upload.channel_id}/{upload.id}/{quote(upload.filename)}"

    def _signed(self, upload: Upload) -> str:
        path = self._path(upload)
        ex, issued = f"{ISSUED + LIFETIME:08x}", f"{ISSUED:08x}"
        return f"{path}?ex={ex}&is={issued}&hm={self._signature(path, ex, issued)}&"

    def _signature(self, path: str, ex: str, issued: str) -> str:
        signed = f"{path}|{ex}|{issued}".encode()
        return hmac.new(self._secret, signed, hashlib.sha256).hexdigest()

    async def _serve(self, request: web.Request) -> web.Response:
        attachment_id = int(request.match_info["attachment"])
        found = self.files.get(attachment_id)
        query = request.query
        valid = (
            found is not None
            and not found.gone
            and request.raw_path.split("?", 1)[0] == self._path(found)
            and hmac.compare_digest(
                query.get("hm", ""),
                self._signature(self._path(found), query.get("ex", ""), query.get("is", "")),
            )
        )
        status = 200 if valid else 404
        self.downloads.append(
            Download(request.path, attachment_id if found is not None else None, status)
        )
        if found is None or not valid:
            return web.Response(status=404, text=GONE)
        return web.Response(
            body=found.data, content_type=found.content_type or "application/octet-stream"
        )


def _dimensions(data: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None
