"""Each member's Discord app, as the fake Discord plays it for the tests.

Discord's client lets a member run only a command registered for the place they are
in (the server, or their DM with the bot), with its own options, choices and required
fields; press only a button that is on a message they see and still live; send a form
only once, with its required fields filled and within their lengths; and write
messages. Files a member attaches (to a command's attachment option, or to a message)
are put on the fake's CDN first, as the app uploads them before it sends. `MemberApps`
builds the gateway events that follow, in Discord's shapes (in a DM an interaction
carries `user` and no `guild_id`; in the server, `member`). It is part of `FakeDiscord`
(tests/fakes/discord_server.py), whose state it reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

from tests.fakes import discord_payloads as payloads
from tests.fakes import discord_rules as rules
from tests.fakes.discord_cdn import FakeCDN
from tests.fakes.discord_records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Exchange,
    Message,
    Upload,
)


class MemberApps:
    """The member-side half of `FakeDiscord`: the state it reads is the server's, and it
    sends what it builds through the server's gateway (`dispatch`)."""

    guild_id: int
    bot_id: int
    application_id: int
    channels: dict[int, str]
    members: dict[int, tuple[int, ...]]
    outsiders: set[int]
    messages: dict[int, Message]
    exchanges: dict[str, Exchange]
    cdn: FakeCDN
    _ids: Iterator[int]
    _dm_channels: dict[int, int]

    async def slash(
        self,
        user_id: int,
        command: str,
        *,
        dm: bool = False,
        channel: int | None = None,
        locale: str = "en-US",
        **options: Any,
    ) -> Exchange:
        """A member runs `/command sub … option:value` where they are; an attachment
        option's value is an `Upload` (the exchange's `attached` holds it, on the CDN)."""
        where = "dm" if dm else "guild"
        attached: list[Upload] = []
        data = self._command_data(
            command,
            where,
            options,
            focused=None,
            attach=(self._channel_of(user_id, dm, channel), attached),
        )
        return await self._interact(
            APPLICATION_COMMAND,
            user_id,
            data,
            dm=dm,
            channel=channel,
            locale=locale,
            attached=attached,
        )

    async def autocomplete(
        self,
        user_id: int,
        command: str,
        focused: str,
        current: str,
        *,
        dm: bool = False,
        channel: int | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """What the member is offered while typing one option."""
        where = "dm" if dm else "guild"
        data = self._command_data(command, where, {**options, focused: current}, focused=focused)
        exchange = await self._interact(AUTOCOMPLETE, user_id, data, dm=dm, channel=channel)
        assert exchange.choices is not None, "the bot did not answer the autocomplete"
        return exchange.choices

    async def press(self, user_id: int, message: Message, button: str) -> Exchange:
        """A member presses a button (by its label or custom id) on a message they see."""
        current = self.messages.get(message.id)
        assert current is not None, "that message does not exist (any more)"
        self._assert_sees(user_id, current)
        matches = [b for b in current.buttons if button in (b.get("label"), b.get("custom_id"))]
        assert matches, f"no button {button!r} on the message: {current.labels}"
        pressed = matches[0]
        assert pressed in current.live_buttons, f"the button {button!r} cannot be pressed"
        data = {"custom_id": pressed["custom_id"], "component_type": 2}
        dm = current.channel_id not in self.channels
        return await self._interact(
            MESSAGE_COMPONENT,
            user_id,
            data,
            dm=dm,
            channel=None if dm else current.channel_id,
            source=current,
        )

    async def submit(
        self, user_id: int, opened: Exchange, values: Mapping[str, str] | None = None
    ) -> Exchange:
        """A member fills the form the bot opened for them (fields by label or custom id)."""
        modal = opened.modal
        assert modal is not None, f"no form was opened; the bot answered: {opened.text!r}"
        assert opened.user_id == user_id, "a form is shown only to the member who opened it"
        assert not opened.submitted, "the form was already sent"
        values = dict(values or {})
        rows = []
        for row in modal["components"]:
            field_ = row["components"][0]
            keys = (field_.get("label"), field_.get("custom_id"))
            given = next((values.pop(k) for k in keys if k in values), None)
            value = field_.get("value") or "" if given is None else given
            if field_.get("required", True):
                assert value.strip(), f"the form needs {field_['label']!r} (Discord's client)"
            high = field_.get("max_length") or rules.TEXT_INPUT_VALUE_LIMIT
            low = field_.get("min_length") or 0
            assert not value or low <= len(value) <= high, f"{field_['label']!r}: length"
            rows.append(
                {"type": 1, "components": [{"type": 4, "custom_id": field_["custom_id"],
                                            "value": value}]}
            )  # fmt: skip
        assert not values, f"the form has no field {sorted(values)}"
        opened.submitted = True
        data = {"custom_id": modal["custom_id"], "components": rows}
        return await self._interact(
            MODAL_SUBMIT,
            user_id,
            data,
            dm=opened.guild_id is None,
            channel=None if opened.guild_id is None else opened.channel_id,
            source=opened.source,
        )

    async def dm(
        self, user_id: int, text: str, *, bot: bool = False, files: tuple[Upload, ...] = ()
    ) -> Message:
        """A member writes to the bot in their direct messages, with files if given."""
        author = payloads.user(user_id, bot=bot or user_id == self.bot_id)
        return await self._message_from(
            author,
            text,
            channel_id=self.dm_channel(user_id),
            guild_id=None,
            mentioned=False,
            files=files,
        )

    async def post(
        self,
        user_id: int,
        channel_id: int,
        text: str,
        *,
        mention: bool = False,
        mention_everyone: bool = False,
        guild_id: int | None = None,
        message_id: int | None = None,
        files: tuple[Upload, ...] = (),
    ) -> Message:
        """A member writes in a server channel; with `mention`, naming the bot."""
        content = f"<@{self.bot_id}> {text}" if mention else text
        return await self._message_from(
            payloads.user(user_id),
            content,
            channel_id=channel_id,
            guild_id=guild_id or self.guild_id,
            mentioned=mention,
            mention_everyone=mention_everyone,
            message_id=message_id,
            files=files,
        )

    # -- building interactions --------------------------------------------------------

    def _command_data(
        self,
        command: str,
        where: str,
        options: dict[str, Any],
        focused: str | None,
        attach: tuple[int, list[Upload]] | None = None,
    ) -> dict[str, Any]:
        """The command's `data`, as the member's app builds it. `attach`: the channel
        the command is run in, and the list that collects the files put on the CDN."""
        words = command.split()
        candidates = [c for c in self._commands_in(where) if c["name"] == words[0]]
        assert candidates, f"no /{words[0]} for a member in the {where}"
        assert len(candidates) == 1, f"/{words[0]} is listed twice in the {where}"
        top = candidates[0]
        resolved: dict[str, dict[str, Any]] = {}
        node: dict[str, Any] = top
        chain: list[dict[str, Any]] = []
        for word in words[1:]:
            sub = next((o for o in node.get("options", []) if o["name"] == word), None)
            assert sub is not None and sub["type"] in (1, 2), f"/{command}: no {word!r}"
            chain.append({"type": sub["type"], "name": word, "options": []})
            node = sub
        assert not any(o["type"] in (1, 2) for o in node.get("options", [])), (
            f"/{command} needs a subcommand"
        )
        values = []
        for option in node.get("options", []):
            name = option["name"]
            if name not in options:
                if focused is None:
                    assert not option.get("required"), f"/{command} needs {name}"
                continue
            value = options.pop(name)
            entry: dict[str, Any] = {"type": option["type"], "name": name}
            entry["value"] = self._option_value(
                option, value, resolved, where, focused == name, attach
            )
            if focused == name:
                entry["focused"] = True
            values.append(entry)
        assert not options, f"/{command} has no option {sorted(options)}"
        leaf_options = values
        for link in reversed(chain):
            link["options"] = leaf_options
            leaf_options = [link]
        data: dict[str, Any] = {
            "id": str(top["id"]),
            "name": top["name"],
            "type": 1,
            "options": leaf_options,
        }
        if top.get("guild_id"):
            data["guild_id"] = top["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self,
        option: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        where: str,
        focused: bool,
        attach: tuple[int, list[Upload]] | None = None,
    ) -> Any:
        kind = option["type"]
        if focused:
            return str(value)
        choices = option.get("choices")
        if choices:
            allowed = [c["value"] for c in choices]
            assert value in allowed, f"{option['name']}: {value!r} is not one of {allowed}"
        if kind == 3:
            assert isinstance(value, str)
            return value
        if kind == 4:
            return int(value)
        if kind == 5:
            return bool(value)
        if kind == 6:
            user_id = int(value)
            resolved.setdefault("users", {})[str(user_id)] = payloads.user(user_id)
            if where == "guild" and user_id in self.members:
                member = payloads.member(user_id, self.members[user_id])
                member.pop("user")
                member["permissions"] = payloads.MEMBER_PERMISSIONS
                resolved.setdefault("members", {})[str(user_id)] = member
            return str(user_id)
        if kind == 11:
            assert isinstance(value, Upload), f"{option['name']}: a file is an Upload"
            assert attach is not None, "files are attached to a command that is sent"
            channel_id, attached = attach
            stored = self.cdn.put(value, channel_id, ephemeral=True)
            attached.append(stored)
            resolved.setdefault("attachments", {})[str(stored.id)] = self.cdn.payload(stored)
            return str(stored.id)
        raise AssertionError(f"option type {kind} is not played by the fake")

    async def _interact(
        self,
        kind: int,
        user_id: int,
        data: dict[str, Any],
        *,
        dm: bool,
        channel: int | None = None,
        locale: str = "en-US",
        source: Message | None = None,
        attached: list[Upload] | None = None,
    ) -> Exchange:
        interaction_id = next(self._ids)
        token = f"token{interaction_id}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "app_permissions": payloads.MEMBER_PERMISSIONS,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        channel_id = self._channel_of(user_id, dm, channel)
        if dm:
            assert user_id in self.members or user_id in self.outsiders, "unknown user"
            payload["user"] = payloads.user(user_id)
            payload["channel_id"] = str(channel_id)
            payload["channel"] = payloads.dm_channel(channel_id, payloads.user(user_id))
            payload["context"] = 1
            # A server-installed app in its bot's DM: the owner key is "0" (Discord docs).
            payload["authorizing_integration_owners"] = {"0": "0"}
            guild_id = None
        else:
            assert user_id in self.members, "only a member of the server acts in it"
            member = payloads.member(user_id, self.members[user_id])
            member["permissions"] = payloads.MEMBER_PERMISSIONS
            payload["member"] = member
            payload["guild_id"] = str(self.guild_id)
            payload["guild"] = {"id": str(self.guild_id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(channel_id)
            payload["channel"] = payloads.text_channel(
                channel_id, self.channels[channel_id], self.guild_id
            )
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(self.guild_id)}
            guild_id = self.guild_id
        if source is not None:
            payload["message"] = self._message_payload(source)
        exchange = Exchange(
            interaction_id,
            token,
            kind,
            user_id,
            channel_id,
            guild_id,
            payload,
            source=source,
            sent_at=asyncio.get_running_loop().time(),
            attached=list(attached or []),
        )
        self.exchanges[token] = exchange
        await self.dispatch("INTERACTION_CREATE", payload)
        return exchange

    def _channel_of(self, user_id: int, dm: bool, channel: int | None) -> int:
        """Where a member acts: their DM with the bot, or a channel of the server."""
        return self.dm_channel(user_id) if dm else channel or next(iter(self.channels))

    async def _message_from(
        self,
        author: dict[str, Any],
        content: str,
        *,
        channel_id: int,
        guild_id: int | None,
        mentioned: bool,
        mention_everyone: bool = False,
        message_id: int | None = None,
        files: tuple[Upload, ...] = (),
    ) -> Message:
        user_id = int(author["id"])
        member = None
        if guild_id is not None and user_id in self.members:
            member = payloads.member(user_id, self.members[user_id])
        message = Message(
            message_id or next(self._ids),
            channel_id,
            user_id,
            content,
            [],
            files=[self.cdn.put(upload, channel_id) for upload in files],
        )
        if guild_id in (self.guild_id, None):
            self.messages[message.id] = message  # the bot's replies may refer to it
        mentions = [payloads.user(self.bot_id, bot=True)] if mentioned else []
        data = payloads.message(
            message.id,
            channel_id,
            author,
            content,
            guild_id=guild_id,
            author_member=member,
            mentions=mentions,
            mention_everyone=mention_everyone,
            attachments=[self.cdn.payload(upload) for upload in message.files],
        )
        if self._wants(data, guild_id):
            await self.dispatch("MESSAGE_CREATE", self._as_received(data, guild_id, mentioned))
        return message

    def _assert_sees(self, user_id: int, message: Message) -> None:
        if message.visible_to is not None:
            assert message.visible_to == user_id, "an ephemeral message is for one member only"
        elif message.channel_id in self.channels:
            assert user_id in self.members, "only members see the server's channels"
        else:
            assert self._dm_channels.get(user_id) == message.channel_id, "someone else's DM"
