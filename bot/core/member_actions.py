"""Member commands: roles (organizers) and each member's language."""

from __future__ import annotations

from bot.core import permissions, rendering
from bot.core.commands import Example
from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.members import MemberService
from bot.core.models import Conversation, Member
from bot.core.replies import Reply
from bot.core.role_text import RESET, RoleCommand, holders, role_list
from bot.core.vocabulary import parse_role, role_verb
from bot.i18n import (
    Raw,
    _,
    language_name,
    languages,
    lines,
)


class MemberActions:
    members: MemberService

    async def role(self, actor: Member, action: str, who: str, role: str) -> list[Reply]:
        verb = role_verb(action)
        if verb not in ("add", "remove") or not who.strip() or not role.strip():
            raise UserError(
                _(
                    "Write it as {add} <member> <role> or {remove} <member> <role>, "
                    "for example: {example}",
                    add=RoleCommand("role", "add"),
                    remove=RoleCommand("role", "remove"),
                    example=Example("role"),
                )
            )
        parsed = parse_role(role)
        member = await self.members.change_role(actor, who.strip(), parsed, grant=verb == "add")
        return [
            Reply(
                _(
                    "{member} now has: {roles}.",
                    member=member_name(member),
                    roles=role_list(member.roles),
                )
            )
        ]

    async def roles(self, actor: Member, conversation: Conversation, what: str = "") -> list[Reply]:
        """`/roles`: who has which role; `/roles reset`: the config's roles again. For
        organizers, in a direct message: the list says who can verify and who runs the
        network, which is nobody else's business in a group."""
        words = what.split()
        if words and role_verb(words[0]) in ("add", "remove"):
            # "/roles add ben verifier": what /role does, as meant.
            padded = [*words, "", "", ""][:3] if len(words) <= 3 else ["", "", ""]
            return await self.role(actor, *padded)
        permissions.check_can_list_roles(actor)
        if not conversation.is_direct:
            raise UserError(
                _(
                    "Who has which role is shown only in a direct message, so nobody else in "
                    "this chat learns it. Send me /roles there."
                )
            )
        if not words:
            found = await self.members.holders(actor)
            kept = actor.platform in self.members.roles_kept_by
            return [Reply(holders(found, kept_by_platform=kept))]
        if role_verb(what) != "reset":
            raise UserError(
                _(
                    "Send /roles to see who has which role, or {reset} to give everyone in "
                    "the config exactly the roles it lists again.",
                    reset=RESET,
                )
            )
        changes = await self.members.reset_to_config(actor)
        if not changes:
            return [Reply(_("Everyone in the config already has exactly the roles it lists."))]
        return [
            Reply(
                lines(
                    _("Done: everyone in the config has exactly the roles it lists again."),
                    *(
                        rendering.bullet(
                            _(
                                "{member}: {roles} (before: {before})",
                                member=member_name(change.member),
                                roles=role_list(change.member.roles),
                                before=role_list(change.before),
                            )
                        )
                        for change in changes
                    ),
                )
            )
        ]

    async def lang(self, actor: Member, code: str = "") -> list[Reply]:
        if not code.strip():
            return [
                Reply(
                    _(
                        "I write to you in {language}. To change it, send for example /lang es. "
                        "Available: {choices}.",
                        language=Raw(language_name(actor.language, menu=False)),
                        choices=self.members.language_choices(),
                    )
                )
            ]
        updated = await self.members.set_language(actor, code)
        info = languages().get(updated.language)
        unreviewed = (
            _(
                "This translation has not been reviewed by the community yet. If something "
                "reads wrong, please tell an organizer."
            )
            if info is None or not info.reviewed
            else None
        )
        return [
            Reply(
                lines(
                    _(
                        "From now on I will write to you in {language}.",
                        language=Raw(language_name(updated.language, menu=False)),
                    ),
                    unreviewed,
                ),
                language=updated.language,
            )
        ]
