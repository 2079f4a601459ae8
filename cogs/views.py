"""The buttons on the bot's messages: report cards, "still going on?" checks, task offers.

They are `DynamicItem`s: the report id lives in the button's custom id
(`verify:report:12`), so a card posted last week still works after any number of
restarts without the bot keeping a view per card in memory. Who may press is decided
by the core; a refusal is answered privately and changes nothing.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import discord

from bot.core.models import DismissReason, PhotoChoice
from bot.core.vocabulary import REASON_NAMES
from bot.i18n import Renderer, Span, _, _n
from cogs.frontend import DISCORD_ERRORS, front_of
from cogs.text import MESSAGE_LIMIT

log = logging.getLogger(__name__)

_REASONS = "|".join(re.escape(reason.value) for reason in DismissReason)


class VerifyButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"verify:report:(?P<id>[0-9]{1,18})(?P<photos>:photos)?",
):
    """Verify; `with_photos`: and send the report's photos (clean copies) with the alert."""

    def __init__(self, report_id: int, label: str = "Verify", *, with_photos: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.success,
                custom_id=f"verify:report:{report_id}" + (":photos" if with_photos else ""),
            )
        )
        self.report_id = report_id
        self.with_photos = with_photos

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> VerifyButton:
        return cls(int(match["id"]), with_photos=match["photos"] is not None)

    async def callback(self, interaction: discord.Interaction) -> None:
        front = front_of(interaction)
        photos = PhotoChoice() if self.with_photos else None
        await front.run(
            interaction,
            "verify",
            lambda member: front.actions.verify(member, self.report_id, "", photos),
        )


class DismissButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"dismiss:report:(?P<id>[0-9]{{1,18}}):(?P<reason>{_REASONS})",
):
    def __init__(self, report_id: int, reason: DismissReason, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or reason.value,
                style=discord.ButtonStyle.secondary,
                custom_id=f"dismiss:report:{report_id}:{reason.value}",
            )
        )
        self.report_id = report_id
        self.reason = reason

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> DismissButton:
        return cls(int(match["id"]), DismissReason(match["reason"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        front = front_of(interaction)
        await front.run(
            interaction,
            "dismiss",
            lambda member: front.actions.dismiss(member, self.report_id, self.reason),
        )


class ClaimButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"claim:report:(?P<id>[0-9]{1,18})",
):
    """ "I'll go": the verifier claims the report with the network's default ETA (a
    different one: /claim R3 25m)."""

    def __init__(self, report_id: int, label: str = "I'll go") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=f"claim:report:{report_id}",
            )
        )
        self.report_id = report_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ClaimButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        front = front_of(interaction)
        await front.run(
            interaction, "claim", lambda member: front.actions.claim(member, self.report_id)
        )


def claim_button(report_id: int, renderer: Renderer, language: str, eta: timedelta) -> ClaimButton:
    label = renderer.render(_("I'll go (ETA {eta})", eta=Span(eta)), language)
    return ClaimButton(report_id, label[:80])


def offer_view(
    report_id: int, renderer: Renderer, language: str, eta: timedelta
) -> discord.ui.View:
    """On a direct message that asks a verifier to go: the "I'll go" button."""
    view = discord.ui.View(timeout=None)
    view.add_item(claim_button(report_id, renderer, language, eta))
    return view


def card_view(
    report_id: int,
    reports: int,
    renderer: Renderer,
    language: str,
    *,
    photos: bool = False,
    eta: timedelta | None = None,
) -> discord.ui.View:
    """I'll go (with `eta`, the default ETA; None: no such button), verify (and, when
    the report has photos, verify and send them with the alert), the three ways to
    dismiss, and how many people reported it."""
    view = discord.ui.View(timeout=None)
    if eta is not None:
        view.add_item(claim_button(report_id, renderer, language, eta))
    view.add_item(VerifyButton(report_id, renderer.render(_("Verify"), language)[:80]))
    if photos:
        label = renderer.render(_("Verify, and send the photos with the alert"), language)
        view.add_item(VerifyButton(report_id, label[:80], with_photos=True))
    for reason in DismissReason:
        label = renderer.render(_("Dismiss: {reason}", reason=REASON_NAMES[reason]), language)
        view.add_item(DismissButton(report_id, reason, label[:80]))
    view.add_item(
        discord.ui.Button(
            label=renderer.render(
                _n("{count} independent report", "{count} independent reports", reports),
                language,
            )[:80],
            style=discord.ButtonStyle.secondary,
            custom_id=f"count:report:{report_id}",
            disabled=True,
        )
    )
    return view


class StillButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"still:report:(?P<id>[0-9]{1,18}):(?P<answer>yes|no)",
):
    """Yes or No on a "still going on?" check: yes keeps the alert, no is the all clear."""

    def __init__(self, report_id: int, going_on: bool, label: str | None = None) -> None:
        answer = "yes" if going_on else "no"
        super().__init__(
            discord.ui.Button(
                label=label or answer,
                style=discord.ButtonStyle.primary if going_on else discord.ButtonStyle.secondary,
                custom_id=f"still:report:{report_id}:{answer}",
            )
        )
        self.report_id = report_id
        self.going_on = going_on

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> StillButton:
        return cls(int(match["id"]), match["answer"] == "yes")

    async def callback(self, interaction: discord.Interaction) -> None:
        front = front_of(interaction)
        await front.run(
            interaction,
            "still",
            lambda member: front.actions.still(member, self.report_id, self.going_on),
        )


def still_view(report_id: int, renderer: Renderer, language: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    yes = renderer.render(_("Yes, still going on"), language)[:80]
    no = renderer.render(_("No, it is over: send the all clear"), language)[:80]
    view.add_item(StillButton(report_id, True, yes))
    view.add_item(StillButton(report_id, False, no))
    return view


class TaskAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"task:(?P<answer>accept|decline):(?P<id>[0-9]{1,18})",
):
    """Accept or Decline on a task offer in a direct message; the core checks who presses.

    The offer is edited to show the answer and loses its buttons once it is answered.
    """

    def __init__(self, task_id: int, answer: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or answer,
                style=discord.ButtonStyle.success
                if answer == "accept"
                else discord.ButtonStyle.secondary,
                custom_id=f"task:{answer}:{task_id}",
            )
        )
        self.task_id = task_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> TaskAnswerButton:
        return cls(int(match["id"]), match["answer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        front = front_of(interaction)
        # Pressed in a DM (roles from the server), where the offer itself shows the outcome.
        in_place = interaction.guild_id is None and interaction.message is not None
        member = await front.acting(interaction, in_place=in_place)
        if member is None:
            return
        actions, task_id = front.actions, self.task_id
        if self.answer == "accept":
            text = await front.replies(
                member,
                "task",
                lambda m: actions.task_accept(
                    m, task_id, in_direct_message=interaction.guild_id is None
                ),
            )
        else:
            text = await front.replies(member, "task", lambda m: actions.task_decline(m, task_id))
        if not in_place or await front.app.tasks.awaits_answer(member, self.task_id):
            await front.respond(interaction, text)  # nothing was settled: the buttons stay
            return
        # Answered (now, or before: cancelled, given to someone else): the offer shows
        # the outcome for good and keeps no button that could only be refused.
        offer = interaction.message.content if interaction.message is not None else ""
        updated = f"{offer}\n\n{text}" if offer else text
        try:
            if len(updated) <= MESSAGE_LIMIT:
                await interaction.edit_original_response(content=updated, view=None)
                return
            await interaction.edit_original_response(view=None)
        except DISCORD_ERRORS as error:
            log.warning("could not update a task offer (%s)", type(error).__name__)
        await front.respond(interaction, text)


def task_offer_view(task_id: int, renderer: Renderer, language: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(TaskAnswerButton(task_id, "accept", renderer.render(_("Accept"), language)))
    view.add_item(TaskAnswerButton(task_id, "decline", renderer.render(_("Decline"), language)))
    return view
