"""/drill: start, stop, or ask whether a drill runs (see `drills`)."""

from __future__ import annotations

from bot.core.drills import (
    DrillService,
    drill_state,
    parse_length,
    started_reply,
    stopped_reply,
)
from bot.core.models import Member
from bot.core.replies import Reply
from bot.i18n.words import fold, vocabulary


def drill_verb(word: str) -> str | None:
    """ "start" or "stop" for a word in any language ("empezar", "terminar")."""
    return vocabulary().index("drill_verbs").get(fold(word))


class DrillActions:
    drills: DrillService

    async def drill(self, actor: Member, body: str) -> list[Reply]:
        """`/drill start [2h]`, `/drill stop`, or `/drill` alone (is one running?). A length
        alone starts one ("/drill 90m")."""
        words = body.split(maxsplit=1)
        verb = drill_verb(words[0]) if words else None
        rest = words[1] if len(words) > 1 else ""
        if verb is None and words and words[0][:1].isdigit():
            verb, rest = "start", body
        if verb == "start":
            length = parse_length(rest) if rest.strip() else None
            drill = await self.drills.start(actor, length)
            return [Reply(started_reply(drill))]
        if verb == "stop":
            return [Reply(stopped_reply(await self.drills.stop(actor)))]
        return [Reply(drill_state(await self.drills.current(), actor))]
