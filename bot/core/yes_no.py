"""Yes or no, as people answer a question (/still R3 no, they left): the first word
counts, its punctuation aside, in any language of the words files ([answers])."""

from __future__ import annotations

import re

from bot.i18n.words import fold, vocabulary


def parse_yes_no(word: str) -> bool | None:
    """True for yes, False for no, None for anything else."""
    found = vocabulary().index("answers").get(fold(word))
    return None if found not in ("yes", "no") else found == "yes"


def split_answer(text: str) -> tuple[str, str]:
    """The answer word and the rest ("no, they left" -> ("no", "they left"))."""
    match = re.match(r"^\s*(\S+?)[\s,.;:!-]+(.*)$", text, re.DOTALL)
    if match is None:
        return text.strip(), ""
    return match.group(1), match.group(2).strip()
