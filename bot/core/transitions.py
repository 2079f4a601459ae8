"""Which state may follow which: the report and task state machines, as tables.

Every service that moves a report or a task asks here, and the move itself is a
compare-and-set in storage from the state it was loaded in, so the table is the one
place that says what is allowed and the database the one place that says who was first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bot.core.models import ReportState, TaskState


class ReportMove(StrEnum):
    VERIFY = "verify"
    DISMISS = "dismiss"
    EXPIRE = "expire"  # nobody could verify it in time
    RESOLVE = "resolve"  # all clear
    CORRECT = "correct"
    RETRACT = "retract"
    CONFIRM_ACTIVE = "confirm_active"  # "still going on?" answered yes; the state stays


class TaskMove(StrEnum):
    ASSIGN = "assign"  # also a reassignment
    ACCEPT = "accept"
    DECLINE = "decline"
    DONE = "done"
    RELEASE = "release"
    CANCEL = "cancel"
    EDIT = "edit"  # wording or due time; the state stays


S = TypeVar("S", ReportState, TaskState)


@dataclass(frozen=True)
class Transition(Generic[S]):
    allowed_from: frozenset[S]
    to: S | None  # None: the state stays as it is

    def allows(self, state: S) -> bool:
        return state in self.allowed_from

    def target(self, state: S) -> S:
        return state if self.to is None else self.to


_P, _V, _R = ReportState.PENDING, ReportState.VERIFIED, ReportState.RESOLVED
REPORTS: dict[ReportMove, Transition[ReportState]] = {
    ReportMove.VERIFY: Transition(frozenset({_P}), ReportState.VERIFIED),
    ReportMove.DISMISS: Transition(frozenset({_P}), ReportState.DISMISSED),
    ReportMove.EXPIRE: Transition(frozenset({_P}), ReportState.DISMISSED),
    ReportMove.RESOLVE: Transition(frozenset({_V}), ReportState.RESOLVED),
    ReportMove.CORRECT: Transition(frozenset({_V}), None),
    ReportMove.RETRACT: Transition(frozenset({_V, _R}), ReportState.RETRACTED),
    ReportMove.CONFIRM_ACTIVE: Transition(frozenset({_V}), None),
}

_ACTIVE = frozenset({TaskState.OPEN, TaskState.OFFERED, TaskState.ACCEPTED})
_OFFERED, _ACCEPTED = frozenset({TaskState.OFFERED}), frozenset({TaskState.ACCEPTED})
TASKS: dict[TaskMove, Transition[TaskState]] = {
    TaskMove.ASSIGN: Transition(_ACTIVE, TaskState.OFFERED),
    TaskMove.ACCEPT: Transition(_OFFERED, TaskState.ACCEPTED),
    TaskMove.DECLINE: Transition(_OFFERED, TaskState.OPEN),
    TaskMove.DONE: Transition(_OFFERED | _ACCEPTED, TaskState.DONE),
    TaskMove.RELEASE: Transition(_ACCEPTED, TaskState.OPEN),
    TaskMove.CANCEL: Transition(_ACTIVE, TaskState.CANCELLED),
    TaskMove.EDIT: Transition(_ACTIVE, None),
}
# Who answers an offer or a task in hand: these moves belong to its assignee alone.
ASSIGNEE_MOVES = frozenset({TaskMove.ACCEPT, TaskMove.DECLINE, TaskMove.DONE, TaskMove.RELEASE})
