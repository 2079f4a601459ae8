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

# What the service's errors say. It passes signal-cli's own words on: in normal and native
# mode a failed send is HTTP 400 with signal-cli's whole output (the failures, one per
# recipient, the timestamp, then why it gave up); in json-rpc mode a rate limit is 429
# with the challenge tokens as a list. See tests/fakes/signal_server.py for the shapes
# and the upstream code they come from.
_TOKEN = re.compile(r'with challenge token "([^"\s]{1,200})"')
_WAIT = re.compile(
    r'or wait "(\d{1,9})" seconds|retry\s*after(?:seconds)?\D{0,5}(\d{1,9})', re.IGNORECASE
)
_RATE_LIMIT = ("rate limit", "rate_limit", "captcha proof required")
_HEADING = "Failed to send (some) messages:"
# When some recipients got the message, signal-cli exits normally and service release
# 0.100 cannot read the timestamp out of its output: it answers 400 with the output, every
# newline removed, the timestamp stuck on the end.
_PARTLY_SENT = re.compile(re.escape(_HEADING) + r"[^\n]*?[^\d](\d{10,16})")
# A group id the service or signal-cli refuses, or a group the bot may no longer post in.
_GROUP_UNUSABLE = (
    "invalid identifier",  # client.go getRecipientType: not base64 twice over
    "invalid signal group size",  # ... or not 32 bytes once decoded
    "invalid group id",
    "group not found",
    "is not a member in group",
    "is not allowed to send message to group",
)


_CAPTCHA_HELP = ("To get the captcha", "After solving", "Use the following", "signal-cli ")


def _summary(text: str) -> str:
    """What went wrong, in one line: signal-cli's first reason (and how many recipients
    had one), then why it gave up; no heading, captcha instructions or timestamp."""
    body = text.strip()
    listed = body.startswith(_HEADING)  # one line per recipient, "<recipient>: <reason>"
    reasons: list[str] = []
    closing: list[str] = []
    for raw in body.removeprefix(_HEADING).splitlines():
        line = raw.strip()
        if not line or line.isdigit() or line.startswith(_CAPTCHA_HELP):
            continue
        if listed and ": " in line and not line.startswith("Failed to send"):
            reasons.append(line.split(": ", 1)[1])
        else:
            closing.append(line)
    parts = closing
    if reasons:
        more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
        parts = [reasons[0] + more, *closing]
    return " / ".join(parts)[:300] or body[:300]


@dataclass
class SignalError(Exception):
    """The service answered with an error, or could not be reached at all (status 0).

    `message` keeps the service's text as it came (it can name recipients: it is redacted
    wherever it is stored or shown); the challenge tokens and the wait Signal asks for
    are read from it whatever the mode, so none is lost to a long message.
    """

    status: int
    message: str
    challenge_tokens: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for token in _TOKEN.findall(self.message):
            if token not in self.challenge_tokens:
                self.challenge_tokens.append(token)

    def __str__(self) -> str:
        return f"signal-cli-rest-api {self.status or 'unreachable'}: {self.summary}"

    @property
    def summary(self) -> str:
        """What went wrong, in one line, in the service's words."""
        return _summary(self.message)

    @property
    def rate_limited(self) -> bool:
        text = self.message.lower()
        return self.status == 429 or any(marker in text for marker in _RATE_LIMIT)

    @property
    def retry_after(self) -> float | None:
        """The longest wait Signal named (seconds), as signal-cli itself would wait."""
        waits = [int(a or b) for a, b in _WAIT.findall(self.message)]
        return float(max(waits)) if waits else None

    @property
    def unreachable(self) -> bool:
        return self.status == 0 or self.status >= 500

    @property
    def group_unusable(self) -> bool:
        """The group id is refused, or the bot is not (or no longer) in the group."""
        text = self.message.lower()
        return self.status == 400 and any(marker in text for marker in _GROUP_UNUSABLE)

    @property
    def recipient_unregistered(self) -> bool:
        """For a direct message: the person is no longer on Signal."""
        return self.status == 400 and "unregistered user" in self.message.lower()


@dataclass(frozen=True)
class Sent:
    """A message Signal took: its timestamp, and why some group members were missed."""

    timestamp: str
    missed: SignalError | None = None


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
                str(body.get("error") or response.reason or "error")[:4000],
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
    ) -> Sent:
        """Send to one recipient: the service refuses several groups in one request.

        `files` are uploaded with the text (`base64_attachments`, as data URIs that name
        the file, so readers see "R3-photo-1.jpg" rather than a random name). A message
        some group members got is sent, even when the service answers 400 for it (release
        0.100 does): sending it again would repeat it to all the others.
        """
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
        try:
            data = self._request("POST", "/v2/send", json=body).json()
        except SignalError as error:
            partly = _PARTLY_SENT.fullmatch(error.message) if error.status == 400 else None
            if partly is None:
                raise
            return Sent(partly.group(1), missed=error)
        if isinstance(data, list):  # the next release answers one result per request part
            data = data[0] if data and isinstance(data[0], dict) else {}
        return Sent(str(data.get("timestamp", "")))

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
