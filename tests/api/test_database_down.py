"""With the database unreachable the API still answers in its own JSON shape: a 503 the
client may retry, whether the failure comes inside a DRF view (token authentication, the
login) or before one (a middleware reading the session's user). Pages keep the HTML 500.

The app runs as deployed, a gunicorn process with DEBUG off, pointed at a PostgreSQL port
where nothing listens."""

from __future__ import annotations

import pytest
import requests

from tests.server import Server, free_port

pytestmark = pytest.mark.django_db

UNAVAILABLE = {
    "detail": "The database is unreachable; try again shortly.",
    "code": "database_unavailable",
}


@pytest.fixture
def server(tmp_path):
    server = Server(
        tmp_path / "server.log",
        env={
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
            "VAR_DIR": str(tmp_path / "var"),
            "REDIS_URL": "",
        },
    )
    server.start(ready_status=500)
    yield server
    server.kill()


def test_the_api_answers_a_json_503_when_the_database_is_unreachable(server):
    def call(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, server.url + path, timeout=30, **kwargs)

    cases = {
        "token header": call("GET", "/api/v1/vendors/", headers={"Authorization": "Token abc.def"}),
        "login": call(
            "POST", "/api/v1/auth/token/", json={"username": "someone", "password": "secret"}
        ),
        # A session cookie makes the middleware look the user up before DRF runs.
        "session cookie": call("GET", "/api/v1/vendors/", cookies={"sessionid": "x" * 32}),
    }
    for label, response in cases.items():
        assert response.status_code == 503, (label, response.text[:300])
        assert response.headers["Content-Type"].startswith("application/json"), label
        assert response.json() == UNAVAILABLE, label

    page = call("GET", "/", cookies={"sessionid": "x" * 32})
    assert page.status_code == 500
    assert page.headers["Content-Type"].startswith("text/html")
