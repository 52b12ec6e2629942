"""With Redis unreachable the product keeps answering: throttles, rate limits and the list
cache let requests through, a submission is kept and answered "scoring delayed", and the
periodic sweep sends it to a worker once Redis is back.

The end-to-end tests run the app as deployed, a gunicorn process with DEBUG off, pointed at
a Redis port where nothing listens (refused at once) or at a black hole (connecting hangs
until the timeout), and make real HTTP requests. Each prints its timings.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from governance.accounts.models import ApiToken
from governance.assessments import tasks
from governance.assessments.models import Assessment, AssessmentStatus
from governance.resilience import redis_breaker
from governance.respondents.services import respondent_link_create
from governance.tasking import enqueue
from tests.api import factories
from tests.server import Server, black_hole, free_port
from tests.services import require_service
from tests.worker import database_url_of, wait_until

# Generous for a shared two-core machine; a request that waited on Redis timeouts would
# take seconds per Redis call. Logging in also hashes a password (about a second here).
BOUND = 2.0
LOGIN_BOUND = 5.0


def dead_redis_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def servers(tmp_path):
    """servers(**env) → a gunicorn Server (not yet started) on the test database; every
    server made is killed at the end of the test."""
    require_service("postgres")
    made: list[Server] = []

    def make(**env: str) -> Server:
        environment = {
            "DATABASE_URL": database_url_of(connection.settings_dict),
            "VAR_DIR": str(tmp_path / "var"),
            **env,
        }
        server = Server(tmp_path / f"server-{len(made)}.log", env=environment)
        made.append(server)
        return server

    yield make
    for server in made:
        server.kill()


class Timed:
    """An HTTP session that records how long each request took."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()
        self.figures: list[tuple[str, int, float]] = []

    def __call__(self, label: str, method: str, path: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        response = self.session.request(
            method, self.base + path, timeout=30, allow_redirects=False, **kwargs
        )
        self.figures.append((label, response.status_code, time.monotonic() - started))
        return response

    def report(self, title: str) -> None:
        print(f"\n{title}")
        for label, code, seconds in self.figures:
            print(f"  {label:<34} {code}  {seconds * 1000:7.1f} ms")


def usable_by_the_server(user, password: str) -> None:
    """The suite hashes passwords with a fast test-only hasher the server does not accept;
    store one the server's default hasher verifies."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt())
    user.save(update_fields=["password"])


def csrf(http: Timed) -> dict:
    return {"csrfmiddlewaretoken": http.session.cookies["csrftoken"]}


# --------------------------------------------------------------------------- end to end


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_unreachable_the_app_answers_and_scores_what_waited_once_it_is_back(
    people, servers, celery_workers
):
    questionnaire = factories.questionnaire()
    api_draft = factories.assessment(people, people.org, questionnaire)
    web_draft = factories.assessment(people, people.org, questionnaire)
    shared = factories.assessment(people, people.org, questionnaire)
    _, link_token = respondent_link_create(
        actor=people.assessor, assessment=shared, contact_name="Jeanne Martin"
    )
    usable_by_the_server(people.assessor, people.password)
    server = servers(REDIS_URL=dead_redis_url())
    server.start()
    http = Timed(server.url)

    # The API: a token, lists, answers, submit.
    token = http(
        "POST /api/v1/auth/token/",
        "POST",
        "/api/v1/auth/token/",
        json={"username": "assessor", "password": people.password, "name": "outage"},
    )
    assert token.status_code == 201, token.text
    api = {"Authorization": f"Token {token.json()['token']}"}
    for _ in range(2):
        vendors = http("GET /api/v1/vendors/", "GET", "/api/v1/vendors/", headers=api)
        assert vendors.status_code == 200, vendors.text
        assert vendors.json()["count"] == 3
    base = f"/api/v1/assessments/{api_draft.pk}/"
    for draft in (api_draft, web_draft):
        saved = http(
            "PUT /api/v1/assessments/{id}/answers/",
            "PUT",
            f"/api/v1/assessments/{draft.pk}/answers/",
            json=factories.COMPLETE_ANSWERS,
            headers=api,
        )
        assert saved.status_code == 200, saved.text
    submitted = http("POST /api/v1/assessments/{id}/submit/", "POST", base + "submit/", headers=api)
    assert submitted.status_code == 202, submitted.text
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["scoring_delayed"] is True
    assert body["scoring"] == "delayed"
    assert "will be scored automatically" in body["message"]
    detail = http("GET /api/v1/assessments/{id}/", "GET", base, headers=api)
    assert detail.status_code == 200 and detail.json()["status"] == "submitted"

    # A vendor respondent's link.
    page = http("GET /respond/{token}/", "GET", f"/respond/{link_token}/")
    assert page.status_code == 200, page.text

    # The web: log in (sessions and lockouts live in the database) and submit.
    assert http("GET /login/", "GET", "/login/").status_code == 200
    login = http(
        "POST /login/",
        "POST",
        "/login/",
        data={"username": "assessor", "password": people.password, **csrf(http)},
    )
    assert login.status_code == 302, login.text
    web_submit = http(
        "POST /assessments/{id}/submit/",
        "POST",
        f"/assessments/{web_draft.pk}/submit/",
        data=csrf(http),
    )
    assert web_submit.status_code == 302, web_submit.text
    shown = http("GET /assessments/{id}/", "GET", web_submit.headers["Location"])
    assert shown.status_code == 200
    assert "will be scored automatically" in shown.text

    http.report("Redis refused (port closed), breaker 30 s:")
    for label, code, seconds in http.figures:
        assert code < 500, (label, code)
        assert seconds < (LOGIN_BOUND if "login" in label or "token" in label else BOUND), (
            label,
            seconds,
        )
    log = server.log()
    assert "Internal Server Error" not in log, log[-3000:]
    # Logged when the breaker opened, not once per request.
    assert log.count("Redis unreachable") == 1, log[-3000:]
    server.kill()

    # Both submissions were kept; once Redis is back, the sweep sends them to a worker.
    waiting = Assessment.objects.filter(pk__in=[api_draft.pk, web_draft.pk])
    assert set(waiting.values_list("status", flat=True)) == {AssessmentStatus.SUBMITTED}
    # The sweep leaves submissions younger than a minute to the message sent at submit.
    waiting.update(submitted_at=timezone.now() - dt.timedelta(minutes=2))
    worker = celery_workers()
    worker.start()
    assert tasks.sweep_stale_assessments.apply().get() == 2

    def scored() -> bool:
        return set(waiting.values_list("status", flat=True)) == {AssessmentStatus.SCORED}

    wait_until(scored, 60, what="the delayed submissions to be scored", workers=[worker])


@pytest.mark.django_db(transaction=True)
def test_the_breaker_spares_each_request_a_connect_timeout(people, servers):
    factories.vendor(people, people.org, name="Alpha")
    _, raw = ApiToken.issue(people.assessor, name="outage")
    api = {"Authorization": f"Token {raw}"}
    timings: dict[str, list[float]] = {}
    with black_hole() as port:
        for breaker in ("30", "0"):
            server = servers(REDIS_URL=f"redis://127.0.0.1:{port}/0", REDIS_BREAKER_SECONDS=breaker)
            server.start()
            http = Timed(server.url)
            for _ in range(6):
                response = http("GET /api/v1/vendors/", "GET", "/api/v1/vendors/", headers=api)
                assert response.status_code == 200, response.text
            timings[breaker] = [seconds for _, _, seconds in http.figures]
            server.kill()
    opened, never = timings["30"], timings["0"]
    print("\nRedis a black hole (connecting hangs until the 0.5 s timeout), vendor list:")
    print(
        f"  breaker 30 s: first {opened[0] * 1000:.0f} ms, then median "
        f"{statistics.median(opened[1:]) * 1000:.0f} ms"
    )
    print(f"  no breaker:   median {statistics.median(never) * 1000:.0f} ms per request")
    # The first request pays one connect timeout and opens the breaker; the rest skip Redis.
    assert opened[0] < BOUND
    assert statistics.median(opened[1:]) < 0.4
    # Without the breaker every request pays a timeout per Redis call (throttle, cache read
    # and write): the breaker is what keeps an outage from slowing every request down.
    assert min(never) >= 0.5


# --------------------------------------------------------------------------- in process


@pytest.fixture
def unreachable_cache(settings):
    """The Django cache pointed at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    yield
    redis_breaker.reset()


def test_the_token_endpoint_lists_and_respondent_links_fail_open(people, unreachable_cache, caplog):
    from rest_framework.test import APIClient

    factories.vendor(people, people.org, name="Alpha")
    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/",
        {"username": "viewer", "password": people.password, "name": "outage"},
        format="json",
    )
    assert token.status_code == 201, token.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    for _ in range(3):
        listed = api.get("/api/v1/vendors/")
        assert listed.status_code == 200
        assert [row["name"] for row in listed.json()["results"]] == ["Alpha"]
    assert not redis_breaker.available()
    assert sum("Redis unreachable" in r.getMessage() for r in caplog.records) == 1


def test_a_respondent_link_works_while_the_cache_is_unreachable(people, unreachable_cache, client):
    assessment = factories.assessment(people, people.org)
    _, raw = respondent_link_create(
        actor=people.assessor, assessment=assessment, contact_name="Jeanne Martin"
    )
    assert client.get(f"/respond/{raw}/").status_code == 200


def test_the_cache_is_used_again_once_redis_answers(people, redis_url, token_client, settings):
    # An opened breaker that has waited its time probes Redis and closes when it answers.
    settings.REDIS_BREAKER_SECONDS = 0
    redis_breaker.failed(ConnectionError("gone"), during="test")
    assert redis_breaker.available()
    client = token_client("viewer")
    assert client.get("/api/v1/vendors/").status_code == 200
    assert redis_breaker._opened is False
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def test_enqueue_gives_up_within_a_second_or_two_then_skips_while_the_breaker_is_open():
    from tests.assessments.test_tasks import broker

    with black_hole() as port, broker(f"redis://127.0.0.1:{port}/0"):
        started = time.monotonic()
        assert enqueue(tasks.score_assessment, 1, "submit") is False
        first = time.monotonic() - started
        started = time.monotonic()
        assert enqueue(tasks.score_assessment, 1, "submit") is False
        second = time.monotonic() - started
    print(f"\nenqueue to a black-hole broker: {first * 1000:.0f} ms, then {second * 1000:.1f} ms")
    assert first < BOUND
    assert second < 0.05
