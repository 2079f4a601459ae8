"""Follow-through on Discord: tasks, people detained. Parse, call the core, answer privately.

Every answer is seen only by the member who asked (ephemeral in the server, or in their
direct message), which is what lets `/person` show a detained person's details: Discord
shows them to that member alone. Task offers come by direct message, so these commands
work there too: what an offer or a reminder tells the member to send exists where they
read it.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.actions import guarded
from bot.core.commands import parse_code, parse_report_code
from bot.core.models import Member
from bot.core.permissions import is_organizer
from bot.i18n import N_, _
from cogs.describe import describe
from cogs.frontend import ALSO_IN_DIRECT_MESSAGES, DiscordFrontEnd, also_in_direct_messages

TASK_CODE = N_("the task code, like T4")


class DetainedForm(discord.ui.Modal):
    """The personal fields of a person detained; the rest came with the command."""

    def __init__(
        self, front: DiscordFrontEnd, member: Member, report: str, extra: dict[str, str]
    ) -> None:
        render = front.renderer.render
        language = member.language
        super().__init__(title=render(_("Record a person detained"), language)[:45], timeout=1800)
        self.front, self.report, self.extra = front, report, extra

        def field(label: Any, **options: Any) -> discord.ui.TextInput[Any]:
            text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=render(label, language)[:45], **options
            )
            self.add_item(text_input)
            return text_input

        self.name = field(_("Full name"), max_length=100)
        self.dob = field(_("Date of birth (1990-04-12)"), required=False, max_length=10)
        self.contact = field(_("Who to call (name)"), required=False, max_length=100)
        self.phone = field(_("Their phone number"), required=False, max_length=30)
        self.notes = field(
            _("Notes (medication, lawyer…)"),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=500,
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        front = self.front
        fields = {
            "name": self.name.value,
            "dob": self.dob.value,
            "contact": self.contact.value,
            "phone": self.phone.value,
            "notes": self.notes.value,
            **self.extra,
        }
        member = await front.acting(interaction)
        if member is None:
            return

        async def record() -> list[Any]:
            report_id = parse_report_code(self.report) if self.report.strip() else None
            fields_given = {key: value for key, value in fields.items() if value.strip()}
            return await front.actions.detained(
                member, front.conversation(interaction.user), report_id, fields_given
            )

        replies = await guarded(record(), "detained", member)
        await front.respond(interaction, front.render(replies, member))


class TasksCog(commands.Cog):
    task = app_commands.Group(
        name="task", description=describe("task"), allowed_contexts=ALSO_IN_DIRECT_MESSAGES
    )

    def __init__(self, front: DiscordFrontEnd) -> None:
        self.front = front

    async def _codes(
        self, interaction: discord.Interaction, current: str, *, everyone: bool
    ) -> list[app_commands.Choice[str]]:
        member = await self.front.quietly_acting(interaction)
        if member is None:
            return []
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=f"{code} · {kind}"[:100], value=code)
            for code, kind in await self.front.actions.task_codes(member, everyone=everyone)
            if not wanted or wanted in code.lower()
        ][:25]

    async def my_codes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._codes(interaction, current, everyone=False)

    async def open_codes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._codes(interaction, current, everyone=True)

    @task.command(name="add", description=N_("Add a task (organizers)"))
    @app_commands.describe(
        description=N_("what needs doing"), report=N_("a report code, like R3"),
        person=N_("a person code, like P2"), due=N_("when: 2h, 15:30 or 2026-11-24 08:00"),
    )  # fmt: skip
    async def add(
        self,
        interaction: discord.Interaction,
        description: str,
        report: str = "",
        person: str = "",
        due: str = "",
    ) -> None:
        actions = self.front.actions
        await self.front.run(
            interaction,
            "task",
            lambda m: actions.task_add(
                m,
                description,
                report_id=parse_report_code(report) if report else None,
                person_id=parse_code(person, "P") if person else None,
                when=due,
            ),
        )

    @task.command(name="assign", description=N_("Offer a task to a member (organizers)"))
    @app_commands.describe(task=TASK_CODE, member=N_("who should do it"), due=N_("when it is due"))
    @app_commands.autocomplete(task=open_codes)
    async def assign(
        self,
        interaction: discord.Interaction,
        task: str,
        member: discord.Member | discord.User,  # a User when given in a DM
        due: str = "",
    ) -> None:
        front = self.front
        await front.named(interaction.client, member)  # known to the bot, with their roles

        async def offer(actor: Member) -> list[Any]:
            return await front.actions.task_assign(
                actor, parse_code(task, "T"), str(member.id), due
            )

        await front.run(interaction, "task", offer)

    @task.command(name="accept", description=N_("Accept a task offered to you"))
    @app_commands.describe(task=TASK_CODE)
    @app_commands.autocomplete(task=my_codes)
    async def accept(self, interaction: discord.Interaction, task: str) -> None:
        actions = self.front.actions
        await self.front.run(
            interaction, "task", lambda m: actions.task_accept(m, parse_code(task, "T"))
        )

    @task.command(name="decline", description=N_("Decline a task offered to you"))
    @app_commands.describe(task=TASK_CODE, reason=N_("optional: why"))
    @app_commands.autocomplete(task=my_codes)
    async def decline(self, interaction: discord.Interaction, task: str, reason: str = "") -> None:
        actions = self.front.actions
        await self.front.run(
            interaction, "task", lambda m: actions.task_decline(m, parse_code(task, "T"), reason)
        )

    @task.command(name="done", description=N_("Mark your task done"))
    @app_commands.describe(
        task=TASK_CODE, note=N_("optional: how it went (organizers only see it)")
    )
    @app_commands.autocomplete(task=my_codes)
    async def done(self, interaction: discord.Interaction, task: str, note: str = "") -> None:
        actions = self.front.actions
        await self.front.run(
            interaction, "task", lambda m: actions.task_done(m, parse_code(task, "T"), note)
        )

    @task.command(name="release", description=N_("Give back a task you cannot do"))
    @app_commands.describe(task=TASK_CODE, reason=N_("optional: why"))
    @app_commands.autocomplete(task=my_codes)
    async def release(self, interaction: discord.Interaction, task: str, reason: str = "") -> None:
        actions = self.front.actions
        await self.front.run(
            interaction, "task", lambda m: actions.task_release(m, parse_code(task, "T"), reason)
        )

    @task.command(name="cancel", description=N_("Cancel a task (organizers)"))
    @app_commands.describe(task=TASK_CODE)
    @app_commands.autocomplete(task=open_codes)
    async def cancel(self, interaction: discord.Interaction, task: str) -> None:
        actions = self.front.actions
        await self.front.run(
            interaction, "task", lambda m: actions.task_cancel(m, parse_code(task, "T"))
        )

    @app_commands.command(name="tasks", description=describe("tasks"))
    @also_in_direct_messages
    @app_commands.describe(which=N_("yours, or every open task (organizers)"))
    @app_commands.choices(
        which=[
            app_commands.Choice(name=N_("mine"), value="mine"),
            app_commands.Choice(name=N_("open"), value="open"),
        ]
    )
    async def tasks(
        self, interaction: discord.Interaction, which: app_commands.Choice[str] | None = None
    ) -> None:
        value = which.value if which else "mine"
        actions = self.front.actions
        await self.front.run(
            interaction, "tasks", lambda m: actions.task_list(m, "" if value == "mine" else value)
        )

    @app_commands.command(name="person", description=describe("person"))
    @also_in_direct_messages
    @app_commands.describe(person=N_("a person code, like P2"))
    async def person(self, interaction: discord.Interaction, person: str) -> None:
        front = self.front
        await front.run(
            interaction,
            "person",
            lambda m: front.actions.person(
                m, front.conversation(interaction.user), parse_code(person, "P")
            ),
        )

    @app_commands.command(name="detained", description=describe("detained"))
    @also_in_direct_messages
    @app_commands.describe(
        report=N_("the report code, like R3"), relation=N_("how the contact is related"),
        language=N_("the family's language"), children=N_("children to pick up: where"),
        pickup=N_("by when: 15:30, 3pm or 2h"),
    )  # fmt: skip
    async def detained(
        self,
        interaction: discord.Interaction,
        report: str = "",
        relation: str = "",
        language: str = "",
        children: str = "",
        pickup: str = "",
    ) -> None:
        front = self.front
        member = await front.acting(interaction)
        if member is None:
            return
        if not is_organizer(member):  # the core refuses too; this only spares an empty form
            await front.respond(
                interaction,
                front.renderer.render(
                    _("Only organizers can record people detained."), member.language
                ),
            )
            return
        extra = {"relation": relation, "language": language, "children": children,
                 "pickup": pickup}  # fmt: skip
        await interaction.response.send_modal(DetainedForm(front, member, report, extra))
