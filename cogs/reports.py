"""Slash commands and the report form: parse Discord's input, call the core, answer.

No rule lives here. Each command turns its options into a call on `Actions`, the same
calls the text grammar makes, and shows the replies privately to the member.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.actions import Reply, build_draft, guarded
from bot.core.commands import parse_report_code
from bot.core.errors import UserError
from bot.core.forms import new_token
from bot.core.media import Upload
from bot.core.models import DismissReason, ReportState
from bot.core.vocabulary import parse_photo_numbers
from bot.i18n import N_, Renderer, _
from cogs import attachments as attachment_uploads
from cogs.describe import describe
from cogs.forms import Form, Submission, show_form
from cogs.frontend import PLATFORM, DiscordFrontEnd, also_in_direct_messages, front_of

log = logging.getLogger(__name__)
REPORT_CODE = N_("the report code, like R3")
NOTE = N_("optional: what you saw, or why")
FIELDS = ("where", "what", "agency", "signs", "source")  # the report form's, by custom id
DIRECT_MESSAGES_HINT = _(
    "You will hear what the verifiers decide by direct message, but only if your Discord "
    "privacy settings allow direct messages from members of this server."
)


class ReportForm(Form):
    """The report, as a form: nothing is required but something in it; without a place
    the report is filed and the reporter asked where exactly. Its ref, when the report
    came with a photo, is the token under which the core keeps the photo's link, until
    the bot downloads the photo when the form is sent."""

    kind = "report"

    def __init__(self, renderer: Renderer, language: str, ref: str | None = None) -> None:
        super().__init__(renderer.render(_("Report what you see"), language), ref)
        render = renderer.render
        self.where = self.field(
            "where",
            render(_("Where? (address, corner, landmark)"), language),
            required=False,  # not knowing the address must not stop a report
            max_length=200,
        )
        self.what = self.field(
            "what",
            render(_("What do you see?"), language),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=1000,
        )
        self.agency = self.field(
            "agency",
            render(_("Agency, if known"), language),
            required=False,
            max_length=40,
            placeholder="ICE, CBP, HSI, police, unknown",
        )
        self.signs = self.field(
            "signs",
            render(_("Warning signs (comma-separated)"), language),
            required=False,
            max_length=200,
            placeholder="vehicles, tents, buses, gathering, questioning, house",
        )
        self.source = self.field(
            "source",
            render(_("Did you see it yourself?"), language),
            required=False,
            max_length=40,
            placeholder="first-hand, second-hand, social-media",
        )

    @classmethod
    async def taken(
        cls, front: DiscordFrontEnd, interaction: discord.Interaction, sent: Submission
    ) -> None:
        member = await front.acting(interaction)
        if member is None:
            return
        files: tuple[Upload, ...] = ()
        opened: dict[str, str] = {}
        if sent.ref is not None:
            opened = await front.app.forms.opened_with(sent.ref, cls.kind, member) or {}
            files = attachment_uploads.from_kept(interaction.client.http, opened)
        try:
            draft = build_draft(
                where=sent.value("where"),
                what=sent.value("what"),
                agency=sent.value("agency"),
                signs=sent.value("signs"),
                source=sent.value("source"),
                hotline=opened.get("hotline") == "yes",
                callback=opened.get("callback", ""),
            )
        except UserError as refusal:
            # The form closed: a button opens it again (with the same photo, if any).
            again = ReopenReportButton(
                sent.ref, front.renderer.render(_("Fix and send again"), member.language)
            )
            await front.respond(
                interaction, front.render([Reply(refusal.message)], member), view=one(again)
            )
            return
        filed = False

        async def file() -> list[Reply]:
            nonlocal filed
            replies = await front.actions.report(
                member, front.conversation(interaction.user), draft, files
            )
            filed = True
            return replies

        replies = await guarded(file(), "report", member)
        if filed:
            # The outcome comes by direct message, which Discord refuses to members who
            # closed theirs; the bot never tells anyone else, so it says so here.
            replies.append(Reply(DIRECT_MESSAGES_HINT))
        view = None
        try:
            if sent.ref is not None:
                await front.app.forms.sent(sent.ref)
            waiting = await front.actions.intake.waiting_for_place(member)
            if waiting:
                # No "reply to the bot" here: a button opens a one-line form instead.
                label = front.renderer.render(_("Add the place"), member.language)
                view = one(AddPlaceButton(waiting[-1], label))
        except Exception:
            # The report is filed: say so. (A kept form is purged later; the receipt
            # still asks where exactly, and a direct message answers it.)
            log.exception("could not finish a report form after filing it")
        await front.respond(interaction, front.render(replies, member), view=view)


class PlaceForm(Form):
    """The answer to "Where exactly?" for one report (its number is the form's ref)."""

    kind = "place"

    def __init__(self, renderer: Renderer, language: str, report_id: int) -> None:
        super().__init__(renderer.render(_("Where exactly?"), language), str(report_id))
        self.where = self.field(
            "where", renderer.render(_("Where? (address, corner, landmark)"), language),
            max_length=200,
        )  # fmt: skip

    @classmethod
    async def taken(
        cls, front: DiscordFrontEnd, interaction: discord.Interaction, sent: Submission
    ) -> None:
        member = await front.acting(interaction)
        if member is None:
            return
        code = f"R{sent.ref} " if sent.ref and sent.ref.isdigit() else ""
        replies = await guarded(
            front.actions.place_answer(member, code + sent.value("where")), "report", member
        )
        await front.respond(interaction, front.render(replies, member))


def one(item: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(item)
    return view


class ReopenReportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"rr:open:report(?::(?P<ref>[A-Za-z0-9_-]{1,40}))?",
):
    """ "Fix and send again" after a refused form: the form again, with the same photo."""

    def __init__(self, ref: str | None, label: str = "Fix and send again") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id="rr:open:report" + (f":{ref}" if ref else ""),
            )
        )
        self.ref = ref

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ReopenReportButton:
        return cls(match["ref"])

    async def callback(self, interaction: discord.Interaction) -> None:
        front = front_of(interaction)
        if await front.at_home(interaction):
            form = ReportForm(front.renderer, front.quick_language(interaction), self.ref)
            await show_form(interaction, form)


class AddPlaceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"rr:open:place:(?P<id>[0-9]{1,18})",
):
    """ "Add the place" after a report filed without one: opens the one-line form."""

    def __init__(self, report_id: int, label: str = "Add the place") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id=f"rr:open:place:{report_id}",
            )
        )
        self.report_id = report_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> AddPlaceButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        front = front_of(interaction)
        if await front.at_home(interaction):
            form = PlaceForm(front.renderer, front.quick_language(interaction), self.report_id)
            await show_form(interaction, form)


def code_choices(options: list[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
    wanted = current.strip().lower()
    return [
        app_commands.Choice(name=f"{code} · {where}"[:100], value=code)
        for code, where in options
        if not wanted or wanted in code.lower() or wanted in where.lower()
    ][:25]


class ReportsCog(commands.Cog):
    def __init__(self, front: DiscordFrontEnd) -> None:
        self.front = front

    @property
    def renderer(self) -> Renderer:
        return self.front.renderer

    async def _codes(
        self, interaction: discord.Interaction, current: str, *states: ReportState
    ) -> list[app_commands.Choice[str]]:
        async def codes() -> list[tuple[str, str]]:
            member = await self.front.quietly_acting(interaction)
            if member is None:
                return []
            return await self.front.actions.open_reports(member, *states)

        return code_choices(await self.front.suggest(codes()), current)

    async def pending_codes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._codes(interaction, current, ReportState.PENDING)

    async def active_codes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._codes(interaction, current, ReportState.VERIFIED)

    async def retractable_codes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._codes(interaction, current, ReportState.VERIFIED, ReportState.RESOLVED)

    @app_commands.command(name="report", description=describe("report"))
    @also_in_direct_messages
    @app_commands.describe(
        photo=N_("optional: a photo or video of what you see"),
        hotline=N_("organizers: you are filing this for someone who called the hotline"),
        callback=N_("organizers: the caller's number, to call them back (kept sealed)"),
    )
    async def report(
        self,
        interaction: discord.Interaction,
        photo: discord.Attachment | None = None,
        hotline: bool = False,
        callback: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        front = self.front
        if not await front.at_home(interaction):
            return
        kept = attachment_uploads.kept(photo) if photo is not None else None
        if hotline or callback:
            # A hotline relay: the core decides whether this member may relay one, and
            # keeps the number sealed (never echoed in a channel).
            kept = {**(kept or {}), "hotline": "yes", "callback": callback or ""}
        # The form is the first answer, before any database work; what the photo (or a
        # relay) needs later is kept for the form (under its token) once it shows.
        token = new_token() if kept is not None else None
        form = ReportForm(front.renderer, front.quick_language(interaction), token)
        if not await show_form(interaction, form) or kept is None or token is None:
            return
        member = await front.app.members.identify(PLATFORM, str(interaction.user.id))
        await front.app.forms.keep(token, ReportForm.kind, member, kept)

    @app_commands.command(name="verify", description=describe("verify"))
    @app_commands.describe(
        report=REPORT_CODE,
        note=N_("optional: what you saw; the alert says it instead of the reporter's words"),
        photos=N_("optional: send the report's photos with the alert: all, or numbers (1 3)"),
    )
    @app_commands.autocomplete(report=pending_codes)
    async def verify(
        self, interaction: discord.Interaction, report: str, note: str = "", photos: str = ""
    ) -> None:
        await self.front.run(
            interaction,
            "verify",
            lambda member: self.front.actions.verify(
                member, parse_report_code(report), note, parse_photo_numbers(photos)
            ),
        )

    @app_commands.command(name="dismiss", description=describe("dismiss"))
    @app_commands.describe(report=REPORT_CODE, reason=N_("why it is not an operation"), note=NOTE)
    @app_commands.choices(
        reason=[
            app_commands.Choice(name="routine presence, not an operation", value="routine"),
            app_commands.Choice(name="false alarm", value="false-alarm"),
            app_commands.Choice(name="could not verify", value="unverifiable"),
        ]
    )
    @app_commands.autocomplete(report=pending_codes)
    async def dismiss(
        self,
        interaction: discord.Interaction,
        report: str,
        reason: app_commands.Choice[str],
        note: str = "",
    ) -> None:
        await self.front.run(
            interaction,
            "dismiss",
            lambda member: self.front.actions.dismiss(
                member, parse_report_code(report), DismissReason(reason.value), note
            ),
        )

    @app_commands.command(name="resolve", description=describe("resolve"))
    @app_commands.describe(report=REPORT_CODE, note=NOTE)
    @app_commands.autocomplete(report=active_codes)
    async def resolve(self, interaction: discord.Interaction, report: str, note: str = "") -> None:
        await self.front.run(
            interaction,
            "resolve",
            lambda member: self.front.actions.resolve(member, parse_report_code(report), note),
        )

    @app_commands.command(name="still", description=describe("still"))
    @app_commands.describe(report=REPORT_CODE, answer=N_("is it still going on?"), note=NOTE)
    @app_commands.choices(
        answer=[
            app_commands.Choice(name=N_("Yes, still going on"), value="yes"),
            app_commands.Choice(name=N_("No, it is over: send the all clear"), value="no"),
        ]
    )
    @app_commands.autocomplete(report=active_codes)
    async def still(
        self,
        interaction: discord.Interaction,
        report: str,
        answer: app_commands.Choice[str],
        note: str = "",
    ) -> None:
        await self.front.run(
            interaction,
            "still",
            lambda member: self.front.actions.still(
                member, parse_report_code(report), answer.value == "yes", note
            ),
        )

    @app_commands.command(name="correct", description=describe("correct"))
    @app_commands.describe(
        report=REPORT_CODE,
        where=N_("the right place"),
        what=N_("the right description"),
        agency=N_("the right agency"),
        note=N_("what was wrong"),
    )
    @app_commands.autocomplete(report=active_codes)
    async def correct(
        self,
        interaction: discord.Interaction,
        report: str,
        where: str = "",
        what: str = "",
        agency: str = "",
        note: str = "",
    ) -> None:
        await self.front.run(
            interaction,
            "correct",
            lambda member: self.front.actions.correct(
                member, parse_report_code(report), where=where, what=what, agency=agency, note=note
            ),
        )

    @app_commands.command(name="retract", description=describe("retract"))
    @app_commands.describe(report=REPORT_CODE, note=N_("why the alert was wrong"))
    @app_commands.autocomplete(report=retractable_codes)
    async def retract(self, interaction: discord.Interaction, report: str, note: str = "") -> None:
        await self.front.run(
            interaction,
            "retract",
            lambda member: self.front.actions.retract(member, parse_report_code(report), note),
        )

    @app_commands.command(name="status", description=describe("status"))
    @app_commands.describe(
        everything=N_("show every report, not only the first 15 of each list"),
    )
    async def status(self, interaction: discord.Interaction, everything: bool = False) -> None:
        await self.front.run(
            interaction,
            "status",
            lambda member: self.front.actions.status(
                member, self.front.conversation(interaction.user), everything
            ),
        )
