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
from bot.core.drill_actions import DrillActions
from bot.core.drills import DrillService
from bot.core.follow_through_actions import FollowThroughActions
from bot.core.info_actions import InfoActions
from bot.core.member_actions import MemberActions
from bot.core.members import MemberService
from bot.core.models import Conversation, Member
from bot.core.network import Network
from bot.core.people import PeopleService
from bot.core.replies import Reply, guarded
from bot.core.report_actions import ReportActions
from bot.core.report_decisions import ReportDecisions
from bot.core.report_follow_ups import ReportFollowUps
from bot.core.report_intake import ReportIntake
from bot.core.report_reading import build_draft
from bot.core.reports import ReportService
from bot.core.stats import StatsService
from bot.core.tasks import TaskService

__all__ = ["Actions", "Reply", "build_draft", "guarded"]


class Actions(
    DispatchActions, ReportActions, FollowThroughActions, MemberActions, InfoActions, DrillActions
):
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
        stats: StatsService,
        drills: DrillService,
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
        self.stats_service = stats
        self.drills = drills

    async def stats(
        self, actor: Member, conversation: Conversation, window: str = ""
    ) -> list[Reply]:
        """`/stats [7d]`: the after-action numbers (bot/core/stats.py)."""
        return await self.stats_service.stats(actor, conversation, window)
