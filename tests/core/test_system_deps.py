"""scripts/system-deps.sh (run by make demo and make test) says which Debian packages it installs first."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = "make fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium"


def fake_command(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def test_system_deps_names_the_packages_before_apt_get_runs(tmp_path: Path) -> None:
    # A machine with none of them: dpkg-query knows nothing; sudo and apt-get only say what they were asked.
    fake_command(tmp_path, "dpkg-query", "exit 1")
    fake_command(tmp_path, "sudo", 'exec "$@"')
    fake_command(tmp_path, "apt-get", 'echo "apt-get $*"')

    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "system-deps.sh")],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )

    lines = result.stdout.splitlines()
    assert lines[0] == f"bizshop needs these Debian packages (the missing ones are installed with apt-get): {PACKAGES}"
    assert lines[1].startswith(f"installing Debian packages: {PACKAGES}")
    assert lines[-1] == f"apt-get install -y -qq --no-install-recommends {PACKAGES}"
