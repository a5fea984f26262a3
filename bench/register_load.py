"""Benchmark: end users registering codes over HTTP against gunicorn, PostgreSQL and Redis.

    .venv/bin/python bench/register_load.py [--seconds 20] [--connections 12] [--workers 3] [--threads 4]

Serves the app with gunicorn (``gunicorn.conf.py``: gthread workers, keep-alive) on 127.0.0.1,
then a load generator (asyncio, keep-alive connections carrying thousands of simulated
customers, each with its own signed-in session and its own client IP via X-Forwarded-For)
registers distinct valid codes, with 20% of requests invalid (wrong check symbol, unknown code,
malformed). Prints successful registrations/s, p50/p99 latency per kind, the CPU each tier
spent per request, and checks there are no double registrations. Twelve connections keep the
two cores busy; more only make requests queue. Uses the database ``bizshop_bench`` (``BENCH_DB``
names another) and Redis db 2; ``--keep`` leaves the codes already stored in place, ``--json``
ends with the figures as one JSON line (bench/scale_50m.py reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from issue_codes import DATABASE, PG, ensure_database, fresh_paid_order, setup_django  # noqa: E402

os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
PORT = 8911
UNEXPECTED: list[str] = []
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)


def wait_until_serving(ports: list[int], timeout: float = 120) -> None:
    """Until every instance answers /healthz (a loaded machine takes a while to preload the app)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)


def prepare(codes: int, clients: int, *, keep: bool = False) -> tuple[int, list[str], list[tuple[str, str]]]:
    """Issue ``codes`` codes and sign in ``clients`` end users: (order id, codes, [(session, csrf)])."""
    import redis
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db import transaction
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.utils import timezone

    from bizshop.accounts.models import User
    from bizshop.codes.crypto import get_keyring
    from bizshop.codes.models import Issuance, SerialCode
    from bizshop.codes.writer import write_codes

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    _, order = fresh_paid_order(codes, keep=keep)
    issuance = Issuance.objects.create(
        order=order,
        quantity=codes,
        issued_count=codes,
        status=Issuance.Status.COMPLETED,
        registration_deadline=timezone.now() + timezone.timedelta(days=90),
    )
    with transaction.atomic():
        write_codes(keyring=get_keyring(), order_id=order.pk, issuance_id=issuance.pk, count=codes)  # type: ignore[attr-defined]
    keyring = get_keyring()
    plain = [
        keyring.decrypt(k, b) for k, b in SerialCode.objects.filter(order=order).values_list("key_id", "ciphertext")
    ]
    User.objects.filter(email__startswith="bench-user-").delete()
    users = User.objects.bulk_create(User(email=f"bench-user-{i}@bench.kr", password="!") for i in range(clients))
    sessions = []
    for user in users:
        # Signing in through the login form would measure password hashing; a session is what it yields.
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((store.session_key or "", _mask_cipher_secret(_get_new_csrf_string())))
    return order.pk, plain, sessions  # type: ignore[attr-defined]


def invalid_code(valid: str) -> str:
    from bizshop.codes import format as code_format

    kind = random.random()
    if kind < 0.4:  # a typo the check symbol catches
        return valid[:-1] + ("0" if valid[-1] != "0" else "1")
    if kind < 0.8:  # well-formed but never issued
        return code_format.generate()
    return "NOT-A-CODE"


async def client(
    port: int,
    sessions: list[tuple[int, tuple[str, str]]],
    work: list[str],
    raced: dict[int, list[str]],
    contend: float,
    results: list[tuple[str, int, float, str]],
    stop_at: float,
) -> None:
    """One keep-alive connection carrying many customers' requests, a few each.

    With ``contend`` > 0 that share of the valid codes it sends is also handed to a connection
    of every other instance, which sends it next: two customers registering one code at the
    same moment through different servers. Exactly one may win; the other gets 409.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (work or raced[port]) and time.perf_counter() < stop_at:
            number, (session_id, csrf) = sessions[random.randrange(len(sessions))]
            ip = f"10.{number // 62_500}.{(number // 250) % 250}.{number % 250}"
            if raced[port]:
                code, valid, kind = raced[port].pop(), True, "raced"
            else:
                code = work.pop()
                valid = random.random() >= 0.2
                kind = "valid" if valid else "invalid"
                if not valid:
                    work.append(code)  # the valid code stays for a later request
                elif random.random() < contend:
                    kind = "contended"
                    for other in raced:
                        if other != port:
                            raced[other].append(code)
            body = json.dumps({"code": code if valid else invalid_code(code)}).encode()
            request = (
                f"POST /api/v1/registrations/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Cookie: sessionid={session_id}; csrftoken={csrf}\r\nX-CSRFToken: {csrf}\r\n"
                f"Referer: http://127.0.0.1:{port}/register/\r\nX-Forwarded-For: {ip}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")  # one read for the whole head: the generator stays light
            length = int(CONTENT_LENGTH.search(head).group(1))  # type: ignore[union-attr]
            payload = await reader.readexactly(length)
            elapsed = time.perf_counter() - started
            status = int(head[9:12])
            if status not in (201, 404, 409, 422):
                UNEXPECTED.append(payload[:200].decode(errors="replace"))
            results.append((kind, status, elapsed, code))
    finally:
        writer.close()


async def load(
    ports: list[int],
    codes: list[str],
    sessions: list[tuple[str, str]],
    connections: int,
    seconds: float,
    contend: float,
) -> list[tuple[str, int, float, str]]:
    results: list[tuple[str, int, float, str]] = []
    random.shuffle(codes)
    numbered = list(enumerate(sessions))
    raced: dict[int, list[str]] = {port: [] for port in ports}
    stop_at = time.perf_counter() + seconds
    await asyncio.gather(
        *(client(ports[i % len(ports)], numbered, codes, raced, contend, results, stop_at) for i in range(connections))
    )
    return results


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) used so far by the processes of each tier, read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0.0, "postgres": 0.0, "redis-server": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
        except OSError:  # the process ended meanwhile
            continue
        name = fields[0].split("(", 1)[1]
        if name in used:
            utime, stime = fields[1].split()[11:13]
            used[name] += (int(utime) + int(stime)) / tick
    return used


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else (values[0] if values else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="issue on top of the codes already stored")
    parser.add_argument("--json", action="store_true", help="end with the figures as one JSON line")
    parser.add_argument("--instances", type=int, default=1, help="gunicorn instances, each on its own port")
    parser.add_argument("--celery-workers", type=int, default=0, help="Celery worker processes beside them")
    parser.add_argument(
        "--contend", type=float, default=0.0, help="share of valid codes sent at once through every other instance"
    )
    args = parser.parse_args()
    ensure_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    setup_django()
    order_id, codes, sessions = prepare(int(600 * args.seconds * 1.3), args.customers, keep=args.keep)
    ports = [PORT + i for i in range(args.instances)]
    env = {**os.environ, "DEBUG": "0", "NUM_PROXIES": "1", "ALLOWED_HOSTS": "127.0.0.1"}
    servers = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "bizshop.wsgi",
                "--config=gunicorn.conf.py",  # preload, GC freeze, keep-alive; the flags below override the rest
                f"--bind=127.0.0.1:{port}",
                f"--workers={args.workers}",
                f"--threads={args.threads}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    # Celery workers take what registrations queue (webhooks); named apart, as on two machines.
    servers += [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bizshop",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                f"--hostname=bench{i}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
        )
        for i in range(args.celery_workers)
    ]
    try:
        wait_until_serving(ports)
        time.sleep(1)  # the Celery workers connect to Redis
        cpu_before, own_before = cpu_seconds(), time.process_time()
        started = time.perf_counter()
        results = asyncio.run(load(ports, codes, sessions, args.connections, args.seconds, args.contend))
        wall = time.perf_counter() - started
        cpu = {name: used - cpu_before[name] for name, used in cpu_seconds().items()}
        cpu["load generator"] = time.process_time() - own_before
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)

    from bizshop.codes.models import Registration, SerialCode

    ok = [r for r in results if r[0] in ("valid", "contended", "raced") and r[1] == 201]
    refused = [r for r in results if r[0] == "invalid" and r[1] in (404, 422)]
    contested = [r for r in results if r[0] in ("contended", "raced") and r[1] in (201, 409)]
    wins_per_code: dict[str, int] = {}
    for _kind, status, _, code in contested:
        wins_per_code[code] = wins_per_code.get(code, 0) + (status == 201)
    raced_won = [r for r in contested if r[0] == "raced" and r[1] == 201]
    expected = {id(r) for r in (*ok, *refused, *contested)}
    unexpected = [r for r in results if id(r) not in expected]
    registrations = Registration.objects.filter(code__order_id=order_id)
    doubles = registrations.count() - registrations.values("code").distinct().count()
    registered_codes = SerialCode.objects.filter(order_id=order_id, status="registered").count()
    print(
        f"register_load: {args.seconds:.0f} s, {args.connections} connections, {args.customers:,} customers "
        f"(own session and IP each), {args.instances} gunicorn instance(s) of {args.workers}x{args.threads} gthread"
        f" on ports {ports}, {args.celery_workers} Celery worker(s)"
    )
    print(f"requests: {len(results):,} in {wall:.1f} s ({len(results) / wall:,.0f} req/s), 20% invalid")
    print(f"successful registrations/s: {len(ok) / wall:,.0f}   (target >= 300)")
    for kind, rows in (("valid (201)", ok), ("invalid (404/422)", refused)):
        latencies = [r[2] * 1000 for r in rows]
        if latencies:
            print(f"  {kind:<18} p50 {percentile(latencies, 50):6.1f} ms   p99 {percentile(latencies, 99):6.1f} ms")
    every = [r[2] * 1000 for r in results]
    print(
        f"  all                p50 {percentile(every, 50):6.1f} ms   p99 {percentile(every, 99):6.1f} ms"
        "   (target p99 <= 100 ms)"
    )
    print(
        "CPU per request: "
        + ", ".join(f"{name} {1000 * used / len(results):.2f} ms" for name, used in cpu.items())
        + f"; {sum(cpu.values()) / wall:.2f} of {os.cpu_count()} cores busy"
    )
    print(f"unexpected answers: {len(unexpected)} {sorted({r[1] for r in unexpected})} {UNEXPECTED[:2]}")
    if args.contend:
        print(
            f"contested codes (one code sent at once through {args.instances} instances): {len(wins_per_code):,}; "
            f"each won exactly once: {all(w == 1 for w in wins_per_code.values())} "
            f"(the later sender won {len(raced_won):,} of them; every other sender got 409)"
        )
    won = len(ok)  # the contested codes' single wins among them
    print(
        f"double registrations: {doubles}; registered codes {registered_codes:,} = successes {won:,}: "
        f"{registered_codes == won}"
    )
    if args.json:
        valid = [r[2] * 1000 for r in ok]
        print(
            json.dumps(
                {
                    "registrations_per_s": len(ok) / wall,
                    "valid_p50_ms": percentile(valid, 50),
                    "valid_p99_ms": percentile(valid, 99),
                    "all_p50_ms": percentile(every, 50),
                    "all_p99_ms": percentile(every, 99),
                    "requests": len(results),
                    "unexpected": len(unexpected),
                    "doubles": doubles,
                    "consistent": registered_codes == won,
                    "contested_each_once": all(w == 1 for w in wins_per_code.values()),
                }
            )
        )


if __name__ == "__main__":
    main()
