"""Dispatch commands: /claim, /unclaim, /duty, and what organizers' /status adds."""

from __future__ import annotations

from datetime import timedelta

from bot.core import permissions, rendering
from bot.core.dispatch import DispatchService, Until
from bot.core.member_names import member_name
from bot.core.models import Member
from bot.core.replies import Reply
from bot.i18n import Raw, Text, When, _


class DispatchActions:
    dispatch: DispatchService

    async def claim(
        self, actor: Member, report_id: int, eta: timedelta | None = None
    ) -> list[Reply]:
        """`actor` is going to check the report, there in about `eta` (None: the default)."""
        return [Reply(await self.dispatch.claim(actor, report_id, eta))]

    async def unclaim(self, actor: Member, report_id: int) -> list[Reply]:
        return [Reply(await self.dispatch.unclaim(actor, report_id))]

    async def duty(
        self,
        actor: Member,
        on: bool | None,
        length: timedelta | Until | None = None,
        areas: str = "",
    ) -> list[Reply]:
        """/duty on [4h] [areas] (`on` True), /duty off (False), /duty alone (None)."""
        return [Reply(await self.dispatch.duty(actor, on, length, areas))]

    async def dispatch_board(self, actor: Member) -> list[Text]:
        """Who is on duty, for organizers (else nothing); who is going where is said
        on the waiting reports' own lines (`dispatch.claim_note`)."""
        if not permissions.sees_dispatch(actor):
            return []
        duty = await self.dispatch.board()
        parts: list[Text] = []
        if duty:
            parts.append(_("On duty:"))
            for member, entry in duty:
                who: Text = (
                    _("{member} until {when}", member=member_name(member), when=When(entry.until))
                    if entry.until is not None
                    else member_name(member)
                )
                if entry.areas:
                    who = _("{member} ({areas})", member=who, areas=Raw(", ".join(entry.areas)))
                parts.append(rendering.bullet(who))
        else:
            parts.append(_("Nobody is on duty: new reports call every verifier."))
        return parts
