"""What a task's timers do: remind the volunteer, escalate to organizers.

An offer nobody answers is re-offered, then escalated ("Nobody has accepted T4"); an
accepted task is reminded before it is due, at its time, and escalated when overdue.
Escalations go to the organizer chats and name tasks and members, never the person nor
a task's own words; only the volunteer holding a task reads those, by direct message.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.member_names import member_name
from bot.core.messenger import Messenger
from bot.core.models import (
    Member,
    MessageKind,
    Task,
    TaskState,
    Timer,
    TimerKind,
)
from bot.core.need_to_know import reads_description
from bot.core.rendering import late_note
from bot.core.store import Transaction
from bot.core.task_text import offer_text, task_title
from bot.i18n import Text, When, _, lines


class TaskTimers:
    def __init__(self, messenger: Messenger) -> None:
        self.messenger = messenger

    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        """Remind or escalate, as the timer promised (the dispatcher claimed it in `tx`)."""
        task = await tx.tasks.get(timer.subject_id)
        assignee = await tx.members.get(task.assignee_id) if task and task.assignee_id else None
        if task is None or assignee is None:
            return
        text = self._text(timer.kind, task, assignee)
        if text is None:
            return
        if timer.late:
            text = lines(late_note(timer.due_at), text)
        if timer.kind in (TimerKind.TASK_OFFER_ESCALATION, TimerKind.TASK_OVERDUE):
            await self.messenger.to_organizers(tx, MessageKind.ESCALATION, text, task_id=task.id)
        else:
            await self.messenger.to_member(
                tx, assignee, MessageKind.TASK_REMINDER, text, task_id=task.id
            )

    def _text(self, kind: TimerKind, task: Task, assignee: Member) -> Text | None:
        who = member_name(assignee)
        if kind == TimerKind.TASK_OFFER_REMINDER and task.state is TaskState.OFFERED:
            return lines(
                _("Reminder: {code} is waiting for your answer.", code=task.code), offer_text(task)
            )
        if kind == TimerKind.TASK_OFFER_ESCALATION and task.state is TaskState.OFFERED:
            return _(
                "Nobody has accepted {code} yet (offered to {member}). Please assign it to "
                "someone else: /task assign {code} <member>",
                code=task.code,
                member=who,
            )
        if kind == TimerKind.TASK_DUE_REMINDER and task.state is TaskState.ACCEPTED and task.due_at:
            # To the volunteer holding it, by direct message: its own words too.
            title = task_title(task, description=reads_description(assignee, task, direct=True))
            return _("Reminder: {title} is due {when}.", title=title, when=When(task.due_at))
        if kind == TimerKind.TASK_DUE and task.state is TaskState.ACCEPTED:
            return _(
                "{code} is due now. Send /task done {code} when it is done, or /task release "
                "{code} if you cannot do it.",
                code=task.code,
            )
        if kind == TimerKind.TASK_OVERDUE and task.state is TaskState.ACCEPTED and task.due_at:
            return _(
                "{code} is overdue: it was due {when} and {member} has not marked it done. "
                "Please check in with them.",
                code=task.code,
                when=When(task.due_at),
                member=who,
            )
        return None
