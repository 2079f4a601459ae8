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
