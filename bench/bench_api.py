"""REST API throughput and latency against gunicorn (2 workers) on this machine.

    .venv/bin/python bench/bench_api.py [--json] [--seconds 5]

Starts gunicorn on 127.0.0.1 with a throwaway database (a SQLite file, or a fresh PostgreSQL
database on the server named by DATABASE_URL), seeds it, and drives it from client threads
over HTTP/1.1 (http.client; connections are kept alive when the worker class allows it, as
gthread does; sync workers, the production shape, close each one), loopback only, for a
bounded time:

- GET /api/v1/vendors/?page_size=50 (50 vendors with their latest rating),
- PUT /api/v1/assessments/{id}/answers/ with 100 answers (each client its own assessment,
  alternating values so every request really writes),
- GET /api/v1/vendors/?page_size=50&_=<n>, the same page with a cache-busting parameter,
  so every request misses the list cache and builds the page from the database,
- GET /healthz, Django's plain JSON view, as the baseline measured in the same run,

at 4 and 16 concurrent clients. The GET scenarios are driven by wrk (Debian package `wrk`)
when it is installed: a C load generator leaves the two cores to the server, where Python
client threads would take a good part of them. The PUTs, far slower, use the threads.
Queries per request are counted in-process with CaptureQueriesContext at several page and
batch sizes. gunicorn is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

TARGET_LIST_RPS_AT_4 = 500
TARGET_P99_MS_AT_16 = 50
TARGET_LIST_QUERIES = 3
VENDORS = 200
QUESTIONS = 100


# --------------------------------------------------------------------------- environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_database(workdir: Path) -> tuple[str, callable]:
    """A database URL nobody else uses, and how to drop it afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'bench.sqlite3'}", lambda: None
    import psycopg

    name = f"gov_bench_{os.getpid()}"
    parsed = urlparse(base)
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunparse(parsed._replace(path=f"/{name}")), drop


def server_environment(workdir: Path, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0f3a9c1e7b2d4a6f8e0c2b4d6f8a1c3e5",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP on loopback: no TLS redirect, no HSTS.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # The benchmark measures the API, not the throttle's refusals.
        "API_THROTTLE_RATE": "100000000/min",
        "REDIS_URL": "",
        "VAR_DIR": str(workdir),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "governance.settings",
    }
    return env


# --------------------------------------------------------------------------- seeding


def seed() -> dict:
    """Create the organisation, a token, vendors (some rated) and assessments to answer."""
    from django.contrib.auth import get_user_model
    from django.test import TestCase

    from governance.accounts.models import ApiToken, Membership, Organisation
    from governance.assessments import services as assessment_services
    from governance.questionnaires.services import questionnaire_publish_definition
    from governance.vendors import services as vendor_services
    from tests.api.factories import wide_definition

    org = Organisation.objects.create(name="Bench Bank")
    user = get_user_model().objects.create_user("bench-assessor")
    Membership.objects.create(user=user, organisation=org, role="assessor")
    _, token = ApiToken.issue(user, name="bench")
    definition = wide_definition(QUESTIONS, key="bench")
    questionnaire = questionnaire_publish_definition(data=definition, source="bench").questionnaire
    vendors = [
        vendor_services.vendor_create(
            actor=user,
            organisation_id=org.pk,
            data={
                "name": f"Vendor {i:03d}",
                "legal_name": f"Vendor {i:03d} Holdings Ltd.",
                "website": f"https://vendor{i}.example.com",
                "headquarters_country": ["CN", "US", "FR", "DE", "GB"][i % 5],
                "tags": ["llm", "api"],
            },
        )
        for i in range(VENDORS)
    ]
    answers = [{"question": f"security.q{i:03d}", "value": "good"} for i in range(QUESTIONS)]
    # A quarter of the vendors carry a score, so the rating subquery has work to do.
    for vendor in vendors[::4]:
        item = assessment_services.assessment_create(
            actor=user, organisation_id=org.pk, vendor=vendor, questionnaire=questionnaire
        )
        assessment_services.answers_save(actor=user, assessment=item, answers=answers)
        with TestCase.captureOnCommitCallbacks(execute=True):
            assessment_services.assessment_submit(actor=user, assessment=item)
    editable = [
        assessment_services.assessment_create(
            actor=user, organisation_id=org.pk, vendor=vendors[i], questionnaire=questionnaire
        ).pk
        for i in range(1, 40, 2)
    ]
    return {"token": token, "assessments": editable}


def answer_batch(flip: bool) -> bytes:
    value = "poor" if flip else "good"
    return json.dumps(
        [{"question": f"security.q{i:03d}", "value": value} for i in range(QUESTIONS)]
    ).encode()


def count_queries(token: str, assessment_id: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/vendors/")  # the token's first use stamps last_used_at once
    counts: dict[str, int] = {}
    for size in (5, 50, 200):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/vendors/", {"page_size": size})
        assert response.status_code == 200, response.content
        counts[f"vendor_list_page_{size}"] = len(queries)
    # Answer everything once, so both measured batches are pure updates of stored answers.
    client.put(
        f"/api/v1/assessments/{assessment_id}/answers/",
        answer_batch(False),
        content_type="application/json",
    )
    for size in (10, 100):
        body = json.loads(answer_batch(True))[:size]
        with CaptureQueriesContext(connection) as queries:
            response = client.put(
                f"/api/v1/assessments/{assessment_id}/answers/",
                json.dumps(body),
                content_type="application/json",
            )
        assert response.status_code == 200, response.content
        counts[f"answers_upsert_{size}"] = len(queries)
        client.put(  # back to the first values, so the next batch changes them again
            f"/api/v1/assessments/{assessment_id}/answers/",
            answer_batch(False),
            content_type="application/json",
        )
    return counts


# --------------------------------------------------------------------------- load


def drive(port: int, clients: int, seconds: float, request_for) -> dict:
    """Run `clients` threads for `seconds`; each keeps one HTTP/1.1 connection open."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        counter = 0
        start_gate.wait()
        while True:
            now = time.perf_counter()
            if now >= deadline[0]:
                break
            method, path, body, headers = request_for(index, counter)
            counter += 1
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                latencies[index].append(time.perf_counter() - now)
            else:
                errors[index] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for per in latencies for x in per)
    if not flat:
        return {"requests": 0, "errors": sum(errors), "rps": 0.0, "p50_ms": None, "p99_ms": None}

    def pct(p: float) -> float:
        return round(flat[min(len(flat) - 1, int(p * len(flat)))] * 1000, 2)

    return {
        "requests": len(flat),
        "errors": sum(errors),
        "rps": round(len(flat) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


WRK = shutil.which("wrk")
# Each wrk connection counts its own requests, so a cache-busting parameter differs per
# request without any shared state.
WRK_BUSTER = """
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. "&_=" .. tostring(math.random(1, 1000000000)) .. n)
end
"""


def _wrk_ms(text: str) -> float:
    value = float(text.rstrip("usm"))
    if text.endswith("us"):
        return value / 1000
    if text.endswith("ms"):
        return value
    return value * 1000  # seconds


def drive_wrk(port: int, clients: int, seconds: float, path: str, headers: dict) -> dict:
    """GET `path` from `clients` connections for `seconds` with wrk; same figures as drive()."""
    command = [
        WRK,
        f"-t{min(clients, 2)}",
        f"-c{clients}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    script = None
    if "&_=" in path:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_BUSTER)
        command += ["-s", script.name]
        path = path.replace("&_=", "")
    try:
        out = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        if script is not None:
            os.unlink(script.name)
    figures: dict[str, float] = {}
    errors = 0
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = round(float(words[1]), 1)
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            figures[words[0]] = round(_wrk_ms(words[1]), 2)
        elif "requests in" in line:
            figures["requests"] = int(words[0])
        elif line.startswith("Non-2xx or 3xx responses:"):
            errors += int(words[-1])
        elif line.strip().startswith("Socket errors:"):
            errors += sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    return {
        "requests": figures.get("requests", 0),
        "errors": errors,
        "rps": figures.get("rps", 0.0),
        "p50_ms": figures.get("50%"),
        "p99_ms": figures.get("99%"),
    }


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario (default 5)")
    parser.add_argument(
        "--worker-class",
        default="sync",
        help="gunicorn worker class: sync (default, as docker-compose.yml runs it) or gthread",
    )
    parser.add_argument(
        "--python-client",
        action="store_true",
        help="drive the GET scenarios with Python threads even when wrk is installed",
    )
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="gov-bench-api-"))
    database_url, drop_database = throwaway_database(workdir)
    env = server_environment(workdir, database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    server = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        seeded = seed()
        queries = count_queries(seeded["token"], seeded["assessments"][0])
        from django.db import connections

        connections.close_all()

        port = free_port()
        server = subprocess.Popen(
            [
                GUNICORN,
                "governance.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                args.worker_class,
                # gunicorn turns a sync worker with threads into gthread; keep them apart.
                "--threads",
                "4" if args.worker_class == "gthread" else "1",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_until_up(port, server)
        auth = {"Authorization": f"Token {seeded['token']}"}
        json_headers = {**auth, "Content-Type": "application/json"}
        batches = (answer_batch(False), answer_batch(True))
        assessments = seeded["assessments"]

        gets = {
            "healthz": ("/healthz", {}),
            "vendor_list_50": ("/api/v1/vendors/?page_size=50", auth),
            "vendor_list_50_uncached": ("/api/v1/vendors/?page_size=50&_=", auth),
        }

        def get_for(path, headers):
            def request_for(index, counter):
                return "GET", path.replace("&_=", f"&_={index}-{counter}"), None, headers

            return request_for

        def upsert(index, counter):
            path = f"/api/v1/assessments/{assessments[index % len(assessments)]}/answers/"
            return "PUT", path, batches[counter % 2], json_headers

        # Warm both workers (imports, compiled questionnaire cache) before timing.
        drive(port, 4, 1.0, get_for(*gets["vendor_list_50_uncached"]))
        drive(port, 4, 1.0, upsert)
        results = {}
        for name, (path, headers) in gets.items():
            for clients in (4, 16):
                results[f"{name}@{clients}"] = (
                    drive_wrk(port, clients, args.seconds, path, headers)
                    if WRK and not args.python_client
                    else drive(port, clients, args.seconds, get_for(path, headers))
                )
        for clients in (4, 16):
            results[f"answers_upsert_100@{clients}"] = drive(port, clients, args.seconds, upsert)
    finally:
        if server is not None:
            stop(server)
            stderr = server.stderr.read().decode(errors="replace") if server.stderr else ""
            if server.returncode not in (0, -signal.SIGTERM) and stderr:
                print(stderr[-2000:], file=sys.stderr)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - best effort before dropping the database
            pass
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)

    list4, list16 = results["vendor_list_50@4"], results["vendor_list_50@16"]
    checks = {
        "vendor_list_rps_at_4": list4["rps"] >= TARGET_LIST_RPS_AT_4,
        "vendor_list_p99_at_16": (list16["p99_ms"] or 1e9) < TARGET_P99_MS_AT_16,
        "list_queries_constant": len({queries[f"vendor_list_page_{s}"] for s in (5, 50, 200)}) == 1,
        "list_queries_at_most_3": queries["vendor_list_page_50"] <= TARGET_LIST_QUERIES,
        "upsert_queries_constant": queries["answers_upsert_10"] == queries["answers_upsert_100"],
        "no_errors": all(r["errors"] == 0 for r in results.values()),
    }
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
            "server": f"gunicorn, 2 workers ({args.worker_class})",
            "load_generator": "wrk" if WRK and not args.python_client else "Python threads",
            "seconds_per_scenario": args.seconds,
        },
        "results": results,
        "queries_per_request": queries,
        "ratios_vs_healthz": {
            f"{name}@{c}": round(
                results[f"{name}@{c}"]["rps"] / max(results[f"healthz@{c}"]["rps"], 1), 3
            )
            for name in ("vendor_list_50", "vendor_list_50_uncached")
            for c in (4, 16)
        },
        "targets": {
            "vendor_list_rps_at_4": TARGET_LIST_RPS_AT_4,
            "vendor_list_p99_ms_at_16": TARGET_P99_MS_AT_16,
            "list_queries": TARGET_LIST_QUERIES,
        },
        "checks": checks,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        m = report["machine"]
        print(
            f"API benchmark: {m['server']}, {m['database']}, {m['cpus']} CPUs, Python "
            f"{m['python']}, {m['seconds_per_scenario']:g} s per scenario, GETs driven by "
            f"{m['load_generator']}"
        )
        print(
            f"{'scenario':<24}{'clients':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}"
        )
        for key, row in results.items():
            name, clients = key.split("@")
            print(
                f"{name:<24}{clients:>8}{row['rps']:>10.1f}{row['p50_ms'] or 0:>10.2f}"
                f"{row['p99_ms'] or 0:>10.2f}{row['errors']:>8}"
            )
        print("queries per request: " + ", ".join(f"{k}={v}" for k, v in queries.items()))
        for key, ratio in report["ratios_vs_healthz"].items():
            print(f"{key}: {ratio:.2f}x the throughput of the plain JSON baseline (/healthz)")
        for name, ok in checks.items():
            print(f"  [{'ok' if ok else 'MISSED'}] {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
