"""Follow-through on Discord: tasks, people detained. Parse, call the core, answer privately.

Every answer is seen only by the member who asked (ephemeral in the server, or in their
direct message), which is what lets `/person` show a detained person's details: Discord
shows them to that member alone. Task offers come by direct message, so these commands
work there too: what an offer or a reminder tells the member to send exists where they
read it.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.actions import Reply, guarded
from bot.core.commands import parse_code, parse_report_code
from bot.core.forms import new_token
from bot.core.models import Member, Role
from bot.i18n import N_, Msg, Renderer, _
from cogs.describe import describe
from cogs.forms import Form, Submission, show_form
from cogs.frontend import (
    ALSO_IN_DIRECT_MESSAGES,
    PLATFORM,
    DiscordFrontEnd,
    also_in_direct_messages,
)

log = logging.getLogger(__name__)

TASK_CODE = N_("the task code, like T4")


class DetainedForm(Form):
    """The personal fields of a person detained. The rest (the report code, relation,
    language, children, pick-up time) came with the command and is kept by the core
    under the form's token (its ref) until the form is sent."""

    kind = "detained"
    FIELDS = ("name", "dob", "contact", "phone", "notes")
    GIVEN = ("report", "relation", "language", "children", "pickup")  # with the command

    def __init__(self, renderer: Renderer, language: str, ref: str | None = None) -> None:
        super().__init__(renderer.render(_("Record a person detained"), language), ref)

        def label(text: Msg) -> str:
            return renderer.render(text, language)

        self.name = self.field("name", label(_("Full name")), max_length=100)
        self.dob = self.field(
            "dob", label(_("Date of birth (1990-04-12)")), required=False, max_length=10
        )
        self.contact = self.field(
            "contact", label(_("Who to call (name)")), required=False, max_length=100
        )
        self.phone = self.field(
            "phone", label(_("Their phone number")), required=False, max_length=30
        )
        self.notes = self.field(
            "notes",
            label(_("Notes (medication, lawyer…)")),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=500,
        )

    @classmethod
    async def taken(
        cls, front: DiscordFrontEnd, interaction: discord.Interaction, sent: Submission
    ) -> None:
        member = await front.acting(interaction)
        if member is None:
            return
        given: dict[str, str] = {}
        if sent.ref is not None:
            given = await front.app.forms.opened_with(sent.ref, cls.kind, member) or {}
        report = given.get("report", "")
        fields = {name: sent.value(name) for name in cls.FIELDS}
        fields.update({name: given.get(name, "") for name in cls.GIVEN if name != "report"})

        async def record() -> list[Reply]:
            report_id = parse_report_code(report) if report.strip() else None
            fields_given = {key: value for key, value in fields.items() if value.strip()}
            return await front.actions.detained(
                member, front.conversation(interaction.user), report_id, fields_given
            )

        replies = await guarded(record(), "detained", member)
        if sent.ref is not None:
            try:
                await front.app.forms.sent(sent.ref)
            except Exception:  # recorded all the same; the kept details are purged later
                log.exception("could not forget a detained form after taking it")
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
        async def codes() -> list[tuple[str, str]]:
            member = await self.front.quietly_acting(interaction)
            if member is None:
                return []
            return await self.front.actions.task_codes(member, everyone=everyone)

        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=f"{code} · {kind}"[:100], value=code)
            for code, kind in await self.front.suggest(codes())
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
        front = self.front
        await front.run(
            interaction,
            "task",
            lambda m: front.actions.task_add(
                m,
                front.conversation(interaction.user),
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

        async def offer(actor: Member) -> list[Any]:
            await front.named(interaction.client, member)  # known, with their current roles
            return await front.actions.task_assign(
                actor, parse_code(task, "T"), str(member.id), due
            )

        await front.run(interaction, "task", offer)

    @task.command(
        name="edit", description=N_("Change a task's description or due time (organizers)")
    )
    @app_commands.describe(
        task=TASK_CODE, description=N_("the new description"),
        due=N_("the new due time: 2h, 15:30 or 2026-11-24 08:00"),
    )  # fmt: skip
    @app_commands.autocomplete(task=open_codes)
    async def edit(
        self, interaction: discord.Interaction, task: str, description: str = "", due: str = ""
    ) -> None:
        front = self.front
        await front.run(
            interaction,
            "task",
            lambda m: front.actions.task_edit(
                m,
                front.conversation(interaction.user),
                parse_code(task, "T"),
                what=description,
                when=due,
            ),
        )

    @task.command(name="accept", description=N_("Accept a task offered to you"))
    @app_commands.describe(task=TASK_CODE)
    @app_commands.autocomplete(task=my_codes)
    async def accept(self, interaction: discord.Interaction, task: str) -> None:
        actions = self.front.actions
        await self.front.run(
            interaction,
            "task",
            lambda m: actions.task_accept(
                m, parse_code(task, "T"), in_direct_message=interaction.guild_id is None
            ),
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
        front = self.front
        await front.run(
            interaction,
            "tasks",
            lambda m: front.actions.task_list(
                m, front.conversation(interaction.user), "" if value == "mine" else value
            ),
        )

    @app_commands.command(name="person", description=describe("person"))
    @also_in_direct_messages
    @app_commands.describe(
        person=N_("a person code, like P2"),
        name=N_("organizers: correct the full name"),
        dob=N_("organizers: correct the date of birth, year first: 1990-04-12"),
        contact=N_("organizers: correct who to call (name)"),
        relation=N_("how the contact is related"),
        phone=N_("their phone number"),
        language=N_("the family's language"),
        children=N_("children to pick up: where"),
        pickup=N_("by when: 15:30, 3pm or 2h"),
        notes=N_("organizers only: notes (medication, lawyer…)"),
    )
    async def person(
        self,
        interaction: discord.Interaction,
        person: str,
        name: str = "",
        dob: str = "",
        contact: str = "",
        relation: str = "",
        phone: str = "",
        language: str = "",
        children: str = "",
        pickup: str = "",
        notes: str = "",
    ) -> None:
        """The person's details; with any other option, an organizer's correction of
        those fields (the labels of /detained, read by the same rules)."""
        front = self.front
        typed = {"name": name, "dob": dob, "contact": contact, "relation": relation,
                 "phone": phone, "language": language, "children": children,
                 "pickup": pickup, "notes": notes}  # fmt: skip
        given = {label: value for label, value in typed.items() if value.strip()}

        async def answer(member: Member) -> list[Reply]:
            conversation = front.conversation(interaction.user)
            if given:
                return await front.actions.person_edit(
                    member, conversation, parse_code(person, "P"), given
                )
            return await front.actions.person(member, conversation, parse_code(person, "P"))

        await front.run(interaction, "person", answer)

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
        if not await front.at_home(interaction):
            return
        # Answered at once, before any database work (roles come with the interaction,
        # or from Discord for a DM); if they cannot be known in time, the core decides.
        roles = await front.roles_at_once(interaction)
        if roles is not None and Role.ORGANIZER not in roles:
            # The core refuses too; this only spares an empty form.
            await front.respond(
                interaction,
                front.renderer.render(
                    _("Only organizers can record people detained."),
                    front.quick_language(interaction),
                ),
            )
            return
        token = new_token()
        form = DetainedForm(front.renderer, front.quick_language(interaction), token)
        if not await show_form(interaction, form):
            return
        member = await front.app.members.identify(PLATFORM, str(interaction.user.id))
        given = {"report": report, "relation": relation, "language": language,
                 "children": children, "pickup": pickup}  # fmt: skip
        await front.app.forms.keep(token, DetainedForm.kind, member, given)
