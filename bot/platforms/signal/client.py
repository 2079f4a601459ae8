"""A small client for the signal-cli-rest-api HTTP service.

Our own rather than `pysignalclirestapi`, which has no timeouts, calls /v1/about before
every send and flattens errors to strings, losing the rate-limit details we must act
on. Calls are blocking `requests` calls with explicit connect and read timeouts; the
async front end runs them in a worker thread so a slow Signal never stalls Discord or
the timers.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from bot.core.models import MediaFile

CONNECT_TIMEOUT = 5.0
_RETRY_AFTER = re.compile(r"retry\s*after(?:seconds)?\D{0,5}(\d{1,7})", re.IGNORECASE)


@dataclass
class SignalError(Exception):
    """The service answered with an error, or could not be reached at all (status 0)."""

    status: int
    message: str
    challenge_tokens: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"signal-cli-rest-api {self.status or 'unreachable'}: {self.message}"

    @property
    def rate_limited(self) -> bool:
        text = self.message.lower()
        return self.status == 429 or "rate limit" in text or "rate_limit" in text

    @property
    def retry_after(self) -> float | None:
        match = _RETRY_AFTER.search(self.message)
        return float(match.group(1)) if match else None

    @property
    def unreachable(self) -> bool:
        return self.status == 0 or self.status >= 500


@dataclass(frozen=True)
class About:
    mode: str
    version: str
    versions: tuple[str, ...]


class SignalClient:
    def __init__(self, base_url: str, number: str, *, read_timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.number = number
        self.read_timeout = read_timeout
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=4, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def _request(
        self, method: str, path: str, *, read_timeout: float | None = None, **kwargs: Any
    ) -> requests.Response:
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                timeout=(CONNECT_TIMEOUT, read_timeout or self.read_timeout),
                **kwargs,
            )
        except requests.RequestException as error:
            raise SignalError(0, type(error).__name__) from None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if not isinstance(body, dict):
                body = {}
            raise SignalError(
                response.status_code,
                str(body.get("error") or response.reason or "error")[:500],
                [str(t) for t in body.get("challenge_tokens") or [] if t],
            )
        return response

    # -- the calls the bot makes ---------------------------------------------------------

    def about(self) -> About:
        data = self._request("GET", "/v1/about").json()
        return About(
            mode=str(data.get("mode", "unknown")),
            version=str(data.get("version", "?")),
            versions=tuple(str(v) for v in data.get("versions", [])),
        )

    def healthy(self) -> bool:
        try:
            return self._request("GET", "/v1/health").status_code == 204
        except SignalError:
            return False

    def receive(self, timeout: int) -> list[dict[str, Any]]:
        """Messages waiting for the bot's number (normal and native modes).

        The service answers after up to `timeout` seconds; messages wait on Signal's
        servers while the bot is down, so nothing is lost across a restart.
        """
        response = self._request(
            "GET",
            f"/v1/receive/{quote(self.number)}",
            params={
                "timeout": str(timeout),
                # signal-cli downloads attachments while it receives, or never: a file
                # ignored here cannot be fetched later. So it downloads them, and the bot
                # fetches what a report needs and deletes every file (see attachments.py).
                "ignore_attachments": "false",
                "ignore_stories": "true",
                "ignore_avatars": "true",
                "ignore_stickers": "true",
                "send_read_receipts": "false",
            },
            read_timeout=timeout + self.read_timeout,
        )
        data = response.json() if response.content else []
        items = data if isinstance(data, list) else [data]
        return [item for item in items if isinstance(item, dict)]

    def send(
        self,
        recipient: str,
        message: str,
        mentions: list[dict[str, Any]] | None = None,
        files: Sequence[MediaFile] = (),
    ) -> str:
        """Send to one recipient: the service refuses several groups in one request.
        `files` are uploaded with the text (`base64_attachments`, as data URIs that name
        the file, so readers see "R3-photo-1.jpg" rather than a random name)."""
        body: dict[str, Any] = {
            "number": self.number,
            "recipients": [recipient],
            "message": message,
            "text_mode": "normal",  # people's text is never turned into styling
        }
        if mentions:
            body["mentions"] = mentions
        if files:
            body["base64_attachments"] = [
                f"data:{file.content_type};filename={file.name};base64,"
                + base64.b64encode(file.data).decode()
                for file in files
            ]
        data = self._request("POST", "/v2/send", json=body).json()
        return str(data.get("timestamp", ""))

    def attachments(self) -> list[str]:
        """Every file the service has downloaded and still keeps."""
        data = self._request("GET", "/v1/attachments").json()
        return [str(name) for name in data] if isinstance(data, list) else []

    def attachment(self, attachment_id: str, max_bytes: int) -> bytes:
        """One downloaded attachment's bytes; refused (status 413) past `max_bytes`."""
        response = self._request(
            "GET", f"/v1/attachments/{quote(attachment_id, safe='')}", stream=True
        )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise SignalError(413, f"attachment larger than {max_bytes} bytes")
                chunks.append(chunk)
        except requests.RequestException as error:
            raise SignalError(0, type(error).__name__) from None
        finally:
            response.close()
        return b"".join(chunks)

    def delete_attachment(self, attachment_id: str) -> bool:
        """Delete a downloaded attachment; False if the service no longer had it."""
        try:
            self._request("DELETE", f"/v1/attachments/{quote(attachment_id, safe='')}")
        except SignalError as error:
            if error.status == 404:
                return False
            raise
        return True
