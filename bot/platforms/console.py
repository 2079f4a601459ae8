"""The console front end: play every member of a network in one terminal.

Each input line is one message, `<member>@<chat>: <text>` in a group chat or
`<member>@dm: <text>` to the bot directly; `!attach <file>` sends a file (a photo, a
video) with the next message, as a phone would. Each output line is one line the bot
sent, prefixed with where it went; a file it uploads shows as a 📎 line. It serves
organizers trying the bot before a deployment, trainers running drills, and tests,
which drive it as a script.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import re
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.core.durations import DurationError, parse_duration
from bot.core.media import MediaUnavailableError, Upload
from bot.core.models import Conversation, Member, OutboxEntry, Role
from bot.core.replies import reply_languages
from bot.core.vocabulary import ROLE_NAMES
from bot.delivery import OutboxWorker
from bot.i18n import ListOf, Raw, Renderer, Size, Text, _, language_name
from bot.pacing import Limits

PLATFORM = "console"
_LINE = re.compile(r"^\s*([A-Za-z0-9_.-]+)@([A-Za-z0-9_.-]+)\s*:\s?(.*)$", re.DOTALL)
_MENTION = re.compile(r"(?<![\w@])@(?:rrbot|bot)\b", re.IGNORECASE)  # "@bot help!" in a chat
_PURPOSE_NAMES = {
    "organizers": _("reports come in here, verifiers are asked here"),
    "broadcast": _("verified alerts go out here"),
    "general": _("the bot answers here but never posts on its own"),
}


def prefix_for(address: str, *, is_direct: bool) -> str:
    return f"[dm:{address}] " if is_direct else f"[{address}] "


def prefixed(prefix: str, text: str) -> list[str]:
    return [prefix + line for line in (text.splitlines() or [""])]


def print_now(line: str) -> None:
    """Print a line and flush it. A message is marked delivered once printed, so it must
    be out of the process by then: into a pipe or a file Python buffers its output, and
    a crash (SIGKILL, the power) would lose what the outbox already counts as delivered."""
    print(line, flush=True)


class ConsoleSender:
    """Delivers outbox rows by printing them; the terminal never fails to receive."""

    platform = PLATFORM

    def __init__(
        self,
        write: Callable[[str], None],
        verifiers: Callable[[], Awaitable[list[str]]],
        renderer: Renderer | None = None,
    ) -> None:
        self._write = write
        self._verifiers = verifiers
        self._renderer = renderer

    async def send(self, entry: OutboxEntry) -> str | None:
        prefix = prefix_for(entry.address, is_direct=entry.is_direct)
        body = entry.body
        if entry.ping == "verifiers":
            names = await self._verifiers()
            if names:
                body = " ".join(f"@{name}" for name in names) + "\n" + body
        for line in prefixed(prefix, body):
            self._write(line)
        for file in entry.files:  # as a chat app shows an upload: its name and size
            size = Size(len(file.data))
            shown = size.render(self._renderer, entry.languages[0]) if self._renderer else ""
            self._write(f"{prefix}📎 {file.name} ({shown})")
        return None


def attachable(argument: str) -> Path | None:
    """The file `!attach` names, if there is one."""
    path = Path(argument.strip()).expanduser()
    return path if argument.strip() and path.is_file() else None


def file_upload(path: Path) -> Upload:
    """A file from disk, as a phone would send it: its type guessed from its name."""
    size = path.stat().st_size

    async def fetch() -> bytes:
        try:
            return await asyncio.to_thread(path.read_bytes)
        except OSError as error:
            raise MediaUnavailableError(str(error)) from None

    return Upload(mimetypes.guess_type(path.name)[0] or "", size, fetch)


class Console:
    def __init__(self, app: App, write: Callable[[str], None] = print_now) -> None:
        if app.config.console is None:
            raise ValueError("the config has no [console] section")
        self.app = app
        self._write = write
        self._members = {m.name: m for m in app.config.console.members}
        self._chats = {c.name: c for c in app.config.console.chats}
        self.sender = ConsoleSender(write, self._verifier_names, app.renderer)
        self._attached: list[Path] = []  # files that go with the next message
        # One at a time: the terminal shows every message in the order it was written.
        self.worker = OutboxWorker(app.store, self.sender, app.clock, limits=Limits(in_flight=1))
        app.on_outbox(self.worker.wake.set, PLATFORM)
        self._stop_asked = asyncio.Event()  # SIGTERM or SIGINT: no new line is taken

    async def stop(self) -> None:
        """Take no new line: the one being handled finishes, what it owes is printed."""
        self._stop_asked.set()

    async def _next_line(self, lines: asyncio.Queue[str | None]) -> str | None:
        """The next line, or None at the end of the input or once a stop is asked."""
        if self._stop_asked.is_set():
            return None
        getting = asyncio.ensure_future(lines.get())
        stopping = asyncio.ensure_future(self._stop_asked.wait())
        try:
            await asyncio.wait([getting, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not getting.done():
                getting.cancel()
        if getting.done() and not getting.cancelled() and not self._stop_asked.is_set():
            return getting.result()
        return None

    async def _verifier_names(self) -> list[str]:
        return [m.handle for m in await self.app.members.with_role(PLATFORM, Role.VERIFIER)]

    def _say(self, text: Text, language: str | None = None) -> None:
        rendered = self.app.renderer.render(text, language or self.app.network.default_language)
        for line in prefixed("! ", rendered):
            self._write(line)

    # -- one line ------------------------------------------------------------------------

    async def handle_line(self, line: str) -> None:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return
        if stripped.startswith("!"):
            await self._directive(stripped)
            return
        match = _LINE.match(stripped)
        if match is None:
            self._say(
                _(
                    "Write each message as <member>@<chat>: <text>, or <member>@dm: <text> "
                    "for a direct message. For example: {example}",
                    example=Raw("dee@organizers: /help"),
                )
            )
            return
        name, chat_name, text = match.group(1).lower(), match.group(2).lower(), match.group(3)
        member = await self._member(name)
        if member is None:
            return
        conversation = self._conversation(name, chat_name)
        if conversation is None:
            return
        mentioned = bool(_MENTION.search(text))
        uploads = [file_upload(path) for path in self._attached]
        self._attached = []
        replies = await self.app.router.handle(
            member,
            conversation,
            _MENTION.sub(" ", text).strip() if mentioned else text,
            mentioned=mentioned,
            uploads=uploads,
        )
        prefix = prefix_for(conversation.address, is_direct=conversation.is_direct)
        chat = None if conversation.is_direct else self.app.network.target(PLATFORM, chat_name)
        for reply in replies:
            languages = reply_languages(reply, member, chat)
            rendered = self.app.renderer.render_all(reply.text, languages)
            for out in prefixed(prefix, rendered):
                self._write(out)
        await self.worker.deliver_due()

    async def _member(self, name: str) -> Member | None:
        member = await self.app.members.find(PLATFORM, name) if name in self._members else None
        if member is None:
            self._say(
                _(
                    "There is no member “{name}”. Members: {members}.",
                    name=Raw(name),
                    members=ListOf(tuple(Raw(n) for n in self._members)),
                )
            )
        return member

    def _conversation(self, member: str, chat: str) -> Conversation | None:
        if chat == "dm":
            return Conversation(PLATFORM, member, is_direct=True)
        found = self._chats.get(chat)
        if found is None:
            self._say(
                _(
                    "There is no chat “{chat}”. Chats: {chats}, or dm for a direct message.",
                    chat=Raw(chat),
                    chats=ListOf(tuple(Raw(n) for n in self._chats)),
                )
            )
            return None
        return Conversation(PLATFORM, chat, is_direct=False, purpose=found.purpose)

    async def _directive(self, line: str) -> None:
        name, _sep, argument = line[1:].partition(" ")
        if name == "wait":
            try:
                duration = parse_duration(argument)
            except DurationError:
                self._say(_("Write waits as !wait 90s, !wait 15m or !wait 2h."))
                return
            await asyncio.sleep(duration.total_seconds())
            await self.worker.deliver_due()
        elif name == "who":
            for line_ in await self._roster():
                self._write(line_)
        elif name == "attach":
            path = attachable(argument)
            if path is None:
                self._say(
                    _(
                        "There is no file “{path}”. Write !attach followed by the path of a "
                        "photo or video; it goes with the next message.",
                        path=Raw(argument.strip()),
                    )
                )
                return
            self._attached.append(path)
        else:
            self._say(
                _(
                    "Unknown console command !{name}. Try !wait 90s, !who or !attach photo.jpg.",
                    name=Raw(name),
                )
            )

    # -- whole sessions ----------------------------------------------------------------

    async def _roster(self) -> list[str]:
        """The members as the bot holds them now: roles given or taken with /role, and
        languages chosen with /lang, not what the config first said."""
        language = self.app.network.default_language
        render = self.app.renderer.render
        out = [render(_("Members:"), language)]
        width = max(len(n) for n in self._members) + 2
        for member in self._members.values():
            held = await self.app.members.find(PLATFORM, member.name)
            roles_now = held.roles if held is not None else frozenset(member.roles)
            roles = (
                render(ListOf(tuple(ROLE_NAMES[r] for r in sorted(roles_now))), language)
                if roles_now
                else render(_("no role"), language)
            )
            chosen = held.language if held is not None else member.language
            spoken = language_name(chosen or language, language)
            out.append(f"  {member.name:<{width}}{roles} · {spoken}")
        out.append(render(_("Chats:"), language))
        width = max(len(n) for n in self._chats) + 2
        for chat in self._chats.values():
            spoken = ", ".join(language_name(code, language) for code in chat.languages)
            purpose = render(_PURPOSE_NAMES[chat.purpose.value], language)
            target = self.app.network.target(PLATFORM, chat.name)
            gets_drills = render(_("gets drills"), language)
            drill = f" · {gets_drills}" if target and target.drill else ""
            out.append(f"  {chat.name:<{width}}{purpose} · {spoken}{drill}")
        return out

    async def _next_report_code(self) -> str:
        async with self.app.store.reading() as tx:
            return f"R{await tx.reports.next_id()}"

    async def banner(self) -> list[str]:
        language = self.app.network.default_language
        render = self.app.renderer.render
        organizers = next(
            (c.name for c in self._chats.values() if c.purpose.value == "organizers"), "dm"
        )
        reporter = next(
            (
                m.name
                for m in self._members.values()
                if not {Role.VERIFIER, Role.ORGANIZER} & set(m.roles)
            ),
            None,
        )
        verifier = next((m.name for m in self._members.values() if Role.VERIFIER in m.roles), None)
        code = await self._next_report_code()
        examples = [
            f"  {reporter or 'ana'}@{organizers}: /report where: 5th & Main; what: 2 ICE vans, "
            "agents stopping people; agency: ICE; source: first-hand",
            f"  {verifier or 'ana'}@{organizers}: /verify {code} saw them myself",
        ]
        return [
            render(
                _("Rapid Response Bot console for {network}", network=Raw(self.app.network.name)),
                language,
            ),
            *await self._roster(),
            render(
                _(
                    "Type each message as <member>@<chat>: <text>, or <member>@dm: <text> "
                    "to write to the bot directly. Try:"
                ),
                language,
            ),
            *examples,
            render(_("Send /help as any member to see the commands. Ctrl-D quits."), language),
        ]

    async def run_script(self, stream: TextIO) -> int:
        """Handle lines in order, each one's messages delivered before the next is handled."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        def read() -> None:
            # A daemon thread, like the interactive one: a pipe that stays open must not
            # keep Ctrl-C from stopping the bot (a worker thread would be waited for).
            while True:
                text = stream.readline() or None  # None: the end of the script
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, text)
                except RuntimeError:  # the loop is closed: the bot has stopped
                    return
                if text is None:
                    return

        threading.Thread(target=read, name="console-script", daemon=True).start()
        while (line := await self._next_line(lines)) is not None:
            await self.handle_line(line)
        await self.worker.drain()
        return 0

    async def run_interactive(self) -> int:
        with contextlib.suppress(ImportError):  # Windows has no readline; input() still works
            import readline  # noqa: F401 - imported for its side effect: line editing
        for banner_line in await self.banner():
            self._write(banner_line)
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        ready = threading.Event()

        def read() -> None:
            # A daemon thread, so a pending input() never keeps the process alive.
            while True:
                ready.wait()
                ready.clear()
                try:
                    text = input("> ")
                except (EOFError, KeyboardInterrupt):
                    loop.call_soon_threadsafe(lines.put_nowait, None)
                    return
                loop.call_soon_threadsafe(lines.put_nowait, text)

        threading.Thread(target=read, name="console-input", daemon=True).start()
        background = asyncio.create_task(self.worker.run())
        try:
            ready.set()
            while (line := await self._next_line(lines)) is not None:
                await self.handle_line(line)
                ready.set()
        finally:
            await self.worker.stop()  # a message being printed is marked first
            background.cancel()
            await asyncio.gather(background, return_exceptions=True)
        self.worker.resume()  # the end of a script: what is still due is printed
        await self.worker.drain()
        return 0
