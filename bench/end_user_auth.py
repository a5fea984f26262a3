"""Benchmark: what an end user's API request costs with HTTP Basic and with an API token.

    .venv/bin/python bench/end_user_auth.py [--requests 40]

In-process (Django's test client, no network), PostgreSQL and Redis, the production password
hasher: times ``GET /api/v1/me/emoticons/`` authenticated by HTTP Basic (a password hash on
every request) and by a token from ``POST /api/v1/auth/token/`` (one indexed lookup), and the
sign-in for a token itself. Prints p50/p90 in ms for each. Uses the database
``bizshop_bench_auth`` and Redis db 2 (the benches' own).
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bizshop_bench_auth"
os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
EMAIL, PASSWORD = "bench-end-user@example.kr", "Bq!7vN2mWt"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")


def timed(call: Callable[[], int], n: int, expected: int) -> list[float]:
    # Successful sign-ins give their place in the login windows back, so they never fill them.
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        status = call()
        samples.append((time.perf_counter() - start) * 1000)
        assert status == expected, status
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bizshop.accounts.models import User

    call_command("migrate", verbosity=0)
    User.objects.filter(email=EMAIL).delete()
    User.objects.create_user(EMAIL, PASSWORD)  # the production hasher (settings.PASSWORD_HASHERS)

    basic = Client(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode())
    anonymous = Client()

    def sign_in() -> int:
        body = {"email": EMAIL, "password": PASSWORD}
        return anonymous.post("/api/v1/auth/token/", body, content_type="application/json").status_code

    token = anonymous.post(
        "/api/v1/auth/token/", {"email": EMAIL, "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    runs = {
        "GET /me/emoticons/ with HTTP Basic": timed(
            lambda: basic.get("/api/v1/me/emoticons/").status_code, args.requests, 200
        ),
        "GET /me/emoticons/ with a token": timed(
            lambda: bearer.get("/api/v1/me/emoticons/").status_code, args.requests, 200
        ),
        "POST /auth/token/ (sign-in, once an hour)": timed(sign_in, args.requests, 201),
    }
    print(f"{args.requests} requests each, in-process, one thread")
    for name, samples in runs.items():
        deciles = statistics.quantiles(samples, n=10)
        print(f"  {name:45s} p50 {statistics.median(samples):7.1f} ms   p90 {deciles[8]:7.1f} ms")


if __name__ == "__main__":
    main()
