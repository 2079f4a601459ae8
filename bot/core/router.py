"""The text grammar's dispatcher: parse a line, call the matching action, reply.

Every front end hands the messages people write here: the console and Signal all of
them, Discord its direct messages and @-mentions. Parsing is all this module does;
what a command may do and what it says live in `actions.py`, shared with Discord.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from rapidfuzz.distance import OSA

from bot.core import media_text, permissions
from bot.core.actions import Actions, Reply, guarded
from bot.core.commands import (
    COMMANDS,
    CommandLine,
    Example,
    closest_command,
    command_language,
    find_command,
    label_table,
    local_name,
    not_in_broadcast_chats,
    parse_code,
    parse_fields,
    parse_report_code,
    split_command,
    take_report_code,
    unknown_command,
)
from bot.core.dialogs import DetainedConversation, is_cancel
from bot.core.dispatch import parse_duty, parse_eta
from bot.core.errors import UserError
from bot.core.media import Upload
from bot.core.models import Conversation, DismissReason, Member, TargetPurpose
from bot.core.network import Network
from bot.core.phrases import which
from bot.core.practice import Practice
from bot.core.report_actions import wants_everything
from bot.core.report_reading import WHAT_DID_YOU_SEE, has_words, read_as, read_report
from bot.core.vocabulary import parse_reason, reason_choices, split_photo_choice
from bot.core.yes_no import meaning, parse_yes_no, split_answer
from bot.i18n import Raw, Renderer, _, language_name, lines, one_of
from bot.i18n.words import fold, vocabulary

__all__ = ["CommandRouter", "Reply"]

CORRECTION_LABELS = label_table("correction")
PERSON_LABELS = label_table("person")
TASK_LABELS = label_table("task")
EDIT_LABELS = label_table("edit")


_PERSON_CODE = re.compile(r"^[Pp]\d{1,9}$")


def task_verb(word: str) -> str | None:
    """The task verb a word names ("aceptar" -> "accept"), in any language."""
    return vocabulary().index("task_verbs").get(fold(word))


# Verb endings (Spanish, Portuguese, French), longest first: "acepto", "acepté" and
# "aceptar" share "acept".
_ENDINGS = ("ieron", "iendo", "aron", "amos", "emos", "imos", "ando", "ado", "ido", "ada",
            "ida", "ar", "er", "ir", "as", "es", "o", "a", "e", "i")  # fmt: skip


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class TaskVerb:
    """A /task verb in the reader's words ("aceptar"; English without its own)."""

    key: str

    def render(self, renderer: Renderer, language: str) -> str:
        local = vocabulary().local("task_verbs", self.key, language)
        return renderer.escape(local[0] if local else self.key)


def nearest_task_verbs(word: str) -> list[str]:
    """The task verbs a mistyped or conjugated word is nearest to ("asign" -> assign,
    "acepto" -> accept); several when they are equally near, none when none is near."""
    typed = fold(word)
    if len(typed) < 3:
        return []
    limit = 1 if len(typed) <= 5 else 2
    near: dict[str, int] = {}
    for known, verb in vocabulary().index("task_verbs").items():
        distance = 0 if _stem(typed) == _stem(known) else OSA.distance(typed, known)
        if distance <= limit:
            near[verb] = min(distance, near.get(verb, distance))
    if not near:
        return []
    best = min(near.values())
    return sorted(verb for verb, distance in near.items() if distance == best)


# How long the answers to what a command in another language started stay in it.
SPEAKING_FOR = timedelta(minutes=30)

Handler = Callable[[Member, Conversation, CommandLine], Awaitable[list[Reply]]]


class CommandRouter:
    def __init__(self, actions: Actions, network: Network) -> None:
        self.network = network
        self.actions = actions
        self.detained_conversation = DetainedConversation(self.actions)
        self.practice = Practice(actions.reports.store, actions.clock)
        self._hinted: dict[int, date] = {}  # member id -> the day they were told of /lang
        # member id -> the language of the command that started what they are answering
        # (/practicar, /reportar asking "where?"), and when they last wrote in it.
        self._speaking: dict[int, tuple[str, datetime]] = {}
        self._handlers: dict[str, Handler] = {
            "report": self._report,
            "verify": self._verify,
            "dismiss": self._dismiss,
            "claim": self._claim,
            "unclaim": self._unclaim,
            "duty": self._duty,
            "resolve": self._resolve,
            "still": self._still,
            "correct": self._correct,
            "retract": self._retract,
            "status": self._status,
            "role": self._role,
            "roles": lambda a, c, line: self.actions.roles(a, c, line.body),
            "detained": self._detained,
            "cancel": self._cancel,
            "task": self._task,
            "tasks": lambda a, c, line: self.actions.task_list(a, c, line.body),
            "person": self._person,
            "rights": lambda a, c, line: self.actions.rights(a, line.body),
            "hotline": lambda a, c, line: self.actions.hotline(a),
            "practice": lambda a, c, line: self.practice.start(a, c),
            "lang": lambda a, c, line: self.actions.lang(a, _first_word(line.body)),
            "help": lambda a, c, line: self.actions.help(a, line.body),
            "stats": lambda a, c, line: self.actions.stats(a, c, line.body),
            "drill": lambda a, c, line: self.actions.drill(a, line.body),
        }
        missing = {spec.name for spec in COMMANDS} - set(self._handlers)
        if missing:  # a command in /help that does nothing would be a lie
            raise RuntimeError(f"commands without handlers: {sorted(missing)}")

    async def handle(
        self,
        actor: Member,
        conversation: Conversation,
        text: str,
        *,
        mentioned: bool = False,
        uploads: Sequence[Upload] = (),
    ) -> list[Reply]:
        """Answer one message (see `_handle`); while a drill runs, the answers say so."""
        speaking = self._still_speaking(actor, conversation, text)
        if speaking is not None:
            actor = replace(actor, language=speaking)
        replies = await self._handle(
            actor, conversation, text, mentioned=mentioned, uploads=uploads
        )
        if speaking is not None:
            replies = [Reply(r.text, r.language or speaking) for r in replies]
        return await self.actions.drills.marked(replies)

    def _still_speaking(self, actor: Member, conversation: Conversation, text: str) -> str | None:
        """The language of the command a direct message answers ("soy de México" after
        /practicar), for up to half an hour after they last wrote; the next command in
        their own words ends it."""
        held = self._speaking.get(actor.id)
        if held is None or not conversation.is_direct:
            return None
        command = split_command(text)
        now = self.actions.clock.now()
        if (command is not None and command.spec is not None) or now - held[1] > SPEAKING_FOR:
            return None
        self._speaking[actor.id] = (held[0], now)
        return held[0]

    async def _handle(
        self,
        actor: Member,
        conversation: Conversation,
        text: str,
        *,
        mentioned: bool = False,
        uploads: Sequence[Upload] = (),
    ) -> list[Reply]:
        """Answer one message. `mentioned`: a group message that names the bot, which
        gets an answer even when it is not a command (a cry for help). `uploads`: files
        sent with it, kept only with a report; otherwise the sender hears they were not."""
        command = split_command(text)
        if (
            conversation.is_direct
            and not uploads
            and (
                command is None
                or (
                    command.spec is None
                    # "/saltar" is near "/soltar": a short answer is an answer.
                    and (meaning(command.name) is not None or closest_command(command.name) is None)
                )
            )
        ):
            # An answer to the agent in /practice ("…", "/skip", "soy de México"); a
            # command with a slip in it ("/reprotar …") is still that command.
            coached = await guarded(self._coach(actor, text), "practice", actor)
            if coached:
                return coached
        if (
            command is None
            and conversation.is_direct
            and (has_words(text) or uploads)
            and await self.actions.intake.answering_what(actor)
        ):
            # The answer to "What did you see, and where?", with its photos if any.
            if is_cancel(text):
                return [Reply(_("Stopped. Nothing was saved."))]

            async def asked() -> list[Reply]:
                return await self.actions.report(actor, conversation, read_report(text), uploads)

            return await guarded(asked(), "report", actor)
        if command is not None and command.spec is None and has_words(command.body):
            meant = closest_command(command.name, actor.language) or ""
            spec = find_command(meant) if meant else None
            if spec is not None and spec.name == "report":
                # "/reprotar migra en el swap meet": a report is never lost to a slip of
                # the thumb; verifiers check it like any other.
                # By its own name: a slip never changes the language of the answer.
                filed = await self.handle(
                    actor, conversation, f"/{spec.name} {command.body}", uploads=uploads
                )
                return [Reply(read_as(command.name, meant)), *filed]
        is_report = (
            command is not None and command.spec is not None and (command.spec.name == "report")
        )
        if uploads and not is_report and not self._report_without_slash(conversation, text):
            # A photo alone has no words to answer: the note below is the whole answer.
            replies = (
                await self.handle(actor, conversation, text, mentioned=mentioned)
                if text.strip()
                else []
            )
            if not (conversation.is_direct or mentioned or command is not None):
                return replies  # group chatter with a photo is not for the bot
            return [*replies, Reply(media_text.not_with_a_report(len(uploads)))]
        if len(text) > self.network.max_message_chars:
            return [
                Reply(
                    _(
                        "That message is too long ({length} characters; the limit is {limit}). "
                        "Please shorten it and send it again.",
                        length=len(text),
                        limit=self.network.max_message_chars,
                    )
                )
            ]
        if command is None:
            return await self._not_a_command(
                actor, conversation, text, mentioned=mentioned, uploads=uploads
            )
        if command.spec is None:
            return [Reply(unknown_command(command.name, actor.language, command.body))]
        if not command.spec.in_broadcast_chats and conversation.purpose is TargetPurpose.BROADCAST:
            return [Reply(not_in_broadcast_chats(command.name))]
        handler = self._handlers[command.spec.name]
        typed_in = self._typed_language(actor, command)
        if conversation.is_direct and typed_in is not None:
            self._speaking[actor.id] = (typed_in, self.actions.clock.now())
        elif conversation.is_direct:
            self._speaking.pop(actor.id, None)
        if typed_in is not None:
            # This answer (and what goes to them privately this moment) in the language
            # the command was typed in; the member's own language stays theirs.
            actor = replace(actor, language=typed_in)

        async def run() -> list[Reply]:
            # Called in here, so a refusal raised while reading the arguments (before the
            # handler's coroutine exists) is answered like any other.
            if is_report:
                if (
                    conversation.is_direct
                    and not uploads
                    and not has_words(command.body)
                    and await self.actions.intake.ask_what(actor)
                ):
                    return [Reply(WHAT_DID_YOU_SEE)]
                return await self.actions.report(
                    actor, conversation, read_report(command.body), uploads
                )
            return await handler(actor, conversation, command)

        replies = await guarded(run(), command.spec.name, actor)
        if typed_in is None:
            return replies
        answer = [Reply(r.text, r.language or typed_in) for r in replies]
        hint = self._language_hint(actor, conversation)
        return answer if hint is None else [*answer, hint]

    def _typed_language(self, actor: Member, command: CommandLine) -> str | None:
        """The language a command word was typed in ("/cifras": es), when it is another
        of the network's languages than the member's and not a slip of their own word
        for it ("/practica" for /practice). Never for a member who chose their language
        (/lang, the config): they keep it."""
        if actor.language_chosen or command.spec is None or command.spec.name == "lang":
            return None
        language = command_language(command.name)
        if language is None or language == actor.language or language not in self.network.languages:
            return None
        typed = fold(command.name)
        own = [
            fold(word)
            for word in (
                *vocabulary().local("commands", command.spec.name, actor.language),
                command.spec.name,
            )
        ]
        if len(typed) >= 5 and any(OSA.distance(typed, word) <= 1 for word in own):
            return None
        return language

    def _language_hint(self, actor: Member, conversation: Conversation) -> Reply | None:
        """ "/idioma es to always get Spanish", in a direct message, once a day at most."""
        today = self.actions.clock.now().date()
        if not conversation.is_direct or self._hinted.get(actor.id) == today:
            return None
        self._hinted[actor.id] = today
        language = actor.language
        return Reply(
            _(
                "To always get answers in {language}, send /{command} {code}.",
                language=Raw(language_name(language, menu=False)),
                command=Raw(local_name("lang", language) or "lang"),
                code=Raw(language),
            ),
            language=language,
        )

    async def _coach(self, actor: Member, text: str) -> list[Reply]:
        """The coach's answer when the member is practising; nothing otherwise."""
        if is_cancel(text):  # "stop", "parar" without the slash
            return await self.practice.stop(actor) or []
        return await self.practice.answer(actor, text) or []

    @staticmethod
    def _report_without_slash(conversation: Conversation, text: str) -> bool:
        """ "report ICE at the Food Lion" in a direct message: a report, as meant."""
        if not conversation.is_direct or not text.strip():
            return False
        typed = split_command("/" + text.strip())
        return typed is not None and typed.spec is not None and typed.spec.name == "report"

    async def _not_a_command(
        self,
        actor: Member,
        conversation: Conversation,
        text: str,
        *,
        mentioned: bool,
        uploads: Sequence[Upload] = (),
    ) -> list[Reply]:
        """Plain words: an answer to a question the bot asked, or someone who needs help.
        In a group, only words addressed to the bot; ordinary conversation is not for it."""
        if conversation.is_direct:
            if await self.detained_conversation.active(actor):
                return await guarded(
                    self.detained_conversation.answer(actor, conversation, text), "dialog", actor
                )
            if text.strip() and await self.actions.intake.waiting_for_place(actor):
                return await guarded(self.actions.place_answer(actor, text), "report", actor)
            if self._report_without_slash(conversation, text):
                return await self.handle(actor, conversation, "/" + text.strip(), uploads=uploads)
        if conversation.is_direct or mentioned:
            return await self.actions.help_now(actor, text)
        return []

    async def _person(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        code = _first_word(command.body)
        if not code:
            raise UserError(_("Which person? Add their code, for example: /person P2"))
        person_id = parse_code(code, "P")
        rest = command.body[len(code) :]
        if rest.strip():  # "/person P3 dob: 1990-04-12": a correction
            fields = parse_fields(rest, PERSON_LABELS, continued=True)
            return await self.actions.person_edit(
                actor, conversation, person_id, fields.values, fields.free
            )
        return await self.actions.person(actor, conversation, person_id)

    async def _report(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        return await self.actions.report(actor, conversation, read_report(command.body))

    async def _verify(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, note = take_report_code(command.body, "/verify R3")
        photos, note = split_photo_choice(note)
        return await self.actions.verify(actor, report_id, note, photos)

    async def _dismiss(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, rest = take_report_code(command.body, "/dismiss R3 routine")
        words = rest.split()
        for size in (5, 4, 3, 2, 1):
            reason = parse_reason(" ".join(words[:size])) if len(words) >= size else None
            if reason is not None:
                return await self.actions.dismiss(actor, report_id, reason, " ".join(words[size:]))
        # "its just a traffic stop", "mentira", "no pude encontrarlos": the reason their
        # words give, when they give one; the words are kept whole as the note.
        hinted = which(rest, "reason_hints")
        if len(hinted) == 1:
            return await self.actions.dismiss(
                actor, report_id, DismissReason(hinted.pop()), rest.strip()
            )
        raise UserError(
            _(
                "Why dismiss it? Add a reason: {choices}. For example: "
                "/dismiss R{number} routine agents at lunch",
                choices=reason_choices(),
                number=report_id,
            )
        )

    async def _claim(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        permissions.check_can_claim(actor)
        report_id, rest = take_report_code(command.body, "/claim R3 15m")
        return await self.actions.claim(actor, report_id, parse_eta(rest))

    async def _unclaim(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        permissions.check_can_claim(actor)
        report_id, _rest = take_report_code(command.body, "/unclaim R3")
        return await self.actions.unclaim(actor, report_id)

    async def _duty(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        permissions.check_can_take_duty(actor)
        on, length, areas = parse_duty(command.body)
        return await self.actions.duty(actor, on, length, areas)

    async def _resolve(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, note = take_report_code(command.body, "/resolve R3")
        return await self.actions.resolve(actor, report_id, note)

    async def _still(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, rest = take_report_code(command.body, "/still R3 yes")
        answer, note = split_answer(rest)
        going_on = parse_yes_no(answer)
        if going_on is None:
            raise UserError(
                _(
                    "Is it still going on? Answer yes or no, for example: /still R{number} yes",
                    number=report_id,
                )
            )
        return await self.actions.still(actor, report_id, going_on, note.strip())

    async def _correct(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, rest = take_report_code(command.body, "/correct R3 where: 5th & Maple")
        permissions.check_can_correct(actor)
        fields = parse_fields(rest, CORRECTION_LABELS)
        if fields.free and not fields.values:
            # "/correct R1 it was CBP not ICE" would broadcast that note above the old
            # details: ask which detail changes (a bare note needs its label).
            raise UserError(
                _(
                    "Which detail is wrong? Give it with its label, so the alert shows the "
                    "right one, for example: /correct R{number} agency: CBP; note: {words}",
                    number=report_id,
                    words=Raw(fields.free[:200]),
                )
            )
        return await self.actions.correct(
            actor,
            report_id,
            where=fields.values.get("where", ""),
            what=fields.values.get("what", ""),
            agency=fields.values.get("agency", ""),
            note="; ".join(part for part in (fields.values.get("note", ""), fields.free) if part),
        )

    async def _retract(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        report_id, note = take_report_code(command.body, "/retract R3 it was a film crew")
        return await self.actions.retract(actor, report_id, note)

    async def _detained(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        first = _first_word(command.body)
        report_id: int | None = None
        body = command.body
        if first and ":" not in first:
            if _PERSON_CODE.match(first):  # "/detained P3 dob: …": P3 is recorded already
                raise UserError(
                    _(
                        "{code} is recorded already. To change their details, send {command}",
                        code=Raw(first.upper()),
                        command=Example("person", f"/person {command.body}"),
                    )
                )
            report_id = parse_report_code(first)
            body = body[len(first) :]
        fields = parse_fields(body, PERSON_LABELS, continued=True)
        if not fields.values and not fields.free:  # nothing given: ask step by step
            return await self.detained_conversation.start(actor, conversation, report_id)
        values = dict(fields.values)
        free = fields.free
        if free and not values.get("name") and ":" not in free.split(",")[0]:
            # "Pedro Ramírez, born 1979, …": the name comes first; the rest is notes.
            name, _comma, free = free.partition(",")
            values["name"] = name.strip()
        if free.strip():  # unknown labels and extra text are notes, never the bin
            values["notes"] = "; ".join(
                part for part in (values.get("notes"), free.strip()) if part
            )
        return await self.actions.detained(actor, conversation, report_id, values)

    async def _cancel(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        if await self.detained_conversation.active(actor):
            return await self.detained_conversation.cancel(actor)
        stopped = await self.practice.stop(actor)
        if stopped is not None:
            return stopped
        if await self.actions.intake.stop_asking_what(actor):
            return [Reply(_("Stopped. Nothing was saved."))]
        return [Reply(_("There is nothing to stop."))]

    async def _task(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        words = command.body.split(maxsplit=1)
        verb = task_verb(words[0]) if words else None
        rest = words[1] if len(words) > 1 else ""
        if verb is None and words:
            # "/tarea acepto T7", "/task asign T3 dee": what was meant, the rest kept.
            nearest = nearest_task_verbs(words[0])
            if len(nearest) == 1:
                meant = CommandLine(command.name, f"{nearest[0]} {rest}", command.spec)
                note = _(
                    "(I read “{typed}” as {verb}.)",
                    typed=Raw(words[0][:32]),
                    verb=TaskVerb(nearest[0]),
                )
                try:
                    done = await self._task(actor, conversation, meant)
                except UserError as refused:
                    raise UserError(lines(note, refused.message)) from None
                return [Reply(note), *done]
            if nearest:
                raise UserError(
                    _(
                        "Did you mean {choices}?",
                        choices=one_of(Raw(f"/task {verb} {rest}".strip()) for verb in nearest),
                    )
                )
        if verb is None:
            raise UserError(
                _(
                    "Write /task followed by one of: add, assign, edit, accept, decline, done, "
                    "release, cancel. For example: /task accept T4"
                )
            )
        if verb == "add":
            fields = parse_fields(rest, TASK_LABELS)
            given = fields.values
            return await self.actions.task_add(
                actor,
                conversation,
                fields.free,
                report_id=parse_report_code(given["report"]) if given.get("report") else None,
                person_id=parse_code(given["person"], "P") if given.get("person") else None,
                when=given.get("due", ""),
            )
        parts = rest.split(maxsplit=1)
        if not parts:
            raise UserError(
                _("Which task? Add its code, for example: /task {verb} T4", verb=Raw(verb))
            )
        task_id, tail = parse_code(parts[0], "T"), parts[1] if len(parts) > 1 else ""
        if verb == "edit":
            fields = parse_fields(tail, TASK_LABELS | EDIT_LABELS)
            return await self.actions.task_edit(
                actor,
                conversation,
                task_id,
                what=fields.values.get("what", fields.free),
                when=fields.values.get("due", ""),
            )
        if verb == "assign":
            member, _sep, when = tail.strip().partition(" ")
            if not member:
                raise UserError(
                    _(
                        "Who should do it? For example: /task assign T{number} dee 2h",
                        number=task_id,
                    )
                )
            return await self.actions.task_assign(actor, task_id, member, when)
        if verb == "accept":
            return await self.actions.task_accept(
                actor, task_id, in_direct_message=conversation.is_direct
            )
        if verb == "decline":
            return await self.actions.task_decline(actor, task_id, tail)
        if verb == "done":
            return await self.actions.task_done(actor, task_id, tail)
        if verb == "release":
            return await self.actions.task_release(actor, task_id, tail)
        return await self.actions.task_cancel(actor, task_id)

    async def _role(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        words = command.body.split()
        padded = [*words, "", "", ""][:3]
        if len(words) > 3:
            padded = ["", "", ""]  # too many words: ask for the right form
        return await self.actions.role(actor, *padded)

    async def _status(
        self, actor: Member, conversation: Conversation, command: CommandLine
    ) -> list[Reply]:
        return await self.actions.status(actor, conversation, wants_everything(command.body))


def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else ""
