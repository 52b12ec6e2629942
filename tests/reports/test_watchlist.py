"""The assessment report shows the vendor's watchlist screening as it stood at its snapshot."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from governance.assessments.models import Assessment
from governance.reports.context import assessment_context
from governance.reports.rendering import render_assessment
from governance.reports.verify import pdf_text, verify_pdf
from governance.screening.services import screening_dispose, vendor_screen
from tests.reports.factories import scored_assessment
from tests.screening.factories import load_list

pytestmark = pytest.mark.django_db


def decide_at(result, moment: datetime.datetime) -> None:
    """The reviewer decides at `moment`, which moves the report's snapshot there."""
    Assessment.objects.filter(pk=result.assessment_id).update(
        decision="rejected", decided_at=moment, decided_by=None
    )
    result.assessment.refresh_from_db()


def zhipu_result(people):
    return scored_assessment(people, vendor_name="Zhipu AI", decided=False)


def test_a_vendor_never_screened_says_so(people):
    result = zhipu_result(people)
    context = assessment_context(result)
    assert context["screening"] is None

    text = pdf_text(PdfReader(io.BytesIO(render_assessment(result).data)))
    assert "Not screened by" in text
    assert "had not been screened against a restricted-party list" in text


def test_a_screening_after_the_snapshot_is_not_shown(people):
    result = zhipu_result(people)
    load_list()
    vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)

    # Scored before the screening and not decided: the snapshot is the scoring time.
    assert assessment_context(result)["screening"] is None


def test_the_hits_and_the_verdict_recorded_by_the_snapshot_are_shown(people):
    result = zhipu_result(people)
    load_list(sample=True)
    screening = vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)
    screening_dispose(
        actor=people.reviewer,
        screening=screening,
        disposition="confirmed",
        note="Same entity: Beijing address and\nownership match the listing.",
    )
    decide_at(result, timezone.now())

    context = assessment_context(result)
    shown = context["screening"]
    assert shown["row"].pk == screening.pk
    assert shown["state"]["label"] == "Confirmed match"
    assert shown["verdict"]["by"] == people.reviewer.username
    assert {event.action for event in context["audit_events"]} >= {
        "vendor.screen",
        "screening.dispose",
    }

    rendered = render_assessment(result)
    text = pdf_text(PdfReader(io.BytesIO(rendered.data)))
    assert "Watchlist screening Confirmed match" in text  # the cover's row
    assert "Beijing Zhipu Huazhang Technology Co., Ltd." in text
    assert "Entity List (EL) - Bureau of Industry and Security" in text
    assert f"Confirmed match, recorded by {people.reviewer.username}" in text
    assert "ownership match the listing." in text
    assert "illustrative sample list" in text
    assert "screening.dispose" in text
    # The screening is context, not a figure: the report still verifies.
    assert verify_pdf(rendered.data).consistent


def test_a_verdict_recorded_after_the_snapshot_does_not_change_the_report(people):
    result = zhipu_result(people)
    load_list()
    screening = vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)
    decide_at(result, timezone.now())
    before = assessment_context(result)["screening"]

    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="false_positive", note="Not them."
    )
    after = assessment_context(result)["screening"]

    assert before["state"] == after["state"]
    assert after["state"]["label"] == "Potential match, to review"
    assert after["verdict"] is None and after["to_review"]
    text = pdf_text(PdfReader(io.BytesIO(render_assessment(result).data)))
    assert "No reviewer had recorded a verdict on this potential match" in text
    assert "Not them." not in text


def test_a_changed_verdict_shows_the_one_that_stood_at_the_snapshot(people):
    result = zhipu_result(people)
    load_list()
    screening = vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)
    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="confirmed", note="Listed."
    )
    decide_at(result, timezone.now())
    screening_dispose(
        actor=people.admin, screening=screening, disposition="false_positive", note="Renamed."
    )

    shown = assessment_context(result)["screening"]
    assert shown["state"]["label"] == "Confirmed match"
    assert shown["verdict"]["note"] == "Listed."


def test_the_latest_screening_by_the_snapshot_is_the_one_shown(people):
    result = zhipu_result(people)
    load_list()
    first = vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)
    decide_at(result, timezone.now())
    vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)

    assert assessment_context(result)["screening"]["row"].pk == first.pk


def test_another_vendors_screening_is_not_shown(people):
    result = zhipu_result(people)
    other = scored_assessment(people, vendor_name="Zhipu AI Labs", decided=False)
    load_list()
    vendor_screen(actor=people.assessor, vendor=other.assessment.vendor)
    decide_at(result, timezone.now())

    assert assessment_context(result)["screening"] is None


def test_an_answer_the_screening_contradicts_is_flagged_until_the_hit_is_cleared(people):
    result = zhipu_result(people)
    assert result.inputs["answers"]["geopolitics.sanctions"] == "strong"  # "clear of the lists"
    load_list()
    screening = vendor_screen(actor=people.assessor, vendor=result.assessment.vendor)
    decide_at(result, timezone.now())

    (conflict,) = assessment_context(result)["screening"]["conflicts"]
    assert conflict["question"] == "geopolitics.sanctions"
    assert [hit["name"] for hit in conflict["hits"]] == [
        "Beijing Zhipu Huazhang Technology Co., Ltd."
    ]
    rendered = render_assessment(result)
    text = pdf_text(PdfReader(io.BytesIO(rendered.data)))
    assert "It contradicts 1 answer that says the vendor is not listed." in text
    assert "Answers this screening contradicts" in text
    assert "was answered “Yes — documented and contractually committed”, but the screening" in text
    assert verify_pdf(rendered.data).consistent

    # Cleared as a false positive by the snapshot: nothing left to contradict.
    screening_dispose(
        actor=people.reviewer, screening=screening, disposition="false_positive", note="Other."
    )
    decide_at(result, timezone.now())
    assert assessment_context(result)["screening"]["conflicts"] == []
