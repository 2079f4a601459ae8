"""Who may do what, every rule of it. The core checks each once per action, so every
front end gets the same answer; front ends may hide a button, never decide.

The two-person rule is the heart of verify-before-broadcast: whoever reported a place,
first or as a corroboration, cannot be the one who confirms or dismisses it. An
infiltrator, or an honest person who is wrong, can never broadcast alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.models import Member, Report, Role, Task
from bot.i18n import _


def is_verifier(member: Member) -> bool:
    return member.has(Role.VERIFIER) or member.has(Role.ORGANIZER)


def is_organizer(member: Member) -> bool:
    return member.has(Role.ORGANIZER)


def check_can_decide_reports(member: Member) -> None:
    """Verify or dismiss: checked before the report is even looked up, so nobody else can
    probe which report codes exist."""
    if not is_verifier(member):
        raise UserError(_("Only verifiers and organizers can verify or dismiss reports."))


def check_two_person_rule(member: Member, report: Report) -> None:
    """Whoever reported a place (first or as a corroboration) never decides it."""
    if member.id in report.reporters:
        raise UserError(
            _(
                "You reported {code} yourself, so another verifier has to check it "
                "(the two-person rule).",
                code=report.code,
            )
        )


def check_can_claim(member: Member) -> None:
    """Say "I am going" (or give it back): whoever may decide the report, since the
    claimer is the one who will; who reported it is checked with the two-person rule."""
    if not is_verifier(member):
        raise UserError(_("Only verifiers and organizers can claim a report to check it."))


def check_can_take_duty(member: Member) -> None:
    if not is_verifier(member):
        raise UserError(_("Only verifiers and organizers go on duty to check reports."))


def sees_dispatch(member: Member) -> bool:
    """Who is on duty and who is going where: need-to-know, for organizers."""
    return is_organizer(member)


def check_can_resolve(member: Member) -> None:
    if not is_verifier(member):
        raise UserError(_("Only verifiers and organizers can mark an alert all clear."))


def check_can_correct(member: Member) -> None:
    if not is_organizer(member):
        raise UserError(_("Only organizers can correct or retract an alert."))


def sees_pending(member: Member) -> bool:
    """Unverified reports are for the people who check them, nobody else."""
    return is_verifier(member)


def check_can_record_people(member: Member) -> None:
    if not is_organizer(member):
        raise UserError(_("Only organizers can record people detained."))


def check_can_change_people(member: Member) -> None:
    """Correct what is recorded about a person detained: checked before the person is
    looked up, so nobody else can probe which codes exist."""
    if not is_organizer(member):
        raise UserError(_("Only organizers can change a person's details."))


def check_can_manage_tasks(member: Member) -> None:
    """Add, assign, edit or cancel a task."""
    if not is_organizer(member):
        raise UserError(_("Only organizers can add, assign or cancel tasks."))


def check_can_see_every_task(member: Member) -> None:
    if not is_organizer(member):
        raise UserError(_("Only organizers can see every task. Send /tasks to see yours."))


def check_can_change_roles(member: Member) -> None:
    if not is_organizer(member):
        raise UserError(_("Only organizers can give or take roles."))


def check_can_list_roles(member: Member) -> None:
    if not is_organizer(member):
        raise UserError(_("Only organizers can see who has which role."))


def check_keeps_an_organizer(actor: Member, target: Member, organizers: Sequence[Member]) -> None:
    """The network always keeps someone who can run it and give roles: the organizer role
    of its last holder (on their platform) is not taken away, by themselves or by anyone.
    `organizers`: who holds it now, read in the unit of work that would take it."""
    if target.id not in {o.id for o in organizers} or len(organizers) > 1:
        return
    if target.id == actor.id:
        raise UserError(
            _(
                "You are the last organizer here: without one, nobody could give roles or "
                "run the network. Hand over first: give someone else the organizer role "
                "(/role add <member> organizer), then remove yours."
            )
        )
    raise UserError(
        _(
            "{member} is the last organizer here: without one, nobody could give roles or "
            "run the network. Give someone else the organizer role first "
            "(/role add <member> organizer), then remove theirs.",
            member=member_name(target),
        )
    )


def check_config_keeps_an_organizer(any_left: bool) -> None:
    """Re-applying the config may not leave the network without an organizer either."""
    if not any_left:
        raise UserError(
            _(
                "The config gives nobody here the organizer role, so applying it would leave "
                "nobody to run the network. Add an organizer to the config first."
            )
        )


def check_is_assignee(member: Member, task: Task) -> None:
    """Only the volunteer a task is offered to, or who holds it, answers for it (whether
    the task is still in a state to answer is `transitions.TASKS`' question)."""
    if task.assignee_id != member.id:
        raise UserError(
            _("{code} is not assigned to you. Send /tasks to see yours.", code=task.code)
        )
