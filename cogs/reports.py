"""Slash commands and the report form: parse Discord's input, call the core, answer.

No rule lives here. Each command turns its options into a call on `Actions`, the same
calls the text grammar makes, and shows the replies privately to the member.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.actions import Reply, build_draft, guarded
from bot.core.commands import parse_report_code
from bot.core.errors import UserError
from bot.core.media import Upload
from bot.core.models import DismissReason, Member, ReportState
from bot.core.report_intake import PLACE_ANSWER_WINDOW
from bot.core.vocabulary import parse_photo_numbers
from bot.i18n import N_, Renderer, _
from cogs.attachments import uploads as attachment_uploads
from cogs.describe import describe
from cogs.frontend import DiscordFrontEnd, also_in_direct_messages

REPORT_CODE = N_("the report code, like R3")
NOTE = N_("optional: what you saw, or why")


class ReportForm(discord.ui.Modal):
    """The report, as a form: nothing is required but something in it; without a place
    the report is filed and the reporter asked where exactly. `uploads`: the photo
    attached to /report, downloaded by the bot when the form is sent."""

    def __init__(
        self,
        front: DiscordFrontEnd,
        member: Member,
        uploads: tuple[Upload, ...] = (),
        values: dict[str, str] | None = None,
    ) -> None:
        render = front.renderer.render
        language = member.language
        super().__init__(title=render(_("Report what you see"), language)[:45], timeout=1800)
        self.front = front
        self.uploads = uploads
        values = values or {}

        def field(name: str, label: str, **options: Any) -> discord.ui.TextInput[Any]:
            text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=label[:45], default=values.get(name) or None, **options
            )
            self.add_item(text_input)
            return text_input

        self.where = field(
            "where",
            render(_("Where? (address, corner, landmark)"), language),
            required=False,  # not knowing the address must not stop a report
            max_length=200,
        )
        self.what = field(
            "what",
            render(_("What do you see?"), language),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=1000,
        )
        self.agency = field(
            "agency",
            render(_("Agency, if known"), language),
            required=False,
            max_length=40,
            placeholder="ICE, CBP, HSI, police, unknown",
        )
        self.signs = field(
            "signs",
            render(_("Warning signs (comma-separated)"), language),
            required=False,
            max_length=200,
            placeholder="vehicles, tents, buses, gathering, questioning, house",
        )
        self.source = field(
            "source",
            render(_("Did you see it yourself?"), language),
            required=False,
            max_length=40,
            placeholder="first-hand, second-hand, social-media",
        )

    def values(self) -> dict[str, str]:
        return {
            "where": self.where.value,
            "what": self.what.value,
            "agency": self.agency.value,
            "signs": self.signs.value,
            "source": self.source.value,
        }

    async def on_submit(self, interaction: discord.Interaction) -> None:
        front = self.front
        member = await front.acting(interaction)
        if member is None:
            return
        try:
            draft = build_draft(**self.values(), media=())
        except UserError as refusal:
            # The form closed; keep what they typed so fixing one field is one tap away.
            saved = self.values()
            await interaction.response.send_message(
                front.render([Reply(refusal.message)], member),
                ephemeral=front.private(interaction),
                view=FormButton(
                    front.renderer.render(_("Fix and send again"), member.language),
                    lambda: ReportForm(front, member, self.uploads, saved),
                ),
            )
            return
        if self.uploads:  # downloading and cleaning a photo can take longer than 3 s
            await interaction.response.defer(ephemeral=True, thinking=True)
        replies = await guarded(
            front.actions.report(member, front.conversation(interaction.user), draft, self.uploads),
            "report",
            member,
        )
        waiting = await front.actions.intake.waiting_for_place(member)
        if not waiting:
            await front.respond(interaction, front.render(replies, member))
            return
        # Discord has no "reply to the bot" here: a button opens a one-line form instead.
        send = (
            interaction.followup.send
            if interaction.response.is_done()
            else interaction.response.send_message
        )
        await send(
            front.render(replies, member)[:2000],
            ephemeral=front.private(interaction),
            view=FormButton(
                front.renderer.render(_("Add the place"), member.language),
                lambda: PlaceForm(front, member, waiting[-1]),
                timeout=PLACE_ANSWER_WINDOW.total_seconds(),
            ),
        )


class FormButton(discord.ui.View):
    """One button that opens a form again after the bot answered: "Fix and send again"
    after a refusal, "Add the place" after a report filed without one."""

    def __init__(
        self, label: str, form: Callable[[], discord.ui.Modal], *, timeout: float = 1800
    ) -> None:
        super().__init__(timeout=timeout)
        self.form = form
        button: discord.ui.Button[FormButton] = discord.ui.Button(
            label=label[:80], style=discord.ButtonStyle.primary
        )
        button.callback = self.open  # type: ignore[method-assign]
        self.add_item(button)

    async def open(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self.form())


class PlaceForm(discord.ui.Modal):
    def __init__(self, front: DiscordFrontEnd, member: Member, report_id: int) -> None:
        render = front.renderer.render
        super().__init__(title=render(_("Where exactly?"), member.language)[:45], timeout=1800)
        self.front, self.member, self.report_id = front, member, report_id
        self.where: discord.ui.TextInput[PlaceForm] = discord.ui.TextInput(
            label=render(_("Where? (address, corner, landmark)"), member.language)[:45],
            max_length=200,
        )
        self.add_item(self.where)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        front = self.front
        member = await front.acting(interaction)
        if member is None:
            return
        replies = await guarded(
            front.actions.place_answer(member, f"R{self.report_id} {self.where.value}"),
            "report",
            member,
        )
        await front.respond(interaction, front.render(replies, member))


def _code_choices(options: list[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
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
        member = await self.front.quietly_acting(interaction)
        if member is None:
            return []
        return _code_choices(await self.front.actions.open_reports(member, *states), current)

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
    @app_commands.describe(photo=N_("optional: a photo or video of what you see"))
    async def report(
        self, interaction: discord.Interaction, photo: discord.Attachment | None = None
    ) -> None:
        front = self.front
        member = await front.acting(interaction)
        if member is None:
            return
        files = attachment_uploads([photo]) if photo is not None else ()
        await interaction.response.send_modal(ReportForm(front, member, files))

    @app_commands.command(name="verify", description=describe("verify"))
    @app_commands.describe(
        report=REPORT_CODE,
        note=NOTE,
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
    async def status(self, interaction: discord.Interaction) -> None:
        await self.front.run(
            interaction,
            "status",
            lambda member: self.front.actions.status(
                member, self.front.conversation(interaction.user)
            ),
        )
