"""Signal groups and direct messages, through signal-cli-rest-api.

Messages are fetched by polling `GET /v1/receive/{number}` (normal and native modes).
While the bot is down they wait on Signal's servers, so a restart loses nothing; once
fetched they are stored in the inbox before they are handled, so a crash loses nothing
either, but in the instant between the service's answer and that storing (the service
has no acknowledgement; see "Killed at any moment" in docs/ARCHITECTURE.md). Members
are known by their Signal UUID (or number where no UUID is given), never by the profile
name anyone can change; that name (or the config's name for them) is only what messages
call them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
from typing import Any

from bot.app import App
from bot.config import SignalSection
from bot.core.models import Conversation, Member, OutboxEntry, Role
from bot.core.replies import reply_languages
from bot.delivery import DeliveryError, OutboxWorker
from bot.i18n import Raw, _
from bot.pacing import Limits
from bot.platforms.signal.attachments import SignalAttachments, attachment_ids
from bot.platforms.signal.client import CONNECT_TIMEOUT, About, SignalClient, SignalError
from bot.redact import redact

log = logging.getLogger(__name__)
PLATFORM = "signal"
PING_PLACEHOLDER = "@verifier"
MENTION_PLACEHOLDER = "\ufffc"  # where an incoming @-mention stood in the text
RATE_LIMIT = "rate-limit"  # the delivery problem a rate-limit episode is recorded under


class SignalUnavailableError(Exception):
    """signal-cli-rest-api cannot be used at start-up; the message is one line."""


def group_address(internal_id: str) -> str:
    """The `group.…` id used to send, from the internal id that received messages carry."""
    return "group." + base64.b64encode(internal_id.encode()).decode()


def internal_id(address: str) -> str | None:
    try:
        return base64.b64decode(address.removeprefix("group."), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


class SignalFrontEnd:
    def __init__(
        self, app: App, settings: SignalSection, client: SignalClient | None = None
    ) -> None:
        self.app = app
        self.settings = settings
        self.client = client or SignalClient(
            settings.url, settings.number, read_timeout=settings.request_timeout.total_seconds()
        )
        self.attachments = SignalAttachments(self.client, app.network.media)
        # text_mode is "normal": Signal shows text literally, so there is nothing to escape.
        self.renderer = app.register_platform(PLATFORM, lambda text: text)
        self.blocked = set(settings.blocked)
        sender = SignalSender(self)
        self.worker = OutboxWorker(
            app.store,
            sender,
            app.clock,
            on_unreachable=self._unreachable,
            limits=sender.limits,
        )
        app.on_outbox(self.worker.wake.set, PLATFORM)
        self._stopping = asyncio.Event()
        self.received = 0  # messages stored since this start: a database worth keeping

    async def stop(self) -> None:
        """Stop taking new messages; `run` returns once the receive under way is stored.

        A receive is never cut short: signal-cli has already taken its messages off
        Signal's servers, so they are stored first. What is stored but not yet handled is
        handled at the next start.
        """
        self._stopping.set()

    async def _unreachable(self, entry: OutboxEntry, reason: str) -> None:
        # Someone who left Signal is nobody's business in a group chat: the core says
        # nothing of direct messages.
        await self.app.notices.chat_unreachable(
            entry.platform, entry.address, reason, is_direct=entry.is_direct
        )

    async def check_service(self) -> About:
        """Health and mode at start-up; the mode decides how messages are received."""
        try:
            about = await asyncio.to_thread(self.client.about)
        except SignalError as error:
            raise SignalUnavailableError(
                f"cannot reach signal-cli-rest-api at {self.settings.url} ({error})"
            ) from None
        if not await asyncio.to_thread(self.client.healthy):
            raise SignalUnavailableError(
                f"signal-cli-rest-api at {self.settings.url} reports it is not healthy"
            )
        if about.mode == "json-rpc":
            raise SignalUnavailableError(
                "signal-cli-rest-api runs in json-rpc mode, where messages arrive on a websocket "
                "and are lost while no client listens; run it in normal or native mode"
            )
        log.info("signal-cli-rest-api %s in %s mode", about.version, about.mode)
        return about

    # -- receiving -------------------------------------------------------------------

    async def receive_once(self) -> int:
        """Fetch waiting messages, store them, handle everything unhandled."""
        timeout = int(self.settings.receive_timeout.total_seconds())
        items = await asyncio.to_thread(self.client.receive, timeout)
        now = self.app.clock.now()
        async with self.app.store.transaction() as tx:
            for item in items:
                envelope = item.get("envelope")
                if not isinstance(envelope, dict):
                    continue
                source = str(envelope.get("sourceUuid") or envelope.get("source") or "")
                timestamp = envelope.get("timestamp")
                if source and isinstance(timestamp, int):
                    await tx.inbox.store(source, timestamp, envelope, now)
                    self.received += 1
        handled = await self.handle_pending()
        if items:
            await self.sweep_attachments()
        return handled

    async def sweep_attachments(self) -> int:
        """Delete what signal-cli still keeps, but for messages not yet handled."""
        async with self.app.store.reading() as tx:
            waiting = await tx.inbox.unhandled()
        keep = {name for _id, envelope in waiting for name in attachment_ids(envelope)}
        return await self.attachments.sweep(keep)

    async def handle_pending(self) -> int:
        """Handle every stored message not handled yet, each exactly once.

        A message is marked handled in the same unit of work as everything handling it
        does (the report filed, the verification, the replies in the outbox): the blocks
        the actions open join it. A crash before its commit leaves the message unhandled,
        with no trace of its effect, so it is handled after the restart; after the commit
        the mark is there and it is not handled again.
        """
        async with self.app.store.reading() as tx:
            pending = await tx.inbox.unhandled()
        for entry_id, envelope in pending:
            if self._stopping.is_set():
                break  # kept in the inbox, handled at the next start
            data = envelope.get("dataMessage")
            if isinstance(data, dict) and self._for_us(data):
                await self.attachments.prefetch(data)  # before the unit: no files in it
            try:
                async with self.app.store.transaction() as tx:
                    if not await tx.inbox.mark_handled(entry_id, self.app.clock.now()):
                        continue  # handled meanwhile (another process)
                    await self.handle_envelope(envelope)
            except Exception:
                # One bad message must not block the rest, nor be retried forever. What
                # handling it wrote was undone with the unit; only the mark is kept.
                log.exception("could not handle Signal message %s", entry_id)
                async with self.app.store.transaction() as tx:
                    await tx.inbox.mark_handled(entry_id, self.app.clock.now())
            # Once handled (and only then), every file it carried leaves signal-cli's
            # volume; a crash before this leaves them to the next sweep.
            await self.attachments.discard(envelope)
        return len(pending)

    def _mentions_us(self, data: dict[str, Any]) -> bool:
        """Whether a message @-mentions the bot's own account."""
        mentions = data.get("mentions")
        if not isinstance(mentions, list):
            return False
        return any(
            isinstance(mention, dict) and self.settings.number in (mention.get("number"),)
            for mention in mentions
        )

    async def _sender(self, envelope: dict[str, Any]) -> Member | None:
        candidates = [
            str(value)
            for value in (envelope.get("sourceUuid"), envelope.get("sourceNumber"))
            if value
        ]
        if not candidates or self.settings.number in candidates:
            return None  # our own messages, synced from a linked device
        if self.blocked & set(candidates):
            return None
        member = None
        for candidate in candidates:  # whichever id the config or a /role command used
            member = await self.app.members.find(PLATFORM, candidate)
            if member is not None:
                break
        if member is None:
            member = await self.app.members.identify(PLATFORM, candidates[0])
        # Their profile name, to name them to organizers (never their number or UUID).
        return await self.app.members.note_profile_name(member, envelope.get("sourceName"))

    def _for_us(self, data: dict[str, Any]) -> bool:
        """Whether the bot answers this message: a direct message, or in a group it
        serves, a command or an @-mention of the bot. Everything else is chatter."""
        group = data.get("groupInfo")
        if not (isinstance(group, dict) and group.get("groupId")):
            return True
        if self.app.network.target(PLATFORM, group_address(str(group["groupId"]))) is None:
            return False
        text = data.get("message")
        return (isinstance(text, str) and text.lstrip().startswith("/")) or self._mentions_us(data)

    async def handle_envelope(self, envelope: dict[str, Any]) -> None:
        """Answer one message (its files were fetched ahead by `handle_pending`)."""
        data = envelope.get("dataMessage")
        if not isinstance(data, dict):
            return  # receipts, typing, reactions: nothing for the bot
        uploads = self.attachments.uploads(data)
        text = data.get("message")
        if not isinstance(text, str):
            if not uploads:
                return
            text = ""  # a photo with no caption
        group = data.get("groupInfo")
        mentioned = self._mentions_us(data)
        target = None
        if not self._for_us(data):
            return  # groups we were not told about, and ordinary chatter, are ignored
        if isinstance(group, dict) and group.get("groupId"):
            address = group_address(str(group["groupId"]))
            target = self.app.network.target(PLATFORM, address)
            assert target is not None  # noqa: S101 - _for_us checked it
            conversation = Conversation(PLATFORM, address, is_direct=False, purpose=target.purpose)
        else:
            conversation = None
        member = await self._sender(envelope)
        if member is None:
            return
        if conversation is None:
            recipient = str(envelope.get("sourceNumber") or envelope.get("sourceUuid"))
            conversation = Conversation(PLATFORM, recipient, is_direct=True)
        # A mention arrives as a placeholder character where the name was.
        text = text.replace(MENTION_PLACEHOLDER, " ").strip() if mentioned else text
        replies = await self.app.router.handle(
            member, conversation, text, mentioned=mentioned, uploads=uploads
        )
        for reply in replies:
            await self.app.notices.send_reply(
                PLATFORM,
                conversation.address,
                is_direct=conversation.is_direct,
                languages=reply_languages(reply, member, target),
                text=reply.text,
            )

    async def run(self) -> None:
        """Receive and deliver until cancelled; an outage is waited out, never fatal."""
        await self.handle_pending()  # anything stored but not handled before a crash
        await self.sweep_attachments()  # files signal-cli kept before this start
        delivery = asyncio.create_task(self.worker.run(), name="signal-outbox")
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    await self.receive_once()
                    failures = 0
                except SignalError as error:
                    failures += 1
                    if failures == 1:
                        log.warning("Signal receive failed, retrying: %s", error)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            self._stopping.wait(), timeout=min(60.0, 0.5 * 2**failures)
                        )
        finally:
            # Sends under way finish (or time out) and are recorded; nothing new starts.
            await self.worker.stop(within=self.worker.limits.timeout)
            delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivery
            self.client.close()


class SignalSender:
    """Sends outbox rows through the service, and waits out Signal's rate limits.

    A refused message waits as long as Signal asks (at most `MAX_WAIT`, so a captcha
    solved in the meantime is noticed soon); other chats go on, as Signal may refuse
    only some recipients. A rate limit is an episode: it starts at the first refusal
    (the organizers are told, with the challenge token for the captcha) and ends when
    every chat refused in it has had a message go through in full (they are told that
    too), so a chat that keeps being refused while others work does not start an
    episode every few minutes, and the next real episode is told afresh.
    """

    platform = PLATFORM
    DEFAULT_WAIT = 300.0  # when Signal names no wait (json-rpc mode never does)
    MAX_WAIT = 600.0
    # Signal publishes no limits: it refuses with a wait (or a captcha), which the worker
    # obeys, so nothing is paced ahead. In normal and native mode signal-cli-rest-api
    # runs one signal-cli per request and signal-cli locks the account, so requests are
    # served one at a time anyway: two under way let one slow chat not hold up the rest,
    # more would only start processes that wait for the lock.
    IN_FLIGHT = 2

    def __init__(self, front: SignalFrontEnd) -> None:
        self.front = front
        # The client's own timeouts (connect, then each read) end a stalled request
        # first; the worker's is the backstop for a request that trickles.
        self.limits = Limits(
            in_flight=self.IN_FLIGHT,
            timeout=front.settings.request_timeout.total_seconds() + CONNECT_TIMEOUT + 5,
        )
        self.refused: set[tuple[str, bool]] = set()  # chats refused in this episode
        # Not known at start-up: an episode may have been open when the bot stopped. The
        # first message that goes out in full ends it, if there was one.
        self.may_be_limited = True
        self._logged_tokens: set[str] = set()

    async def _mentions(self, body: str) -> tuple[str, list[dict[str, Any]]]:
        """Prefix one placeholder per verifier; Signal shows each as a real mention."""
        verifiers = await self.front.app.members.with_role(PLATFORM, Role.VERIFIER)
        if not verifiers:
            return body, []
        mentions = []
        for number, verifier in enumerate(verifiers):
            start = number * (len(PING_PLACEHOLDER) + 1)
            mentions.append(
                {"author": verifier.external_id, "start": start, "length": len(PING_PLACEHOLDER)}
            )
        prefix = " ".join(PING_PLACEHOLDER for _ in verifiers)
        return f"{prefix}\n{body}", mentions

    async def send(self, entry: OutboxEntry) -> str | None:
        chat = (entry.address, entry.is_direct)
        body: str = entry.body
        mentions: list[dict[str, Any]] = []
        if entry.ping == "verifiers" and not entry.is_direct:
            body, mentions = await self._mentions(body)
        try:
            sent = await asyncio.to_thread(
                self.front.client.send, entry.address, body, mentions or None, entry.files
            )
        except SignalError as error:
            if error.rate_limited:
                await self._rate_limited(chat, error)
                wait = min(max(error.retry_after or self.DEFAULT_WAIT, 1.0), self.MAX_WAIT)
                raise DeliveryError("rate limited", retry_after=wait) from None
            if error.group_unusable or (entry.is_direct and error.recipient_unregistered):
                self.refused.discard(chat)  # given up: it cannot hold the episode open
                raise DeliveryError(error.summary, permanent=True) from None
            raise DeliveryError(str(error)) from None
        if sent.missed is not None:
            # Delivered, but not to every member: sending again would repeat it to the rest.
            log.warning("Signal message %s missed some group members: %s", entry.id, sent.missed)
            if sent.missed.rate_limited:
                await self._rate_limited(chat, sent.missed)
        else:
            await self._went_through(chat)
        return sent.timestamp

    async def _rate_limited(self, chat: tuple[str, bool], error: SignalError) -> None:
        self.refused.add(chat)
        self.may_be_limited = True
        token = error.challenge_tokens[0] if error.challenge_tokens else ""
        if token and token not in self._logged_tokens:
            # Where an operator finds the token when the organizer chat is on Signal too.
            self._logged_tokens.add(token)
            log.warning("Signal rate limit: captcha challenge token %s (README)", token)
        notice = _(
            "Signal is rate-limiting the bot's number. Messages are waiting and will be "
            "retried. To lift the limit sooner, an operator must solve a captcha: see "
            "“Signal rate limits” in the README. Challenge token: {token}",
            token=Raw(token or "-"),
        )
        await self.front.app.notices.tell_organizers_once(
            PLATFORM, RATE_LIMIT, redact(str(error)), notice
        )

    async def _went_through(self, chat: tuple[str, bool]) -> None:
        self.refused.discard(chat)
        if self.refused or not self.may_be_limited:
            return
        self.may_be_limited = False
        notice = _(
            "Signal takes the bot's messages again: the ones that were waiting are going out now."
        )
        await self.front.app.notices.problem_over(PLATFORM, RATE_LIMIT, notice)
