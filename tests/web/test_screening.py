"""Watchlist screening on the vendor page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.screening.models import Screening
from governance.screening.services import vendor_screen
from tests.screening.factories import load_list

LISTED_MISTRAL = {
    "name": "Mistral AI SAS",
    "alt_names": ["Mistral"],
    "source": "Test list (TL)",
    "addresses": [{"country": "FR"}],
    "start_date": "2024-02-01",
}


@pytest.fixture
def listed(db):
    return load_list([LISTED_MISTRAL], label="Test list")


def page(client, vendor):
    return client.get(reverse("vendors:detail", args=[vendor.pk]))


def test_without_a_list_the_page_says_how_to_load_one(client, people, vendor):
    client.force_login(people.assessor)
    body = page(client, vendor).content.decode()
    assert "No watchlist is loaded" in body
    assert "Screen now" not in body


def test_an_assessor_screens_and_sees_the_hit(client, people, vendor, listed):
    client.force_login(people.assessor)
    assert "Not screened yet." in page(client, vendor).content.decode()
    response = client.post(reverse("screening:screen", args=[vendor.pk]), follow=True)
    body = response.content.decode()
    assert "Potential match: 1 listed party to review." in body
    assert "Mistral AI SAS" in body
    assert "Test list (TL)" in body
    assert "same country" in body
    assert "2024-02-01" in body
    # Disposing is the reviewer's call, not the assessor's.
    assert "Record verdict" not in body
    assert "A reviewer or administrator records" in body


def test_a_reviewer_records_a_verdict_and_a_missing_reason_is_a_form_error(
    client, people, vendor, listed
):
    screening = vendor_screen(actor=people.assessor, vendor=vendor)
    client.force_login(people.reviewer)
    body = page(client, vendor).content.decode()
    assert "Record verdict" in body
    assert "Screen now" not in body  # reviewers do not edit vendors
    url = reverse("screening:dispose", args=[vendor.pk, screening.pk])
    response = client.post(url, {"screening-disposition": "false_positive", "screening-note": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    screening.refresh_from_db()
    assert screening.disposition == ""
    response = client.post(
        url,
        {"screening-disposition": "false_positive", "screening-note": "Our Mistral is not it."},
        follow=True,
    )
    body = response.content.decode()
    assert "Recorded: false positive." in body
    assert "Our Mistral is not it." in body
    screening.refresh_from_db()
    assert (screening.disposition, screening.disposed_by) == ("false_positive", people.reviewer)


def test_a_clear_screening_shows_no_table(client, people, vendor):
    load_list([{"name": "Nothing Alike Holdings", "source": "Test list"}])
    client.force_login(people.admin)
    response = client.post(reverse("screening:screen", args=[vendor.pk]), follow=True)
    body = response.content.decode()
    assert "No match on Test list" in body
    assert "Listed party" not in body
    assert Screening.objects.get().status == "clear"


def test_a_viewer_sees_the_outcome_but_no_controls(client, people, vendor, listed):
    vendor_screen(actor=people.assessor, vendor=vendor)
    client.force_login(people.viewer)
    body = page(client, vendor).content.decode()
    assert "Potential match" in body
    assert "Screen now" not in body
    assert "Record verdict" not in body
    assert client.post(reverse("screening:screen", args=[vendor.pk])).status_code == 403
    assert Screening.objects.count() == 1


def test_screenings_and_verdicts_read_as_words_in_the_activity_feed(client, people, vendor, listed):
    from governance.screening.services import screening_dispose

    screening = vendor_screen(actor=people.assessor, vendor=vendor)
    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="confirmed", note="Same entity."
    )
    client.force_login(people.viewer)
    body = client.get(reverse("dashboard")).content.decode()
    assert "screened vendor" in body
    assert "recorded a verdict on screening" in body


def test_the_dashboard_lists_vendors_whose_latest_screening_awaits_a_verdict(
    client, people, vendor, listed
):
    from governance.screening.services import screening_dispose

    client.force_login(people.reviewer)
    assert "Watchlist hits to review" not in client.get(reverse("dashboard")).content.decode()
    first = vendor_screen(actor=people.assessor, vendor=vendor)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Watchlist hits to review" in body
    assert "1 potential match" in body
    screening_dispose(
        actor=people.reviewer, screening=first, disposition="false_positive", note="Not it."
    )
    assert "Watchlist hits to review" not in client.get(reverse("dashboard")).content.decode()
    # A new screening with a hit asks again; only the latest screening of a vendor counts.
    vendor_screen(actor=people.assessor, vendor=vendor)
    (pending,) = client.get(reverse("dashboard")).context["screening_hits"]
    assert pending.vendor == vendor and pending.pk != first.pk


def test_the_wizard_shows_the_vendor_s_screening_to_assessors_only(
    client, people, vendor, listed, assessment
):
    from governance.respondents.services import respondent_link_create

    vendor_screen(actor=people.assessor, vendor=vendor)
    section = assessment.questionnaire.definition["sections"][0]["key"]
    client.force_login(people.assessor)
    body = client.get(reverse("assessments:section", args=[assessment.pk, section])).content
    assert b"Watchlist screening of Mistral AI" in body
    assert b"Test list (TL): Mistral AI SAS" in body
    client.logout()
    _link, token = respondent_link_create(
        actor=people.assessor, assessment=assessment, contact_name="Vendor contact"
    )
    page = client.get(reverse("respondents:section", args=[token, section]))
    assert page.status_code == 200
    assert b"Watchlist" not in page.content


def test_the_vendor_list_shows_each_vendor_s_latest_screening(
    client, people, vendor, other_vendor, listed
):
    from governance.screening.services import screening_dispose

    client.force_login(people.admin)
    assert "Not screened yet" in client.get(reverse("vendors:list")).content.decode()
    screening = vendor_screen(actor=people.assessor, vendor=vendor)
    body = client.get(reverse("vendors:list")).content.decode()
    assert "Potential match" in body
    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="false_positive", note="Not it."
    )
    body = client.get(reverse("vendors:list")).content.decode()
    assert "Cleared" in body and "Potential match" not in body


def test_the_assessment_page_shows_the_screening_beside_the_decision(client, people, listed):
    from governance.screening.services import screening_dispose
    from tests.reports.factories import scored_assessment

    result = scored_assessment(people, vendor_name="Mistral AI SAS", decided=False)
    url = reverse("assessments:detail", args=[result.assessment_id])
    client.force_login(people.reviewer)
    assert "Watchlist screening of Mistral AI SAS: " in client.get(url).content.decode()
    assert "not screened yet" in client.get(url).content.decode()

    screening = vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)
    body = client.get(url).content.decode()
    decision = body[body.index('id="decision"') :]
    assert "Potential match" in decision
    assert "Test list (TL): Mistral AI SAS" in decision
    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="confirmed", note="Listed."
    )
    assert "Confirmed match" in client.get(url).content.decode()


def test_the_decision_card_flags_answers_the_screening_contradicts(client, people, listed):
    from governance.screening.services import screening_dispose
    from tests.reports.factories import scored_assessment

    result = scored_assessment(people, vendor_name="Mistral AI SAS", decided=False)
    url = reverse("assessments:detail", args=[result.assessment_id])
    screening = vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)
    client.force_login(people.reviewer)
    body = client.get(url).content.decode()
    decision = body[body.index('id="decision"') :]
    assert "1 answer contradicted by the watchlist screening" in decision
    assert "Is the vendor and its ultimate parent clear of sanctions and entity lists?" in decision
    assert "Mistral AI SAS on Test list (TL)" in decision

    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="false_positive", note="Other."
    )
    assert "contradicted by the watchlist screening" not in client.get(url).content.decode()


SDN_MISTRAL = {
    "name": "Mistral AI SAS",
    "source": "Specially Designated Nationals (SDN) - Treasury Department",
    "addresses": [{"country": "FR"}],
}


def test_the_review_page_flags_answers_the_screening_contradicts_to_assessors_only(
    client, people, vendor, assessment
):
    from governance.respondents.services import respondent_link_create
    from tests.web.fixtures import answer_all

    load_list([SDN_MISTRAL], label="Test list")
    answer_all(assessment, actor=people.assessor)  # first options: "no match" on every list
    review = reverse("assessments:review", args=[assessment.pk])
    client.force_login(people.assessor)
    assert "contradicted by the watchlist screening" not in client.get(review).content.decode()

    vendor_screen(actor=people.assessor, vendor=vendor)
    body = client.get(review).content.decode()
    assert "1 answer contradicted by the watchlist screening" in body
    assert "geopolitics.sanctions_screening" in body  # the OFAC question, not the BIS one
    section = reverse("assessments:section", args=[assessment.pk, "geopolitics"])
    assert f'href="{section}#q-geopolitics--sanctions_screening"' in body
    assert "geopolitics.export_control_lists" not in body[: body.index("Submit for scoring")]
    client.logout()
    _link, token = respondent_link_create(
        actor=people.assessor, assessment=assessment, contact_name="Vendor contact"
    )
    page = client.get(reverse("respondents:review", args=[token]))
    assert page.status_code == 200
    assert b"contradicted" not in page.content


def test_the_dashboard_lists_assessments_whose_answers_the_screening_contradicts(
    client, people, listed
):
    from types import SimpleNamespace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.screening.selectors import answers_contradicted_by_screening
    from governance.screening.services import screening_dispose
    from tests.reports.factories import scored_assessment

    ours = scored_assessment(people, vendor_name="Mistral AI SAS", decided=False)
    outsiders = SimpleNamespace(
        org=people.other_org,
        assessor=people.outsider,
        reviewer=people.outsider,
        admin=people.outsider,
    )
    theirs = scored_assessment(outsiders, vendor_name="Mistral AI SAS", decided=False)
    client.force_login(people.viewer)
    heading = "Answers contradicted by the watchlist screening"
    assert heading not in client.get(reverse("dashboard")).content.decode()

    screening = vendor_screen(actor=people.assessor, vendor=ours.assessment.vendor)
    vendor_screen(actor=people.outsider, vendor=theirs.assessment.vendor)
    response = client.get(reverse("dashboard"))
    (row,) = response.context["screening_conflicts"]
    assert row["assessment"].pk == ours.assessment_id  # never another organisation's
    body = response.content.decode()
    assert heading in body
    assert "1 answer" in body and "geopolitics.sanctions" in body
    with CaptureQueriesContext(connection) as queries:
        answers_contradicted_by_screening(organisation_id=people.org.pk)
    assert len(queries) == 3

    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="false_positive", note="Other."
    )
    assert heading not in client.get(reverse("dashboard")).content.decode()
