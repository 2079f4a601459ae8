"""The application commands we register fit Discord's rules, so a sync cannot be refused."""

from __future__ import annotations

import re

import discord
import pytest

from bot.core.models import DismissReason
from cogs.views import DismissButton, VerifyButton
from tests.cogs.conftest import Rig

NAME = re.compile(r"^[-_\w]{1,32}$")


def check_options(options: list[dict], where: str) -> None:
    assert len(options) <= 25, where
    required_seen_optional = False
    for option in options:
        name = option["name"]
        assert NAME.match(name) and name == name.lower(), f"{where}: option name {name!r}"
        assert 1 <= len(option["description"]) <= 100, f"{where}.{name}: description"
        assert len(option.get("choices", [])) <= 25, f"{where}.{name}: choices"
        for choice in option.get("choices", []):
            assert 1 <= len(choice["name"]) <= 100, f"{where}.{name}: choice name"
        if option.get("required"):
            assert not required_seen_optional, f"{where}: required option {name} after optional"
        else:
            required_seen_optional = True
        check_options(option.get("options", []), f"{where}.{name}")


def test_every_command_payload_fits_discord_limits(rig: Rig) -> None:
    commands = rig.bot.tree.get_commands()
    payloads = [command.to_dict(rig.bot.tree) for command in commands]
    names = [payload["name"] for payload in payloads]
    assert sorted(names) == sorted(
        [
            "report",
            "claim",
            "unclaim",
            "duty",
            "verify",
            "dismiss",
            "resolve",
            "still",
            "correct",
            "retract",
            "status",
            "rights",
            "hotline",
            "practice",
            "lang",
            "help",
            "task",
            "tasks",
            "person",
            "detained",
            "roles",
            "stats",
            "drill",
        ]
    )
    assert len(names) == len(set(names)), "two commands share a name"
    assert len(payloads) <= 100
    for payload in payloads:
        assert NAME.match(payload["name"]) and payload["name"] == payload["name"].lower()
        assert 1 <= len(payload["description"]) <= 100, payload["name"]
        check_options(payload.get("options", []), payload["name"])


@pytest.mark.parametrize(
    ("custom_id", "expected"),
    [("verify:report:12", 12), ("verify:report:1", 1)],
)
async def test_verify_buttons_parse_their_ids(rig: Rig, custom_id: str, expected: int) -> None:
    match = VerifyButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    button = await VerifyButton.from_custom_id(rig.interaction("verifier"), None, match)  # type: ignore[arg-type]
    assert button.report_id == expected
    assert button.item.custom_id == custom_id


@pytest.mark.parametrize("reason", list(DismissReason))
async def test_dismiss_buttons_parse_id_and_reason(rig: Rig, reason: DismissReason) -> None:
    custom_id = f"dismiss:report:7:{reason.value}"
    match = DismissButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    button = await DismissButton.from_custom_id(rig.interaction("verifier"), None, match)  # type: ignore[arg-type]
    assert (button.report_id, button.reason) == (7, reason)
    assert button.item.custom_id == custom_id


@pytest.mark.parametrize(
    "custom_id",
    [
        "verify:report:",
        "verify:report:x",
        "verify:report:12:extra",
        "dismiss:report:3:lunch",
        "dismiss:report:3",
        "verify:task:3",
    ],
)
def test_foreign_or_broken_ids_do_not_match(custom_id: str) -> None:
    for item in (VerifyButton, DismissButton):
        assert item.__discord_ui_compiled_template__.fullmatch(custom_id) is None


def test_the_bot_never_allows_mentions_by_default(rig: Rig) -> None:
    mentions = rig.bot.allowed_mentions
    assert mentions is not None
    assert (mentions.everyone, mentions.roles, mentions.users) == (False, False, False)


def test_the_bot_asks_for_no_privileged_intent(rig: Rig) -> None:
    intents = rig.bot.intents
    assert not (intents.message_content or intents.members or intents.presences)
    # Interactions (guilds), and messages: DMs and mentions carry their text without
    # the Message Content intent.
    assert intents == discord.Intents(guilds=True, dm_messages=True, guild_messages=True)
