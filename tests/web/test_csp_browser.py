"""In real headless Chromium, under the Content-Security-Policy the server sends: the Swagger
UI at /api/docs/ renders its operations, and the dashboard and the wizard work, with not one
policy violation reported."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.test_browser import answer_visible_questions, browser, log_in, new_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded by the page itself; Playwright injects this before any of the page's own scripts,
# outside the policy.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watched(page) -> list[str]:
    """Console messages about the policy, collected as the page runs."""
    messages: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    return messages


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_the_api_docs_dashboard_and_wizard_run_under_the_policy(
    live_server,
    people,
    assessment,
    new_page,  # noqa: F811 - the fixture imported above
):
    page = new_page()
    console = watched(page)
    log_in(page, live_server, people.assessor, people.password)
    assert violations(page) == []

    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Operations appear only once the bundle, the initialiser and the schema all loaded.
    page.wait_for_selector(".opblock", timeout=30000)
    assert page.locator(".opblock").count() > 10
    assert violations(page) == []

    page.goto(f"{live_server.url}{reverse('dashboard')}")
    assert violations(page) == []

    section = assessment.questionnaire.definition["sections"][0]["key"]
    page.goto(f"{live_server.url}{reverse('assessments:section', args=[assessment.pk, section])}")
    page.wait_for_selector("form[data-wizard]")
    answer_visible_questions(page)
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert console == []
