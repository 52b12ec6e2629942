"""Viewers read everything and change nothing: no edit controls, and every POST is refused
with the friendly 403 page, whatever the form contains."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.accounts.models import AuditEvent


@pytest.fixture
def viewer_client(client, people):
    client.force_login(people.viewer)
    return client


def write_urls(vendor, assessment):
    offering = vendor.offerings.first()
    section = assessment.questionnaire.definition["sections"][0]["key"]
    return [
        reverse("vendors:create"),
        reverse("vendors:edit", args=[vendor.pk]),
        reverse("vendors:offering-create", args=[vendor.pk]),
        reverse("vendors:offering-edit", args=[vendor.pk, offering.pk]),
        reverse("vendors:use-case-create", args=[vendor.pk]),
        reverse("vendors:contact-create", args=[vendor.pk]),
        reverse("assessments:start") + f"?vendor={vendor.pk}",
        reverse("assessments:section", args=[assessment.pk, section]),
        reverse("assessments:submit", args=[assessment.pk]),
        reverse("assessments:decide", args=[assessment.pk]),
        reverse("assessments:report", args=[assessment.pk]),
        reverse("assessments:retry", args=[assessment.pk]),
        reverse("respondents:link-create", args=[assessment.pk]),
    ]


def test_every_post_by_a_viewer_is_refused(viewer_client, vendor, assessment):
    events = AuditEvent.objects.count()
    for url in write_urls(vendor, assessment):
        response = viewer_client.post(
            url, {"name": "Changed", "headquarters_country": "US", "contact_name": "X"}
        )
        assert response.status_code == 403, url
        assert b"You can't do that here" in response.content
    assert AuditEvent.objects.count() == events, "nothing was written"


def test_a_viewer_sees_no_edit_controls(viewer_client, vendor, assessment):
    detail = viewer_client.get(reverse("vendors:detail", args=[vendor.pk])).content.decode()
    for control in ("Edit profile", "Start assessment", "Add offering", "Add a contact"):
        assert control not in detail
    listing = viewer_client.get(reverse("vendors:list")).content.decode()
    assert "New vendor" not in listing
    page = viewer_client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Create link" not in page
    assert "Continue answering" not in page
    section = assessment.questionnaire.definition["sections"][0]["key"]
    wizard = viewer_client.get(reverse("assessments:section", args=[assessment.pk, section]))
    assert b"Save and continue" not in wizard.content
    assert b"read only" in wizard.content


def test_a_reviewer_cannot_edit_vendors(client, people, vendor):
    client.force_login(people.reviewer)
    response = client.post(reverse("vendors:edit", args=[vendor.pk]), {"name": "Renamed"})
    assert response.status_code == 403


def test_csrf_is_enforced_on_pages(people, vendor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.admin)
    response = client.post(reverse("vendors:edit", args=[vendor.pk]), {"name": "Renamed"})
    assert response.status_code == 403
    assert b"This form has expired" in response.content
