"""Slash commands in the member's Discord language, from the same catalogs as the bot.

Discord shows a command's name, description, options and choices in the language of
the member's Discord client, if the bot registered a localisation for that locale.
Descriptions come from the catalogs (their English text is the msgid). Names are
localised only where the command grammar has the word too (Spanish, French and
Portuguese), so a typed `/signaler` and the menu's `/signaler` are the same command.
Tagalog, Haitian Creole and Arabic have no Discord locale: those members see English
commands, and the bot's answers still come in their language (/lang).
"""

from __future__ import annotations

import re

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation, TranslationContextTypes, locale_str

from bot.core.commands import local_name
from bot.i18n import available_languages, lookup

# Discord locale -> our catalog language.
DISCORD_LOCALES: dict[Locale, str] = {
    Locale.spain_spanish: "es",
    Locale.latin_american_spanish: "es",
    Locale.chinese: "zh",
    Locale.vietnamese: "vi",
    Locale.korean: "ko",
    Locale.brazil_portuguese: "pt",
    Locale.french: "fr",
}
_VALID_NAME = re.compile(r"^[-_\w]{1,32}$")
_NAMED = (TranslationContextLocation.command_name, TranslationContextLocation.group_name)
_DESCRIBED_LIMIT = 100


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self, string: locale_str, locale: Locale, context: TranslationContextTypes
    ) -> str | None:
        language = DISCORD_LOCALES.get(locale)
        if language is None or language not in available_languages():
            return None
        if context.location in _NAMED:
            name = local_name(string.message, language)
            return name if name and _VALID_NAME.match(name) and name == name.lower() else None
        if context.location is TranslationContextLocation.parameter_name:
            return None  # option names stay as typed in the examples
        translated = lookup(string.extras.get("msgid", string.message), language)
        if translated is None or len(translated) > _DESCRIBED_LIMIT:
            return None  # Discord would refuse the whole sync for one long text
        return translated
