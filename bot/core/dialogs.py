"""Recording a person step by step, in a direct message, for organizers on a phone.

`/detained` with no details starts it: the bot asks one question at a time, checks each
answer with the same rules as the one-line form, re-asks after a mistake without losing
the other answers, shows everything numbered for a last check, lets the organizer
change one answer ("change 3", "3", "phone", "cambiar teléfono") and saves only on
"yes". Yes, no, skip and change are the words of the words files' [answers] section, in
every language. /cancel (or "cancel" alone) always stops it. The answers are kept in the
database, so a restart in the middle loses nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core import permissions
from bot.core.actions import Actions, Reply
from bot.core.commands import label_table, parse_fields
from bot.core.drafts import PERSON_LABELS
from bot.core.errors import UserError
from bot.core.models import Conversation, Member
from bot.core.personal_fields import parse_date_of_birth, parse_pickup, read_language
from bot.core.phone_numbers import parse_phone, show_phone
from bot.core.reports import unknown_report
from bot.core.task_text import field_line, language_text
from bot.core.yes_no import meaning, skips
from bot.i18n import Lines, Msg, Raw, Text, Trusted, When, _, lines
from bot.i18n.words import fold, vocabulary

KIND = "detained"
FIELDS = ("name", "dob", "contact", "relation", "phone", "language", "children", "pickup",
          "notes")  # fmt: skip
STEPS = (*FIELDS, "confirm")
CHANGING = "changing"  # in the saved answers: one question asked again, then the check
STORED_TIME = "%Y-%m-%d %H:%M"  # a pick-up time as kept between answers, network time
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
CONFIRM = _(
    "Send yes to save it, no to discard it, or the number of a line to change it (like change 3)."
)


def is_cancel(text: str) -> bool:
    return vocabulary().index("commands").get(fold(text)) == "cancel"


def _field_named(text: str) -> str | None:
    """The field an organizer wants to change: "change 3", "3", "phone", "cambiar
    teléfono", "#3"; the names are the person labels of the words files."""
    words = fold(text)
    for size in (2, 1):  # "thay đổi" is two words
        head = " ".join(words.split()[:size])
        if len(words.split()) > size and meaning(head) == "change":
            words = " ".join(words.split()[size:])
            break
    if words.isdigit():
        number = int(words)
        return FIELDS[number - 1] if 1 <= number <= len(FIELDS) else None
    return label_table("person").get(words)


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
        async with self.store.reading() as tx:
            current = await tx.dialogs.get(actor.id)
        if current is not None and current.kind == KIND and current.data.get("name"):
            # Starting again would throw away a record half typed: say so, keep it.
            return [
                Reply(
                    lines(
                        _(
                            "You are still recording {name}. Answer the question to go on, "
                            "or send /cancel to drop it first.",
                            name=Raw(current.data["name"]),
                        ),
                        QUESTIONS.get(current.step, CONFIRM),
                    )
                )
            ]
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
        if is_cancel(text):  # "cancel" without the slash, in any language
            return await self.cancel(actor)
        data = dict(dialog.data)
        value = text.strip()
        if dialog.step == "confirm":
            return await self._confirm(actor, conversation, data, value)
        step = dialog.step
        try:
            data[step] = "" if step != "name" and skips(value) else self._check(step, value)
        except UserError as problem:
            return [Reply(lines(problem.message, QUESTIONS[step]))]
        if step == "children" and not data[step]:
            data["pickup"] = ""  # no children, no pick-up time
        following = self._following(step, data)
        if following == "confirm":
            data.pop(CHANGING, None)
        async with self.store.transaction() as tx:
            await tx.dialogs.save(actor.id, KIND, following, data, now)
        if following == "confirm":
            return [Reply(self._summary(data))]
        return [Reply(QUESTIONS[following])]

    def _following(self, step: str, data: dict[str, str]) -> str:
        """The question after `step`: the next one, or back to the check after a change
        (by way of the pick-up time when children were just added)."""
        if step == "children" and data.get("children") and not data.get("pickup"):
            return "pickup"
        if data.get(CHANGING):
            return "confirm"
        following = STEPS[STEPS.index(step) + 1]
        if following == "pickup" and not data.get("children"):
            following = "notes"
        return following

    def _check(self, step: str, value: str) -> str:
        """The answer as it will be saved; a UserError re-asks the same question."""
        if step == "name" and not fold(value):
            raise UserError(_("A name is needed so the family and lawyers can find them."))
        now = self.clock.now()
        network = self.actions.network
        zone = network.zone
        if step == "dob":
            today = now.astimezone(zone).date()
            return parse_date_of_birth(value, today, network.languages).isoformat()
        if step == "phone":
            return parse_phone(value, network.region)
        if step == "language":
            return read_language(value)
        if step == "pickup":
            # Earlier today is kept, as on one line: the children may still be waiting.
            moment, _passed = parse_pickup(value, now, zone, network.languages)
            return moment.astimezone(zone).strftime(STORED_TIME)
        return value

    def _fields(self, data: dict[str, str]) -> dict[str, str]:
        return {key: data[key] for key in FIELDS if data.get(key)}

    def _summary(self, data: dict[str, str]) -> Text:
        """Every answer on a numbered line (— for none), so "change 3" is plain to see."""
        numbered = [
            Lines((Trusted(f"{number}. "), self._line(field, data.get(field, ""))), separator="")
            for number, field in enumerate(FIELDS, start=1)
        ]
        return lines(_("Please check:"), *numbered, CONFIRM)

    def _line(self, field: str, value: str) -> Text:
        network = self.actions.network
        shown: Text = Trusted("—")
        if value and field == "phone":
            shown = Raw(show_phone(value, network.region))
        elif value and field == "language":
            shown = language_text(value)
        elif value and field == "pickup":
            moment = datetime.strptime(value, STORED_TIME).replace(tzinfo=network.zone)
            shown = When(moment)
        elif value:
            shown = Raw(value)
        return field_line(PERSON_LABELS[field], shown)

    async def _confirm(
        self, actor: Member, conversation: Conversation, data: dict[str, str], value: str
    ) -> list[Reply]:
        answer = meaning(value)
        if answer == "no":
            return await self.cancel(actor)
        if answer == "yes":
            return await self._save(actor, conversation, data)
        typed = parse_fields(value, label_table("person"), continued=True)
        if typed.values and not typed.free:  # "nombre: María López Ruiz": changed at once
            try:
                for key, new in typed.values.items():
                    data[key] = "" if key != "name" and skips(new) else self._check(key, new)
            except UserError as problem:
                return [Reply(lines(problem.message, CONFIRM))]
            async with self.store.transaction() as tx:
                await tx.dialogs.save(actor.id, KIND, "confirm", data, self.clock.now())
            return [Reply(self._summary(data))]
        field = _field_named(value)
        if field is not None:
            data[CHANGING] = "yes"
            async with self.store.transaction() as tx:
                await tx.dialogs.save(actor.id, KIND, field, data, self.clock.now())
            return [Reply(QUESTIONS[field])]
        if answer == "change":
            return [Reply(_("Which line? Send its number, like change 3."))]
        return [Reply(CONFIRM)]

    async def _save(
        self, actor: Member, conversation: Conversation, data: dict[str, str]
    ) -> list[Reply]:
        report = int(data["report"]) if data.get("report") else None
        try:
            if data.get("pickup"):  # it may have passed while they were checking
                self._check("pickup", data["pickup"])
            replies = await self.actions.detained(actor, conversation, report, self._fields(data))
        except UserError as problem:  # answered here, where "change 8" can fix it
            return [Reply(lines(problem.message, CONFIRM))]
        async with self.store.transaction() as tx:
            await tx.dialogs.end(actor.id)
        return replies
