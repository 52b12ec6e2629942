"""Settings are driven by the environment; the production file matches them."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!k2-production-like-secret-key-with-enough-entropy-4f9a1c0e8b7d6",
    "ALLOWED_HOSTS": "governance.example.com",
    "DATABASE_URL": "postgres://governance:pw@db:5432/governance",
    "REDIS_URL": "redis://redis:6379/0",
    "BEHIND_TLS_PROXY": "1",
}


def settings_under(env: dict, expression: str):
    """Evaluate `expression` against governance.settings loaded in a fresh interpreter."""
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.update(env)
    code = f"import json, governance.settings as s; print(json.dumps({expression}, default=str))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def test_the_embedded_default_is_sqlite_with_in_process_tasks():
    env = {"DATABASE_URL": "", "REDIS_URL": ""}
    got = settings_under(
        env,
        "[s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND'], s.DEBUG]",
    )
    assert got == [
        "django.db.backends.sqlite3",
        True,
        "django.core.cache.backends.locmem.LocMemCache",
        True,
    ]


def test_production_settings_come_from_the_environment():
    got = settings_under(
        PRODUCTION_ENV,
        "[s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'], "
        "s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS]",
    )
    assert got == [
        "django.db.backends.postgresql",
        "db",
        "redis://redis:6379/0",
        False,
        "django.core.cache.backends.redis.RedisCache",
        False,
        ["governance.example.com"],
        True,
        31536000,
    ]


def test_redis_clients_time_out_quickly_and_sessions_do_not_use_redis():
    got = settings_under(
        PRODUCTION_ENV,
        "[s.CACHES['default']['OPTIONS'], s.CELERY_BROKER_TRANSPORT_OPTIONS, "
        "s.CELERY_BROKER_CONNECTION_TIMEOUT, s.REDIS_BREAKER_SECONDS, s.SESSION_ENGINE, "
        "s.AXES_HANDLER]",
    )
    cache_options, transport, connect_timeout, breaker, sessions, axes = got
    assert cache_options == {"socket_connect_timeout": 0.5, "socket_timeout": 2.0}
    assert transport["socket_connect_timeout"] == connect_timeout == 0.5
    assert transport["socket_timeout"] == 2.0
    assert breaker == 30
    assert sessions == "django.contrib.sessions.backends.db"
    assert axes == "axes.handlers.database.AxesDatabaseHandler"


def test_a_malformed_boolean_is_a_readable_error():
    with pytest.raises(RuntimeError, match="DEBUG must be a boolean"):
        settings_under({"DEBUG": "maybe"}, "s.DEBUG")


def test_celery_is_configured_for_safe_redelivery():
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_ROUTES["governance.assessments.tasks.*"]["queue"] == "scoring"
    assert settings.CELERY_TASK_ROUTES["governance.reports.tasks.*"]["queue"] == "reports"


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(PRODUCTION_ENV)
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_check_deploy_flags_the_development_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update({**PRODUCTION_ENV, "SECRET_KEY": ""})
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "security.W009" in out.stdout + out.stderr


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_docker_compose_file_is_valid():
    binary = shutil.which("docker-compose")
    if binary is None:
        from tests.services import require_service  # noqa: F401 - same CI rule

        if os.environ.get("CI"):
            pytest.fail("docker-compose is required under CI (apt-get install docker-compose)")
        pytest.skip("docker-compose not installed")
    env = {**os.environ, "SECRET_KEY": "k", "POSTGRES_PASSWORD": "p"}
    out = subprocess.run(
        [binary, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


def test_compose_services_match_the_settings():
    from django.conf import settings

    services = compose()["services"]
    assert {"db", "redis", "web", "worker-scoring", "worker-reports", "beat"} <= set(services)
    app_env = compose()["x-app"]["environment"]
    # Every variable the app containers get is one the settings read.
    source = (ROOT / "governance" / "settings.py").read_text()
    for name in app_env:
        assert f'"{name}"' in source, f"{name} is set in compose but not read by settings"
    assert app_env["DEBUG"] == "0"
    assert app_env["REDIS_URL"].startswith("redis://redis:")
    assert app_env["DATABASE_URL"].startswith("postgres://")
    assert "gunicorn" in services["web"]["command"]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    served = set()
    for name in ("worker-scoring", "worker-reports"):
        command = services[name]["command"]
        served |= set(command[command.index("-Q") + 1].split(","))
    assert routed <= served
    assert "beat" in services["beat"]["command"]
    # Scoring and reports never share a worker pool, so PDFs cannot delay scoring.
    assert (
        "reports"
        not in services["worker-scoring"]["command"][
            services["worker-scoring"]["command"].index("-Q") + 1
        ]
    )


def test_gunicorn_reads_its_config_and_freezes_what_workers_load():
    import gc
    import runpy

    root = Path(__file__).resolve().parent.parent
    checked = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--check-config", "governance.wsgi"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "governance.settings"},
    )
    assert checked.returncode == 0, checked.stderr
    config = runpy.run_path(str(root / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_beat_runs_every_sweep_and_each_names_a_registered_task():
    from django.conf import settings

    from governance.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {
        "governance.assessments.tasks.sweep_stale_assessments",
        "governance.reports.tasks.sweep_stale_reports",
        "governance.screening.tasks.sweep_screenings",
    }
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    # Screening tasks go to the default queue, which the scoring worker also consumes.
    assert app.amqp.router.route({}, "governance.screening.tasks.screen_vendor")["queue"].name == (
        "default"
    )
