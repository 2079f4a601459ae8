"""A stand-in for Discord on 127.0.0.1: its HTTP API and its gateway, for the real client.

The bot runs the real discord.py client against this server. discord.py is pointed here
through the two addresses it is built around, and nothing else of it is touched:
`Route.BASE` (every REST call, webhooks and interaction callbacks included, is built
from it; `discord.http._set_api_version` itself rewrites it) and
`DiscordWebSocket.DEFAULT_GATEWAY` (where a `Client` opens its gateway; a sharded client
asks `GET /gateway/bot`, which answers the same address). `pointed_at()` sets both and
puts them back.

The gateway speaks Discord's protocol: HELLO, IDENTIFY -> READY and GUILD_CREATE for
the network's server, heartbeats and their ACKs, zlib-stream compression as requested,
and the events the bot asked for with its intents (a server message that does not
mention the bot arrives without its text, as without the Message Content intent).

Files are attachments, as on Discord: what a member attaches to a message or to a
command's option, and what the bot uploads (multipart, `files[n]` with `payload_json`),
is kept on the fake's CDN (`discord_cdn`, two more addresses on 127.0.0.1) and described
in messages and resolved options with a signed `url` there, so discord.py's own
`Attachment.read()` downloads it; `cdn.expire()` makes one answer 404 as an expired
link does, and a deleted message's files go with it.

The fake also plays each member's Discord app (`discord_members.MemberApps`):
`slash()` runs a command the way Discord's client lets a member run it (only a command
registered for that place, only its options, choices and required fields), `press()` a
button that is on a message and still live, `submit()` a form the bot opened, `dm()`
and `post()` write messages. What it holds is in `discord_records`.

Every request is checked the way Discord checks it (`discord_rules`), answered in
Discord's shapes (400 50035 "Invalid Form Body" with the fields at fault, 403 50007
for a member whose DMs are closed, 10062 for an unknown interaction …), and recorded.
A request the fake does not serve, or one Discord would refuse, is kept in `problems`;
a test's fixture fails on any left there. Faults and slowness are scripted per route:
`fail()` answers the next matching requests with an error, `hold()` keeps them waiting
until the test releases them (no test waits on the wall clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import mimetypes
import re
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yarl
from aiohttp import WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.fakes import discord_payloads as payloads
from tests.fakes import discord_rules as rules
from tests.fakes.discord_cdn import FakeCDN
from tests.fakes.discord_members import MemberApps
from tests.fakes.discord_records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    LOADING,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Exchange,
    Message,
    Request,
    Upload,
)

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
HEARTBEAT_INTERVAL_MS = 3_600_000  # the client's own beats never interleave with a test
BARRIER_TIMEOUT = 30.0  # only ever reached when the client is gone: a failure, not a wait
# What a bot may upload with one message: ten files, each at most 10 MiB (the
# `attachment_size_limit` interactions carry, for a server without boosts).
FILES_PER_MESSAGE = 10
FILE_SIZE_LIMIT = 10 * 1024 * 1024
_FILE_FIELD = re.compile(r"files\[(\d+)\]")

# The callbacks Discord accepts for each type of interaction.
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}

# Gateway intents the fake honours.
GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 0, 1 << 9, 1 << 12, 1 << 15


class DiscordError(Exception):
    """An HTTP answer other than success, in Discord's shape (raised by a handler)."""

    def __init__(self, status: int, body: dict[str, Any] | None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body


@dataclass
class _Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any] | None
    times: int


@dataclass
class _Gate:
    method: str
    path: re.Pattern[str]
    released: asyncio.Event
    reached: asyncio.Event


class _Session:
    """One gateway connection: compression, sequence numbers, heartbeats."""

    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self.compressor = zlib.compressobj() if compress else None
        self.seq = 0
        self.intents = 0
        self.acked = 0  # the last sequence number the client said it had received
        self.waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.lock = asyncio.Lock()
        self.identified = asyncio.Event()

    async def send(self, op: int, data: Any, event: str | None = None) -> int:
        async with self.lock:  # zlib-stream frames must go out in the order compressed
            frame: dict[str, Any] = {"op": op, "d": data, "s": None, "t": event}
            if op == 0:
                self.seq += 1
                frame["s"] = self.seq
            text = json.dumps(frame)
            if self.compressor is not None:
                packed = self.compressor.compress(text.encode()) + self.compressor.flush(
                    zlib.Z_SYNC_FLUSH
                )
                await self.ws.send_bytes(packed)
            else:
                await self.ws.send_str(text)
            return self.seq

    def heard(self, sequence: int | None) -> None:
        self.acked = max(self.acked, sequence or 0)
        for target, waiter in list(self.waiters):
            if self.acked >= target and not waiter.done():
                waiter.set_result(None)
        self.waiters = [(t, w) for t, w in self.waiters if not w.done()]

    def gone(self) -> None:
        for _target, waiter in self.waiters:
            if not waiter.done():
                waiter.set_exception(ConnectionError("the client left the gateway"))
        self.waiters = []


class FakeDiscord(MemberApps):
    """Discord's side of one bot and one server, on 127.0.0.1."""

    def __init__(
        self,
        *,
        guild_id: int,
        roles: Mapping[int, str],
        channels: Mapping[int, str],
        bot_id: int = 4242,
        application_id: int = 4242,
        token: str = "fake-bot-token",  # noqa: S107 - the fake's own, checked at IDENTIFY
    ) -> None:
        self.guild_id = guild_id
        self.roles = dict(roles)
        self.channels = dict(channels)
        self.bot_id = bot_id
        self.application_id = application_id
        self.token = token
        self.members: dict[int, tuple[int, ...]] = {}  # who is in the server: their roles
        self.outsiders: set[int] = set()  # known to Discord, not in the server
        self.dms_closed: set[int] = set()  # "Allow direct messages from server members": off
        self.messages: dict[int, Message] = {}
        self.exchanges: dict[str, Exchange] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # None: global
        self.requests: list[Request] = []
        self.problems: list[str] = []
        self.deadline: float | None = None  # Discord's 3 s to answer, when a test wants it
        self.settle: Callable[[], Awaitable[None]] | None = None  # run after each event
        self.port = 0
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self.cdn = FakeCDN(self._ids)  # every file on Discord, at its signed address
        self._dm_channels: dict[int, int] = {}
        self._command_ids: dict[tuple[int | None, str], int] = {}
        self._faults: list[_Fault] = []
        self._gates: list[_Gate] = []
        self._session: _Session | None = None
        self._connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Awaitable[Any]]]] = []
        self._route_table()

    # -- running ----------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._api)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        await self.cdn.start()

    async def stop(self) -> None:
        if self._session is not None:
            self._session.gone()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.cdn.stop()

    @contextlib.contextmanager
    def pointed_at(self) -> Iterator[None]:
        """discord.py's REST base and gateway address, here for the duration."""
        base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = self.api_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway

    async def connected(self) -> None:
        """The client identified, and has read READY and the server's GUILD_CREATE."""
        await self._connected.wait()
        await self.barrier()

    async def barrier(self) -> None:
        """Return once the client has read every event sent so far.

        Discord may ask for a heartbeat at any time (op 1); the client answers with the
        last sequence number it has processed, and it reads the gateway in order.
        """
        session = self._live_session()
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        session.waiters.append((session.seq, waiter))
        await session.send(1, None)
        await asyncio.wait_for(waiter, BARRIER_TIMEOUT)

    @property
    def intents(self) -> int:
        """What the bot asked for at IDENTIFY."""
        return self._live_session().intents

    @property
    def events_sent(self) -> int:
        return 0 if self._session is None else self._session.seq

    # -- scripting --------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        body: dict[str, Any] | None = None,
        *,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests matching `path` (a regex) with an error.

        Note that discord.py itself retries 500, 502, 504 and 524 after sleeping; use 503
        for an outage.
        """
        default = {
            403: rules.error(50013, "Missing Permissions"),
            404: rules.error(0, "404: Not Found"),
            429: {"message": "You are being rate limited.", "retry_after": 1.0, "global": False},
        }.get(status, rules.error(0, f"{status}: error"))
        self._faults.append(
            _Fault(method, re.compile(path), status, body if body is not None else default, times)
        )

    def hold(self, method: str, path: str) -> _Gate:
        """Keep the next request matching `path` waiting until `gate.released` is set."""
        gate = _Gate(method, re.compile(path), asyncio.Event(), asyncio.Event())
        self._gates.append(gate)
        return gate

    def add_member(self, user_id: int, *role_ids: int) -> None:
        self.outsiders.discard(user_id)
        self.members[user_id] = tuple(role_ids)

    def remove_member(self, user_id: int) -> None:
        self.members.pop(user_id, None)
        self.outsiders.add(user_id)

    # -- what the bot posted ----------------------------------------------------------

    def dm_channel(self, user_id: int) -> int:
        return self._dm_channels.setdefault(user_id, next(self._ids))

    def in_channel(self, channel_id: int) -> list[Message]:
        """Messages in a channel (ephemeral answers included), oldest first."""
        return [m for m in self.messages.values() if m.channel_id == channel_id]

    def posted(self, channel_id: int) -> list[Message]:
        """What the bot posted in a channel for everyone there (no ephemeral answers)."""
        return [
            m
            for m in self.in_channel(channel_id)
            if m.author_id == self.bot_id and not m.ephemeral and m.interaction is None
        ]

    def texts(self, channel_id: int) -> list[str]:
        return [m.content for m in self.posted(channel_id)]

    def dms(self, user_id: int) -> list[Message]:
        """What the bot wrote to a member in their DM (interaction answers included)."""
        channel = self._dm_channels.get(user_id)
        if channel is None:
            return []
        return [m for m in self.in_channel(channel) if m.author_id == self.bot_id]

    def dm_texts(self, user_id: int) -> list[str]:
        return [m.content for m in self.dms(user_id)]

    def pings(self) -> list[tuple[Message, frozenset[str]]]:
        """Every message that notified anyone, with whom."""
        return [(m, m.pings) for m in self.messages.values() if m.pings]

    def visible_commands(self, where: str) -> list[str]:
        """Names of the commands a member sees in the server ("guild") or in a DM ("dm")."""
        return [command["name"] for command in self._commands_in(where)]

    def _commands_in(self, where: str) -> list[dict[str, Any]]:
        context = 0 if where == "guild" else 1
        usable = [
            c
            for c in rules.visible(self.commands.get(None, []), context)
            if 0 in (c.get("integration_types") or [0])  # the bot is installed to servers
        ]
        if where == "guild":
            usable += self.commands.get(self.guild_id, [])
        return usable

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one gateway event, and wait until the client has read it and settled."""
        await self._live_session().send(0, data, event)
        await self.barrier()
        if self.settle is not None:
            await self.settle()

    def _wants(self, data: dict[str, Any], guild_id: int | None) -> bool:
        intents = self._live_session().intents
        return bool(intents & (DIRECT_MESSAGES if guild_id is None else GUILD_MESSAGES))

    def _as_received(
        self, data: dict[str, Any], guild_id: int | None, mentioned: bool
    ) -> dict[str, Any]:
        """Without Message Content, a server message reaches the bot without its text
        unless it mentions the bot or is the bot's own (Discord's privileged intent)."""
        own = int(data["author"]["id"]) == self.bot_id
        if guild_id is None or mentioned or own:
            return data
        if self._live_session().intents & MESSAGE_CONTENT:
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    def _live_session(self) -> _Session:
        assert self._session is not None, "the bot is not connected to the gateway"
        return self._session

    # -- the gateway ------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        query = request.query
        if query.get("v") != "10" or query.get("encoding") != "json":
            self.problems.append(f"gateway opened with {dict(query)}")
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        compress = query.get("compress")
        if compress not in (None, "zlib-stream"):
            self.problems.append(f"gateway compression {compress} is not played by the fake")
            await ws.close(code=4000)
            return ws
        session = _Session(ws, compress == "zlib-stream")
        self._session = session
        await session.send(10, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS})
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                await self._from_client(session, message)
        finally:
            session.gone()
            if self._session is session:  # the bot left: a new login is a new session
                self._session = None
                self._connected.clear()
        return ws

    async def _from_client(self, session: _Session, message: dict[str, Any]) -> None:
        op, data = message.get("op"), message.get("d")
        if op == 1:  # heartbeat
            session.heard(data)
            await session.send(11, None)
        elif op == 2:  # identify
            if data.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            session.intents = int(data.get("intents", 0))
            if not session.intents & GUILDS:
                self.problems.append("the bot did not ask for the guilds intent")
            me = payloads.user(self.bot_id, bot=True)
            await session.send(
                0,
                {
                    "v": 10,
                    "user": me,
                    "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": str(self.application_id), "flags": 0},
                    "private_channels": [],
                    "user_settings": {},
                    "geo_ordered_rtc_regions": [],
                },
                "READY",
            )
            if session.intents & GUILDS:
                await session.send(0, self._guild_create(), "GUILD_CREATE")
            session.identified.set()
            self._connected.set()
        else:
            self.problems.append(f"gateway op {op} from the client is not played by the fake")

    def _guild_create(self) -> dict[str, Any]:
        me = payloads.member(self.bot_id, (), bot=True)
        return payloads.guild(
            self.guild_id, self.roles, self.channels, me, member_count=len(self.members) + 1
        )

    # -- the HTTP API -----------------------------------------------------------------

    def _route_table(self) -> None:
        app = r"(?P<app>\d+)"
        table: list[tuple[str, str, Callable[..., Awaitable[Any]]]] = [
            ("GET", r"/gateway(/bot)?", self._get_gateway),
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/users/(?P<user>\d+)", self._get_user),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("GET", r"/channels/(?P<channel>\d+)", self._get_channel),
            ("POST", r"/channels/(?P<channel>\d+)/messages", self._create_message),
            ("GET", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._get_message),
            ("PATCH", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._edit_message),
            ("DELETE", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._delete),
            ("GET", r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)", self._get_member),
            ("PUT", rf"/applications/{app}/commands", self._put_commands),
            ("PUT", rf"/applications/{app}/guilds/(?P<guild>\d+)/commands", self._put_commands),
            ("GET", rf"/applications/{app}/commands", self._get_commands),
            ("GET", rf"/applications/{app}/guilds/(?P<guild>\d+)/commands", self._get_commands),
            ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", rf"/webhooks/{app}/(?P<token>[^/]+)", self._followup),
            (
                "PATCH",
                rf"/webhooks/{app}/(?P<token>[^/]+)/messages/(?P<message>@original|\d+)",
                self._edit_webhook_message,
            ),
            (
                "GET",
                rf"/webhooks/{app}/(?P<token>[^/]+)/messages/(?P<message>@original|\d+)",
                self._get_webhook_message,
            ),
        ]
        self._routes = [(m, re.compile(p + "$"), h) for m, p, h in table]

    async def _api(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        record = Request(request.method, path, dict(request.query), body, files)
        self.requests.append(record)
        status, answer = await self._answer(request, record)
        record.status = status
        if answer is None:
            return web.Response(status=status)
        # Exactly Discord's header: discord.py parses JSON only when it reads
        # "application/json" (aiohttp's own json_response adds a charset).
        return web.Response(
            status=status, body=json.dumps(answer), headers={"Content-Type": "application/json"}
        )

    async def _answer(self, request: web.Request, record: Request) -> tuple[int, Any]:
        for gate in list(self._gates):
            if gate.method == record.method and gate.path.fullmatch(record.path):
                self._gates.remove(gate)
                gate.reached.set()
                await gate.released.wait()
        for fault in list(self._faults):
            if fault.method == record.method and fault.path.fullmatch(record.path):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault.status, fault.body
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(record.path)
            if match and method == record.method:
                webhook = record.path.startswith(("/interactions/", "/webhooks/"))
                if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
                    return 401, rules.error(0, "401: Unauthorized")
                try:
                    result = await handler(record, **match.groupdict())
                except DiscordError as answer:
                    code = (answer.body or {}).get("code")
                    if answer.status == 400 and code == 50035:
                        where = "; ".join(_describe(answer.body or {}))
                        self.problems.append(f"{record.method} {record.path}: refused: {where}")
                    elif code in (30015, 40005):  # too many files, or too big
                        message = (answer.body or {}).get("message")
                        self.problems.append(f"{record.method} {record.path}: refused: {message}")
                    return answer.status, answer.body
                if result is None:
                    return 204, None
                return 200, result
        self.problems.append(f"not served by the fake: {record.method} {record.path}")
        return 404, rules.error(0, "404: Not Found")

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        """JSON, or multipart: `payload_json` and the files, `files[n]` at position n."""
        if not request.can_read_body:
            return None, []
        kind = request.content_type
        if kind == "application/json":
            return await request.json(), []
        if kind == "multipart/form-data":
            body: Any = None
            files: dict[int, Upload] = {}
            reader = await request.multipart()
            async for part in reader:
                name = part.name  # type: ignore[union-attr]
                if name == "payload_json":
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                    continue
                field = _FILE_FIELD.fullmatch(name or "")
                if field is None:
                    self.problems.append(f"a multipart field Discord does not read: {name}")
                    continue
                filename = part.filename or ""  # type: ignore[union-attr]
                # discord.py sends every file as application/octet-stream; Discord
                # names the type from the file itself.
                guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                data = await part.read()  # type: ignore[union-attr]
                files[int(field[1])] = Upload(filename, bytes(data), guessed)
            if sorted(files) != list(range(len(files))):
                self.problems.append(f"multipart files numbered {sorted(files)}")
            return body, [files[index] for index in sorted(files)]
        return await request.read(), []

    # handlers: each returns the JSON to answer 200 with, None for 204, or raises

    async def _get_gateway(self, record: Request) -> dict[str, Any]:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        }

    async def _get_me(self, record: Request) -> dict[str, Any]:
        return payloads.user(self.bot_id, bot=True)

    async def _get_application(self, record: Request) -> dict[str, Any]:
        return payloads.application(self.application_id, payloads.user(1))

    async def _get_user(self, record: Request, user: str) -> dict[str, Any]:
        user_id = int(user)
        if user_id in self.members or user_id in self.outsiders or user_id == self.bot_id:
            return payloads.user(user_id, bot=user_id == self.bot_id)
        raise DiscordError(404, rules.error(10013, "Unknown User"))

    async def _open_dm(self, record: Request) -> dict[str, Any]:
        user_id = int(record.body["recipient_id"])
        await self._get_user(record, str(user_id))
        return payloads.dm_channel(self.dm_channel(user_id), payloads.user(user_id))

    async def _get_channel(self, record: Request, channel: str) -> dict[str, Any]:
        channel_id = int(channel)
        if channel_id in self.channels:
            return payloads.text_channel(channel_id, self.channels[channel_id], self.guild_id)
        for user_id, dm in self._dm_channels.items():
            if dm == channel_id:
                return payloads.dm_channel(dm, payloads.user(user_id))
        raise DiscordError(404, rules.error(10003, "Unknown Channel"))

    def _channel(self, channel: str) -> tuple[int, int | None]:
        """A channel the bot can write in, and the member whose DM it is (if it is one)."""
        channel_id = int(channel)
        if channel_id in self.channels:
            return channel_id, None
        for user_id, dm in self._dm_channels.items():
            if dm == channel_id:
                return channel_id, user_id
        raise DiscordError(404, rules.error(10003, "Unknown Channel"))

    async def _create_message(self, record: Request, channel: str) -> dict[str, Any]:
        channel_id, recipient = self._channel(channel)
        body = record.body or {}
        if recipient is not None and recipient in self.dms_closed:
            raise DiscordError(403, rules.error(50007, "Cannot send messages to this user"))
        errors = rules.FormErrors()
        rules.check_message(body, errors, creating=True)
        reference = body.get("message_reference")
        replied: Message | None = None
        if reference is not None:
            replied = self.messages.get(int(reference["message_id"]))
            if replied is None and reference.get("fail_if_not_exists", True):
                errors.add(
                    ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
        if errors:
            raise DiscordError(400, errors.body())
        if rules.is_empty(body, len(record.files)):
            raise DiscordError(400, rules.error(50006, "Cannot send an empty message"))
        _kept, files = self._files(record.files, body)
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            for earlier in self.in_channel(channel_id):
                if earlier.nonce == nonce and earlier.author_id == self.bot_id:
                    return self._message_payload(earlier)  # Discord: the same message again
        message = self._new_message(
            channel_id,
            body,
            files=files,
            replied_to=replied.author_id if replied is not None else None,
        )
        message.nonce = nonce
        message.reference = replied.id if replied is not None else None
        await self._announce(message)
        return self._message_payload(message)

    def _files(
        self, uploads: Sequence[Upload], body: Mapping[str, Any], held: Sequence[Upload] = ()
    ) -> tuple[list[Upload], list[Upload]]:
        """What a message holds once `body` applies: the files it keeps, and the new ones.

        Discord reads `attachments`: without it, every upload joins what the message
        holds; with it, the message holds exactly the files listed, each an id of a
        file it holds or the n of an upload `files[n]` (whose name it may change).
        """
        listed = body.get("attachments")
        if listed is None:
            kept, new = list(held), list(uploads)
        else:
            kept, new = [], []
            errors = rules.FormErrors()
            for index, entry in enumerate(listed):
                ident = int(entry.get("id", -1))
                holding = next((file for file in held if file.id == ident), None)
                if holding is not None:
                    kept.append(holding)
                elif 0 <= ident < len(uploads):
                    upload = uploads[ident]
                    new.append(
                        dataclasses.replace(
                            upload,
                            filename=entry.get("filename") or upload.filename,
                            description=entry.get("description"),
                        )
                    )
                else:
                    errors.add(
                        ("attachments", index), "ATTACHMENT_NOT_FOUND", "Attachment data not found"
                    )
            if errors:
                raise DiscordError(400, errors.body())
        if any(len(upload.data) > FILE_SIZE_LIMIT for upload in new):
            raise DiscordError(413, rules.error(40005, "Request entity too large"))
        if len(kept) + len(new) > FILES_PER_MESSAGE:
            raise DiscordError(
                400,
                rules.error(
                    30015,
                    f"Maximum number of attachments in a message reached ({FILES_PER_MESSAGE})",
                ),
            )
        return kept, new

    def _new_message(
        self,
        channel_id: int,
        body: Mapping[str, Any],
        *,
        files: list[Upload] | None = None,
        replied_to: int | None = None,
        visible_to: int | None = None,
        interaction: Exchange | None = None,
        flags: int = 0,
    ) -> Message:
        content = body.get("content") or ""
        message = Message(
            next(self._ids),
            channel_id,
            self.bot_id,
            content,
            list(body.get("components") or []),
            flags=flags | int(body.get("flags") or 0),
            pings=rules.pings(content, body.get("allowed_mentions"), replied_to),
            files=[self.cdn.put(upload, channel_id) for upload in files or []],
            visible_to=visible_to,
            interaction=interaction,
        )
        self.messages[message.id] = message
        return message

    async def _announce(self, message: Message) -> None:
        """MESSAGE_CREATE for the bot's own non-ephemeral message, as Discord sends it."""
        if message.ephemeral or self._session is None:
            return
        guild_id = self.guild_id if message.channel_id in self.channels else None
        data = self._message_payload(message)
        if self._wants(data, guild_id):
            await self._session.send(0, data, "MESSAGE_CREATE")

    def _message_payload(self, message: Message) -> dict[str, Any]:
        guild_id = self.guild_id if message.channel_id in self.channels else None
        is_bot = message.author_id == self.bot_id
        author_member = None
        if guild_id is not None and message.author_id in self.members:
            author_member = payloads.member(message.author_id, self.members[message.author_id])
        return payloads.message(
            message.id,
            message.channel_id,
            payloads.user(message.author_id, bot=is_bot),
            message.content,
            guild_id=guild_id,
            author_member=author_member,
            components=message.components,
            flags=message.flags,
            nonce=message.nonce,
            attachments=[self.cdn.payload(upload) for upload in message.files],
            edited=bool(message.earlier),
            reference=(
                {"message_id": str(message.reference), "channel_id": str(message.channel_id)}
                if message.reference is not None
                else None
            ),
            webhook_id=self.application_id if message.interaction is not None else None,
            application_id=self.application_id if message.interaction is not None else None,
            kind=19 if message.reference is not None else 0,
        )

    async def _get_message(self, record: Request, channel: str, message: str) -> dict[str, Any]:
        found = self.messages.get(int(message))
        if found is None or found.channel_id != int(channel) or found.ephemeral:
            raise DiscordError(404, rules.error(10008, "Unknown Message"))
        return self._message_payload(found)

    async def _edit_message(self, record: Request, channel: str, message: str) -> dict[str, Any]:
        found = self.messages.get(int(message))
        if found is None or found.channel_id != int(channel) or found.ephemeral:
            raise DiscordError(404, rules.error(10008, "Unknown Message"))
        if found.author_id != self.bot_id:
            raise DiscordError(
                403, rules.error(50005, "Cannot edit a message authored by another user")
            )
        self._apply_edit(found, record.body or {}, record.files)
        return self._message_payload(found)

    def _apply_edit(
        self, message: Message, body: Mapping[str, Any], uploads: Sequence[Upload] = ()
    ) -> None:
        """An edit, whole or refused: text, buttons and files (`attachments` lists the
        files it keeps; a file no longer listed is removed from the CDN, as on Discord)."""
        errors = rules.FormErrors()
        rules.check_message(body, errors, creating=False)
        if errors:
            raise DiscordError(400, errors.body())
        kept, new = self._files(uploads, body, message.files)
        content = (body["content"] or "") if "content" in body else message.content
        components = list(body["components"] or []) if "components" in body else None
        shown = message.components if components is None else components
        if not (content.strip() or shown or kept or new):
            raise DiscordError(400, rules.error(50006, "Cannot send an empty message"))
        if "content" in body:
            message.earlier.append(message.content)
            message.content = content
            message.pings = rules.pings(content, body.get("allowed_mentions"), None)
        if components is not None:
            message.components = components
        for file in message.files:
            if not any(file is keeping for keeping in kept):
                file.gone = True
        message.files = kept + [self.cdn.put(upload, message.channel_id) for upload in new]
        message.flags &= ~LOADING

    async def _delete(self, record: Request, channel: str, message: str) -> None:
        found = self.messages.get(int(message))
        if found is None or found.channel_id != int(channel):
            raise DiscordError(404, rules.error(10008, "Unknown Message"))
        for file in found.files:
            file.gone = True  # Discord removes a deleted message's files from its CDN
        del self.messages[found.id]

    async def _get_member(self, record: Request, guild: str, user: str) -> dict[str, Any]:
        if int(guild) != self.guild_id:
            raise DiscordError(403, rules.error(50001, "Missing Access"))
        user_id = int(user)
        if user_id not in self.members:
            raise DiscordError(404, rules.error(10007, "Unknown Member"))
        return payloads.member(user_id, self.members[user_id])

    async def _put_commands(
        self, record: Request, app: str, guild: str | None = None
    ) -> list[dict[str, Any]]:
        if int(app) != self.application_id:
            raise DiscordError(403, rules.error(50001, "Missing Access"))
        scope = int(guild) if guild is not None else None
        if scope is not None and scope != self.guild_id:
            raise DiscordError(403, rules.error(50001, "Missing Access"))
        commands = record.body or []
        errors = rules.FormErrors()
        rules.check_commands(commands, errors)
        if errors:
            raise DiscordError(400, errors.body())
        stored = []
        for command in commands:
            key = (scope, command["name"])
            command_id = self._command_ids.setdefault(key, next(self._ids))
            entry = {
                "type": 1,
                "nsfw": False,
                "default_member_permissions": None,
                "contexts": None,
                "integration_types": [0],
                **command,
                "id": str(command_id),
                "application_id": str(self.application_id),
                "version": str(next(self._ids)),
            }
            if scope is not None:
                entry["guild_id"] = str(scope)
            stored.append(entry)
        self.commands[scope] = stored
        return stored

    async def _get_commands(
        self, record: Request, app: str, guild: str | None = None
    ) -> list[dict[str, Any]]:
        return self.commands.get(int(guild) if guild is not None else None, [])

    def _exchange(self, token: str) -> Exchange:
        exchange = self.exchanges.get(token)
        if exchange is None:
            raise DiscordError(404, rules.error(10062, "Unknown interaction"))
        return exchange

    async def _callback(self, record: Request, id: str, token: str) -> dict[str, Any] | None:
        exchange = self._exchange(token)
        if exchange.id != int(id):
            raise DiscordError(404, rules.error(10062, "Unknown interaction"))
        now = asyncio.get_running_loop().time()
        if self.deadline is not None and now - exchange.sent_at > self.deadline:
            raise DiscordError(404, rules.error(10062, "Unknown interaction"))
        if exchange.callback is not None:
            raise DiscordError(
                400, rules.error(40060, "Interaction has already been acknowledged.")
            )
        body = record.body or {}
        kind = body.get("type")
        if kind not in ALLOWED_CALLBACKS[exchange.type] or (
            kind in (6, 7) and exchange.source is None
        ):
            errors = rules.FormErrors()
            errors.add(("type",), "INTERACTION_CALLBACK_TYPE_INVALID", "Invalid callback type.")
            raise DiscordError(400, errors.body())
        data = body.get("data") or {}
        message: Message | None = None
        if kind == 4:
            errors = rules.FormErrors()
            rules.check_message(data, errors, creating=True, interaction=True)
            if errors:
                raise DiscordError(400, _nested("data", errors))
            if rules.is_empty(data, len(record.files)):
                raise DiscordError(400, rules.error(50006, "Cannot send an empty message"))
            _kept, files = self._files(record.files, data)
            message = self._answer_message(exchange, data, files)
            exchange.original = message
        elif kind == 5:
            message = self._answer_message(exchange, {"flags": data.get("flags")}, [], LOADING)
            exchange.original = message
        elif kind == 7:  # the message whose button was pressed, updated in place
            assert exchange.source is not None
            message = self._live(exchange.source)
            self._apply_edit(message, data, record.files)
            exchange.original = message  # what the member now sees, as @original
        elif kind == 8:
            errors = rules.FormErrors()
            rules.check_choices(data, errors)
            if errors:
                raise DiscordError(400, errors.body())
            exchange.choices = list(data.get("choices") or [])
        elif kind == 9:
            errors = rules.FormErrors()
            rules.check_modal(data, errors)
            if errors:
                raise DiscordError(400, errors.body())
            exchange.modal = data
        exchange.callback = kind
        exchange.answered_at = now
        if message is not None and kind in (4, 5):
            await self._announce(message)
        if record.query.get("with_response") not in ("1", "true", "True"):
            return None
        response: dict[str, Any] = {
            "interaction": {"id": str(exchange.id), "type": exchange.type},
            "resource": {"type": kind},
        }
        if message is not None:
            response["interaction"].update(
                response_message_id=str(message.id),
                response_message_loading=bool(message.flags & LOADING),
                response_message_ephemeral=message.ephemeral,
            )
            response["resource"]["message"] = self._message_payload(message)
        return response

    def _live(self, message: Message) -> Message:
        current = self.messages.get(message.id)
        if current is None:
            raise DiscordError(404, rules.error(10008, "Unknown Message"))
        return current

    def _answer_message(
        self, exchange: Exchange, data: Mapping[str, Any], files: list[Upload], flags: int = 0
    ) -> Message:
        ephemeral = bool(int(data.get("flags") or 0) & rules.EPHEMERAL)
        return self._new_message(
            exchange.channel_id,
            data,
            files=files,
            visible_to=exchange.user_id if ephemeral else None,
            interaction=exchange,
            flags=flags,
        )

    async def _followup(self, record: Request, app: str, token: str) -> dict[str, Any] | None:
        exchange = self._exchange(token)
        if exchange.callback is None or exchange.callback in (8, 9):
            raise DiscordError(404, rules.error(10015, "Unknown Webhook"))
        body = record.body or {}
        errors = rules.FormErrors()
        rules.check_message(body, errors, creating=True, interaction=True)
        if errors:
            raise DiscordError(400, errors.body())
        if rules.is_empty(body, len(record.files)):
            raise DiscordError(400, rules.error(50006, "Cannot send an empty message"))
        original = exchange.original
        if original is not None and original.flags & LOADING:
            # After a deferred answer, the first follow-up takes the "thinking" message's
            # place (and its visibility).
            self._apply_edit(original, body, record.files)
            message = original
        else:
            _kept, files = self._files(record.files, body)
            message = self._answer_message(exchange, body, files)
            exchange.followups.append(message)
            await self._announce(message)
        if record.query.get("wait") in ("true", "1", "True"):
            return self._message_payload(message)
        return None

    def _webhook_message(self, exchange: Exchange, message: str) -> Message:
        if message == "@original":
            if exchange.original is None:
                raise DiscordError(404, rules.error(10008, "Unknown Message"))
            return self._live(exchange.original)
        found = next((m for m in exchange.followups if m.id == int(message)), None)
        if found is None:
            raise DiscordError(404, rules.error(10008, "Unknown Message"))
        return self._live(found)

    async def _edit_webhook_message(
        self, record: Request, app: str, token: str, message: str
    ) -> dict[str, Any]:
        exchange = self._exchange(token)
        if exchange.callback in (6, 7) and message == "@original" and exchange.source:
            target = self._live(exchange.source)  # @original of an update is the message
        else:
            target = self._webhook_message(exchange, message)
        self._apply_edit(target, record.body or {}, record.files)
        return self._message_payload(target)

    async def _get_webhook_message(
        self, record: Request, app: str, token: str, message: str
    ) -> dict[str, Any]:
        return self._message_payload(self._webhook_message(self._exchange(token), message))


def _nested(key: str, errors: rules.FormErrors) -> dict[str, Any]:
    body = errors.body()
    body["errors"] = {key: body["errors"]}
    return body


def _describe(body: Mapping[str, Any]) -> list[str]:
    errors = rules.FormErrors()
    errors.tree = dict(body.get("errors") or {})
    return errors.describe() or [str(body.get("message"))]
