"""What each command does and says, with typed arguments, for every front end.

The text grammar (console, Signal) parses a line and calls these; Discord's slash
commands, buttons and modals call them with their typed options. Either way the rules
and the replies are the same, written once. Each action returns the replies for the
member who acted, or raises `UserError`; `guarded` turns both into replies. The actions
live per area (`report_actions`, `follow_through_actions`, `member_actions`,
`info_actions`, `dispatch_actions`); `Actions` is all of them over one set of services.
"""

from __future__ import annotations

from bot.core.clock import Clock
from bot.core.dispatch import DispatchService
from bot.core.dispatch_actions import DispatchActions
from bot.core.follow_through_actions import FollowThroughActions
from bot.core.info_actions import InfoActions
from bot.core.member_actions import MemberActions
from bot.core.members import MemberService
from bot.core.network import Network
from bot.core.people import PeopleService
from bot.core.replies import Reply, guarded
from bot.core.report_actions import ReportActions
from bot.core.report_decisions import ReportDecisions
from bot.core.report_follow_ups import ReportFollowUps
from bot.core.report_intake import ReportIntake
from bot.core.report_reading import build_draft
from bot.core.reports import ReportService
from bot.core.tasks import TaskService

__all__ = ["Actions", "Reply", "build_draft", "guarded"]


class Actions(DispatchActions, ReportActions, FollowThroughActions, MemberActions, InfoActions):
    def __init__(
        self,
        *,
        network: Network,
        clock: Clock,
        members: MemberService,
        reports: ReportService,
        intake: ReportIntake,
        decisions: ReportDecisions,
        follow_ups: ReportFollowUps,
        tasks: TaskService,
        people: PeopleService,
        dispatch: DispatchService,
    ) -> None:
        self.network = network
        self.clock = clock
        self.members = members
        self.reports = reports
        self.intake = intake
        self.decisions = decisions
        self.follow_ups = follow_ups
        self.tasks = tasks
        self.people = people
        self.dispatch = dispatch
