"""Finding the data key that seals personal data at rest.

Where the key may come from depends on what runs. A trial on the console makes its own
key beside the database, so it needs no setup. A deployment (`rrbot run`, or `rrbot
purge`, with Discord or Signal configured) takes the key from the environment, or from
a key file the config names on purpose: a key kept beside the database would open the
data for whoever copies that disk, so the bot refuses to make one there.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.config import Config
from storage.crypto import DataKeyError, FieldCipher, generate_key, parse_key
from storage.private_files import create_directory, create_file, keep_private

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataKey:
    cipher: FieldCipher
    created: Path | None = None  # a key file made by this start: removed if the start fails
    deployment: bool = False  # for real chats: its making is worth a warning


def needs_explicit_key(config: Config) -> bool:
    """A config that reaches real chats (Discord, Signal) holds real members' data."""
    return config.discord is not None or config.signal is not None


def missing_key(config: Config) -> str:
    return (
        "no data key: make one with `rrbot generate-key`, keep a copy somewhere safe, and "
        f"pass it in the environment variable {config.security.key_env} (or save it in a "
        "file on another disk and name that file in [security] key_file)"
    )


def key_problem(config: Config, database: Path, *, deployment: bool = False) -> str | None:
    """Why `find_key` would refuse, found without making or changing anything, so a start
    can name it together with every other problem before it creates a thing; None when a
    key is there or will be made."""
    env = config.security.key_env
    from_env = os.environ.get(env, "").strip()
    if from_env:
        try:
            parse_key(from_env)
        except DataKeyError as error:
            return str(error)
        return None
    path = config.key_path(database)
    if deployment and needs_explicit_key(config) and not config.security.key_file:
        if path.exists():
            return (
                f"the data key is in {path}, beside the database, so a copy of that disk "
                f"opens all the data: put the file's contents in the environment variable "
                f"{env} (or move the file to another disk and name it in [security] "
                f"key_file), keep a copy somewhere safe, then delete {path}"
            )
        return missing_key(config)
    if path.exists():
        try:
            parse_key(path.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError) as error:
            return f"cannot read the data key file {path}: {error}"
        except DataKeyError as error:
            return f"{path}: {error}"
    return None


def find_key(
    config: Config, database: Path, *, deployment: bool = False, create: bool = True
) -> DataKey:
    """The key from the environment variable, else the key file (created if `create`).

    `deployment`: with Discord or Signal configured, a key file is used only when the
    config names one, and a warning says so if it shares the database's file system.
    A key file made here is announced only once the start holds (`announce_created`):
    a start that fails removes it again, and a key nobody will need is not worth a copy.
    """
    problem = key_problem(config, database, deployment=deployment)
    if problem is not None:
        raise DataKeyError(problem)
    env = config.security.key_env
    from_env = os.environ.get(env, "").strip()
    if from_env:
        return DataKey(FieldCipher(parse_key(from_env)))
    path = config.key_path(database)
    strict = deployment and needs_explicit_key(config)
    created = None
    if path.exists():
        keep_private(path, "data key file")
        try:
            key = parse_key(path.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError) as error:
            raise DataKeyError(f"cannot read the data key file {path}: {error}") from None
    elif not create:
        raise DataKeyError(f"no data key: it is neither in {env} nor in {path}")
    else:
        text = generate_key()
        try:
            create_directory(path.parent)
            create_file(path, text + "\n")
        except OSError as error:
            raise DataKeyError(f"cannot write the data key file {path}: {error}") from None
        key, created = parse_key(text), path
    if strict and _same_file_system(path, database):
        log.warning(
            "the data key file %s is on the same file system as the database %s: a copy of "
            "that disk opens all the data; keep the key on another disk, or in %s",
            path,
            database,
            env,
        )
    return DataKey(FieldCipher(key), created, deployment=strict)


def announce_created(key: DataKey) -> None:
    """Say once that a new key file was made, once the start that made it holds. A trial
    on the console needs no fuss; a deployment should hear it."""
    if key.created is None:
        return
    log.log(
        logging.WARNING if key.deployment else logging.INFO,
        "created a new data key in %s; keep a copy somewhere safe: without it the data "
        "cannot be read",
        key.created,
    )


def load_cipher(config: Config, database: Path) -> FieldCipher:
    """The key an existing database was sealed with; never makes one."""
    return find_key(config, database, create=False).cipher


def _same_file_system(key_file: Path, database: Path) -> bool:
    return device(key_file) == device(database)


def device(path: Path) -> int:
    """The file system `path` is on (or would be on: its nearest existing folder)."""
    for candidate in (path, *path.absolute().parents):
        try:
            return os.stat(candidate).st_dev
        except FileNotFoundError:
            continue
    return -1


NEW_KEY_ENV = "RRBOT_NEW_DATA_KEY"


async def rotate(config: Config, database: Path) -> str:
    """Re-seal the database with the key in RRBOT_NEW_DATA_KEY; returns a one-line summary.

    The operator holds the new key before anything changes. With a key file, the new key
    is written beside it first and moved into place only after the database committed,
    so at every moment one of the two files opens the data.
    """
    from storage.database import Database

    new_text = os.environ.get(NEW_KEY_ENV, "").strip()
    if not new_text:
        raise DataKeyError(
            f"put the new key in {NEW_KEY_ENV} first (make one with rrbot generate-key)"
        )
    new = FieldCipher(parse_key(new_text))
    old = load_cipher(config, database)
    if old.key_id == new.key_id:
        raise DataKeyError("the new key is the key already in use")
    from_env = os.environ.get(config.security.key_env, "").strip()
    key_file = None if from_env else config.key_path(database)
    staged = key_file.with_name(key_file.name + ".new") if key_file else None
    if staged is not None:
        staged.unlink(missing_ok=True)  # left by a rotation that stopped half-way
        create_file(staged, new_text + "\n")
    db = await Database.open(database, old)
    try:
        count = await db.rotate_key(new)
    finally:
        await db.close()
    if staged is not None and key_file is not None:
        staged.replace(key_file)
        return f"re-sealed {count} values; the new key is now in {key_file}"
    return (
        f"re-sealed {count} values; now start the bot with the new key in {config.security.key_env}"
    )
