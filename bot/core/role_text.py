"""What messages about roles say: who holds which, the commands that change them, and
where the config and the bot's records disagree.

Members are named as everywhere (`member_names`), with what `/role` takes to name them
where that is not their name already (a Signal member's "#12"): an organizer reading
"member #12 has verifier" can take it away without ever seeing a phone number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core import rendering
from bot.core.commands import local_name
from bot.core.member_names import member_handle, member_name
from bot.core.models import Member, Role
from bot.core.vocabulary import ROLE_NAMES
from bot.i18n import Lines, ListOf, Raw, Renderer, Text, Trusted, _, lines
from bot.i18n.words import vocabulary

# How an organizer chat is told which platform's members a notice is about.
PLATFORM_NAMES: dict[str, Text] = {
    "console": _("the console"),
    "signal": Trusted("Signal"),
    "discord": Trusted("Discord"),
}


def platform_name(platform: str) -> Text:
    return PLATFORM_NAMES.get(platform, Raw(platform))


def role_list(roles: Iterable[Role]) -> Text:
    """ "organizer and verifier", or "no role"."""
    held = sorted(roles)
    return ListOf(tuple(ROLE_NAMES[role] for role in held)) if held else _("no role")


@dataclass(frozen=True)
class RoleCommand:
    """A /role or /roles command to send, in the reader's words where their language has
    them ("/rol quitar #12 verificador"); every language's words work for everyone."""

    command: str  # "role" or "roles"
    verb: str  # a key of the words files' [role_verbs]
    who: str | None = None
    role: Role | None = None

    def render(self, renderer: Renderer, language: str) -> str:
        words = vocabulary()
        verb = words.local("role_verbs", self.verb, language) or (self.verb,)
        parts = [f"/{local_name(self.command, language) or self.command}", verb[0]]
        if self.who is not None:
            parts.append(self.who)
        if self.role is not None:
            role = words.local("roles", self.role.value, language) or (self.role.value,)
            parts.append(role[0])
        return renderer.escape(" ".join(parts))


RESET = RoleCommand("roles", "reset")


def listed(member: Member) -> Text:
    """A member in a list of role holders: their name, and their handle for /role when
    the name alone would not do ("Ana #1"; "member #12" says it already)."""
    handle = member_handle(member)
    name = member_name(member)
    if handle is None or not member.name:
        return name
    return _("{name} {handle}", name=name, handle=Trusted(handle))


def holders(members: Sequence[Member], *, kept_by_platform: bool) -> Text:
    """Who holds which role, one line per role."""
    rows = [
        rendering.bullet(
            _(
                "{role}: {members}",
                role=ROLE_NAMES[role],
                members=ListOf(tuple(listed(m) for m in members if role in m.roles)),
            )
        )
        for role in sorted(Role)
        if any(role in m.roles for m in members)
    ]
    if kept_by_platform:
        return lines(
            _(
                "Roles here are the server's own. As I saw them at each member's last "
                "action with me:"
            ),
            *rows,
            _("Give or take them in the server's settings."),
        )
    return lines(
        _("Who has which role here:"),
        *rows,
        _(
            "To change one: /role add <member> <role> or /role remove <member> <role>. "
            "To give everyone in the config exactly the roles it lists again: {reset}",
            reset=RESET,
        ),
    )


def disagreements(platform: str, rows: Sequence[tuple[Member, frozenset[Role] | None]]) -> Text:
    """The organizers' notice that the config and the records disagree, the records
    standing: for each member (as the records hold them), what the config says of
    them (None: it no longer lists them)."""
    bullets: list[Text] = []
    for member, configured in rows:
        if configured is not None:
            line = _(
                "{member}: the config says {configured}; my records say {roles}.",
                member=member_name(member),
                configured=role_list(configured),
                roles=role_list(member.roles),
            )
        else:
            handle = member_handle(member) or ""
            line = _(
                "{member}: no longer in the config; my records say {roles}. If they should "
                "have no role: {commands}",
                member=member_name(member),
                roles=role_list(member.roles),
                commands=Lines(
                    tuple(RoleCommand("role", "remove", handle, r) for r in sorted(member.roles)),
                    separator=" · ",
                ),
            )
        bullets.append(rendering.bullet(line))
    return lines(
        _(
            "Roles on {platform}: the config and my records disagree. My records stand, so "
            "a role given or taken with /role is kept across restarts:",
            platform=platform_name(platform),
        ),
        *bullets,
        _(
            "If the config is what you meant, send me {reset} in a direct message: everyone "
            "in the config then gets exactly the roles it lists. I tell you about each of "
            "these only once.",
            reset=RESET,
        ),
    )


def changed_for_organizers(actor: Member, member: Member, role: Role, *, granted: bool) -> Text:
    """The organizer chats hear every /role change, and who made it: taking power from
    someone (or giving it) is never done quietly by one person."""
    if granted:
        return _(
            "{actor} gave {member} the {role} role. {member} now has: {roles}.",
            actor=member_name(actor),
            member=listed(member),
            role=ROLE_NAMES[role],
            roles=role_list(member.roles),
        )
    return _(
        "{actor} took the {role} role from {member}. {member} now has: {roles}.",
        actor=member_name(actor),
        member=listed(member),
        role=ROLE_NAMES[role],
        roles=role_list(member.roles),
    )


def changed_for_member(role: Role, *, granted: bool) -> Text:
    """The member hears it too, without the name of the organizer who did it."""
    if granted:
        return _(
            "An organizer gave you the {role} role. Send /help to see what you can do now.",
            role=ROLE_NAMES[role],
        )
    return _(
        "An organizer took the {role} role from you. If you think that is a mistake, talk "
        "to an organizer you trust.",
        role=ROLE_NAMES[role],
    )
