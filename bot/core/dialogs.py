"""Recording a person step by step, in a direct message, for organizers on a phone.

`/detained` with no details starts it: the bot asks one question at a time, checks each
answer with the same rules as the one-line form, re-asks after a mistake without losing
the other answers, shows everything for a last check, and saves only on "yes". The
answers are kept in the database, so a restart in the middle loses nothing.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core import permissions
from bot.core.actions import Actions, Reply
from bot.core.drafts import person_details
from bot.core.errors import UserError
from bot.core.models import Conversation, Member
from bot.core.personal_fields import parse_date_of_birth, parse_phone, parse_when
from bot.core.reports import unknown_report
from bot.core.task_text import details_lines
from bot.i18n import Msg, Raw, Text, _, lines

KIND = "detained"
STEPS = ("name", "dob", "contact", "relation", "phone", "language", "children", "pickup",
         "notes", "confirm")  # fmt: skip
SKIP = frozenset({"-", "skip", "saltar", "none", "ninguno", "ninguna", "nada", "no"})
YES = frozenset({"yes", "y", "si", "sí", "ok", "save", "guardar"})
NO = frozenset({"no", "n", "discard", "descartar"})
EXPIRES_AFTER = timedelta(minutes=30)

QUESTIONS: dict[str, Msg] = {
    "name": _("What is the person's full name?"),
    "dob": _("Their date of birth, year first (like 1990-04-12)? Send - to skip."),
    "contact": _("Who should we call for them? Send the contact's name, or - to skip."),
    "relation": _("How is the contact related to them (sister, wife, friend…)? - to skip."),
    "phone": _("The contact's phone number? - to skip."),
    "language": _("Which language does the family speak? - to skip."),
    "children": _("Are there children to pick up? Say where (school, address), or - if none."),
    "pickup": _("By when must the children be picked up (15:30, 3pm, 2h)?"),
    "notes": _("Anything else organizers should know (medication, a lawyer)? - if nothing."),
}


class DetainedConversation:
    def __init__(self, actions: Actions) -> None:
        self.actions = actions
        self.store = actions.reports.store
        self.clock = actions.clock

    async def active(self, member: Member) -> bool:
        async with self.store.reading() as tx:
            dialog = await tx.dialogs.get(member.id)
        return dialog is not None and dialog.kind == KIND

    async def start(
        self, actor: Member, conversation: Conversation, report_id: int | None
    ) -> list[Reply]:
        permissions.check_can_record_people(actor)
        if not conversation.is_direct:
            raise UserError(
                _("Personal details are only taken in a direct message: send me /detained there.")
            )
        data = {"report": str(report_id) if report_id else ""}
        async with self.store.transaction() as tx:
            # Checked before the first question, not after the last: no answers thrown away.
            if report_id is not None and not await tx.reports.exists(report_id):
                raise unknown_report(report_id)
            await tx.dialogs.save(actor.id, KIND, "name", data, self.clock.now())
        intro = (
            _("Recording a person detained in R{number}.", number=report_id)
            if report_id
            else _("Recording a person detained.")
        )
        return [
            Reply(
                lines(
                    intro,
                    _("Send /cancel at any time to stop; nothing is saved until the end."),
                    QUESTIONS["name"],
                )
            )
        ]

    async def cancel(self, actor: Member) -> list[Reply]:
        async with self.store.transaction() as tx:
            await tx.dialogs.end(actor.id)
        return [Reply(_("Stopped. Nothing was saved."))]

    async def answer(self, actor: Member, conversation: Conversation, text: str) -> list[Reply]:
        async with self.store.reading() as tx:
            dialog = await tx.dialogs.get(actor.id)
        if dialog is None:
            return []
        now = self.clock.now()
        if now - dialog.updated_at > EXPIRES_AFTER:
            await self.cancel(actor)
            return [
                Reply(
                    _(
                        "That conversation timed out and nothing was saved. Start again "
                        "with /detained."
                    )
                )
            ]
        data = dict(dialog.data)
        value = text.strip()
        if dialog.step == "confirm":
            return await self._confirm(actor, conversation, data, value)
        skipped = value.lower() in SKIP and dialog.step != "name"
        try:
            data[dialog.step] = "" if skipped else self._check(dialog.step, value)
        except UserError as problem:
            return [Reply(lines(problem.message, QUESTIONS[dialog.step]))]
        step = STEPS[STEPS.index(dialog.step) + 1]
        if step == "pickup" and not data.get("children"):
            step = "notes"
        async with self.store.transaction() as tx:
            await tx.dialogs.save(actor.id, KIND, step, data, now)
        if step == "confirm":
            return [Reply(self._summary(data))]
        return [Reply(QUESTIONS[step])]

    def _check(self, step: str, value: str) -> str:
        """The answer as it will be saved; a UserError re-asks the same question."""
        if step == "name" and not value:
            raise UserError(_("A name is needed so the family and lawyers can find them."))
        now = self.clock.now()
        zone = self.actions.network.zone
        if step == "dob":
            return parse_date_of_birth(value, now.astimezone(zone).date()).isoformat()
        if step == "phone":
            return parse_phone(value)
        if step == "pickup":
            return parse_when(value, now, zone).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return value

    def _fields(self, data: dict[str, str]) -> dict[str, str]:
        return {key: value for key, value in data.items() if key != "report" and value}

    def _summary(self, data: dict[str, str]) -> Text:
        details = person_details(self._fields(data), self.clock.now(), self.actions.network.zone)
        return lines(
            _("Please check:"),
            Raw(details.name),
            details_lines(details),
            _("Send yes to save it, or no to discard it."),
        )

    async def _confirm(
        self, actor: Member, conversation: Conversation, data: dict[str, str], value: str
    ) -> list[Reply]:
        answer = value.lower()
        if answer in NO:
            return await self.cancel(actor)
        if answer not in YES:
            return [Reply(_("Send yes to save it, or no to discard it."))]
        report = int(data["report"]) if data.get("report") else None
        replies = await self.actions.detained(actor, conversation, report, self._fields(data))
        async with self.store.transaction() as tx:
            await tx.dialogs.end(actor.id)
        return replies
