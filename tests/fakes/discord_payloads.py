"""Discord's JSON objects (users, members, guilds, channels, messages), as the API sends them.

Shapes follow Discord's developer documentation for API v10; discord.py parses them
with its own code, so a field it needs and Discord always sends must be here.
"""

from __future__ import annotations

from typing import Any

TIMESTAMP = "2025-01-01T12:00:00.000000+00:00"
# What `app_permissions` and a member's `permissions` say: view channels, send
# messages, embed links, attach files, read history, use application commands.
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31))


def user(user_id: int, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": f"user{user_id}",
        "global_name": None,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member(user_id: int, role_ids: tuple[int, ...], *, bot: bool = False) -> dict[str, Any]:
    return {
        "user": user(user_id, bot=bot),
        "roles": [str(role) for role in role_ids],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
    }


def text_channel(channel_id: int, name: str, guild_id: int, position: int = 0) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "name": name,
        "position": position,
        "guild_id": str(guild_id),
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def dm_channel(channel_id: int, recipient: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "recipients": [recipient],
        "flags": 0,
    }


def role(role_id: int, name: str, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": MEMBER_PERMISSIONS,
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": True,
        "flags": 0,
    }


def guild(
    guild_id: int,
    roles: dict[int, str],
    channels: dict[int, str],
    bot_member: dict[str, Any],
    member_count: int,
) -> dict[str, Any]:
    """GUILD_CREATE as the *guilds* intent delivers it (no member list but the bot's own)."""
    return {
        "id": str(guild_id),
        "name": "network",
        "icon": None,
        "owner_id": "1",
        "unavailable": False,
        "member_count": member_count,
        "large": False,
        "joined_at": TIMESTAMP,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "roles": [role(rid, name, index) for index, (rid, name) in enumerate(roles.items())],
        "channels": [
            {k: v for k, v in text_channel(cid, name, guild_id, index).items() if k != "guild_id"}
            for index, (cid, name) in enumerate(channels.items())
        ],
        "members": [bot_member],
        "voice_states": [],
        "presences": [],
        "threads": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "soundboard_sounds": [],
    }


def application(application_id: int, owner: dict[str, Any]) -> dict[str, Any]:
    """GET /oauth2/applications/@me: a private bot, installed to servers only."""
    return {
        "id": str(application_id),
        "name": "Rapid Response Bot",
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": owner,
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "integration_types_config": {"0": {}},
        "approximate_guild_count": 1,
    }


def message(
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    content: str,
    *,
    guild_id: int | None = None,
    author_member: dict[str, Any] | None = None,
    components: list[dict[str, Any]] | None = None,
    flags: int = 0,
    nonce: str | None = None,
    mentions: list[dict[str, Any]] | None = None,
    mention_roles: list[str] | None = None,
    mention_everyone: bool = False,
    reference: dict[str, Any] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    edited: bool = False,
    webhook_id: int | None = None,
    application_id: int | None = None,
    kind: int = 0,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": TIMESTAMP if edited else None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": mentions or [],
        "mention_roles": mention_roles or [],
        "attachments": attachments or [],
        "embeds": [],
        "pinned": False,
        "type": kind,
        "flags": flags,
        "components": components or [],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if author_member is not None:
        data["member"] = {k: v for k, v in author_member.items() if k != "user"}
    if nonce is not None:
        data["nonce"] = nonce
    if reference is not None:
        data["message_reference"] = reference
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    return data
