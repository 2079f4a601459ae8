"""What a short answer means, in any language of the words files ([answers]): yes or
no (/still R3 no, they left: the first word counts, its punctuation aside), "skip"
("-", "saltar", "ninguno"), "change"."""

from __future__ import annotations

import re

from bot.i18n.words import fold, vocabulary


def meaning(text: str) -> str | None:
    """ "yes", "no", "skip", "change" or "unsure" for a short answer; None otherwise."""
    return vocabulary().index("answers").get(fold(text))


def parse_yes_no(word: str) -> bool | None:
    """True for yes, False for no, None for anything else."""
    found = meaning(word)
    return None if found not in ("yes", "no") else found == "yes"


def skips(text: str) -> bool:
    """ "-", "skip", "ninguno", "no": nothing to give for this question."""
    return not fold(text) or meaning(text) in ("skip", "no")


def split_answer(text: str) -> tuple[str, str]:
    """The answer word and the rest ("no, they left" -> ("no", "they left"))."""
    match = re.match(r"^\s*(\S+?)[\s,.;:!-]+(.*)$", text, re.DOTALL)
    if match is None:
        return text.strip(), ""
    return match.group(1), match.group(2).strip()
