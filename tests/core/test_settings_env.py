"""Every setting comes from the environment through settings.py, is listed in .env.example, and
production names everything it misses at once."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from tests.helpers.production import ROOT, manage, production_env

SETTINGS = (ROOT / "bizshop" / "settings.py").read_text()
READS = re.compile(r'(?:env\.(?:str|int|bool|list)|env_bool|secret)\("([A-Z_]+)"')


def example_names() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0].strip() for line in lines if "=" in line and not line.lstrip().startswith("#")}


def test_every_variable_settings_read_is_in_env_example_and_nothing_else_is() -> None:
    read = set(READS.findall(SETTINGS))

    assert read, "the pattern found no reads"
    assert read == example_names()


def test_settings_read_the_environment_only_through_django_environ() -> None:
    assert "os.environ" not in SETTINGS


def test_no_code_reads_a_setting_that_settings_does_not_declare() -> None:
    undeclared = []
    for path in (ROOT / "bizshop").rglob("*.py"):
        for name in re.findall(r'getattr\(settings,\s*"([A-Z_]+)"', path.read_text()):
            if not hasattr(settings, name):
                undeclared.append(f"{path.relative_to(ROOT)}: {name}")
    assert not undeclared


def test_production_names_every_missing_setting_in_one_message(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    for name in ("SECRET_KEY", "CODE_LOOKUP_KEY", "SITE_URL", "REDIS_URL"):
        env.pop(name, None)

    result = manage(env, "check")

    assert result.returncode != 0
    message = next(line for line in result.stderr.splitlines() if "PRODUCTION=1 needs" in line)
    for name in ("SECRET_KEY", "CODE_LOOKUP_KEY", "SITE_URL", "REDIS_URL"):
        assert name in message
    assert "CODE_ENCRYPTION_KEYS" not in message and "ALLOWED_HOSTS" not in message


def test_the_sandbox_signs_with_its_own_secret_not_the_secret_key() -> None:
    assert settings.PAYMENT_SANDBOX_SECRET and settings.PAYMENT_SANDBOX_SECRET != settings.SECRET_KEY
