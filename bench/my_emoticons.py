"""Benchmark: 내 이모티콘 for an end user with 20 registered sticker sets, through gunicorn.

    .venv/bin/python bench/my_emoticons.py [--requests 300] [--sets 20]

Draws 20 emoticons with their sticker sets (the demo's Pillow drawings, 12 stickers each), issues
and registers one code of each to one user, then serves the app with gunicorn (``gunicorn.conf.py``,
the production process model: preloaded gthread workers) on 127.0.0.1 and times, one keep-alive
client at a time, the page ``/me/emoticons/`` (every set's grid signed for the user), the API
``GET /api/v1/me/emoticons/`` (the same, as JSON) and signed sticker images (the full file and the
WebP thumbnail, each request checking signature, owner and usage period, then sending the file).
Prints p50/p90/p99 in ms for each with its target. Uses the database ``bizshop_bench_stickers``,
Redis db 2 and var/bench-media.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bizshop_bench_stickers"
os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ["MEDIA_ROOT"] = str(ROOT / "var" / "bench-media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
PORT = 8913
TARGETS = {"page": 20.0, "api": 20.0, "sticker image": 10.0, "sticker thumbnail": 10.0}
# What any request and any portal page cost on the same path, for reference.
REFERENCES = ("healthz", "base page (/register/)")


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")


def prepare(sets: int) -> tuple[str, str]:
    """One end user with ``sets`` registered emoticons; returns (session key, its user's e-mail)."""
    import redis
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from bizshop.accounts.models import User
    from bizshop.billing import services as billing
    from bizshop.catalog.demo import demo_images_seed
    from bizshop.catalog.models import Emoticon
    from bizshop.catalog.services import emoticon_create
    from bizshop.codes.crypto import get_keyring
    from bizshop.codes.models import Registration, SerialCode
    from bizshop.codes.services import code_register, issuance_run, issuance_start
    from bizshop.partners.models import Member, Partner

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    emoticons = list(Emoticon.objects.filter(title__startswith="벤치 스티커 ").order_by("pk"))
    for number in range(len(emoticons), sets):
        emoticons.append(
            emoticon_create(title=f"벤치 스티커 {number + 1:02d}", prices={30: 1_600, 60: 2_500}, operator=None)
        )
    demo_images_seed(emoticons=emoticons[:sets])  # draws only what is not there yet
    partner = Partner.objects.filter(business_registration_number="1208147521").first()
    if partner is None:
        partner = Partner.objects.create(
            name="(주)벤치", business_registration_number="1208147521", representative="벤치", invoice_email="b@b.kr"
        )
        member_user = User.objects.create_user(email="bench-sticker-partner@bench.kr", password=None)
        Member.objects.create(partner=partner, user=member_user, role=Member.Role.OWNER)
    user = User.objects.filter(email="bench-sticker-fan@bench.kr").first()
    if user is None:
        user = User.objects.create_user(email="bench-sticker-fan@bench.kr", password=None)
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.refresh_from_db()
    have = Registration.objects.filter(user=user).count()
    for emoticon in emoticons[have:sets]:
        order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
        billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
        issuance = issuance_start(order_id=order.pk, partner=partner, quantity=1)
        issuance_run(issuance_id=issuance.pk)
        code = SerialCode.objects.get(issuance=issuance)
        code_register(user=user, raw_code=get_keyring().decrypt(code.key_id, code.ciphertext))
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key or "", user.email


def timed(client: object, url: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        body = response.content
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, body[:200])
    return samples


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sets", type=int, default=20)
    args = parser.parse_args()
    ensure_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    import httpx

    session_key, _ = prepare(args.sets)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bizshop.wsgi",
            "--config=gunicorn.conf.py",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"},
    )
    results: dict[str, list[float]] = {}
    try:
        base = f"http://127.0.0.1:{PORT}"
        with httpx.Client(base_url=base, cookies={"sessionid": session_key}, timeout=30) as client:
            for _ in range(50):  # until the workers answer
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            page = client.get("/me/emoticons/").text
            urls = [
                unescape(u)
                for u in re.findall(r'href="(/me/emoticons/\d+/stickers/\d+/image\?[^"&]+&amp;[^"]+?)"', page)
            ]
            urls = [u for u in urls if "download=1" not in u]
            thumbs = [unescape(u) for u in re.findall(r'src="(/me/emoticons/\d+/stickers/\d+/thumb\?[^"]+)"', page)]
            sets_shown = len(re.findall(r'data-registration="', page))
            assert sets_shown == args.sets, f"{sets_shown} sets on the page"
            assert urls and thumbs, "no signed sticker URLs on the page"
            timed(client, "/me/emoticons/", 20)  # warm every worker's caches
            results["healthz"] = timed(client, "/healthz", args.requests)
            results["base page (/register/)"] = timed(client, "/register/", args.requests)
            results["page"] = timed(client, "/me/emoticons/", args.requests)
            results["api"] = timed(client, "/api/v1/me/emoticons/?page_size=20", args.requests)
            results["sticker image"] = [
                sample for i in range(args.requests) for sample in timed(client, urls[i % len(urls)], 1)
            ]
            results["sticker thumbnail"] = [
                sample for i in range(args.requests) for sample in timed(client, thumbs[i % len(thumbs)], 1)
            ]
            image_bytes = len(client.get(urls[0]).content)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"my_emoticons: one user with {args.sets} registered sets ({len(urls)} stickers on the page), "
        f"gunicorn (gunicorn.conf.py), {args.requests} requests each, one keep-alive client"
    )
    for kind, samples in results.items():
        p50 = percentile(samples, 50)
        if kind in REFERENCES:
            print(f"  {kind:<22} p50 {p50:6.2f} ms  (reference)")
            continue
        verdict = "ok" if p50 <= TARGETS[kind] else "OVER"
        print(
            f"  {kind:<22} p50 {p50:6.2f} ms  p90 {percentile(samples, 90):6.2f} ms  "
            f"p99 {percentile(samples, 99):6.2f} ms   (target p50 <= {TARGETS[kind]:.0f} ms: {verdict})"
        )
    print(f"  a sticker image is {image_bytes:,} bytes")


if __name__ == "__main__":
    main()
