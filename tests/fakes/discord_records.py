"""What the fake Discord holds: messages, interactions and their answers, requests.

Tests read these records to assert what members would see (`Message.content`, its live
buttons, who it pinged) and what the bot asked of Discord (`Request`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes import discord_rules as rules

# Interaction types (Discord's numbers).
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
LOADING = 1 << 7  # the flag of a deferred answer's "Bot is thinking…" message


@dataclass
class Upload:
    """A file: one a member attaches (to a command or a message), or one the bot posts.

    A test writes the first three fields; once the file is on Discord it is an
    attachment, with Discord's id and a place on its CDN (`tests/fakes/discord_cdn.py`).
    """

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    id: int = 0  # the attachment's id, once it is on Discord
    channel_id: int = 0  # where it was attached (its CDN address holds it)
    ephemeral: bool = False  # attached to a command's option: removed after a while
    description: str | None = None  # the alt text, if the uploader gave one
    gone: bool = False  # expired, or deleted with its message: the CDN answers 404


@dataclass
class Message:
    """A message as Discord holds it, with who it really notified."""

    id: int
    channel_id: int
    author_id: int
    content: str
    components: list[dict[str, Any]]
    flags: int = 0
    pings: frozenset[str] = frozenset()
    nonce: str | None = None
    reference: int | None = None  # the message it replies to
    files: list[Upload] = field(default_factory=list)
    visible_to: int | None = None  # an ephemeral message: the one member who sees it
    interaction: Exchange | None = None  # the interaction it answers, if any
    earlier: list[str] = field(default_factory=list)  # its text before each edit

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & rules.EPHEMERAL)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.components for c in row.get("components", []) if c["type"] == 2]

    @property
    def live_buttons(self) -> list[dict[str, Any]]:
        """Buttons a member can press (not disabled, not links)."""
        return [b for b in self.buttons if not b.get("disabled") and b.get("style") != 5]

    @property
    def labels(self) -> list[str]:
        return [b.get("label", "") for b in self.buttons]


@dataclass
class Exchange:
    """One interaction a member started, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    guild_id: int | None
    payload: dict[str, Any]
    source: Message | None = None  # the message whose button was pressed
    callback: int | None = None  # the callback type the bot answered with
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    submitted: bool = False  # a form can be sent once
    sent_at: float = 0.0
    answered_at: float | None = None  # loop time of the first callback
    attached: list[Upload] = field(default_factory=list)  # files in its options, on the CDN

    @property
    def messages(self) -> list[Message]:
        return [m for m in (self.original, *self.followups) if m is not None]

    @property
    def texts(self) -> list[str]:
        return [m.content for m in self.messages]

    @property
    def text(self) -> str:
        """Everything the member was told, in order."""
        return "\n".join(self.texts)

    @property
    def answered_after(self) -> float | None:
        return None if self.answered_at is None else self.answered_at - self.sent_at


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[Upload]  # the multipart's files, `files[n]` at position n
    status: int = 0


@dataclass
class Download:
    """One request to the CDN: which attachment's address, and what it answered."""

    path: str
    attachment_id: int | None
    status: int
