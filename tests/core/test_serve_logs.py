"""`make serve` as an operator runs it: every process writes JSON lines with the request id, an expected
404 is INFO rather than WARNING, and the worker, beat and web workers run as a service user, not root."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.helpers.production import ROOT, production_env

DATABASE = "bizshop_serve_logs"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served() -> tuple[str, subprocess.Popen[str], Path]:
    """scripts/serve.sh on a free port with its own database and Redis db; stopped and its output kept."""
    pg = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bizshop").rsplit("/", 1)[0]
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    (ROOT / "var").mkdir(exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="serve-logs-", dir=ROOT / "var"))  # not under a 0700 pytest tmp
    port = free_port()
    env = production_env(
        var_dir,
        ALLOWED_HOSTS="127.0.0.1",
        ALLOW_SANDBOX_PAYMENTS="1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"{pg}/{DATABASE}",
        REDIS_URL="redis://127.0.0.1:6379/11",
        BIND=f"127.0.0.1:{port}",
        WEB_WORKERS="1",
        WORKER_CONCURRENCY="1",
    )
    output = var_dir / "serve.out"
    with output.open("w") as sink:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    yield f"http://127.0.0.1:{port}", process, output
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wait_until_up(base: str, process: subprocess.Popen[str], output: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("serve.sh stopped:\n" + output.read_text()[-3000:])
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    pytest.fail("serve.sh did not answer within 180 s:\n" + output.read_text()[-3000:])


def process_users(pattern: str) -> set[str]:
    listing = subprocess.run(["ps", "-ww", "-eo", "user:20,args"], capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in listing.splitlines() if pattern in line and "grep" not in line}


def test_every_process_logs_json_with_the_request_id_and_runs_unprivileged(
    served: tuple[str, subprocess.Popen[str], Path],
) -> None:
    base, process, output = served
    wait_until_up(base, process, output)

    ok = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "serve-logs-ok-0001"})
    missing = httpx.get(f"{base}/no-such-page/", headers={"X-Request-ID": "serve-logs-404-0002"})
    deadline = time.monotonic() + 60
    while (
        not all(f"{name}@" in output.read_text() for name in ("general", "documents")) and time.monotonic() < deadline
    ):
        time.sleep(0.5)
    time.sleep(1)  # the access lines are written after the answers
    workers = process_users(f"{ROOT}/.venv/bin/celery") | process_users(".venv/bin/celery")
    document_workers = process_users("-Q documents --loglevel INFO --concurrency 1 --max-memory-per-child 300000")
    lines = [line for line in output.read_text().splitlines() if line.strip()]

    assert ok.status_code == 200 and missing.status_code == 404
    entries = [json.loads(line) for line in lines if not line.startswith("serve.sh: chmod")]  # every line JSON
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert any(e["request_id"] == "serve-logs-ok-0001" and e["status"] == 200 for e in access)
    assert any(e["request_id"] == "serve-logs-404-0002" and e["status"] == 404 for e in access)
    not_found = [e for e in entries if e["logger"] == "django.request" and e["request_id"] == "serve-logs-404-0002"]
    assert not_found and all(e["level"] == "INFO" for e in not_found)
    assert any(e["logger"].startswith("celery") for e in entries)  # the worker and beat log JSON too
    ready = {e["message"].split()[0] for e in entries if e["message"].endswith(" ready.")}
    assert {name.split("@")[0] for name in ready} >= {"general", "documents"}, ready  # both workers, own queues
    assert document_workers  # the documents worker's pool is replaced past 300 MB
    if os.geteuid() == 0:
        assert workers and "root" not in workers, workers
        assert "root" not in document_workers, document_workers
