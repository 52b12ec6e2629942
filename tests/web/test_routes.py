"""Every page route, found by walking the URL configuration, so a page added tomorrow is
covered the day it is added:

* anonymous visitors are sent to log in (or told the method is not allowed), never shown
  a page;
* a member of another organisation gets a 404 for every object of this one, on GET and on
  POST, and nothing is written;
* the same URLs work for a member of the organisation (so the 404s above are about scope,
  not about URLs that point nowhere).

The API has its own contract tests (tests/api) and the Django admin its own permissions.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

from governance.accounts.models import AuditEvent
from tests.web.fixtures import answer_all

# Open without an account: the log-in page, the health check, the vendor respondent pages
# and the invitation page, whose secret token is the credential (tests/respondents and
# tests/accounts cover those).
PUBLIC = {
    "login",
    "healthz",
    "respondents:start",
    "respondents:review",
    "respondents:section",
    "accounts:invitation-accept",
}
SKIPPED_PREFIXES = ("admin/", "api/")


def page_routes() -> list[tuple[str, list[str]]]:
    """(name, URL arguments) of every named page route outside the API and the admin."""
    routes = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, route, inner)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes.append((name, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "", None)
    return routes


@pytest.fixture
def world(people, vendor, assessment, django_capture_on_commit_callbacks):
    """One of everything a page URL can point at, all in people.org."""
    from governance.accounts.services import invitation_create
    from governance.assessments.services import answers_save, assessment_submit, evidence_add
    from governance.questionnaires.services import questionnaire_export, questionnaire_import
    from governance.reports.services import report_request
    from governance.respondents.services import respondent_link_create
    from governance.screening.services import vendor_screen
    from governance.vendors.services import contact_create
    from tests.screening.factories import load_list

    offering = vendor.offerings.first()
    load_list([{"name": "Mistral AI SAS", "source": "Test list"}])
    screening = vendor_screen(actor=people.assessor, vendor=vendor)
    assert screening.status == "potential_match"
    contact = contact_create(actor=people.admin, vendor=vendor, data={"name": "Ana Ruiz"})
    own_questionnaire = questionnaire_import(
        actor=people.admin,
        organisation_id=people.org.pk,
        text=questionnaire_export(assessment.questionnaire, "json").replace(
            '"ai-vendor-quick-screen"', '"acme-private-screen"'
        ),
        fmt="json",
        source="private.json",
    )
    link, _raw = respondent_link_create(
        actor=people.assessor, assessment=assessment, contact_name="Vendor contact"
    )
    evidence = evidence_add(
        actor=people.assessor,
        assessment=assessment,
        question_key=assessment.questionnaire.definition["sections"][0]["questions"][0]["key"],
        upload=SimpleUploadedFile("dpa.txt", b"Data processing agreement, signed."),
    )
    answer_all(assessment, actor=people.assessor)
    # "Don't know" on the first question raises a finding.
    first = assessment.questionnaire.definition["sections"][0]["questions"][0]
    unknown = next(o["key"] for o in first["options"] if o.get("special") == "unknown")
    answers_save(
        actor=people.assessor,
        assessment=assessment,
        answers=[{"question": first["key"], "value": unknown}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(actor=people.assessor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "scored", assessment.failure_message
    finding = assessment.findings.first()
    assert finding is not None
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=people.assessor, assessment=assessment)
    report.refresh_from_db()
    assert report.status == "ready", report.error
    invitation = invitation_create(
        actor=people.admin, organisation_id=people.org.pk, email="new@example.com", role="viewer"
    )
    return {
        "accounts": {
            "pk": people.org.memberships.get(user=people.viewer).pk,
            "invitation_pk": invitation.pk,
        },
        "vendors": {
            "pk": vendor.pk,
            "offering_pk": offering.pk,
            "use_case_pk": offering.use_cases.first().pk,
            "contact_pk": contact.pk,
        },
        "assessments": {
            "pk": assessment.pk,
            "section": assessment.questionnaire.definition["sections"][0]["key"],
            "finding_pk": finding.pk,
            "evidence_pk": evidence.pk,
        },
        "respondents": {"pk": assessment.pk, "link_pk": link.pk},
        "reports": {"pk": report.pk},
        "screening": {"pk": vendor.pk, "screening_pk": screening.pk},
        "questionnaires": {"pk": own_questionnaire.pk},
        "start": f"{reverse('assessments:start')}?{urlencode({'vendor': vendor.pk})}",
    }


def urls(world) -> tuple[list[str], list[str]]:
    """(URLs of no particular object, URLs of one object of people.org)."""
    plain, scoped = [], []
    for name, arguments in page_routes():
        if name in PUBLIC:
            continue
        if not arguments:
            plain.append(reverse(name))
            continue
        namespace = name.split(":")[0]
        values = world.get(namespace, {})
        missing = [a for a in arguments if a not in values]
        assert not missing, f"teach world() about {name} ({missing})"
        scoped.append(reverse(name, kwargs={a: values[a] for a in arguments}))
    scoped.append(world["start"])
    return plain, scoped


def test_the_walk_finds_the_pages_it_should(world):
    plain, scoped = urls(world)
    assert reverse("dashboard") in plain
    assert reverse("reports:download", args=[world["reports"]["pk"]]) in scoped
    assert len(plain) + len(scoped) >= 30


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    plain, scoped = urls(world)
    events = AuditEvent.objects.count()
    login = reverse("login")
    for url in plain + scoped:
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code == 405:  # a POST-only action asked with GET, or vice versa
                continue
            assert response.status_code == 302, (method.__name__, url, response.status_code)
            assert response["Location"].startswith(login), (url, response["Location"])
    assert AuditEvent.objects.count() == events


def test_another_organisation_finds_none_of_these_objects(client, people, world):
    _plain, scoped = urls(world)
    client.force_login(people.outsider)  # an admin, but of Other Corp
    events = AuditEvent.objects.count()
    for url in scoped:
        for method in (client.get, client.post):
            response = method(url, {"name": "Taken over", "decision": "approved"})
            assert response.status_code in (404, 405), (method.__name__, url, response.status_code)
            assert b"Taken over" not in response.content
    assert AuditEvent.objects.count() == events, "nothing was written"


def test_the_same_urls_work_for_the_organisation(client, people, world):
    _plain, scoped = urls(world)
    client.force_login(people.admin)
    for url in scoped:
        response = client.get(url)
        # A page, a download, a redirect onwards, or a POST-only action: never "not found".
        assert response.status_code in (200, 302, 405), (url, response.status_code)
