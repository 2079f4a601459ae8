"""Follow-through: people detained and the tasks the network promised their families.

Rules held here for every front end:
- only organizers record people, add, assign and cancel tasks; only the assignee
  accepts, declines, completes or releases (open -> offered -> accepted -> done;
  declined/released go back to open; any active task can be cancelled);
- personal data (names, dates of birth, phone numbers, children, notes) goes only to
  organizers and to a volunteer who *accepted* a task about that person, and only in
  direct messages. Group chats, escalations and task lists name tasks and people by
  code (T4, P2) and kind only;
- every promise about time is a timer in the database, written in the same
  transaction as the change that caused it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.messenger import Messenger
from bot.core.models import (
    Member,
    MessageKind,
    Person,
    PersonDetails,
    Role,
    Task,
    TaskKind,
    TaskState,
    Timer,
    TimerKind,
)
from bot.core.network import Network
from bot.core.permissions import is_organizer
from bot.core.rendering import late_note
from bot.core.store import Store, Transaction
from bot.i18n import Lines, Raw, Text, Trusted, When, _, lines

OFFER_REMINDER, OFFER_ESCALATION = TimerKind.TASK_OFFER_REMINDER, TimerKind.TASK_OFFER_ESCALATION
DUE_REMINDER, DUE_NOW, OVERDUE = (
    TimerKind.TASK_DUE_REMINDER,
    TimerKind.TASK_DUE,
    TimerKind.TASK_OVERDUE,
)
TASK_TIMERS = (OFFER_REMINDER, OFFER_ESCALATION, DUE_REMINDER, DUE_NOW, OVERDUE)
CALL_WITHIN = timedelta(hours=1)  # the family hears from us within the hour
REFERRAL_WITHIN = timedelta(hours=24)

KIND_NAMES: dict[TaskKind, Text] = {
    TaskKind.CALL_CONTACT: _("call the family contact"),
    TaskKind.LEGAL_REFERRAL: _("share the hotline and a legal referral with the family"),
    TaskKind.PICK_UP_CHILDREN: _("pick up the children"),
    TaskKind.OTHER: _("other"),
}
STATE_NAMES: dict[TaskState, Text] = {
    TaskState.OPEN: _("open"),
    TaskState.OFFERED: _("offered"),
    TaskState.ACCEPTED: _("accepted"),
    TaskState.DONE: _("done"),
    TaskState.CANCELLED: _("cancelled"),
}


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


def require_organizer(actor: Member) -> None:
    if not is_organizer(actor):
        raise UserError(_("Only organizers can add, assign or cancel tasks."))


def unknown_task(task_id: int) -> UserError:
    return UserError(_("There is no task T{number}. Send /tasks to see yours.", number=task_id))


def task_title(task: Task) -> Text:
    """What a task is, without personal data: safe for any chat."""
    head = KIND_NAMES[task.kind] if task.kind is not TaskKind.OTHER else Raw(task.description)
    parts: list[Text] = [_("{code}: {what}", code=task.code, what=head)]
    if task.kind is not TaskKind.OTHER and task.description:
        parts.append(Raw(f" ({task.description})"))
    if task.person_id:
        parts.append(_(" (about {person})", person=Trusted(f"P{task.person_id}")))
    return Lines(tuple(parts), separator="")


def task_line(task: Task, assignee: Member | None, now: datetime) -> Text:
    parts: list[Text] = [task_title(task), _(" · {state}", state=STATE_NAMES[task.state])]
    if assignee is not None:
        parts.append(_(" · {member}", member=Trusted(assignee.handle)))
    if task.due_at is not None:
        overdue = task.state is TaskState.ACCEPTED and task.due_at < now
        parts.append(
            _(" · OVERDUE since {when}", when=When(task.due_at))
            if overdue
            else _(" · due {when}", when=When(task.due_at))
        )
    return Lines(tuple(parts), separator="")


def person_card(person: Person) -> Text:
    """Everything recorded about a person: for a direct message only."""
    return lines(
        _("{code}: {name}", code=person.code, name=Raw(person.details.name)),
        details_lines(person.details),
        _("Linked to report R{number}.", number=person.report_id) if person.report_id else None,
    )


def _contact(d: PersonDetails) -> Text:
    """ "Marta Díaz (sister), +15550100199", leaving out whatever was not given."""
    parts: list[Text] = []
    if d.contact_name:
        parts.append(Raw(d.contact_name))
    if d.contact_relation:
        parts.append(Raw(f" ({d.contact_relation})"))
    if d.contact_phone:
        parts.append(Raw(f", {d.contact_phone}" if d.contact_name else d.contact_phone))
    return Lines(tuple(parts), separator="")


def details_lines(d: PersonDetails) -> Text:
    return lines(
        _("Date of birth: {dob}", dob=Raw(d.date_of_birth.isoformat()))
        if d.date_of_birth
        else None,
        _("Contact: {who}", who=_contact(d)) if d.contact_name or d.contact_phone else None,
        _("Language: {language}", language=Raw(d.language)) if d.language else None,
        _("Children to pick up: {where}", where=Raw(d.children)) if d.children else None,
        _("Pick up by: {when}", when=When(d.children_by)) if d.children_by else None,
        _("Notes: {notes}", notes=Raw(d.notes)) if d.notes else None,
    )


@dataclass(frozen=True)
class Recorded:
    person: Person
    tasks: tuple[Task, ...]


class TaskService:
    def __init__(
        self,
        store: Store,
        network: Network,
        clock: Clock,
        messenger: Messenger,
        timer_durations: dict[TimerKind, timedelta],
    ) -> None:
        self.store = store
        self.network = network
        self.clock = clock
        self.messenger = messenger
        self.durations = timer_durations

    # -- messages ------------------------------------------------------------------------

    async def _dm_organizers(self, tx: Transaction, kind: MessageKind, text: Text) -> None:
        """Free text about a task may name people: organizers get it one by one, privately."""
        platforms = {target.platform for target in self.network.targets}
        for platform in sorted(platforms):
            for organizer in await tx.members.with_role(platform, Role.ORGANIZER):
                await self.messenger.to_member(tx, organizer, kind, text)

    async def _load(self, tx: Transaction, task_id: int) -> Task:
        task = await tx.tasks.get(task_id)
        if task is None:
            raise unknown_task(task_id)
        return task

    # -- people --------------------------------------------------------------------------

    async def record_person(
        self, actor: Member, report_id: int | None, details: PersonDetails
    ) -> Recorded:
        if not is_organizer(actor):
            raise UserError(_("Only organizers can record people detained."))
        now = self.clock.now()
        async with self.store.transaction() as tx:
            if report_id is not None and not await tx.reports.exists(report_id):
                raise UserError(
                    _(
                        "There is no report R{number}. Send /status to see open reports.",
                        number=report_id,
                    )
                )
            person_id = await tx.people.insert(report_id, details, recorded_by=actor.id, now=now)
            proposed: list[tuple[TaskKind, datetime | None]] = [
                (TaskKind.CALL_CONTACT, now + CALL_WITHIN)
            ]
            proposed.append((TaskKind.LEGAL_REFERRAL, now + REFERRAL_WITHIN))
            if details.children:
                proposed.append((TaskKind.PICK_UP_CHILDREN, details.children_by))
            created = []
            for kind, due in proposed:
                task_id = await tx.tasks.insert(
                    kind,
                    "",
                    report_id=report_id,
                    person_id=person_id,
                    due_at=due,
                    created_by=actor.id,
                    now=now,
                )
                created.append(await self._load(tx, task_id))
            await tx.audit.record(now, actor.id, "person.recorded", f"P{person_id}")
            person = await tx.people.get(person_id)
        assert person is not None  # noqa: S101 - inserted above
        return Recorded(person=person, tasks=tuple(created))

    async def person_for(self, actor: Member, person_id: int) -> Person:
        """Organizers, and a volunteer who accepted a task about this person, may see it."""
        async with self.store.reading() as tx:
            person = await tx.people.get(person_id)
            if person is None:
                raise UserError(_("There is no person P{number}.", number=person_id))
            if is_organizer(actor):
                return person
            mine = await tx.tasks.in_states(
                (TaskState.ACCEPTED, TaskState.DONE), assignee_id=actor.id
            )
        if any(task.person_id == person_id for task in mine):
            return person
        raise UserError(
            _(
                "Only organizers and the volunteer who accepted a task about {code} can see "
                "their details.",
                code=f"P{person_id}",
            )
        )

    # -- tasks ---------------------------------------------------------------------------

    async def add(
        self,
        actor: Member,
        description: str,
        *,
        report_id: int | None = None,
        person_id: int | None = None,
        due_at: datetime | None = None,
    ) -> Task:
        require_organizer(actor)
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
            return await self._load(tx, task_id)

    async def assign(
        self, actor: Member, task_id: int, assignee: Member, due_at: datetime | None = None
    ) -> Task:
        require_organizer(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await self._load(tx, task_id)
            if not task.state.is_active:
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
                new=TaskState.OFFERED,
                assignee_id=assignee.id,
                now=now,
                due_at=due_at,
                expected_assignee=task.assignee_id,
            )
            if not moved:
                raise changed_meanwhile(task)
            previous = await tx.members.get(task.assignee_id) if task.assignee_id else None
            task = await self._load(tx, task.id)
            await tx.timers.cancel(TASK_TIMERS, task.id)
            await tx.timers.schedule(
                OFFER_REMINDER, task.id, now + self.durations[OFFER_REMINDER], now
            )
            await tx.timers.schedule(
                OFFER_ESCALATION, task.id, now + self.durations[OFFER_ESCALATION], now
            )
            if previous is not None and previous.id != assignee.id:
                await self.messenger.to_member(
                    tx,
                    previous,
                    MessageKind.TASK,
                    _("{code} was given to someone else.", code=task.code),
                )
            await self.messenger.to_member(
                tx, assignee, MessageKind.TASK_OFFER, self._offer(task), task_id=task.id
            )
            await tx.audit.record(
                now,
                actor.id,
                "task.assigned",
                task.code,
                assignee=tx.audit.member_ref(assignee.id),
            )
        return task

    def _offer(self, task: Task) -> Text:
        return lines(
            _("You are asked to take {title}.", title=task_title(task)),
            _("Due: {when}", when=When(task.due_at)) if task.due_at else None,
            _(
                "Accept only if you will follow through: a family is counting on it. "
                "Send /task accept {code} or /task decline {code}.",
                code=task.code,
            ),
        )

    async def _assignee_move(
        self,
        actor: Member,
        task_id: int,
        *,
        expected: Sequence[TaskState],
        new: TaskState,
        keep_assignee: bool,
        note: str | None = None,
    ) -> Task:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await self._load(tx, task_id)
            if task.assignee_id != actor.id or task.state not in (
                TaskState.OFFERED,
                TaskState.ACCEPTED,
            ):
                raise UserError(
                    _("{code} is not assigned to you. Send /tasks to see yours.", code=task.code)
                )
            if task.state not in expected:
                raise not_applicable(task)
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
            task = await self._load(tx, task.id)
            await self._after_move(tx, actor, task, note or "", now)
            await tx.audit.record(now, actor.id, f"task.{new.value}", task.code)
        return task

    async def _after_move(
        self, tx: Transaction, actor: Member, task: Task, note: str, now: datetime
    ) -> None:
        who = Trusted(actor.handle)
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
            )
            if task.person_id is not None:
                person = await tx.people.get(task.person_id)
                if person is not None:
                    await self.messenger.to_member(
                        tx,
                        actor,
                        MessageKind.TASK_DETAILS,
                        lines(
                            _("Thank you. The details for {code}:", code=task.code),
                            person_card(person),
                            _(
                                "Send /task done {code} when it is done, or /task release {code} "
                                "if you cannot do it after all.",
                                code=task.code,
                            ),
                        ),
                    )
            if task.due_at is not None:
                before = task.due_at - self.durations[DUE_REMINDER]
                if before > now:
                    await tx.timers.schedule(DUE_REMINDER, task.id, before, now)
                await tx.timers.schedule(DUE_NOW, task.id, task.due_at, now)
                await tx.timers.schedule(
                    OVERDUE, task.id, task.due_at + self.durations[OVERDUE], now
                )
        elif task.state is TaskState.DONE:
            await self.messenger.to_organizers(
                tx,
                MessageKind.TASK_UPDATE,
                lines(_("{code} is done ({member}).", code=task.code, member=who), note_line),
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
        return await self._assignee_move(
            actor,
            task_id,
            expected=(TaskState.OFFERED,),
            new=TaskState.ACCEPTED,
            keep_assignee=True,
        )

    async def decline(self, actor: Member, task_id: int, reason: str = "") -> Task:
        return await self._assignee_move(
            actor,
            task_id,
            expected=(TaskState.OFFERED,),
            new=TaskState.OPEN,
            keep_assignee=False,
            note=reason or None,
        )

    async def done(self, actor: Member, task_id: int, note: str = "") -> Task:
        return await self._assignee_move(
            actor,
            task_id,
            expected=(TaskState.OFFERED, TaskState.ACCEPTED),
            new=TaskState.DONE,
            keep_assignee=True,
            note=note or None,
        )

    async def release(self, actor: Member, task_id: int, reason: str = "") -> Task:
        return await self._assignee_move(
            actor,
            task_id,
            expected=(TaskState.ACCEPTED,),
            new=TaskState.OPEN,
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
        require_organizer(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await self._load(tx, task_id)
            if not task.state.is_active:
                raise not_applicable(task)
            if not await tx.tasks.edit(
                task.id,
                description=description,
                due_at=due_at,
                expected=(task.state,),
                now=now,
            ):
                raise changed_meanwhile(task)
            task = await self._load(tx, task.id)
            if due_at is not None and task.state is TaskState.ACCEPTED:
                await tx.timers.cancel((DUE_REMINDER, DUE_NOW, OVERDUE), task.id)
                before = due_at - self.durations[DUE_REMINDER]
                if before > now:
                    await tx.timers.schedule(DUE_REMINDER, task.id, before, now)
                await tx.timers.schedule(DUE_NOW, task.id, due_at, now)
                await tx.timers.schedule(OVERDUE, task.id, due_at + self.durations[OVERDUE], now)
            if task.assignee_id is not None:
                assignee = await tx.members.get(task.assignee_id)
                if assignee is not None:
                    await self.messenger.to_member(
                        tx,
                        assignee,
                        MessageKind.TASK,
                        lines(_("{code} was changed:", code=task.code), task_line(task, None, now)),
                    )
            await tx.audit.record(now, actor.id, "task.edited", task.code)
        return task

    async def cancel(self, actor: Member, task_id: int) -> Task:
        require_organizer(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            task = await self._load(tx, task_id)
            if not task.state.is_active:
                raise not_applicable(task)
            if not await tx.tasks.move(
                task.id,
                expected=(task.state,),
                new=TaskState.CANCELLED,
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
                        _("{code} was cancelled. Thank you.", code=task.code),
                    )
            await tx.audit.record(now, actor.id, "task.cancelled", task.code)
            return await self._load(tx, task.id)

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

    # -- timers ----------------------------------------------------------------------

    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        """Remind or escalate, as the timer promised (the dispatcher claimed it in `tx`)."""
        task = await tx.tasks.get(timer.subject_id)
        assignee = await tx.members.get(task.assignee_id) if task and task.assignee_id else None
        if task is None or assignee is None:
            return
        text = self._timer_text(timer.kind, task, assignee)
        if text is None:
            return
        if timer.late:
            text = lines(late_note(timer.due_at), text)
        if timer.kind in (OFFER_ESCALATION, OVERDUE):
            await self.messenger.to_organizers(tx, MessageKind.ESCALATION, text)
        else:
            await self.messenger.to_member(tx, assignee, MessageKind.TASK_REMINDER, text)

    def _timer_text(self, kind: TimerKind, task: Task, assignee: Member) -> Text | None:
        who = Trusted(assignee.handle)
        if kind == OFFER_REMINDER and task.state is TaskState.OFFERED:
            return lines(
                _("Reminder: {code} is waiting for your answer.", code=task.code), self._offer(task)
            )
        if kind == OFFER_ESCALATION and task.state is TaskState.OFFERED:
            return _(
                "Nobody has accepted {code} yet (offered to {member}). Please assign it to "
                "someone else: /task assign {code} <member>",
                code=task.code,
                member=who,
            )
        if kind == DUE_REMINDER and task.state is TaskState.ACCEPTED and task.due_at:
            return _(
                "Reminder: {title} is due {when}.", title=task_title(task), when=When(task.due_at)
            )
        if kind == DUE_NOW and task.state is TaskState.ACCEPTED:
            return _(
                "{code} is due now. Send /task done {code} when it is done, or /task release "
                "{code} if you cannot do it.",
                code=task.code,
            )
        if kind == OVERDUE and task.state is TaskState.ACCEPTED and task.due_at:
            return _(
                "{code} is overdue: it was due {when} and {member} has not marked it done. "
                "Please check in with them.",
                code=task.code,
                when=When(task.due_at),
                member=who,
            )
        return None
