"""Secrets for the embedded default: generated once into var/ and reused, never regenerated."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

SECRETS_FILE_NAME = "secrets.json"


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _write(path: Path, data: dict[str, str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)


def load_or_create(var_dir: Path, *, database_file: Path | None) -> dict[str, str]:
    """Return the local secrets, creating them only when nothing could depend on older ones.

    A database file without its secrets file means codes may exist under keys we no longer
    have: making new keys would silently orphan them, so we refuse instead.
    """
    path = var_dir / SECRETS_FILE_NAME
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        if "PAYMENT_SANDBOX_SECRET" not in data:  # a file from before the sandbox had its own secret
            data["PAYMENT_SANDBOX_SECRET"] = secrets.token_urlsafe(32)  # nothing stored depends on it
            _write(path.with_suffix(".add.tmp"), data)
            os.replace(path.with_suffix(".add.tmp"), path)
        return data
    if database_file is not None and database_file.exists() and database_file.stat().st_size > 0:
        raise ImproperlyConfigured(
            f"{path} is missing but {database_file} exists: restore the secrets file "
            "(codes in that database are encrypted with it) or remove the database."
        )
    var_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CODE_ENCRYPTION_KEYS": _new_key(),  # known by its fingerprint, never by a reusable label
        "CODE_LOOKUP_KEY": _new_key(),
        "PAYMENT_SANDBOX_SECRET": secrets.token_urlsafe(32),  # the sandbox PG's own signing secret
    }
    tmp = path.with_suffix(".tmp")
    _write(tmp, data)
    # A concurrent first start may have won the race: keep whichever file landed first.
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    result: dict[str, str] = json.loads(path.read_text())
    return result
