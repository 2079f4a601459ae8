"""Who may do what. Every front end goes through these checks; none repeats them.

The two-person rule is the heart of verify-before-broadcast: whoever reported a place,
first or as a corroboration, cannot be the one who confirms or dismisses it. An
infiltrator, or an honest person who is wrong, can never broadcast alone.
"""

from __future__ import annotations

from bot.core.errors import UserError
from bot.core.models import Member, Report, Role
from bot.i18n import _


def is_verifier(member: Member) -> bool:
    return member.has(Role.VERIFIER) or member.has(Role.ORGANIZER)


def is_organizer(member: Member) -> bool:
    return member.has(Role.ORGANIZER)


def check_can_decide(member: Member, report: Report) -> None:
    """Verify or dismiss: a verifier or organizer who did not report this place."""
    if not is_verifier(member):
        raise UserError(_("Only verifiers and organizers can verify or dismiss reports."))
    if member.id in report.reporters:
        raise UserError(
            _(
                "You reported {code} yourself, so another verifier has to check it "
                "(the two-person rule).",
                code=report.code,
            )
        )


def check_can_resolve(member: Member) -> None:
    if not is_verifier(member):
        raise UserError(_("Only verifiers and organizers can mark an alert all clear."))


def check_can_correct(member: Member) -> None:
    if not is_organizer(member):
        raise UserError(_("Only organizers can correct or retract an alert."))


def sees_pending(member: Member) -> bool:
    """Unverified reports are for the people who check them, nobody else."""
    return is_verifier(member)
