"""/practice: a short role-play for staying silent when an agent lies or threatens.

Know-Your-Rights trainers find that saying the words out loud, once, is what helps people
stay silent at the door. In a direct message the bot plays an agent and says what agents
say to get people talking (the script is the rights card's `=== practice ===` part, so
whoever reviews the cards reviews it, in every language); the member answers, and the
bot coaches after each answer: silence, "…", /skip, or a rights line ("I want to remain
silent", "I want a lawyer", "I do not consent", "no firmo nada") is praised; an answer
about where they were born, their status or how they entered (or opening the door,
signing) is gently corrected with the rights line it breaks. Answers are read with the
words files' `[practice]` words, in every language, typos forgiven.

Nothing the member writes is kept: the dialog row holds where they are and how many
answers went well, and it ends at the last question, on /stop, or after half an hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Literal

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.models import Conversation, Member
from bot.core.phrases import says
from bot.core.replies import Reply
from bot.core.rights import PRACTICE_KINDS, card_for, urgent_reminder
from bot.core.store import Store
from bot.core.yes_no import meaning
from bot.i18n import Msg, Raw, Renderer, Text, _, _n, lines

KIND = "practice"
EXPIRES_AFTER = timedelta(minutes=30)
_HAS_WORDS = re.compile(r"\w")

# Questions where "no" is itself an answer about the member (are you here legally? no).
_ABOUT_THEM = frozenset({"born", "status", "entry"})
# Questions where "no" is a refusal (open the door? no) and "ok" gives in.
_GIVING_IN = frozenset({"door", "sign"})


class Verdict(StrEnum):
    SILENT = "silent"  # silence, or a rights line: praised
    TOLD = "told"  # birthplace, status, entry: corrected
    GAVE_IN = "gave_in"  # opened the door, signed: corrected
    OTHER = "other"  # anything else: corrected, more gently still


@dataclass(frozen=True)
class PracticeText:
    """A line of the practice script, in each reader's language (their card's)."""

    index: int
    part: Literal["intro", "agent", "praise", "correction"]

    def render(self, renderer: Renderer, language: str) -> str:
        card = card_for(language)
        if self.part == "intro":
            return Raw(card.practice_intro).render(renderer, language)
        step = card.practice[self.index]
        return Raw(getattr(step, self.part)).render(renderer, language)


@dataclass(frozen=True)
class Unreviewed:
    """Says so when the reader's card, and so its practice script, is not reviewed."""

    def render(self, renderer: Renderer, language: str) -> str:
        if card_for(language).reviewed:
            return ""
        return _("This practice script has not been reviewed by the community yet.").render(
            renderer, language
        )


def agent_says(index: int) -> Text:
    return _("Agent: {words}", words=PracticeText(index, "agent"))


def mentions(text: str, key: str) -> bool:
    """Whether the answer says one of the [practice] phrases for `key`."""
    return says(text, "practice", key)


def judge(kind: str, text: str) -> Verdict:
    """How an answer to the agent's question `kind` went. Telling something about
    oneself is checked first: "soy de México, quiero un abogado" still told them."""
    if not _HAS_WORDS.search(text):
        return Verdict.SILENT  # nothing, "…", "🤐"
    answer = meaning(text)
    if mentions(text, "tells") or (kind in _ABOUT_THEM and answer in ("yes", "no")):
        return Verdict.TOLD
    if mentions(text, "silent") or answer == "skip":
        return Verdict.SILENT
    if kind in _GIVING_IN and answer == "no":
        return Verdict.SILENT  # "no" to opening the door, to signing
    if kind in _GIVING_IN and (answer == "yes" or mentions(text, "agrees")):
        return Verdict.GAVE_IN
    return Verdict.OTHER


CAREFUL: dict[Verdict, Msg] = {
    Verdict.TOLD: _(
        "Careful: that answer tells the agent something about you that can be used against you."
    ),
    Verdict.GAVE_IN: _("Careful: that gives the agent what they asked for."),
    Verdict.OTHER: _(
        "Anything you say can be used against you. The safest answer is silence, or one of "
        "the lines below."
    ),
}


class Practice:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def start(self, actor: Member, conversation: Conversation) -> list[Reply]:
        if not conversation.is_direct:
            raise UserError(
                _(
                    "Let's practise in a private message, where nobody else reads your "
                    "answers: send me /practice there."
                )
            )
        async with self.store.transaction() as tx:
            current = await tx.dialogs.get(actor.id)
            if current is not None and current.kind != KIND:
                raise UserError(
                    _(
                        "Finish what you are recording first, or send /cancel to drop it; "
                        "then send /practice."
                    )
                )
            await tx.dialogs.save(actor.id, KIND, "0", {"right": "0"}, self.clock.now())
        return [
            Reply(
                lines(
                    PracticeText(0, "intro"),
                    Unreviewed(),
                    _(
                        "This is only practice: nothing you write here is reported or kept. "
                        "Send /stop to end it. To report something real, send /report."
                    ),
                    agent_says(0),
                )
            )
        ]

    async def answer(self, actor: Member, text: str) -> list[Reply] | None:
        """Coach one answer and ask the next question; None when the member is not
        practising (any more), so the message is handled as usual."""
        async with self.store.reading() as tx:
            dialog = await tx.dialogs.get(actor.id)
        if dialog is None or dialog.kind != KIND:
            return None
        now = self.clock.now()
        if now - dialog.updated_at > EXPIRES_AFTER:
            async with self.store.transaction() as tx:
                await tx.dialogs.end(actor.id)
            return None  # a message half an hour later is not an answer to the agent
        index, right = int(dialog.step), int(dialog.data.get("right", "0"))
        verdict = judge(PRACTICE_KINDS[index], text)
        if verdict is Verdict.SILENT:
            right += 1
            coached: Text = PracticeText(index, "praise")
        else:
            coached = lines(CAREFUL[verdict], PracticeText(index, "correction"))
        following = index + 1
        async with self.store.transaction() as tx:
            if following < len(PRACTICE_KINDS):
                await tx.dialogs.save(actor.id, KIND, str(following), {"right": str(right)}, now)
            else:
                await tx.dialogs.end(actor.id)
        if following < len(PRACTICE_KINDS):
            return [Reply(lines(coached, agent_says(following)))]
        return [Reply(lines(coached, _summary(right, following)))]

    async def stop(self, actor: Member) -> list[Reply] | None:
        """End the practice early; None when there is none."""
        async with self.store.reading() as tx:  # "stop" is typed far more than practised
            current = await tx.dialogs.get(actor.id)
        if current is None or current.kind != KIND:
            return None
        async with self.store.transaction() as tx:
            dialog = await tx.dialogs.get(actor.id)
            if dialog is None or dialog.kind != KIND:
                return None
            await tx.dialogs.end(actor.id)
        answered = int(dialog.step)
        if not answered:
            return [Reply(_("Practice stopped. Send /practice to try it any time."))]
        return [Reply(_summary(int(dialog.data.get("right", "0")), answered))]


def _summary(right: int, answered: int) -> Text:
    return lines(
        _n(
            "Practice over. You kept your rights in {right} of {count} answer.",
            "Practice over. You kept your rights in {right} of {count} answers.",
            answered,
            right=right,
        ),
        _("Remember:") if right < answered else _("Well done. Remember:"),
        urgent_reminder(),
        _("Practise again any time with /practice. Your rights card: /rights"),
    )
