"""What Discord refuses, and how it says so: the checks behind the fake Discord server.

Discord validates every request body and answers a violation with HTTP 400 and a
nested description of every field at fault, for example::

    {"code": 50035, "message": "Invalid Form Body",
     "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                         "message": "Must be 2000 or fewer in length."}]}}}

The limits below are Discord's documented ones (message content, components, modals,
autocomplete choices, application commands and their localisations); the fake applies
them to what discord.py actually sends, so a payload Discord would refuse fails a test.
It also works out who a message really notifies, from its text and `allowed_mentions`
the way Discord does (no `allowed_mentions` at all means every mention in the text pings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MESSAGE_LIMIT = 2000
NONCE_LIMIT = 25
BUTTON_LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
ACTION_ROWS_LIMIT = 5
ROW_BUTTONS_LIMIT = 5
MODAL_TITLE_LIMIT = 45
MODAL_INPUTS_LIMIT = 5
TEXT_INPUT_LABEL_LIMIT = 45
TEXT_INPUT_VALUE_LIMIT = 4000
PLACEHOLDER_LIMIT = 100
CHOICES_LIMIT = 25
CHOICE_NAME_LIMIT = 100
CHOICE_VALUE_LIMIT = 100
COMMAND_NAME_LIMIT = 32
COMMAND_DESCRIPTION_LIMIT = 100
COMMAND_OPTIONS_LIMIT = 25
COMMAND_CHARACTERS_LIMIT = 4000
COMMANDS_PER_SCOPE_LIMIT = 100

# Flags a bot may set on a message it creates: SUPPRESS_EMBEDS, EPHEMERAL (interaction
# responses only), SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2.
EPHEMERAL = 1 << 6
_CREATABLE_FLAGS = (1 << 2) | EPHEMERAL | (1 << 12) | (1 << 15)

# Discord's locales (developer docs, "Locales"): the only keys a localisation map may use.
LOCALES = frozenset(
    {
        "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu",
        "nl", "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru",
        "uk", "hi", "th", "zh-CN", "ja", "zh-TW", "ko",
    }
)  # fmt: skip
# Discord's rule is ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$; \w covers letters and
# digits of every script (and the underscore) in Python's Unicode regular expressions.
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
_SELECTS = frozenset({3, 5, 6, 7, 8})
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_BROADCAST_MENTION = re.compile(r"@(everyone|here)\b")


class FormErrors:
    """The `errors` tree of a 50035 answer, filled as fields are checked."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def length(self, path: Sequence[str | int], value: str, low: int, high: int) -> None:
        if not low <= len(value) <= high:
            if low == 0:
                self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
            else:
                self.add(
                    path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."
                )

    def required(self, path: Sequence[str | int]) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def __bool__(self) -> bool:
        return bool(self.tree)

    def describe(self) -> list[str]:
        """One line per fault, `content: Must be …`, for a readable test failure."""
        found: list[str] = []

        def walk(node: Mapping[str, Any], where: list[str]) -> None:
            for key, value in node.items():
                if key == "_errors":
                    found.extend(f"{'.'.join(where)}: {e['message']}" for e in value)
                else:
                    walk(value, [*where, key])

        walk(self.tree, [])
        return found

    def body(self) -> dict[str, Any]:
        return {"code": 50035, "errors": self.tree, "message": "Invalid Form Body"}


def error(code: int, message: str) -> dict[str, Any]:
    """Discord's JSON error shape for everything that is not a form error."""
    return {"code": code, "message": message}


# -- messages ---------------------------------------------------------------------------


def check_message(
    body: Mapping[str, Any], errors: FormErrors, *, creating: bool, interaction: bool = False
) -> None:
    """A message to create or edit: content, nonce, flags, components, mentions.

    Only an answer to an interaction may be ephemeral.
    """
    content = body.get("content")
    if content is not None:
        if not isinstance(content, str):
            errors.add(("content",), "BASE_TYPE_STRING", "Must be a string.")
        else:
            errors.length(("content",), content, 0, MESSAGE_LIMIT)
    nonce = body.get("nonce")
    if nonce is not None and len(str(nonce)) > NONCE_LIMIT:
        errors.add(("nonce",), "BASE_TYPE_MAX_LENGTH", f"Must be {NONCE_LIMIT} or fewer in length.")
    flags = body.get("flags")
    if creating and flags is not None:
        allowed = _CREATABLE_FLAGS if interaction else _CREATABLE_FLAGS & ~EPHEMERAL
        if int(flags) & ~allowed:
            errors.add(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags.")
    components = body.get("components")
    if components is not None:
        check_components(components, errors, ("components",))
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        check_allowed_mentions(mentions, errors)


def is_empty(body: Mapping[str, Any], files: int) -> bool:
    """Discord refuses (50006) a new message with nothing to show."""
    return not (
        (body.get("content") or "").strip()
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or files
    )


def check_allowed_mentions(mentions: Mapping[str, Any], errors: FormErrors) -> None:
    parse = mentions.get("parse", [])
    for index, kind in enumerate(parse):
        if kind not in ("users", "roles", "everyone"):
            errors.add(("allowed_mentions", "parse", index), "BASE_TYPE_CHOICES", "Invalid choice.")
    for kind in ("users", "roles"):
        listed = mentions.get(kind) or []
        if listed and kind in parse:
            errors.add(
                ("allowed_mentions", kind),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )
        if len(listed) > 100:
            errors.add(("allowed_mentions", kind), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer.")


def pings(
    content: str, allowed_mentions: Mapping[str, Any] | None, replied_to: int | None
) -> frozenset[str]:
    """Who a message notifies: "everyone", "role:<id>", "user:<id>", as Discord decides."""
    if allowed_mentions is None:  # Discord's default: every mention in the text pings
        allowed_mentions = {"parse": ["users", "roles", "everyone"], "replied_user": True}
    parse = set(allowed_mentions.get("parse", []))
    users = {int(u) for u in allowed_mentions.get("users") or []}
    roles = {int(r) for r in allowed_mentions.get("roles") or []}
    notified: set[str] = set()
    if "everyone" in parse and _BROADCAST_MENTION.search(content):
        notified.add("everyone")
    for match in _ROLE_MENTION.finditer(content):
        if "roles" in parse or int(match[1]) in roles:
            notified.add(f"role:{match[1]}")
    for match in _USER_MENTION.finditer(content):
        if "users" in parse or int(match[1]) in users:
            notified.add(f"user:{match[1]}")
    if replied_to is not None and allowed_mentions.get("replied_user"):
        notified.add(f"user:{replied_to}")
    return frozenset(notified)


# -- components -------------------------------------------------------------------------


def check_components(
    rows: Sequence[Mapping[str, Any]], errors: FormErrors, path: tuple[str | int, ...]
) -> None:
    """Action rows of buttons (or one select each), as on a message (not Components V2)."""
    if len(rows) > ACTION_ROWS_LIMIT:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {ACTION_ROWS_LIMIT} or fewer in length.")
    seen: set[str] = set()
    for r, row in enumerate(rows):
        where = (*path, r)
        if row.get("type") != 1:
            errors.add((*where, "type"), "UNION_TYPE_CHOICES", "Value must be an action row (1).")
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= ROW_BUTTONS_LIMIT:
            errors.length((*where, "components"), "x" * len(children), 1, ROW_BUTTONS_LIMIT)
        if any(c.get("type") in _SELECTS for c in children) and len(children) > 1:
            errors.add(
                (*where, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for c, child in enumerate(children):
            here = (*where, "components", c)
            if child.get("type") == 2:
                _check_button(child, errors, here)
            elif child.get("type") not in _SELECTS:
                errors.add((*here, "type"), "UNION_TYPE_CHOICES", "Invalid component type.")
            custom_id = child.get("custom_id")
            if custom_id is not None:
                if custom_id in seen:
                    errors.add(
                        (*here, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(custom_id)


def _check_button(button: Mapping[str, Any], errors: FormErrors, path: tuple[Any, ...]) -> None:
    style = button.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, …, 6).")
    label = button.get("label")
    if label is not None:
        errors.length((*path, "label"), label, 0, BUTTON_LABEL_LIMIT)
    elif button.get("emoji") is None and style != 6:
        errors.add((*path, "label"), "BUTTON_COMPONENT_LABEL_REQUIRED", "A label is required.")
    custom_id = button.get("custom_id")
    if style == 5:
        if not button.get("url") or custom_id is not None:
            errors.add((*path, "url"), "BUTTON_COMPONENT_URL_REQUIRED", "A link needs a url.")
    elif custom_id is None:
        errors.required((*path, "custom_id"))
    else:
        errors.length((*path, "custom_id"), custom_id, 1, CUSTOM_ID_LIMIT)


def check_modal(data: Mapping[str, Any], errors: FormErrors) -> None:
    """A form (interaction callback 9): a title and one to five text inputs."""
    errors.length(("data", "title"), data.get("title") or "", 1, MODAL_TITLE_LIMIT)
    errors.length(("data", "custom_id"), data.get("custom_id") or "", 1, CUSTOM_ID_LIMIT)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= MODAL_INPUTS_LIMIT:
        errors.add(
            ("data", "components"),
            "BASE_TYPE_BAD_LENGTH",
            f"Must be between 1 and {MODAL_INPUTS_LIMIT} in length.",
        )
    for r, row in enumerate(rows):
        where = ("data", "components", r, "components", 0)
        inputs = row.get("components") or []
        if row.get("type") != 1 or len(inputs) != 1 or inputs[0].get("type") != 4:
            errors.add(("data", "components", r), "UNION_TYPE_CHOICES", "One text input per row.")
            continue
        field = inputs[0]
        errors.length((*where, "custom_id"), field.get("custom_id") or "", 1, CUSTOM_ID_LIMIT)
        errors.length((*where, "label"), field.get("label") or "", 1, TEXT_INPUT_LABEL_LIMIT)
        if field.get("style") not in (1, 2):
            errors.add((*where, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
        if field.get("placeholder") is not None:
            errors.length((*where, "placeholder"), field["placeholder"], 0, PLACEHOLDER_LIMIT)
        if field.get("value") is not None:
            errors.length((*where, "value"), field["value"], 0, TEXT_INPUT_VALUE_LIMIT)
        low, high = field.get("min_length"), field.get("max_length")
        if low is not None and not 0 <= low <= TEXT_INPUT_VALUE_LIMIT:
            errors.add((*where, "min_length"), "NUMBER_TYPE_MAX", "Must be 4000 or less.")
        if high is not None and not 1 <= high <= TEXT_INPUT_VALUE_LIMIT:
            errors.add((*where, "max_length"), "NUMBER_TYPE_MAX", "Must be 4000 or less.")


def check_choices(data: Mapping[str, Any], errors: FormErrors) -> None:
    """Autocomplete suggestions (interaction callback 8)."""
    choices = data.get("choices") or []
    if len(choices) > CHOICES_LIMIT:
        errors.add(
            ("data", "choices"), "BASE_TYPE_MAX_LENGTH", f"Must be {CHOICES_LIMIT} or fewer."
        )
    for index, choice in enumerate(choices):
        errors.length(("data", "choices", index, "name"), choice.get("name") or "", 1, 100)
        value = choice.get("value")
        if isinstance(value, str):
            errors.length(("data", "choices", index, "value"), value, 1, CHOICE_VALUE_LIMIT)


# -- application commands ---------------------------------------------------------------


def check_commands(commands: Sequence[Mapping[str, Any]], errors: FormErrors) -> None:
    """A bulk overwrite (PUT) of one scope's commands: global or one guild's.

    (`contexts` on a guild command is accepted and means nothing: a guild command is
    usable in its guild only.)
    """
    if len(commands) > COMMANDS_PER_SCOPE_LIMIT:
        errors.add((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    names: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        key = (command.get("type", 1), command.get("name", ""))
        if key in names:
            errors.add(
                (index, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {key[1]}",
            )
        names.add(key)
        _check_command(command, errors, (index,))


def _check_command(command: Mapping[str, Any], errors: FormErrors, path: tuple[Any, ...]) -> None:
    _check_name_and_description(command, errors, path)
    options = command.get("options") or []
    _check_options(options, errors, (*path, "options"), depth=0)
    for key, allowed in (("contexts", {0, 1, 2}), ("integration_types", {0, 1})):
        values = command.get(key)
        if values is not None and any(value not in allowed for value in values):
            errors.add((*path, key), "BASE_TYPE_CHOICES", f"Value must be one of {allowed}.")
    for locale in [None, *_locales_of(command)]:
        total = _characters(command, locale)
        if total > COMMAND_CHARACTERS_LIMIT:
            errors.add(
                path,
                "APPLICATION_COMMAND_TOO_LARGE",
                f"Command exceeds maximum size ({COMMAND_CHARACTERS_LIMIT})",
            )


def _check_name_and_description(
    item: Mapping[str, Any], errors: FormErrors, path: tuple[Any, ...]
) -> None:
    name = item.get("name") or ""
    if not _COMMAND_NAME.match(name) or name != name.lower():
        errors.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    errors.length((*path, "description"), item.get("description") or "", 1, 100)
    for locale, local in (item.get("name_localizations") or {}).items():
        if locale not in LOCALES:
            errors.add((*path, "name_localizations", locale), "LOCALE_INVALID", "Invalid locale.")
        if not _COMMAND_NAME.match(local) or local != local.lower():
            errors.add(
                (*path, "name_localizations", locale),
                "APPLICATION_COMMAND_INVALID_NAME",
                "Command name is invalid",
            )
    for locale, local in (item.get("description_localizations") or {}).items():
        if locale not in LOCALES:
            errors.add(
                (*path, "description_localizations", locale), "LOCALE_INVALID", "Invalid locale."
            )
        errors.length((*path, "description_localizations", locale), local, 1, 100)


def _check_options(
    options: Sequence[Mapping[str, Any]], errors: FormErrors, path: tuple[Any, ...], depth: int
) -> None:
    if len(options) > COMMAND_OPTIONS_LIMIT:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {COMMAND_OPTIONS_LIMIT} or fewer.")
    optional_seen = False
    for index, option in enumerate(options):
        where = (*path, index)
        _check_name_and_description(option, errors, where)
        kind = option.get("type")
        if kind in (1, 2):
            if (kind == 2 and depth > 0) or (kind == 1 and depth > 1):
                errors.add((*where, "type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Nested.")
            children = option.get("options") or []
            if kind == 2 and any(child.get("type") != 1 for child in children):
                errors.add(
                    (*where, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Groups hold subcommands only.",
                )
            _check_options(children, errors, (*where, "options"), depth + 1)
            continue
        if option.get("required"):
            if optional_seen:
                errors.add(
                    (*where, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = option.get("choices") or []
        if choices and option.get("autocomplete"):
            errors.add(
                (*where, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set with choices.",
            )
        if len(choices) > CHOICES_LIMIT:
            errors.add((*where, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
        for c, choice in enumerate(choices):
            errors.length((*where, "choices", c, "name"), choice.get("name") or "", 1, 100)
            for locale, local in (choice.get("name_localizations") or {}).items():
                errors.length((*where, "choices", c, "name_localizations", locale), local, 1, 100)
            if isinstance(choice.get("value"), str):
                errors.length((*where, "choices", c, "value"), choice["value"], 1, 100)


def _locales_of(command: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(item: Mapping[str, Any]) -> None:
        found.update((item.get("name_localizations") or {}).keys())
        found.update((item.get("description_localizations") or {}).keys())
        for option in item.get("options") or []:
            walk(option)
        for choice in item.get("choices") or []:
            found.update((choice.get("name_localizations") or {}).keys())

    walk(command)
    return found


def _characters(item: Mapping[str, Any], locale: str | None) -> int:
    """Name, description and choice names/values of a command and its options, in one locale."""

    def local(key: str, entry: Mapping[str, Any]) -> str:
        localised = (entry.get(f"{key}_localizations") or {}).get(locale) if locale else None
        return str(localised or entry.get(key) or "")

    total = len(local("name", item)) + len(local("description", item))
    for option in item.get("options") or []:
        total += _characters(option, locale)
    for choice in item.get("choices") or []:
        total += len(local("name", choice)) + len(str(choice.get("value", "")))
    return total


def visible(commands: Iterable[Mapping[str, Any]], context: int) -> list[Mapping[str, Any]]:
    """Global commands a member sees in one context (0 server, 1 DM with the bot).

    With no `contexts`, Discord offers a new command in servers and in the bot's DMs
    (observed: discord/discord-api-docs#7108), not in other private channels.
    """
    return [c for c in commands if context in (c.get("contexts") or [0, 1])]
