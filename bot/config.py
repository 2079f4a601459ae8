"""The deployment's configuration: one TOML file, checked completely at start-up.

Organizers edit this file by hand, often under time pressure. Every mistake must be
caught before the bot starts, each on one line that names the field and says what a
valid value looks like (never a regular expression), all of them at once, never a
traceback at 3 a.m. in the middle of a raid. Secrets never live here: only the names of the
environment variables that hold them.
"""

from __future__ import annotations

import base64
import binascii
import re
import tomllib
from collections.abc import Iterator, Mapping
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.durations import DurationError, parse_duration
from bot.core.models import Role, Target, TargetPurpose
from bot.i18n import available_languages


class ConfigError(Exception):
    """Problems with the config file, one line each, for the operator."""


def _duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError('write durations as text in quotes, like "90s", "15m" or "2h"')
    try:
        return parse_duration(value)
    except DurationError as error:
        raise ValueError(str(error)) from None


Duration = Annotated[timedelta, BeforeValidator(_duration)]
DispatchWho = Literal["next", "verifiers", "organizers"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_languages(languages: list[str]) -> list[str]:
    known = available_languages()
    for code in languages:
        if code not in known:
            raise ValueError(f"unknown language {code!r}; available: {', '.join(sorted(known))}")
    if len(set(languages)) != len(languages):
        raise ValueError("a language is listed twice")
    return languages


def _check_language(code: str) -> str:
    return _check_languages([code])[0]


# Language codes the bot has catalogs for, checked wherever the config names one.
Languages = Annotated[list[str], Field(min_length=1), AfterValidator(_check_languages)]
Language = Annotated[str, AfterValidator(_check_language)]


class NetworkSection(_Section):
    name: str = Field(min_length=1, max_length=80)
    timezone: str
    languages: Languages
    # Where phone numbers are read and shown: "(555) 010-0199" is a number in this
    # region; a number from elsewhere is written with its "+" and country code.
    region: str = "US"

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(
                f"unknown region {value!r}; use a two-letter country code like US or MX"
            )
        return region

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a folder of zones
            raise ValueError(
                f"unknown time zone {value!r}; use a name like America/Chicago"
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def default_language(self) -> str:
        return self.languages[0]


_PHONE = r"^\+?[0-9][0-9 ().-]*[0-9]$"
Label = Annotated[str, Field(min_length=1, max_length=100)]
Hours = Annotated[str, Field(min_length=1, max_length=60)]


class Hotline(_Section):
    """A number to call. `label` and `hours` are shown to everyone; `label_by_language`
    and `hours_by_language` give them in other languages ({ es = "…" })."""

    label: Label
    number: str = Field(min_length=3, max_length=40, pattern=_PHONE)
    hours: str = Field(default="", max_length=60)
    label_by_language: dict[Language, Label] = Field(default_factory=dict)
    hours_by_language: dict[Language, Hours] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _hours_for_everyone(self) -> Hotline:
        if self.hours_by_language and not self.hours:
            raise ValueError(
                "hours_by_language needs hours too: readers of other languages see those"
            )
        return self


class KnownLocation(_Section):
    """A place where agents are routinely present, so verifiers get a caution."""

    name: str = Field(min_length=1, max_length=100)
    match: list[str] = Field(min_length=1)

    @field_validator("match")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        if any(not phrase.strip() for phrase in value):
            raise ValueError("match phrases must not be empty")
        return value


def _time_of_day(value: object) -> object:
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f'{value!r} is not a time of day like "08:00"') from None
    return value


class _StepTimers(_Section):
    """The timers [timers] and [drill] both have, and the rules they share: each later
    step comes after its first, and `verification_reminder` (the name before dispatch)
    is still read as `claim_within`."""

    # A report nobody has claimed after this long goes to the next step of the
    # escalation chain ([[dispatch.steps]]). Formerly `verification_reminder`.
    claim_within: Duration = timedelta(minutes=10)
    verification_expiry: Duration = timedelta(hours=1)
    active_check: Duration = timedelta(hours=3)
    task_accept_reminder: Duration = timedelta(minutes=15)
    task_accept_escalation: Duration = timedelta(minutes=30)
    task_due_reminder: Duration = timedelta(minutes=30)
    task_overdue_escalation: Duration = timedelta(minutes=30)

    @model_validator(mode="before")
    @classmethod
    def _old_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "verification_reminder" in data:
            data = dict(data)
            old = data.pop("verification_reminder")
            data.setdefault("claim_within", old)
        return data

    @model_validator(mode="after")
    def _ordered(self) -> _StepTimers:
        if self.verification_expiry <= self.claim_within:
            raise ValueError("verification_expiry must be longer than claim_within")
        if self.task_accept_escalation <= self.task_accept_reminder:
            raise ValueError("task_accept_escalation must be longer than task_accept_reminder")
        return self


class Timers(_StepTimers):
    """Every timer of the network. Issue-by-issue features read the ones they need."""

    corroboration_window: Duration = timedelta(hours=2)
    # A morning summary for the organizer chat, at this local time ("08:00"); off if unset.
    daily_summary: time | None = None

    _clock_time = field_validator("daily_summary", mode="before")(_time_of_day)


class AreaSection(_Section):
    """A part of the network's territory, and the words that place a report in it."""

    name: str = Field(min_length=1, max_length=60)
    # Neighbourhood names, zip codes, cross streets ("Cesar Chavez & Soto").
    words: list[str] = Field(default_factory=list)

    @field_validator("words")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        if any(not phrase.strip() for phrase in value):
            raise ValueError("area words must not be empty")
        return value


Areas = list[str]


class DispatchStep(_Section):
    """One step of the escalation chain: after `wait` with no claim, call `who`."""

    wait: Duration
    # next: the next verifiers on duty, in turn (round-robin; every verifier in turn when
    # nobody is on duty); verifiers: every verifier; organizers: the organizer chats.
    who: DispatchWho
    count: int = Field(default=2, ge=1, le=50)  # how many verifiers "next" calls


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Shift(_Section):
    """A weekly shift: `member` is on duty on these days between `start` and `end`
    (network time; an end before the start runs past midnight)."""

    # As in the members lists: a console name, a Signal UUID or number, a Discord user id.
    member: str = Field(min_length=1, max_length=64)
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    start: time
    end: time
    areas: list[str] = Field(default_factory=list)

    _clock_times = field_validator("start", "end", mode="before")(_time_of_day)


class DispatchSection(_Section):
    # The ETA a claim gets when the verifier gives none (and Discord's "I'll go" button).
    eta: Duration = timedelta(minutes=15)
    # A claim past its ETA plus this, undecided, re-asks the claimer once, then the others.
    grace: Duration = timedelta(minutes=10)
    # The escalation chain; empty: offer to the next verifiers after timers.claim_within,
    # then tell organizers after as long again. After the last step, every verifier is
    # asked again every timers.claim_within until the report is claimed or expires.
    steps: list[DispatchStep] = Field(default_factory=list, max_length=20)
    # Optional weekly shifts: who is on duty when, without sending /duty on.
    shifts: list[Shift] = Field(default_factory=list, max_length=500)


class DrillSection(_StepTimers):
    """Drills (/drill start): how long one lasts unless the organizer says, and the
    timers used while one runs instead of [timers], short enough that a practice (or a
    scripted drill in docs/drills/) sees reminders, escalations and expiries happen."""

    length: Duration = timedelta(hours=2)
    longest: Duration = timedelta(hours=12)
    claim_within: Duration = timedelta(seconds=3)
    verification_expiry: Duration = timedelta(minutes=1)
    active_check: Duration = timedelta(minutes=1)
    task_accept_reminder: Duration = timedelta(seconds=2)
    task_accept_escalation: Duration = timedelta(seconds=4)
    task_due_reminder: Duration = timedelta(seconds=10)
    task_overdue_escalation: Duration = timedelta(seconds=10)

    @model_validator(mode="after")
    def _length_in_range(self) -> DrillSection:
        if self.length > self.longest:
            raise ValueError("length must not be longer than longest")
        return self


class Limits(_Section):
    max_message_chars: int = Field(default=2000, ge=200, le=10000)
    # Reports (new or corroborating) one member may send per hour; more are refused.
    reports_per_hour: int = Field(default=6, ge=1, le=1000)
    # Photos and videos kept per report; more are listed on the card but not downloaded.
    media_per_report: int = Field(default=4, ge=0, le=10)
    # Larger files are not downloaded (megabytes).
    media_max_mb: int = Field(default=25, ge=1, le=100)


class Retention(_Section):
    """How long the bot keeps what it knows; the daily purge deletes the rest."""

    people_days: int = Field(default=30, ge=1, le=3650)
    reports_days: int = Field(default=90, ge=1, le=3650)
    messages_days: int = Field(default=7, ge=1, le=3650)
    audit_days: int = Field(default=365, ge=1, le=3650)
    purge_at: time = time(3, 30)

    _clock_time = field_validator("purge_at", mode="before")(_time_of_day)


class ConsoleMember(_Section):
    name: str
    roles: list[Role] = Field(default_factory=list)
    language: Language | None = None

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use lowercase letters, digits, '.', '_' or '-' (up to 32)")
        return value


class ConsoleChat(_Section):
    name: str
    purpose: TargetPurpose
    languages: Languages
    areas: Areas = Field(default_factory=list)  # a broadcast chat's areas; none: all
    # Gets a drill's alerts; unset: organizer chats do, broadcast chats do not.
    drill: bool | None = None

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value) or value == "dm":
            raise ValueError("use lowercase letters, digits, '.', '_' or '-'; 'dm' is reserved")
        return value


class ConsoleSection(_Section):
    members: list[ConsoleMember] = Field(min_length=1)
    chats: list[ConsoleChat] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ConsoleSection:
        for kind, names in (
            ("member", [m.name for m in self.members]),
            ("chat", [c.name for c in self.chats]),
        ):
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                raise ValueError(f"{kind} {duplicates[0]!r} is defined twice")
        return self


Snowflake = Annotated[int, Field(gt=0, lt=2**63)]
_ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"


class DiscordBroadcast(_Section):
    channel_id: Snowflake
    name: str = Field(min_length=1, max_length=100)
    languages: Languages
    areas: Areas = Field(default_factory=list)  # the areas whose alerts it gets; none: all
    drill: bool = False  # gets a drill's alerts


class DiscordSection(_Section):
    """One Discord server. Ids are numbers (Developer Mode > right-click > Copy ID)."""

    token_env: str = Field(default="RRBOT_DISCORD_TOKEN", pattern=_ENV_NAME)
    guild_id: Snowflake
    organizer_role_id: Snowflake
    verifier_role_id: Snowflake
    organizer_channel_id: Snowflake
    organizer_channel_name: str = Field(default="organizers", min_length=1, max_length=100)
    organizer_languages: Languages = Field(default_factory=lambda: ["en"])
    organizer_drill: bool = True  # the organizer channel gets a drill's alerts
    broadcast: list[DiscordBroadcast] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> DiscordSection:
        if self.organizer_role_id == self.verifier_role_id:
            raise ValueError("organizer_role_id and verifier_role_id must be different roles")
        channels = [self.organizer_channel_id, *(b.channel_id for b in self.broadcast)]
        if len(set(channels)) != len(channels):
            raise ValueError("each channel may appear once (organizer and broadcast channels)")
        return self


_SIGNAL_GROUP = r"^group\.[A-Za-z0-9+/=_-]{8,200}$"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_SIGNAL_MEMBER = rf"^(\+[1-9][0-9]{{6,14}}|{_UUID})$"
_SIGNAL_NUMBER = r"^\+[1-9][0-9]{6,14}$"
_URL = r"^https?://[^\s/]+(:[0-9]+)?/?$"

# What a value that must match a pattern looks like, in words: organizers are told this,
# never the regular expression (a test checks every pattern has one).
PATTERN_HINTS: dict[str, str] = {
    _PHONE: "a phone number: digits, spaces and ( ) . - , maybe starting with +, "
    'like "+1 555 0100"',
    _ENV_NAME: "the name of an environment variable: capital letters, digits and _, like "
    "RRBOT_DATA_KEY",
    _SIGNAL_GROUP: 'a group id exactly as the Signal service lists it: "group." followed by '
    "letters, digits, + / and =, with no spaces inside",
    _SIGNAL_MEMBER: "a Signal UUID (like 0a1b2c3d-0000-4000-8000-000000000001) or a phone "
    'number with its country code (like "+15551234567")',
    _SIGNAL_NUMBER: 'a phone number with its country code and no spaces, like "+15551234567"',
    _URL: 'a web address like "http://127.0.0.1:8080"',
}


def signal_group_id_problem(group_id: str) -> str | None:
    """Why signal-cli-rest-api would refuse a "group." id, in plain words, or None.

    Its rule (client.go `getRecipientType`): after "group." comes base64 text whose
    decoded value is itself base64 of the group's id, and that id is exactly 32 bytes.
    Anything else it answers with "Invalid identifier group.…" (or "Invalid Signal
    group size (N"), for every message, for good.
    """
    if not group_id.startswith("group."):
        return 'it does not start with "group."'
    try:
        inner = base64.b64decode(group_id.removeprefix("group."), validate=True)
        raw = base64.b64decode(inner, validate=True)
    except (binascii.Error, ValueError):
        return "it is not the base64 text the service lists"
    if len(raw) != 32:
        return f"it stands for {len(raw)} bytes, and a Signal group id is 32"
    return None


class SignalGroup(_Section):
    """A group, by the `id` that GET /v1/groups/{number} shows ("group.…")."""

    # Spaces copied around it are dropped; the service's own rule is checked below.
    id: Annotated[
        str,
        BeforeValidator(lambda value: value.strip() if isinstance(value, str) else value),
        Field(pattern=_SIGNAL_GROUP),
    ]
    name: str = Field(min_length=1, max_length=100)
    languages: Languages
    areas: Areas = Field(default_factory=list)  # a broadcast group's areas; none: all
    # Gets a drill's alerts; unset: the organizer group does, broadcast groups do not.
    drill: bool | None = None

    @model_validator(mode="after")
    def _accepted_by_the_service(self) -> SignalGroup:
        problem = signal_group_id_problem(self.id)
        if problem is not None:
            raise ValueError(
                f"the id of the chat {self.name!r} is not one the Signal service accepts "
                f'({problem}): copy the group\'s "id" from GET /v1/groups/<number> on the '
                "service"
            )
        return self


class SignalMember(_Section):
    """A member by Signal UUID (preferred: it survives a number change) or phone number,
    and what messages to the organizers call them (else their Signal profile name)."""

    id: str = Field(pattern=_SIGNAL_MEMBER)
    name: str | None = Field(default=None, min_length=1, max_length=60)
    roles: list[Role] = Field(default_factory=list)
    language: Language | None = None


class SignalSection(_Section):
    url: str = Field(default="http://127.0.0.1:8080", pattern=_URL)
    number: str = Field(pattern=_SIGNAL_NUMBER)
    receive_timeout: Duration = timedelta(seconds=10)
    request_timeout: Duration = timedelta(seconds=30)
    organizer_group: SignalGroup
    broadcast: list[SignalGroup] = Field(min_length=1)
    members: list[SignalMember] = Field(default_factory=list)
    blocked: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> SignalSection:
        groups = [self.organizer_group.id, *(g.id for g in self.broadcast)]
        if len(set(groups)) != len(groups):
            raise ValueError("each group may appear once (organizer and broadcast groups)")
        ids = [m.id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("a member is listed twice")
        if self.receive_timeout >= self.request_timeout:
            raise ValueError("receive_timeout must be shorter than request_timeout")
        return self


class StorageSection(_Section):
    path: str = "data/rrbot.sqlite3"


class SecuritySection(_Section):
    """Where the data key comes from: the environment first, then a key file.

    An empty key_file means a file beside the database (<database>.key), created on
    first start so a console trial needs no setup. `rrbot run` (Discord, Signal) never
    uses that one: it wants the key in the environment, or in a key_file named here on
    another disk, so a copy of the data disk alone opens nothing (bot/data_key.py).
    """

    key_env: str = Field(default="RRBOT_DATA_KEY", pattern=_ENV_NAME)
    key_file: str = ""


FRONT_ENDS = ("console", "discord", "signal")


class Config(_Section):
    network: NetworkSection
    hotlines: list[Hotline] = Field(min_length=1)
    known_locations: list[KnownLocation] = Field(default_factory=list)
    timers: Timers = Timers()
    dispatch: DispatchSection = DispatchSection()
    areas: list[AreaSection] = Field(default_factory=list, max_length=100)
    drill: DrillSection = DrillSection()
    limits: Limits = Limits()
    retention: Retention = Retention()
    storage: StorageSection = StorageSection()
    security: SecuritySection = SecuritySection()
    console: ConsoleSection | None = None
    discord: DiscordSection | None = None
    signal: SignalSection | None = None

    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _areas_known(self) -> Config:
        names = [area.name for area in self.areas]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"area {twice[0]!r} is defined twice")
        for shift in self.dispatch.shifts:
            unknown = [area for area in shift.areas if area not in names]
            if unknown:
                raise ValueError(
                    f"the shift of {shift.member!r} lists area {unknown[0]!r}, which no "
                    "[[areas]] block defines"
                )
        for target in self.targets():
            unknown = [area for area in target.areas if area not in names]
            if unknown:
                raise ValueError(
                    f"chat {target.label!r} lists area {unknown[0]!r}, which no [[areas]] "
                    "block defines"
                )
        return self

    @model_validator(mode="after")
    def _languages_consistent(self) -> Config:
        allowed = set(self.network.languages)
        if self.console is not None:
            for chat in self.console.chats:
                extra = [code for code in chat.languages if code not in allowed]
                if extra:
                    raise ValueError(
                        f"chat {chat.name!r} uses {extra[0]!r}, which is not in network.languages"
                    )
            for member in self.console.members:
                if member.language is not None and member.language not in allowed:
                    raise ValueError(
                        f"member {member.name!r} uses {member.language!r}, "
                        "which is not in network.languages"
                    )
        if self.discord is not None:
            used = [*self.discord.organizer_languages]
            used += [code for b in self.discord.broadcast for code in b.languages]
            extra = [code for code in used if code not in allowed]
            if extra:
                raise ValueError(f"discord uses {extra[0]!r}, which is not in network.languages")
        if self.signal is not None:
            groups = [self.signal.organizer_group, *self.signal.broadcast]
            used = [code for group in groups for code in group.languages]
            used += [m.language for m in self.signal.members if m.language]
            extra = [code for code in used if code not in allowed]
            if extra:
                raise ValueError(f"signal uses {extra[0]!r}, which is not in network.languages")
        targets = list(self.targets())
        if not any(t.purpose is TargetPurpose.ORGANIZERS for t in targets):
            raise ValueError("define at least one chat with purpose = 'organizers'")
        if not any(t.purpose is TargetPurpose.BROADCAST for t in targets):
            raise ValueError("define at least one chat with purpose = 'broadcast'")
        return self

    def for_front_ends(self, *names: str) -> Config:
        """This config with only the named front ends ("console", "discord", "signal").

        `rrbot run` keeps Discord and Signal, `rrbot console` the console, so an alert is
        only ever queued for chats that the running command can deliver to. The result is
        validated again: it must still have an organizer chat and a broadcast chat.
        """
        dropped = {name for name in FRONT_ENDS if name not in names}
        if not any(getattr(self, name) is not None for name in dropped):
            return self
        data = self.model_dump(exclude={"source", *dropped}, round_trip=True)
        try:
            kept = Config.model_validate(data)
        except ValidationError as error:
            where = ", ".join(f"[{name}]" for name in names if getattr(self, name) is not None)
            raise ConfigError(
                f"{self.source or 'config'}: {where or 'the front ends'} alone: "
                f"{describe_validation_error(error)}"
            ) from None
        return kept.model_copy(update={"source": self.source})

    def targets(self) -> Iterator[Target]:
        """Every chat the bot knows, on every enabled front end."""
        if self.console is not None:
            for chat in self.console.chats:
                yield Target(
                    platform="console",
                    address=chat.name,
                    purpose=chat.purpose,
                    languages=tuple(chat.languages),
                    label=chat.name,
                    areas=tuple(chat.areas),
                    drill=_drill_chat(chat.drill, chat.purpose),
                )
        if self.discord is not None:
            yield Target(
                platform="discord",
                address=str(self.discord.organizer_channel_id),
                purpose=TargetPurpose.ORGANIZERS,
                languages=tuple(self.discord.organizer_languages),
                label=f"#{self.discord.organizer_channel_name}",
                drill=self.discord.organizer_drill,
            )
            for channel in self.discord.broadcast:
                yield Target(
                    platform="discord",
                    address=str(channel.channel_id),
                    purpose=TargetPurpose.BROADCAST,
                    languages=tuple(channel.languages),
                    label=f"#{channel.name}",
                    areas=tuple(channel.areas),
                    drill=channel.drill,
                )

        if self.signal is not None:
            groups = [(self.signal.organizer_group, TargetPurpose.ORGANIZERS)]
            groups += [(group, TargetPurpose.BROADCAST) for group in self.signal.broadcast]
            for group, purpose in groups:
                yield Target(
                    platform="signal",
                    address=group.id,
                    purpose=purpose,
                    languages=tuple(group.languages),
                    label=group.name,
                    areas=tuple(group.areas),
                    drill=_drill_chat(group.drill, purpose),
                )

    def key_path(self, database: Path) -> Path:
        if not self.security.key_file:
            return database.with_name(database.name + ".key")
        path = Path(self.security.key_file)
        if not path.is_absolute() and self.source is not None:
            path = self.source.parent / path
        return path

    def database_path(self) -> Path:
        path = Path(self.storage.path)
        if not path.is_absolute() and self.source is not None:
            path = self.source.parent / path
        return path


def _drill_chat(marked: bool | None, purpose: TargetPurpose) -> bool:
    """Whether a chat gets a drill's alerts: as marked, else organizer chats only."""
    return purpose is TargetPurpose.ORGANIZERS if marked is None else marked


def _field_path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + part
    return text or "(top level)"


def _problem(problem: Mapping[str, Any]) -> str:
    """One problem as "field: what is wrong", in words an organizer can act on."""
    location = tuple(p for p in problem["loc"] if not (isinstance(p, str) and p.endswith("]")))
    message = str(problem["msg"]).removeprefix("Value error, ")
    if problem["type"] == "missing":
        message = "this field is required"
    elif problem["type"] == "extra_forbidden":
        message = "unknown field (check the spelling)"
    elif problem["type"] == "string_pattern_mismatch":
        pattern = str(problem.get("ctx", {}).get("pattern", ""))
        hint = PATTERN_HINTS.get(pattern, "a value in the form the example config shows")
        message = f"{problem['input']!r} is not valid: write {hint}"
    return f"{_field_path(location)}: {message}"


def describe_validation_error(error: ValidationError) -> str:
    """Every problem, one per line, each with its field: a single problem is one line."""
    problems = [_problem(p) for p in error.errors(include_url=False)]
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems:\n" + "\n".join(f"  {problem}" for problem in problems)


def load_config(path: Path) -> Config:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file ({error.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"{path}: {describe_validation_error(error)}") from None
    return config.model_copy(update={"source": path.resolve()})
