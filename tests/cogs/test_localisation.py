"""Slash commands carry the catalogs' translations for the Discord locales we support."""

from __future__ import annotations

import re
from typing import Any

from cogs.translator import CatalogTranslator
from tests.cogs.conftest import Rig

NAME = re.compile(r"^[-_\w]{1,32}$")


async def payloads(rig: Rig) -> dict[str, dict[str, Any]]:
    translator = CatalogTranslator()
    return {
        command.name: await command.get_translated_payload(rig.bot.tree, translator)
        for command in rig.bot.tree.get_commands()
    }


def every_localisation(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, locale, text) for the command, its options, sub-options and choices."""
    found = []
    for kind in ("name", "description"):
        for locale, text in (payload.get(f"{kind}_localizations") or {}).items():
            found.append((kind, locale, text))
    for option in payload.get("options", []):
        found += every_localisation(option)
    for choice in payload.get("choices", []):
        for locale, text in (choice.get("name_localizations") or {}).items():
            found.append(("choice", locale, text))
    return found


async def test_spanish_members_see_spanish_commands_and_descriptions(rig: Rig) -> None:
    commands = await payloads(rig)
    report = commands["report"]
    assert report["name_localizations"]["es-ES"] == "reportar"
    assert report["name_localizations"]["es-419"] == "reportar"
    assert report["description_localizations"]["es-419"].startswith("Reportar lo que ve")
    dismiss = next(o for o in commands["dismiss"]["options"] if o["name"] == "reason")
    assert dismiss["description_localizations"]["es-ES"] == "por qué no es un operativo"
    routine = next(c for c in dismiss["choices"] if c["value"] == "routine")
    assert routine["name_localizations"]["es-ES"] == "presencia de rutina, no es un operativo"
    task = commands["task"]
    add = next(o for o in task["options"] if o["name"] == "add")
    assert add["description_localizations"]["es-ES"] == "Agregar una tarea (organizadores)"
    assert task["name_localizations"]["es-ES"] == "tarea"


async def test_every_localisation_fits_discords_rules(rig: Rig) -> None:
    for name, payload in (await payloads(rig)).items():
        for kind, locale, text in every_localisation(payload):
            if kind == "name":
                assert NAME.match(text) and text == text.lower(), (name, locale, text)
            else:
                assert 1 <= len(text) <= 100, (name, kind, locale, text)


async def test_spanish_command_names_are_unique(rig: Rig) -> None:
    spanish = [
        p.get("name_localizations", {}).get("es-ES", n) for n, p in (await payloads(rig)).items()
    ]
    assert len(set(spanish)) == len(spanish)


async def test_locales_without_a_catalog_stay_english(rig: Rig) -> None:
    for payload in (await payloads(rig)).values():
        for _kind, locale, _text in every_localisation(payload):
            assert locale not in ("de", "ja", "en-GB")


async def test_each_supported_discord_locale_gets_its_language(rig: Rig) -> None:
    described = (await payloads(rig))["hotline"]["description_localizations"]
    assert described["zh-CN"] == "显示快速响应热线。"
    assert described["vi"] == "Hiển thị đường dây nóng phản ứng nhanh."
    assert described["ko"] == "신속 대응 핫라인을 보여 줍니다."
    assert described["pt-BR"] == "Mostrar a linha de emergência de resposta rápida."
    assert described["fr"] == "Afficher la ligne d'urgence de réponse rapide."
    assert set(described) == {"es-ES", "es-419", "zh-CN", "vi", "ko", "pt-BR", "fr"}


async def test_french_and_portuguese_menus_name_commands_as_the_grammar_does(rig: Rig) -> None:
    from bot.core.commands import find_command

    for name, payload in (await payloads(rig)).items():
        for locale in ("fr", "pt-BR", "es-ES"):
            local = payload["name_localizations"][locale]
            spec = find_command(local)
            assert spec is not None and spec.name == name, (name, locale, local)
    assert (await payloads(rig))["report"]["name_localizations"]["fr"] == "signaler"


async def test_a_form_speaks_the_language_just_chosen(rig: Rig) -> None:
    from tests.cogs.test_slash_commands import call

    await call(rig, "InfoCog", "lang", "reporter", language="es")
    opened = rig.interaction("reporter")
    cog = rig.cog("ReportsCog")
    await cog.report.callback(cog, opened, photo=None)
    form = opened.response.send_modal.call_args.args[0]
    assert form.title == "Reporte lo que ve"
