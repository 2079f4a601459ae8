"""Member commands: roles (organizers) and each member's language."""

from __future__ import annotations

from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.members import MemberService
from bot.core.models import (
    Member,
)
from bot.core.replies import Reply
from bot.core.vocabulary import (
    ROLE_NAMES,
    parse_role,
)
from bot.i18n import (
    ListOf,
    Raw,
    _,
    language_name,
    languages,
    lines,
)


class MemberActions:
    members: MemberService

    async def role(self, actor: Member, action: str, who: str, role: str) -> list[Reply]:
        verb = action.strip().lower()
        if verb not in ("add", "remove", "dar", "quitar") or not who.strip() or not role.strip():
            raise UserError(
                _(
                    "Write it as /role add <member> <role> or /role remove <member> <role>, "
                    "for example: /role add +15551234567 verifier"
                )
            )
        grant = verb in ("add", "dar")
        parsed = parse_role(role)
        member = await self.members.change_role(actor, who.strip(), parsed, grant=grant)
        roles = (
            ListOf(tuple(ROLE_NAMES[r] for r in sorted(member.roles)))
            if member.roles
            else _("no role")
        )
        return [
            Reply(
                _(
                    "{member} now has: {roles}.",
                    member=member_name(member),
                    roles=roles,
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
