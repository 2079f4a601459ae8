"""Finding the data key that seals personal data at rest."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.config import Config
from storage.crypto import DataKeyError, FieldCipher, generate_key, parse_key

log = logging.getLogger(__name__)


def load_cipher(config: Config, database: Path, *, deployment: bool = False) -> FieldCipher:
    """The key from the environment variable, else the key file (created if missing)."""
    from_env = os.environ.get(config.security.key_env, "").strip()
    if from_env:
        return FieldCipher(parse_key(from_env))
    path = config.key_path(database)
    if path.exists():
        try:
            return FieldCipher(parse_key(path.read_text(encoding="ascii")))
        except (OSError, UnicodeDecodeError) as error:
            raise DataKeyError(f"cannot read the data key file {path}: {error}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    # A trial on the console needs no fuss; a deployment should hear it, once.
    log.log(
        logging.WARNING if deployment else logging.INFO,
        "created a new data key in %s; for a real deployment keep the key in %s instead",
        path,
        config.security.key_env,
    )
    return FieldCipher(parse_key(key))


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
    key_file = None if os.environ.get(config.security.key_env) else config.key_path(database)
    staged = key_file.with_name(key_file.name + ".new") if key_file else None
    if staged is not None:
        descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(new_text + "\n")
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
