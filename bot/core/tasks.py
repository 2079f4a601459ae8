"""Follow-up tasks, from proposed to done, with the promises of time they carry.

Only organizers add, assign, edit and cancel tasks; only the assignee accepts, declines,
completes or releases one (the moves and the states they start from are in
`transitions.TASKS`; who may make them in `permissions`). Every move is a
compare-and-set from the state and assignee it was loaded with, and every promise about
time is a timer written in the same unit of work. Free-text notes and descriptions may
name people, so organizers get notes one by one in direct messages, and a volunteer
gets a task's description, and what it needs of the person it is about
(`need_to_know`), by direct message once they accept it; group chats hear only codes,
kinds and states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import need_to_know, permissions
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.member_names import member_name
from bot.core.messenger import Messenger
from bot.core.models import (
    Member,
    MessageKind,
    Role,
    Task,
    TaskKind,
    TaskState,
    TimerKind,
)
from bot.core.network import Network
from bot.core.service import Service
from bot.core.store import Store, Transaction
from bot.core.task_text import STATE_NAMES, forget_details, offer_text, task_details, task_line
from bot.core.transitions import TASKS, TaskMove
from bot.i18n import Raw, Text, _, lines

TASK_TIMERS = (
    TimerKind.TASK_OFFER_REMINDER,
    TimerKind.TASK_OFFER_ESCALATION,
    TimerKind.TASK_DUE_REMINDER,
    TimerKind.TASK_DUE,
    TimerKind.TASK_OVERDUE,
)
DUE_TIMERS = (TimerKind.TASK_DUE_REMINDER, TimerKind.TASK_DUE, TimerKind.TASK_OVERDUE)


def not_applicable(task: Task) -> UserError:
    return UserError(
        _(
            "{code} is {state}, so this does not apply to it.",
            code=task.code,
            state=STATE_NAMES[task.state],
        )
    )


def changed_meanwhile(task: Task) -> UserError:
    """Someone else changed the task between our look and our change: theirs stands."""
    return UserError(
        _(
            "{code} was changed by someone else just now, so I changed nothing. Send "
            "/tasks to see where it stands.",
            code=task.code,
        )
    )


def unknown_task(task_id: int) -> UserError:
    return UserError(_("There is no task T{number}. Send /tasks to see yours.", number=task_id))


@dataclass(frozen=True)
class Moved:
    """A task after a volunteer's move, and the state it moved from."""

    task: Task
    was: TaskState

    @property
    def was_held(self) -> bool:
        """Whether the volunteer held it (and so was sent its details) until now."""
        return self.was is TaskState.ACCEPTED


async def load_task(tx: Transaction, task_id: int) -> Task:
    task = await tx.tasks.get(task_id)
    if task is None:
        raise unknown_task(task_id)
    return task


class TaskService(Service):
    def __init__(
        self,
        store: Store,
        network: Network,
        clock: Clock,
        messenger: Messenger,
        timer_durations: dict[TimerKind, timedelta],
    ) -> None:
        super().__init__(store, network, clock, messenger)
        self.durations = timer_durations
        # While a drill runs its own, shorter timers apply (config [drill]).
        self.drill_durations = {**timer_durations, **dict(network.drill.task_timers)}

    def durations_for(self, task: Task) -> dict[TimerKind, timedelta]:
        return self.drill_durations if task.drill else self.durations

    async def _schedule_due(
        self, tx: Transaction, task: Task, due_at: datetime, now: datetime
    ) -> None:
        """An accepted task's promises: a reminder before it is due, one at its time, and
        an escalation to organizers if it is still not done some time after.

        A task accepted when its time had already passed (children who were due at 3pm,
        taken on at 5) is overdue from the start: the volunteer gets the usual time to do
        it before organizers hear it is still not done, and no "due now" reminder."""
        durations = self.durations_for(task)
        before = due_at - durations[TimerKind.TASK_DUE_REMINDER]
        if before > now:
            await tx.timers.schedule(TimerKind.TASK_DUE_REMINDER, task.id, before, now)
        if due_at > now:
            await tx.timers.schedule(TimerKind.TASK_DUE, task.id, due_at, now)
        overdue = max(due_at, now) + durations[TimerKind.TASK_OVERDUE]
        await tx.timers.schedule(TimerKind.TASK_OVERDUE, task.id, overdue, now)

    async def _dm_organizers(self, tx: Transaction, kind: MessageKind, text: Text) -> None:
        """Free text about a task may name people: organizers get it one by one, privately."""
        platforms = {target.platform for target in self.network.targets}
        for platform in sorted(platforms):
            for organizer in await tx.members.with_role(platform, Role.ORGANIZER):
                await self.messenger.to_member(tx, organizer, kind, text)

    async def add(
        self,
        actor: Member,
        description: str,
        *,
        report_id: int | None = None,
        person_id: int | None = None,
        due_at: datetime | None = None,
    ) -> Task:
        permissions.check_can_manage_tasks(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            if person_id is not None and await tx.people.get(person_id) is None:
                raise UserError(_("There is no person P{number}.", number=person_id))
            task_id = await tx.tasks.insert(
                TaskKind.OTHER,
                description,
                report_id=report_id,
                person_id=person_id,
                due_at=due_at,
                created_by=actor.id,
                now=now,
            )
            await tx.audit.record(now, actor.id, "task.added", f"T{task_id}")
            return await load_task(tx, task_id)

    async def assign(
        self, actor: Member, task_id: int, assignee: Member, due_at: datetime | None = None
    ) -> Task:
        permissions.check_can_manage_tasks(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await load_task(tx, task_id)
            if not TASKS[TaskMove.ASSIGN].allows(task.state):
                raise UserError(
                    _(
                        "{code} is {state}; it cannot be assigned.",
                        code=task.code,
                        state=STATE_NAMES[task.state],
                    )
                )
            moved = await tx.tasks.move(
                task.id,
                expected=(task.state,),
                new=TASKS[TaskMove.ASSIGN].target(task.state),
                assignee_id=assignee.id,
                now=now,
                due_at=due_at,
                expected_assignee=task.assignee_id,
            )
            if not moved:
                raise changed_meanwhile(task)
            previous = await tx.members.get(task.assignee_id) if task.assignee_id else None
            held = task.state is TaskState.ACCEPTED  # its details were sent to `previous`
            task = await load_task(tx, task.id)
            await tx.timers.cancel(TASK_TIMERS, task.id)
            await tx.timers.schedule(
                TimerKind.TASK_OFFER_REMINDER,
                task.id,
                now + self.durations_for(task)[TimerKind.TASK_OFFER_REMINDER],
                now,
            )
            await tx.timers.schedule(
                TimerKind.TASK_OFFER_ESCALATION,
                task.id,
                now + self.durations_for(task)[TimerKind.TASK_OFFER_ESCALATION],
                now,
            )
            if previous is not None and previous.id != assignee.id:
                await self.messenger.to_member(
                    tx,
                    previous,
                    MessageKind.TASK,
                    lines(
                        _("{code} was given to someone else.", code=task.code),
                        forget_details(task) if held else None,
                    ),
                )
            await self.messenger.to_member(
                tx, assignee, MessageKind.TASK_OFFER, offer_text(task), task_id=task.id
            )
            await tx.audit.record(
                now,
                actor.id,
                "task.assigned",
                task.code,
                assignee=tx.audit.member_ref(assignee.id),
            )
        return task

    async def _assignee_move(
        self,
        actor: Member,
        task_id: int,
        move: TaskMove,
        *,
        keep_assignee: bool,
        note: str | None = None,
    ) -> Moved:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await load_task(tx, task_id)
            was = task.state
            permissions.check_is_assignee(actor, task)
            transition = TASKS[move]
            if not transition.allows(task.state):
                raise not_applicable(task)
            new = transition.target(task.state)
            if not await tx.tasks.move(
                task.id,
                expected=(task.state,),
                new=new,
                assignee_id=actor.id if keep_assignee else None,
                now=now,
                note=note,
                expected_assignee=actor.id,
            ):
                raise changed_meanwhile(task)
            await tx.timers.cancel(TASK_TIMERS, task.id)
            task = await load_task(tx, task.id)
            await self._after_move(tx, actor, task, note or "", now)
            await tx.audit.record(now, actor.id, f"task.{new.value}", task.code)
        return Moved(task, was)

    async def _after_move(
        self, tx: Transaction, actor: Member, task: Task, note: str, now: datetime
    ) -> None:
        who = member_name(actor)
        note_line = _("There is a note; I sent it to each organizer privately.") if note else None
        if note:
            await self._dm_organizers(
                tx,
                MessageKind.TASK_NOTE,
                lines(
                    _("Note from {member} on {code}:", member=who, code=task.code),
                    Raw(note),
                ),
            )
        if task.state is TaskState.ACCEPTED:
            await self.messenger.to_organizers(
                tx,
                MessageKind.TASK_UPDATE,
                _("{member} accepted {code}.", member=who, code=task.code),
                task_id=task.id,
            )
            if need_to_know.has_details(task):
                person = await tx.people.get(task.person_id) if task.person_id else None
                shown = (
                    need_to_know.visible(
                        person, need_to_know.person_fields(actor, person.id, [task])
                    )
                    if person is not None
                    else None
                )
                await self.messenger.to_member(
                    tx,
                    actor,
                    MessageKind.TASK_DETAILS,
                    task_details(task, shown, self.network.region),
                    task_id=task.id,
                )
            if task.due_at is not None:
                await self._schedule_due(tx, task, task.due_at, now)
        elif task.state is TaskState.DONE:
            await self.messenger.to_organizers(
                tx,
                MessageKind.TASK_UPDATE,
                lines(_("{code} is done ({member}).", code=task.code, member=who), note_line),
                task_id=task.id,
            )
        elif task.state is TaskState.OPEN:
            await self.messenger.to_organizers(
                tx,
                MessageKind.TASK_UPDATE,
                lines(
                    _(
                        "{member} gave back {code}; it needs someone else: /task assign "
                        "{code} <member>",
                        member=who,
                        code=task.code,
                    ),
                    note_line,
                ),
            )

    async def accept(self, actor: Member, task_id: int) -> Task:
        moved = await self._assignee_move(
            actor,
            task_id,
            TaskMove.ACCEPT,
            keep_assignee=True,
        )
        return moved.task

    async def decline(self, actor: Member, task_id: int, reason: str = "") -> Task:
        moved = await self._assignee_move(
            actor,
            task_id,
            TaskMove.DECLINE,
            keep_assignee=False,
            note=reason or None,
        )
        return moved.task

    async def done(self, actor: Member, task_id: int, note: str = "") -> Moved:
        return await self._assignee_move(
            actor,
            task_id,
            TaskMove.DONE,
            keep_assignee=True,
            note=note or None,
        )

    async def release(self, actor: Member, task_id: int, reason: str = "") -> Moved:
        return await self._assignee_move(
            actor,
            task_id,
            TaskMove.RELEASE,
            keep_assignee=False,
            note=reason or None,
        )

    async def edit(
        self,
        actor: Member,
        task_id: int,
        *,
        description: str | None = None,
        due_at: datetime | None = None,
    ) -> Task:
        """Organizers adjust a proposed or open task: its wording or when it is due."""
        permissions.check_can_manage_tasks(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await load_task(tx, task_id)
            if not TASKS[TaskMove.EDIT].allows(task.state):
                raise not_applicable(task)
            task = await self._edit(tx, task, description=description, due_at=due_at, now=now)
            await tx.audit.record(now, actor.id, "task.edited", task.code)
        return task

    async def move_due(
        self, tx: Transaction, actor: Member, task: Task, due_at: datetime, *, tell: bool = True
    ) -> Task:
        """Move a task's due time inside the caller's unit of work (a person's pick-up time
        was corrected), with its timers; `tell`: say so to whoever it is offered to or
        held by (False when they hear it another way)."""
        now = self.clock.now()
        task = await self._edit(tx, task, description=None, due_at=due_at, now=now, tell=tell)
        await tx.audit.record(now, actor.id, "task.edited", task.code)
        return task

    async def _edit(
        self,
        tx: Transaction,
        task: Task,
        *,
        description: str | None,
        due_at: datetime | None,
        now: datetime,
        tell: bool = True,
    ) -> Task:
        if not await tx.tasks.edit(
            task.id,
            description=description,
            due_at=due_at,
            expected=(task.state,),
            now=now,
        ):
            raise changed_meanwhile(task)
        task = await load_task(tx, task.id)
        if due_at is not None and task.state is TaskState.ACCEPTED:
            await tx.timers.cancel(DUE_TIMERS, task.id)
            await self._schedule_due(tx, task, due_at, now)
        if tell and task.assignee_id is not None:
            assignee = await tx.members.get(task.assignee_id)
            if assignee is not None:
                described = need_to_know.reads_description(assignee, task, direct=True)
                await self.messenger.to_member(
                    tx,
                    assignee,
                    MessageKind.TASK,
                    lines(
                        _("{code} was changed:", code=task.code),
                        task_line(task, None, now, description=described),
                    ),
                )
        return task

    async def cancel(self, actor: Member, task_id: int) -> Task:
        permissions.check_can_manage_tasks(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await load_task(tx, task_id)
            if not TASKS[TaskMove.CANCEL].allows(task.state):
                raise not_applicable(task)
            if not await tx.tasks.move(
                task.id,
                expected=(task.state,),
                new=TASKS[TaskMove.CANCEL].target(task.state),
                assignee_id=task.assignee_id,
                now=now,
                expected_assignee=task.assignee_id,
            ):
                raise changed_meanwhile(task)
            await tx.timers.cancel(TASK_TIMERS, task.id)
            if task.assignee_id is not None:
                assignee = await tx.members.get(task.assignee_id)
                if assignee is not None:
                    await self.messenger.to_member(
                        tx,
                        assignee,
                        MessageKind.TASK,
                        lines(
                            _("{code} was cancelled. Thank you.", code=task.code),
                            forget_details(task) if task.state is TaskState.ACCEPTED else None,
                        ),
                    )
            await tx.audit.record(now, actor.id, "task.cancelled", task.code)
            return await load_task(tx, task.id)

    async def listing(self, *, assignee: Member | None = None) -> list[tuple[Task, Member | None]]:
        async with self.store.reading() as tx:
            found = await tx.tasks.in_states(
                (TaskState.OPEN, TaskState.OFFERED, TaskState.ACCEPTED),
                assignee_id=assignee.id if assignee else None,
            )
            return [
                (task, await tx.members.get(task.assignee_id) if task.assignee_id else None)
                for task in found
            ]

    async def awaits_answer(self, member: Member, task_id: int) -> bool:
        """Whether `member` still has a task offered to them to accept or decline: what
        decides if an offer's buttons can still do anything."""
        async with self.store.reading() as tx:
            task = await tx.tasks.get(task_id)
        return (
            task is not None
            and task.assignee_id == member.id
            and TASKS[TaskMove.ACCEPT].allows(task.state)
        )
