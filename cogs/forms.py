"""Forms (modals) whose submission any process can take, before or after a restart.

discord.py hands a form's submission to the `Modal` object that showed it, if that
object is still in memory; after a restart, or in another process, there is none, the
submission goes only to `on_interaction`, and without a handler there the member sees
"This interaction failed" and loses what they typed. So our forms only describe
themselves: each has a stable custom id (`rr:form:<kind>[:<ref>]`, the ref being a
report number or the token under which the core keeps what the form was opened with),
its fields have stable custom ids, and every submission is taken by `FormsCog` from
the interaction itself, whichever process receives it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import discord
from discord.ext import commands

from bot.i18n import _
from cogs.frontend import DISCORD_ERRORS, DiscordFrontEnd

log = logging.getLogger(__name__)

FORM_ID = re.compile(r"^rr:form:(?P<kind>[a-z]{1,20})(?::(?P<ref>[A-Za-z0-9_-]{1,40}))?$")
TITLE_LIMIT = 45
LABEL_LIMIT = 45


@dataclass(frozen=True)
class Submission:
    """A sent form: which form, its ref, and what was typed into each field."""

    kind: str
    ref: str | None
    values: dict[str, str]

    def value(self, name: str) -> str:
        return self.values.get(name, "")


class Form(discord.ui.Modal):
    """A form that only describes itself; `taken` handles its submission."""

    kind: ClassVar[str]

    def __init__(self, title: str, ref: str | None = None) -> None:
        custom_id = f"rr:form:{self.kind}" + (f":{ref}" if ref else "")
        super().__init__(title=title[:TITLE_LIMIT], custom_id=custom_id, timeout=None)
        # Not kept in discord.py's view store: FormsCog takes the submission, the same
        # way whether or not this object still exists.
        self.stop()

    def field(self, name: str, label: str, **options: Any) -> discord.ui.TextInput[Any]:
        text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=label[:LABEL_LIMIT], custom_id=name, **options
        )
        self.add_item(text_input)
        return text_input

    @classmethod
    async def taken(
        cls, front: DiscordFrontEnd, interaction: discord.Interaction, sent: Submission
    ) -> None:
        raise NotImplementedError


async def show_form(interaction: discord.Interaction, form: Form) -> bool:
    """Show a form as the interaction's first answer; False if Discord refused it."""
    try:
        await interaction.response.send_modal(form)
    except DISCORD_ERRORS as error:
        log.warning("could not show a form (%s)", type(error).__name__)
        return False
    return True


def typed_values(components: object) -> dict[str, str]:
    """{field custom id: text} from a submission's components: action rows (type 1)
    and labels (type 18) hold the text inputs."""
    found: dict[str, str] = {}
    if not isinstance(components, list):
        return found
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("type") == 1:
            found.update(typed_values(component.get("components")))
        elif component.get("type") == 18:
            found.update(typed_values([component.get("component")]))
        elif isinstance(component.get("custom_id"), str) and isinstance(
            component.get("value"), str
        ):
            found[component["custom_id"]] = component["value"]
    return found


def submission_of(interaction: discord.Interaction) -> Submission | None:
    """The form this interaction sends, if it is the submission of one of ours."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: Mapping[str, Any] = interaction.data or {}
    match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    return Submission(match["kind"], match["ref"], typed_values(data.get("components")))


class FormsCog(commands.Cog):
    """Takes the submission of every form, whichever process showed it."""

    def __init__(self, front: DiscordFrontEnd, forms: tuple[type[Form], ...]) -> None:
        self.front = front
        self.forms = {form.kind: form for form in forms}

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        sent = submission_of(interaction)
        if sent is None:
            return
        form = self.forms.get(sent.kind)
        if form is None:  # a form from a newer or older version of the bot
            log.warning("a form of an unknown kind (%s) was sent", sent.kind)
            await self.front.respond(
                interaction,
                self.front.renderer.render(
                    _("I don't know that form any more. Please use the command again."),
                    self.front.quick_language(interaction),
                ),
            )
            return
        try:
            await form.taken(self.front, interaction, sent)
        except Exception:
            # The action itself is guarded; this is the rest (the database, Discord).
            log.exception("a %s form could not be taken", sent.kind)
            await self.front.apologise(interaction)
