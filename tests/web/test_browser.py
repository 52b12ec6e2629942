"""End-to-end in real headless Chromium: the pages as people use them.

Debian's Chromium is launched directly (never a downloaded browser). The server is
pytest-django's live_server; tasks run in-process, so scoring is instant unless a test holds it
back to watch the page follow the status without a reload.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser(chromium_path, monkeypatch):
    from django.db import connections

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are still plain synchronous ones. Set only for these tests: a process-wide
    # setting would leak into every later test (and `check --deploy` rightly refuses it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()
        # ORM calls the test made while Playwright's loop ran opened their own connection;
        # close it here, in the same context, so the test database can be dropped.
        connections.close_all()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width=1366, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def field(page, label):
    """An input by its label; required fields carry a trailing asterisk."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)


def answer_visible_questions(page):
    """Answer every visible question of the current section the way a person would: the
    second option of each choice where there is one (so the result has something to say),
    the minimum of each number, a date, some text. Blocks are taken in document order and
    checked one by one, because an answer can reveal a later question."""
    blocks = page.locator("[data-question]")
    for index in range(blocks.count()):
        block = blocks.nth(index)
        if not block.is_visible():
            continue
        qtype = block.get_attribute("data-type")
        if qtype in ("single_choice", "yes_no", "multiple_choice"):
            choices = block.locator("label.choice:not(.special)")
            choice = choices.nth(1) if choices.count() > 1 else choices.first
            if not choice.locator("input").is_checked():
                choice.click()
        elif qtype == "number":
            field = block.locator("input[inputmode=decimal]")
            if not field.input_value():
                field.fill(re.search(r"From (\S+)", block.inner_text()).group(1))
        elif qtype == "date":
            block.locator("input[type=date]").fill("2026-06-01")
        else:
            block.locator("textarea").first.fill("Answered in the browser test.")


def complete_wizard(page, artifacts_dir=None, prefix=""):
    sections = 0
    while True:
        page.wait_for_selector("form[data-wizard]")
        if sections == 0 and artifacts_dir is not None:
            shot(page, artifacts_dir, f"{prefix}wizard")
        answer_visible_questions(page)
        sections += 1
        page.locator("button[name=action][value=next]").click()
        page.wait_for_load_state()
        if "/review/" in page.url:
            return sections
        assert sections < 20, "the wizard never reached the review page"


def test_assessor_creates_a_vendor_completes_the_wizard_and_sees_the_rating(
    live_server, people, questionnaire, new_page, artifacts_dir, monkeypatch
):
    page = new_page()
    log_in(page, live_server, people.assessor, people.password)

    # Create a vendor; the first attempt leaves out the country to see the error in place.
    page.get_by_role("link", name="Vendors", exact=True).click()
    page.get_by_role("link", name="New vendor").click()
    page.wait_for_url(re.compile(r"/vendors/new/$"))
    field(page, "Name").fill("Aleph Alpha")
    page.get_by_role("button", name="Create vendor").click()
    assert page.locator(".has-error").count() >= 1
    assert field(page, "Name").input_value() == "Aleph Alpha"
    field(page, "Headquarters country").select_option("DE")
    field(page, "Status").select_option("active")
    page.get_by_role("button", name="Create vendor").click()
    page.wait_for_url(re.compile(r"/vendors/\d+/$"))
    assert page.get_by_role("heading", name="Aleph Alpha").is_visible()

    page.get_by_role("link", name="Add offering").click()
    field(page, "Name").fill("PhariaAI")
    field(page, "Kind").select_option("platform")
    field(page, "Deployment").select_option("customer_cloud")
    field(page, "Pricing model").select_option("subscription")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/vendors/\d+/$"))
    assert page.get_by_role("cell", name="PhariaAI", exact=True).is_visible()

    # Start an assessment with the library's quick screen and answer it all.
    page.get_by_role("link", name="Start assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    sections = complete_wizard(page, artifacts_dir)
    assert sections == len(questionnaire.definition["sections"])
    assert page.get_by_text("Every required question is answered").is_visible()
    shot(page, artifacts_dir, "review")

    # Hold scoring back (as if the broker were slow) to watch the page follow the status.
    from governance.assessments import tasks

    monkeypatch.setattr(tasks.score_assessment, "apply_async", lambda *args, **kwargs: None)
    page.get_by_role("button", name="Submit for scoring").click()
    page.wait_for_url(re.compile(r"/assessments/\d+/$"))
    assert page.get_by_role("heading", name="Scoring in progress").is_visible()
    page.evaluate("window.__noReload = true")
    assessment_id = int(re.search(r"/assessments/(\d+)/", page.url).group(1))

    from governance.assessments.tasks import score_assessment

    score_assessment(assessment_id)
    page.locator(".rating-big").wait_for(timeout=10000)
    assert page.evaluate("window.__noReload") is True, "the page reloaded itself"
    assert "Scoring finished" in page.locator("#live-announcer").inner_text()
    assert page.get_by_role("heading", name="Risk by domain").is_visible()
    shot(page, artifacts_dir, "result")
    result_url = page.url

    # The PDF report: requested on the page, rendered in-process, downloaded by the browser.
    # Rendering runs in-process before the redirect, so allow for a slow machine.
    page.get_by_role("button", name="Create PDF report").click(timeout=120000)
    link = page.get_by_role("link", name="Download PDF")
    link.wait_for(timeout=120000)
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.goto(f"{live_server.url}/")
    shot(page, artifacts_dir, "dashboard")
    page.goto(f"{live_server.url}/vendors/")
    shot(page, artifacts_dir, "vendor_list")
    page.get_by_role("link", name="Aleph Alpha").click()
    assert page.locator("svg.chart circle").count() == 1  # the rating trend
    shot(page, artifacts_dir, "vendor_detail")

    page.get_by_role("link", name="Questionnaires").click()
    page.get_by_role("link", name=f"v{questionnaire.version}").first.click()
    assert page.get_by_text("Knock-out").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "questionnaire_browser.png"))

    # The same result on a tablet in portrait.
    tablet = new_page(width=820, height=1180)
    log_in(tablet, live_server, people.assessor, people.password)
    tablet.goto(result_url)
    assert tablet.locator(".rating-big").is_visible()
    shot(tablet, artifacts_dir, "result_tablet")


def test_conditional_questions_follow_the_answers(live_server, people, new_page):
    """show_if questions appear and disappear in the browser as the controller changes, and
    a hidden question's answer is not kept."""
    from governance.assessments.models import Answer
    from governance.assessments.services import assessment_create
    from governance.questionnaires.services import questionnaire_publish_definition
    from governance.vendors.services import vendor_create
    from tests.scoring.factories import definition, option, question, yes_no

    data = definition(
        yes_no("privacy.leaves", specials=False, yes=60),
        question(
            "privacy.where",
            "single_choice",
            show_if=("privacy.leaves", ["yes"]),
            options=[option("us", 20), option("cn", 90)],
        ),
        key="conditional-test",
    )
    questionnaire = questionnaire_publish_definition(data=data, source="test").questionnaire
    vendor = vendor_create(
        actor=people.admin,
        organisation_id=people.org.pk,
        data={"name": "Conditional Co", "headquarters_country": "GB"},
    )
    assessment = assessment_create(
        actor=people.assessor,
        organisation_id=people.org.pk,
        vendor=vendor,
        questionnaire=questionnaire,
    )
    page = new_page()
    log_in(page, live_server, people.assessor, people.password)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/answer/main/")
    follow_up = page.locator('[data-question="privacy.where"]')
    assert follow_up.is_hidden()
    page.get_by_role("radio", name="Yes").check()
    assert follow_up.is_visible()
    follow_up.get_by_role("radio", name="Cn").check()
    page.get_by_role("radio", name="No").check()
    assert follow_up.is_hidden()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("saved").first.is_visible()
    stored = dict(Answer.objects.filter(assessment=assessment).values_list("question_key", "value"))
    assert stored == {"privacy.leaves": "no"}


def test_a_question_stays_hidden_when_its_controller_is_hidden_on_an_earlier_page(
    live_server, people, new_page
):
    from tests.web.fixtures import chained_assessment

    assessment = chained_assessment(people)
    page = new_page()
    log_in(page, live_server, people.assessor, people.password)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/answer/later/")
    page.wait_for_selector("form[data-wizard]")
    assert page.locator('[data-question="privacy.grandchild"]').is_hidden()


def test_the_vendor_answers_through_a_respondent_link(
    live_server, people, assessment, new_page, artifacts_dir
):
    assessor = new_page()
    log_in(assessor, live_server, people.assessor, people.password)
    assessor.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    field(assessor, "Contact name").fill("Jeanne Martin")
    field(assessor, "Contact e-mail").fill("jeanne@example.com")
    assessor.get_by_role("button", name="Create link").click()
    url = assessor.locator("[data-secret-link]").input_value()
    assert "/respond/" in url

    # The vendor has no account: a fresh browser context with no session.
    vendor_page = new_page(width=1024, height=768)  # a tablet in landscape
    vendor_page.goto(url)
    assert vendor_page.get_by_text("You do not need an account").is_visible()
    shot(vendor_page, artifacts_dir, "respondent_start")
    vendor_page.get_by_role("link", name=re.compile("Start")).click()
    complete_wizard(vendor_page, artifacts_dir, prefix="respondent_")
    assert vendor_page.get_by_text("All done").is_visible()
    shot(vendor_page, artifacts_dir, "respondent_review")

    # The assessor reviews the answers and submits.
    assessor.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    assert assessor.get_by_text("Every required question is answered").is_visible()
    assessor.get_by_role("button", name="Submit for scoring").click()
    assessor.locator(".rating-big").wait_for()

    # Once revoked, the link shows a clear page instead of the questionnaire.
    assessor.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    assessor.get_by_role("button", name=re.compile("Revoke")).click()
    response = vendor_page.goto(url)
    assert response.status == 403
    assert vendor_page.get_by_role("heading", name="This link is no longer active").is_visible()


def test_a_viewer_sees_no_edit_controls_and_cannot_post(
    live_server, people, assessment, new_page, artifacts_dir
):
    page = new_page()
    log_in(page, live_server, people.viewer, people.password)
    page.goto(f"{live_server.url}/vendors/{assessment.vendor_id}/")
    for name in ("Edit profile", "Start assessment", "Add offering"):
        assert page.get_by_role("link", name=name).count() == 0, name
    page.goto(f"{live_server.url}/vendors/")
    assert page.get_by_role("link", name="New vendor").count() == 0
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    assert page.get_by_role("button", name="Create link").count() == 0
    # A hand-made POST with a valid CSRF token is still refused.
    status = page.evaluate(
        """async (url) => {
            const r = await window.govFetch(url, {method: "POST",
                headers: {"Content-Type": "application/x-www-form-urlencoded"},
                body: "name=Hacked&headquarters_country=US&ownership_type=private&status=active"});
            return r.status;
        }""",
        f"{live_server.url}/vendors/{assessment.vendor_id}/edit/",
    )
    assert status == 403
    shot(page, artifacts_dir, "viewer_assessment")
