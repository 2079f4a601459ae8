"""A fake signal-cli-rest-api on 127.0.0.1 that follows the official API description.

It serves the endpoints the bot uses, checks every request body the bot sends and every
response it gives itself against the service's swagger definitions, returns received
messages in the documented `data.Message` / `receive.MessageEnvelope` shape, and can be
told to fail, stall, rate-limit or go down. It never touches the network beyond loopback.

Attachments behave as in the real service (`src/api/api.go`, `src/client/client.go`):
signal-cli downloads a message's files while it receives, unless the receive asked
`ignore_attachments=true` (then the envelope still names them, but they are never on
disk); `GET /v1/attachments` lists the files kept, `GET`/`DELETE /v1/attachments/{id}`
serve or remove one (404 `No attachment with that name found` when it is not there).

The description shows an error as `{"error": "…"}` and nothing more; what the text says
and which status carries it depend on the mode, so the failures below are built from the
service's own source: signal-cli-rest-api 0.100 (the latest release, `src/api/api.go`,
`src/client/client.go`, `src/client/cli.go`, `src/client/jsonrpc2.go`) running
signal-cli 0.14.5 (the version its Dockerfile ships; `SendMessageResultUtils.java`,
`SendCommand.java`, `Main.java`). In `normal` and `native` mode the service runs the
signal-cli command and, when it exits with an error, answers 400 with the command's
stdout and stderr run together; in `json-rpc` mode it relays signal-cli's JSON-RPC error,
and a rate limit (error code -5) becomes 429 with the challenge tokens.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from aiohttp import web

# Kept in the repository (see reference/README.md), so the contract is checked in every
# clone: a missing file fails loudly instead of switching the checks off.
SWAGGER_PATH = Path(__file__).resolve().parent / "reference/signal-cli-rest-api.swagger.json"


class MissingDescriptionError(RuntimeError):
    """The API description the fake checks against is not there, or is not one."""


def load_description(path: Path) -> dict[str, Any]:
    """The service's Swagger description; without it the fake refuses to exist.

    Every Signal test imports this module, so a clone without the description fails
    each of them with this message instead of running unchecked or skipping.
    """
    try:
        description = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MissingDescriptionError(
            f"the signal-cli-rest-api API description {path} cannot be read ({error}); "
            "the fake Signal service checks every request against it: restore it from "
            "git (tests/fakes/reference/README.md names its source)"
        ) from None
    if not isinstance(description, dict) or "definitions" not in description:
        raise MissingDescriptionError(
            f"{path} is not the signal-cli-rest-api Swagger description (no definitions)"
        )
    return description


SWAGGER: dict[str, Any] = load_description(SWAGGER_PATH)


def check_array_of_strings(value: Any) -> None:
    """`GET /v1/attachments` answers `[]string` (swagger: items of type string)."""
    schema = SWAGGER["paths"]["/v1/attachments"]["get"]["responses"]["200"]["schema"]
    try:
        jsonschema.Draft4Validator(schema).validate(value)
    except jsonschema.ValidationError as error:
        raise ContractError(f"/v1/attachments: {error.message}") from None


# signal-cli's help for a captcha, word for word (SendMessageResultUtils.
# getErrorMessageFromSendMessageResult, printed when the options include CAPTCHA).
CAPTCHA_HELP = (
    "To get the captcha token, go to https://signalcaptchas.org/challenge/generate.html\n"
    'After solving the captcha, right-click on the "Open Signal" link and copy the link.\n'
    "Use the following command to submit the captcha token:\n"
    "signal-cli submitRateLimitChallenge --challenge CHALLENGE_TOKEN --captcha CAPTCHA_TOKEN"
)
# A group's other members, as signal-cli names them when one of them cannot be reached.
GROUP_MEMBERS = ("9a0b1c2d-0000-4000-8000-00000000000a", "9a0b1c2d-0000-4000-8000-00000000000b")


class ContractError(AssertionError):
    """A request or response broke the signal-cli-rest-api description."""


def check(definition: str, value: Any) -> None:
    schema = {"$ref": f"#/definitions/{definition}", "definitions": SWAGGER["definitions"]}
    try:
        jsonschema.Draft4Validator(schema).validate(value)
    except jsonschema.ValidationError as error:
        raise ContractError(f"{definition}: {error.message}") from None


def recipient_error(recipient: str) -> str | None:
    """Why the service refuses a recipient before running signal-cli, or None.

    client.go `getRecipientType`: a "group." id must decode (standard base64, twice) to
    exactly 32 bytes; an id that does not decode at all is an "Invalid identifier", one
    that decodes to another size an "Invalid Signal group size (N" (sic: no closing
    parenthesis). A short undecodable id would be taken for a username; the bot never
    sends to usernames.
    """
    if not recipient.startswith("group."):
        return None
    try:
        inner = base64.b64decode(recipient.removeprefix("group."), validate=True)
    except (binascii.Error, ValueError):
        return f"Invalid identifier {recipient}"
    try:
        group_id = base64.b64decode(inner, validate=True)
    except (binascii.Error, ValueError):
        return f"Invalid identifier {recipient}"
    if len(group_id) != 32:
        return f"Invalid Signal group size ({len(group_id)}"
    return None


@dataclass
class Sent:
    recipient: str
    message: str
    mentions: list[dict[str, Any]]
    body: dict[str, Any]
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, type, bytes
    timestamp: int = 0


@dataclass
class Download:
    """A file an envelope names, written to the service's volume when it is received."""

    name: str
    data: bytes


_BOOLEAN_QUERIES = (
    "ignore_attachments", "ignore_stories", "ignore_avatars", "ignore_stickers",
    "send_read_receipts",
)  # fmt: skip
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "video/mp4": ".mp4",
               "image/heic": ".heic", "application/pdf": ".pdf"}  # fmt: skip


def parse_data_uri(value: str) -> tuple[str, str, bytes]:
    """(file name, type, bytes) of one `base64_attachments` entry, read as the service
    reads it (`client/attachment.go`): `data:<type>;filename=<name>;base64,<data>` or
    bare base64; bad base64 fails the send with Go's decoder message."""
    marker = value.rfind("base64,")
    meta: dict[str, str] = {}
    payload = value
    if "data:" in value and marker != -1:
        payload = value[marker + len("base64,") :]
        for item in value[: max(marker - 1, 0)].split(";"):
            for key in ("data:", "filename="):
                if item.startswith(key):
                    meta[key] = item[len(key) :]
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError:
        bad = next((i for i, c in enumerate(payload) if c not in _B64), len(payload))
        raise ValueError(f"illegal base64 data at input byte {bad}") from None
    return meta.get("filename=", ""), meta.get("data:", ""), data


_B64 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


@dataclass
class FakeSignal:
    number: str
    mode: str = (
        "normal"  # "normal" and "native" run signal-cli per call; "json-rpc" keeps it running
    )
    sent: list[Sent] = field(default_factory=list)
    removed_from: set[str] = field(default_factory=set)  # "group.…" ids the bot was removed from
    # Recipients Signal wants a captcha for (challenge token, wait), until lifted.
    captcha_for: dict[str, tuple[str, int]] = field(default_factory=dict)
    unregistered: set[str] = field(default_factory=set)  # numbers no longer on Signal
    queued: list[dict[str, Any]] = field(default_factory=list)
    script: list[tuple[str, Any]] = field(default_factory=list)  # what the next sends do
    contract_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    receive_queries: list[dict[str, str]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # the service's attachment folder
    downloads: dict[int, list[Download]] = field(default_factory=dict)  # by message stamp
    clock: int = 1_763_900_000_000
    receive_delay: float = 0.0  # how long the next receives take before they answer
    port: int = 0
    _runner: web.AppRunner | None = None
    _site: web.TCPSite | None = None
    _stopping: bool = False

    # -- control ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/about", self._about)
        app.router.add_get("/v1/health", self._health)
        app.router.add_get("/v1/receive/{number}", self._receive)
        app.router.add_post("/v2/send", self._send)
        app.router.add_get("/v1/attachments", self._list_attachments)
        app.router.add_get("/v1/attachments/{attachment}", self._serve_attachment)
        app.router.add_delete("/v1/attachments/{attachment}", self._remove_attachment)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await self.up()

    async def up(self) -> None:
        assert self._runner is not None
        self._stopping = False
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await self._site.start()
        if not self.port:
            server = self._site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def down(self) -> None:
        """Stop listening: the bot sees connection refused, as when the container is down.
        A send the service had already taken in when it began stopping is cut too."""
        self._stopping = True
        if self._site is not None:
            await self._site.stop()
            self._site = None
        if self._runner is not None and self._runner.server is not None:
            for connection in list(self._runner.server.connections):
                connection.force_close()  # open keep-alive connections die with the container

    async def stop(self) -> None:
        await self.down()
        if self._runner is not None:
            await self._runner.cleanup()

    async def requested(self, name: str, times: int) -> None:
        """Wait until the bot has made `times` requests of one kind ("receive", "send"…)."""
        while self.requests.count(name) < times:  # noqa: ASYNC110 - the log is a plain list
            await asyncio.sleep(0.01)

    def fail_next(self, status: int = 400, times: int = 1) -> None:
        """The next sends fail. 400 is what the service itself answers when signal-cli
        cannot reach Signal; another status stands for a proxy in front of it."""
        self.script += [("fail", status)] * times

    def stall_next(self, seconds: float, times: int = 1) -> None:
        self.script += [("stall", seconds)] * times

    def go_down_after(self, sends: int) -> None:
        """The next `sends` sends go through; the one after finds the container stopping:
        its connection is cut with no answer, and the service is down until `up()`."""
        self.script += [("ok", None)] * sends + [("down", None)]

    def rate_limit_next(
        self, times: int = 1, *, wait: int = 86400, challenge: str = "6d2f0e5c-challenge"
    ) -> None:
        """Signal asks for a captcha before it takes the next sends (or `wait` seconds)."""
        self.script += [("captcha", (challenge, wait))] * times

    def throttle_next(self, times: int = 1, *, retry_after: int | None = 60) -> None:
        """Signal refuses the next sends for a while, with no captcha to solve."""
        self.script += [("throttle", retry_after)] * times

    def partly_deliver_next(self, *, challenge: str | None = None, times: int = 1) -> None:
        """The next group sends reach every member but one: one member is no longer on
        Signal, or (with a `challenge`) Signal wants a captcha before sending to them."""
        self.script += [("partial", challenge)] * times

    def deliver(
        self,
        text: str,
        *,
        uuid: str,
        number: str | None = None,
        group: str | None = None,
        timestamp: int | None = None,
        mention_bot: bool = False,
        attachments: tuple[tuple[bytes, str], ...] = (),
        preview: bytes | None = None,
        name: str | None = "Profile Name Anyone Can Change",
    ) -> int:
        """Queue a message for the bot, as Signal's servers hold it until fetched.

        With `mention_bot` it @-mentions the bot: Signal puts a placeholder character
        where the name stood and says whom it names in `mentions`. `attachments`
        (bytes, content type) and a link `preview` image are downloaded by signal-cli
        when the message is received. A message of files alone has no `message`. `name`
        is the sender's profile name (`sourceName`), None for a sender without one."""
        if group is not None:  # a real group's id is 32 bytes, as received messages carry it
            assert recipient_error("group." + base64.b64encode(group.encode()).decode()) is None
        self.clock += 1000
        stamp = timestamp or self.clock
        data: dict[str, Any] = {
            "timestamp": stamp,
            "message": text,
            "expiresInSeconds": 0,
            "viewOnce": False,
        }
        if not text and attachments:
            del data["message"]
        files: list[Download] = []
        for index, (content, content_type) in enumerate(attachments):
            name = f"a{stamp}n{index}{_EXTENSIONS.get(content_type, '')}"
            files.append(Download(name, content))
            data.setdefault("attachments", []).append(
                {
                    "contentType": content_type,
                    "id": name,
                    "size": len(content),
                    "uploadTimestamp": stamp,
                }
            )
        if preview is not None:
            name = f"p{stamp}.jpg"
            files.append(Download(name, preview))
            data["previews"] = [
                {
                    "url": "https://example.org/",
                    "title": "a link",
                    "image": {"contentType": "image/jpeg", "id": name, "size": len(preview)},
                }
            ]
        if files:
            self.downloads[stamp] = files
        if mention_bot:
            data["message"] = f"\ufffc {text}"
            data["mentions"] = [
                {"name": self.number, "number": self.number, "start": 0, "length": 1}
            ]
        if group is not None:
            data["groupInfo"] = {
                "groupId": group,
                "groupName": "group",
                "revision": 3,
                "type": "DELIVER",
            }
        envelope: dict[str, Any] = {
            "source": number or uuid,
            "sourceNumber": number,
            "sourceUuid": uuid,
            "sourceName": name,
            "sourceDevice": 1,
            "timestamp": stamp,
            "serverReceivedTimestamp": stamp + 5,
            "serverDeliveredTimestamp": stamp + 9,
            "dataMessage": data,
        }
        if number is None:
            del envelope["sourceNumber"]
        if name is None:
            del envelope["sourceName"]
        message = {"account": self.number, "envelope": envelope}
        check("data.Message", message)
        self.queued.append(message)
        return stamp

    def to(self, recipient: str) -> list[str]:
        return [s.message for s in self.sent if s.recipient == recipient]

    # -- endpoints -------------------------------------------------------------------

    def _respond(self, definition: str | None, payload: Any, status: int) -> web.Response:
        if definition is not None:
            check(definition, payload)
        return web.json_response(payload, status=status)

    async def _about(self, request: web.Request) -> web.Response:
        self.requests.append("about")
        payload = {
            "build": 2,
            "capabilities": {"v2/send": ["quotes", "mentions"]},
            "mode": self.mode,
            "version": "0.100",
            "versions": ["v1", "v2"],
        }
        return self._respond("client.About", payload, 200)

    async def _health(self, request: web.Request) -> web.Response:
        self.requests.append("health")
        return web.Response(status=204)

    async def _receive(self, request: web.Request) -> web.Response:
        self.requests.append("receive")
        if request.match_info["number"] != self.number:
            return self._respond("api.Error", {"error": "User is not registered"}, 400)
        self.receive_queries.append(dict(request.query))
        for name in _BOOLEAN_QUERIES:
            if request.query.get(name, "false") not in ("true", "false"):
                return self._respond(
                    "api.Error",
                    {
                        "error": f"Couldn't process request - {name} parameter needs to be "
                        "either 'true' or 'false'"
                    },
                    400,
                )
        timeout = float(request.query.get("timeout", "1"))
        if self.receive_delay:
            await asyncio.sleep(self.receive_delay)
        waited = 0.0
        while not self.queued and waited < min(timeout, 0.2):  # the real one long-polls
            await asyncio.sleep(0.02)
            waited += 0.02
        messages, self.queued = self.queued, []
        download = request.query.get("ignore_attachments", "false") == "false"
        for message in messages:
            check("data.Message", message)
            for file in self.downloads.pop(message["envelope"]["timestamp"], []):
                if download:  # signal-cli --ignore-attachments never fetches the file
                    self.files[file.name] = file.data
        return web.json_response(messages, status=200)

    async def _list_attachments(self, request: web.Request) -> web.Response:
        self.requests.append("attachments")
        names = sorted(self.files)
        check_array_of_strings(names)
        return web.json_response(names, status=200)

    def _missing(self) -> web.Response:
        return self._respond("api.Error", {"error": "No attachment with that name found"}, 404)

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        name = request.match_info["attachment"]
        self.requests.append(f"attachment {name}")
        if name not in self.files:
            return self._missing()
        return web.Response(
            body=self.files[name], content_type="application/octet-stream", status=200
        )

    async def _remove_attachment(self, request: web.Request) -> web.Response:
        name = request.match_info["attachment"]
        self.requests.append(f"delete {name}")
        if self.files.pop(name, None) is None:
            return self._missing()
        return web.Response(status=204)

    async def _send(self, request: web.Request) -> web.Response:
        self.requests.append("send")
        body = await request.json()
        if self._stopping:  # taken in while the container stopped: it dies unanswered
            return self._respond(None, {}, 503)
        try:
            check("api.SendMessageV2", body)
        except ContractError as error:
            self.contract_errors.append(str(error))
            return self._respond("api.Error", {"error": str(error)}, 400)
        if body.get("number") != self.number:  # App.java: the account is not on this service
            return self._signal_cli_error(f"User {body.get('number')} is not registered.")
        recipients: list[str] = body["recipients"]
        for recipient in recipients:  # client.go SendV2 -> getRecipientType, before signal-cli
            refused = recipient_error(recipient)
            if refused is not None:
                return self._respond("api.Error", {"error": refused}, 400)
        groups = [r for r in recipients if r.startswith("group.")]
        if groups and len(groups) < len(recipients):
            return self._respond(
                "api.Error",
                {
                    "error": "Signal Messenger Groups and phone numbers cannot be specified "
                    "together in one request! Please split them up into multiple REST API calls."
                },
                400,
            )
        if len(groups) > 1:
            return self._respond(
                "api.Error",
                {
                    "error": "A signal message cannot be sent to more than one group at once! "
                    "Please use multiple REST API calls for that."
                },
                400,
            )
        recipient = recipients[0]
        if recipient in self.removed_from:  # NotAGroupMemberException, via SendCommand
            internal = base64.b64decode(recipient.removeprefix("group.")).decode()
            return self._signal_cli_error(f"User is not a member in group: group ({internal})")
        stamp = self.clock + 1
        if recipient in self.unregistered:
            return self._failed_results(
                stamp, [(recipient, f'Unregistered user "{recipient}"')], "Failed to send message"
            )
        if recipient in self.captcha_for:
            token, wait = self.captcha_for[recipient]
            return self._rate_limited(stamp, recipient, self._captcha(recipient, token, wait))
        try:
            files = [parse_data_uri(item) for item in body.get("base64_attachments", [])]
        except ValueError as error:
            return self._respond("api.Error", {"error": str(error)}, 400)
        if self.script:
            action, value = self.script.pop(0)
            if action == "down":
                await self.down()  # cuts this request's connection too: nothing was sent
                return self._respond(None, {}, 503)
            if action == "stall":
                await asyncio.sleep(value)
            elif action == "fail":
                if value != 400:  # not the service: a proxy in front of it
                    return self._respond("api.Error", {"error": "Bad Gateway"}, value)
                return self._failed_results(
                    stamp, self._each(recipient, "Network failure for"), "Failed to send message"
                )
            elif action == "captcha":
                token, wait = value
                return self._rate_limited(stamp, recipient, self._captcha(recipient, token, wait))
            elif action == "throttle":
                said = "Rate limit failure for"
                failures = [
                    (
                        key,
                        f'{said} "{who}", retry after {value} seconds'
                        if value
                        else f'{said} "{who}"',
                    )
                    for key, who in self._addressed(recipient)
                ]
                return self._rate_limited(stamp, recipient, failures)
            elif action == "partial" and groups:
                key, who = self._addressed(recipient)[0]
                reason = (
                    self._captcha(recipient, value, 86400)[0][1]
                    if value
                    else f'Unregistered user "{who}"'
                )
                self._deliver_sent(body, stamp, files)
                return self._partly_delivered(stamp, [(key, reason)])
        self._deliver_sent(body, stamp, files)
        return self._respond("api.SendMessageResponse", {"timestamp": str(stamp)}, 201)

    # -- how signal-cli's failures reach the bot, by mode ----------------------------

    def _deliver_sent(
        self, body: dict[str, Any], stamp: int, files: list[tuple[str, str, bytes]]
    ) -> None:
        self.clock = stamp
        self.sent.append(
            Sent(
                body["recipients"][0],
                body["message"],
                body.get("mentions", []),
                body,
                attachments=files,
                timestamp=stamp,
            )
        )

    @staticmethod
    def _key(recipient: str) -> str:
        """How signal-cli names the recipient a line is about: a group by its own id."""
        if recipient.startswith("group."):
            return base64.b64decode(recipient.removeprefix("group.")).decode()
        return recipient

    def _addressed(self, recipient: str) -> list[tuple[str, str]]:
        """(whom the send was for, each account it went to), as signal-cli lists them."""
        key = self._key(recipient)
        if recipient.startswith("group."):
            return [(key, member) for member in GROUP_MEMBERS]
        return [(key, recipient)]

    def _each(self, recipient: str, said: str) -> list[tuple[str, str]]:
        return [(key, f'{said} "{who}"') for key, who in self._addressed(recipient)]

    def _captcha(self, recipient: str, token: str, wait: int) -> list[tuple[str, str]]:
        # SendMessageResultUtils.getErrorMessageFromSendMessageResult, proof required,
        # options {CAPTCHA}: the first line, then the help, no newline at the end.
        return [
            (
                key,
                f'CAPTCHA proof required for sending to "{who}", available options "CAPTCHA" '
                f'with challenge token "{token}", or wait "{wait}" seconds.\n{CAPTCHA_HELP}',
            )
            for key, who in self._addressed(recipient)
        ]

    @staticmethod
    def _stdout(stamp: int, failures: list[tuple[str, str]]) -> str:
        # SendMessageResultUtils.outputResult (plain text): the failures, each as
        # "<recipient>: <why>", under a heading, then the message's timestamp.
        lines = ["Failed to send (some) messages:"] + [f"{key}: {why}" for key, why in failures]
        return "\n".join([*lines, str(stamp)]) + "\n"

    def _signal_cli_error(self, message: str) -> web.Response:
        """signal-cli stopped with a UserErrorException: Main.handleCommandException prints
        its message to stderr; cli.go Execute returns stdout + stderr as the error, and
        api.go SendV2 answers 400 with it. In json-rpc mode the message alone (jsonrpc2.go
        getRaw), without the newline."""
        text = message if self.mode == "json-rpc" else message + "\n"
        return self._respond("api.Error", {"error": text}, 400)

    def _failed_results(
        self, stamp: int, failures: list[tuple[str, str]], exception: str
    ) -> web.Response:
        """No recipient got the message: outputResult prints the results, then throws
        (`exception` is its message)."""
        if self.mode == "json-rpc":
            return self._respond("api.Error", {"error": exception}, 400)
        text = self._stdout(stamp, failures) + exception + "\n"
        return self._respond("api.Error", {"error": text}, 400)

    def _rate_limited(
        self, stamp: int, recipient: str, failures: list[tuple[str, str]]
    ) -> web.Response:
        """Every recipient was rate-limited: a RateLimitErrorException.

        normal/native: 400 with the whole output, the tokens only inside the text.
        json-rpc: error code -5 carries the results; jsonrpc2.go picks the tokens out and
        api.go SendV2 answers 429 with them (and loses the "wait" hint)."""
        exception = "Failed to send message due to rate limiting"
        if self.mode != "json-rpc":
            return self._failed_results(stamp, failures, exception)
        tokens = []
        for _key, why in failures:
            marker = 'with challenge token "'
            if marker in why:
                tokens.append(why.split(marker, 1)[1].split('"', 1)[0])
        payload = {
            "account": self.number,
            "error": exception + ". Use the attached challenge tokens to lift the rate limit "
            "restrictions via the '/v1/accounts/{number}/rate-limit-challenge' endpoint.",
            "challenge_tokens": tokens,
        }
        return self._respond("api.SendMessageError", payload, 429)

    def _partly_delivered(self, stamp: int, failures: list[tuple[str, str]]) -> web.Response:
        """Some members got it, some did not: signal-cli prints the failures and the
        timestamp and exits 0 (no exception: hasSuccess). Release 0.100 cannot read a
        timestamp out of that (client.go send: strconv.ParseInt) and answers 400 with the
        output, every newline removed. json-rpc mode parses its JSON result: 201."""
        if self.mode == "json-rpc":
            return self._respond("api.SendMessageResponse", {"timestamp": str(stamp)}, 201)
        text = self._stdout(stamp, failures).rstrip("\n").replace("\n", "")
        return self._respond("api.Error", {"error": text}, 400)
