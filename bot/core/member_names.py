"""How a message names a member: never by a phone number or a Signal UUID.

A member is *identified* by their platform id and *named* in messages by what people
recognise: on Discord a mention (Discord shows the member's current name, and the bot
never lets a mention ping); elsewhere the name the config gives them, or else the
profile name their platform last showed (Signal's `sourceName`, kept sealed); on the
console the member name typed in the config. A Signal member with neither is "member
#12": a number that means something only to the bot's own database.
"""

from __future__ import annotations

from bot.core.models import Member
from bot.i18n import Raw, Text, Trusted, _


def member_name(member: Member) -> Text:
    if member.platform == "discord":
        return Trusted(member.handle)
    if member.name:
        return Raw(member.name)  # anyone can choose a profile name: shown as plain text
    if member.platform == "console":
        return Raw(member.external_id)
    return _("member #{number}", number=member.id)


def member_handle(member: Member) -> str | None:
    """What `/role` takes to name the member, short of their platform id: the console
    name; on Signal "#12", the number "member #12" shows (a phone number or UUID is never
    shown). None on Discord, whose roles are the server's own."""
    if member.platform == "discord":
        return None
    if member.platform == "console":
        return member.external_id
    return f"#{member.id}"
