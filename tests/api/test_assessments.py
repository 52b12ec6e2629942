"""Assessments through the API: answers in bulk, evidence, submission, score, decision,
reports, findings and the policy."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from governance.assessments.models import Answer, ScoringPolicy
from tests.api import factories
from tests.api.mixins import ROLES, assert_conforms


def url(assessment, suffix=""):
    return f"/api/v1/assessments/{assessment.pk}/{suffix}"


@pytest.fixture
def draft(people):
    return factories.assessment(people, people.org)


@pytest.fixture
def scored(people):
    return factories.scored_assessment(people, people.org)


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize("role", ROLES)
def test_only_assessors_and_admins_write_answers(people, client_for, draft, role):
    response = client_for(role).put(
        url(draft, "answers/"), factories.COMPLETE_ANSWERS, format="json"
    )
    assert response.status_code == (200 if role in {"admin", "assessor"} else 403)
    assert_conforms(response)


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_a_role_that_may_not_write_is_refused_before_its_batch_is_read(
    people, client_for, draft, role
):
    response = client_for(role).put(url(draft, "answers/"), ["not an object"], format="json")
    assert response.status_code == 403


def test_another_organisations_assessment_is_a_404(people, client_for):
    theirs = factories.assessment(people, people.other_org)
    client = client_for("admin")
    for method, suffix in (
        ("get", ""),
        ("get", "answers/"),
        ("put", "answers/"),
        ("get", "evidence/"),
        ("post", "submit/"),
        ("get", "score/"),
        ("get", "screening/"),
        ("post", "decision/"),
        ("post", "report/"),
    ):
        response = getattr(client, method)(url(theirs, suffix), [], format="json")
        assert response.status_code == 404, (method, suffix, response.content)


def test_answers_are_upserted_and_listed(people, client_for, draft):
    client = client_for("assessor")
    response = client.put(url(draft, "answers/"), factories.COMPLETE_ANSWERS, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    change = [
        {"question": "privacy.training", "value": "no"},
        {"question": "regulatory.notes", "value": None},
    ]
    assert client.put(url(draft, "answers/"), change, format="json").status_code == 200
    listed = client.get(url(draft, "answers/"))
    assert listed.status_code == 200
    assert_conforms(listed)
    values = {a["question"]: a["value"] for a in listed.json()["results"]}
    assert values == {
        "privacy.training": "no",
        "geopolitics.sanctions": "no",
        "security.incident_days": 2,
    }


def test_answer_rows_are_what_their_declared_fields_give(people, client_for, draft):
    from rest_framework import serializers

    from governance.assessments.api.serializers import AnswerSerializer

    client = client_for("assessor")
    first = client.put(url(draft, "answers/"), factories.COMPLETE_ANSWERS, format="json")
    assert first.status_code == 200, first.content
    comment = [{"question": "regulatory.notes", "comment": "Asked."}]
    saved = client.put(url(draft, "answers/"), comment, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["answers"][0]["comment"] == "Asked."
    rows = Answer.objects.filter(assessment=draft)
    assert len(rows) == len(factories.COMPLETE_ANSWERS)
    for answer in rows:
        generic = serializers.ModelSerializer.to_representation(AnswerSerializer(), answer)
        assert AnswerSerializer(answer).data == generic


def test_every_bad_answer_is_reported_with_its_position(people, client_for, draft):
    batch = [
        {"question": "privacy.training", "value": "maybe"},
        {"question": "no.such_question", "value": "x"},
        {"question": "security.incident_days", "value": "ten"},
        {"question": "regulatory.notes", "value": "ok", "comment": 5},
        "not an object",
    ]
    response = client_for("assessor").put(url(draft, "answers/"), batch, format="json")
    assert response.status_code == 400
    assert_conforms(response)
    body = response.json()
    assert body["code"] == "invalid"
    errors = body["errors"]
    assert {(e["index"], e["field"]) for e in errors} >= {(3, "comment"), (4, "question")}
    assert all(set(e) == {"index", "question", "field", "message"} for e in errors)
    assert not Answer.objects.filter(assessment=draft).exists()


def test_it_rejects_malformed_items(people, client_for, draft):
    batch = [
        "privacy.training",
        {"value": "no"},
        {"question": "privacy.training", "value": "no_training", "extra": 1},
        {"question": "privacy.training", "value": "no_training"},
        {"question": "cost.pricing", "value": "fixed", "comment": 5},
    ]
    response = client_for("assessor").put(url(draft, "answers/"), batch, format="json")
    assert response.status_code == 400
    assert [e["index"] for e in response.json()["errors"]] == [0, 1, 2, 3, 4]
    assert not Answer.objects.exists()


def test_shape_errors_are_reported_item_by_item_in_one_body(people, client_for, draft):
    batch = [
        "not an object",
        {"question": 5, "comment": 5},
        {"question": "privacy.training", "value": "no", "extra": 1, "comment": 7},
        {"question": "privacy.training", "value": "no", "comment": 7},
        {"question": "regulatory.notes", "value": "ok", "comment": "x" * 20_001},
    ]
    response = client_for("assessor").put(url(draft, "answers/"), batch, format="json")
    assert response.status_code == 400
    assert_conforms(response)
    assert response.json() == {
        "detail": "6 answers need attention.",
        "code": "invalid",
        "errors": [
            {
                "index": 0,
                "question": "",
                "field": "question",
                "message": "Each answer must be an object with a question key.",
            },
            {
                "index": 1,
                "question": "",
                "field": "question",
                "message": "Name the question (its key).",
            },
            {
                "index": 2,
                "question": "privacy.training",
                "field": "question",
                "message": "Unknown field(s): extra.",
            },
            {
                "index": 2,
                "question": "privacy.training",
                "field": "comment",
                "message": "The comment must be text.",
            },
            {
                "index": 3,
                "question": "privacy.training",
                "field": "question",
                "message": "Question answered twice in one batch (also item 2).",
            },
            {
                "index": 4,
                "question": "regulatory.notes",
                "field": "comment",
                "message": "The comment must be at most 20,000 characters of text.",
            },
        ],
    }


@pytest.mark.parametrize("body", [{}, "text", None, {"question": "privacy.training"}])
def test_a_body_that_is_not_a_list_is_one_error(people, client_for, draft, body):
    response = client_for("assessor").put(url(draft, "answers/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": None, "question": "", "field": "question", "message": "Send a list of answers."}
    ]


def test_value_errors_name_the_item(people, client_for, draft):
    batch = [
        {"question": "privacy.training", "value": "maybe"},
        {"question": "no.such_question", "value": "x"},
        {"question": "security.incident_days", "value": 9999},
    ]
    response = client_for("assessor").put(url(draft, "answers/"), batch, format="json")
    assert response.status_code == 400
    found = {(e["index"], e["question"], e["field"]) for e in response.json()["errors"]}
    assert found == {
        (0, "privacy.training", "value"),
        (1, "no.such_question", "question"),
        (2, "security.incident_days", "value"),
    }


@pytest.mark.parametrize(
    "body",
    [
        {},
        "text",
        5,
        None,
        [[1]],
        [{"question": 5}],
        [{"question": "regulatory.notes", "value": "a\x00"}],
    ],
)
def test_malformed_answer_bodies_are_a_400(people, client_for, draft, body):
    response = client_for("assessor").put(url(draft, "answers/"), body, format="json")
    assert response.status_code == 400, response.content


def test_answers_of_a_submitted_assessment_are_a_409(people, client_for, scored):
    response = client_for("assessor").put(
        url(scored, "answers/"), [{"question": "privacy.training", "value": "no"}], format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert_conforms(response)


def test_a_bulk_upsert_costs_the_same_queries_for_10_or_100_answers(people, token_client):
    questionnaire = factories.questionnaire(factories.wide_definition(100))
    client = token_client("assessor")
    counts = {}
    for size in (10, 100):
        item = factories.assessment(people, people.org, questionnaire_=questionnaire)
        batch = [{"question": f"security.q{i:03d}", "value": "good"} for i in range(size)]
        client.get("/api/v1/vendors/")  # the token's first use is stamped once, not per call
        with CaptureQueriesContext(connection) as queries:
            response = client.put(url(item, "answers/"), batch, format="json")
        assert response.status_code == 200, response.content
        counts[size] = len(queries)
    assert counts[10] == counts[100], counts


# --------------------------------------------------------------------------- evidence


def test_evidence_is_uploaded_listed_and_downloaded(people, client_for, draft):
    client = client_for("assessor")
    upload = SimpleUploadedFile("dpa.txt", b"Signed DPA, 2026.", content_type="text/plain")
    response = client.post(
        url(draft, "evidence/"),
        {"question": "privacy.training", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert_conforms(response)
    evidence = response.json()
    assert evidence["content_type"] == "text/plain"
    listed = client.get(url(draft, "evidence/")).json()["results"]
    assert [e["id"] for e in listed] == [evidence["id"]]
    download = client.get(f"/api/v1/evidence/{evidence['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Signed DPA, 2026."
    assert (
        client_for("viewer")
        .post(
            url(draft, "evidence/"),
            {"question": "privacy.training", "file": SimpleUploadedFile("a.txt", b"x")},
            format="multipart",
        )
        .status_code
        == 403
    )


def test_unsupported_evidence_is_a_400(people, client_for, draft):
    upload = SimpleUploadedFile("x.html", b"<html><script>alert(1)</script>")
    response = client_for("assessor").post(
        url(draft, "evidence/"),
        {"question": "privacy.training", "file": upload},
        format="multipart",
    )
    assert response.status_code in (201, 400)
    assert all("\x00" not in e.original_name for e in draft.evidence.all())
    assert "file" in response.json()["errors"]


# --------------------------------------------------------------------------- lifecycle


# Real commits: the queue hand-over happens on commit, before the response is built.
@pytest.mark.django_db(transaction=True)
def test_submit_answers_202_and_the_score_follows(people, client_for, draft):
    client = client_for("assessor")
    client.put(url(draft, "answers/"), factories.COMPLETE_ANSWERS, format="json")
    response = client.post(url(draft, "submit/"))
    assert response.status_code == 202
    assert_conforms(response)
    assert response.json()["scoring_delayed"] is False
    assert response.json()["scoring"] == "queued"
    score = client_for("viewer").get(url(draft, "score/"))
    assert score.status_code == 200
    assert_conforms(score)
    body = score.json()
    assert set(body["domains"]) == {
        "privacy",
        "geopolitics",
        "lock_in",
        "security",
        "regulatory",
        "cost",
    }
    assert body["rating"] in {"low", "moderate", "high", "critical"}
    assert len(body["input_hash"]) == 64
    assert body["engine_version"] and body["policy_version"] == 1
    assert body["drivers"] and body["findings"]
    detail = client.get(url(draft)).json()
    assert detail["status"] == "scored"
    assert detail["latest_score"]["rating"] == body["rating"]


@pytest.mark.django_db(transaction=True)
def test_submit_reports_a_delayed_score_when_the_queue_is_down(people, client_for, draft):
    from governance.assessments import tasks

    client = client_for("assessor")
    client.put(url(draft, "answers/"), factories.COMPLETE_ANSWERS, format="json")
    with mock.patch.object(tasks.score_assessment, "apply_async", side_effect=OSError("down")):
        response = client.post(url(draft, "submit/"))
    assert response.status_code == 202
    assert_conforms(response)
    assert response.json() == {
        "id": draft.pk,
        "status": "submitted",
        "scoring_delayed": True,
        "scoring": "delayed",
        "message": "Submitted. The scoring queue is unreachable: the submission is saved and "
        "will be scored automatically once the queue is back.",
    }


def test_an_incomplete_assessment_cannot_be_submitted(people, client_for, draft):
    response = client_for("assessor").post(url(draft, "submit/"))
    assert response.status_code == 400
    assert_conforms(response)
    missing = {e["question"] for e in response.json()["errors"]}
    assert {"privacy.training", "geopolitics.sanctions"} <= missing


def test_score_before_scoring_is_a_404(people, client_for, draft):
    response = client_for("viewer").get(url(draft, "score/"))
    assert response.status_code == 404
    assert response.json()["detail"] == "This assessment has no score yet."


@pytest.mark.parametrize("role", ROLES)
def test_only_reviewers_and_admins_decide(people, client_for, scored, role):
    response = client_for(role).post(
        url(scored, "decision/"),
        {"decision": "approved_with_conditions", "conditions": "Opt out of training."},
        format="json",
    )
    assert response.status_code == (200 if role in {"admin", "reviewer"} else 403), response.content
    assert_conforms(response)
    if response.status_code == 200:
        assert response.json()["status"] == "decided"
        assert response.json()["decision"] == "approved_with_conditions"


def test_deciding_twice_is_a_409_and_conditions_are_required(people, client_for, scored):
    client = client_for("reviewer")
    response = client.post(
        url(scored, "decision/"), {"decision": "approved_with_conditions"}, format="json"
    )
    assert response.status_code == 400
    assert "conditions" in response.json()["errors"]
    assert (
        client.post(url(scored, "decision/"), {"decision": "rejected"}, format="json").status_code
        == 200
    )
    again = client.post(url(scored, "decision/"), {"decision": "rejected"}, format="json")
    assert again.status_code == 409


def test_a_report_is_requested_with_202_and_not_served_before_it_is_ready(
    people, client_for, scored
):
    client = client_for("reviewer")
    response = client.post(url(scored, "report/"))
    assert response.status_code == 202
    assert_conforms(response)
    report = response.json()
    assert report["status"] == "pending"
    # Viewers do not start renderings, but they follow and fetch them.
    viewer = client_for("viewer")
    status = viewer.get(f"/api/v1/reports/{report['id']}/")
    assert status.json()["status"] == "pending"
    pdf = viewer.get(report["pdf_url"])
    assert pdf.status_code == 409
    # Asking again reuses the same report.
    assert client.post(url(scored, "report/")).json()["id"] == report["id"]


def test_a_report_of_an_unscored_assessment_is_a_409(people, client_for, draft):
    assert client_for("reviewer").post(url(draft, "report/")).status_code == 409


def test_assessments_filter_by_status_and_vendor(people, client_for, draft, scored):
    client = client_for("viewer")
    rows = client.get("/api/v1/assessments/", {"status": "scored"}).json()["results"]
    assert [r["id"] for r in rows] == [scored.pk]
    rows = client.get("/api/v1/assessments/", {"vendor": draft.vendor_id}).json()["results"]
    assert [r["id"] for r in rows] == [draft.pk]
    assert client.get("/api/v1/assessments/", {"status": "x"}).status_code == 400


def test_an_assessment_needs_a_published_questionnaire(people, client_for):
    definition = {**factories.wide_definition(1, key="drafty"), "status": "draft"}
    draft_questionnaire = factories.questionnaire(definition)
    response = client_for("assessor").post(
        "/api/v1/assessments/",
        {
            "vendor": factories.vendor(people, people.org).pk,
            "questionnaire": draft_questionnaire.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "questionnaire" in response.json()["errors"]


# --------------------------------------------------------------------------- findings


def test_findings_filter_and_update(people, client_for, scored):
    client = client_for("assessor")
    rows = client.get("/api/v1/findings/", {"assessment": scored.pk, "status": "open"}).json()
    assert rows["count"] >= 1
    finding = rows["results"][0]
    response = client.patch(
        f"/api/v1/findings/{finding['id']}/",
        {"owner": people.assessor.pk, "due_date": "2027-03-01", "status": "mitigating"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["owner_username"] == "assessor"
    assert client.get("/api/v1/findings/", {"owner": people.assessor.pk}).json()["count"] == 1
    outsider = client.patch(
        f"/api/v1/findings/{finding['id']}/", {"owner": people.outsider.pk}, format="json"
    )
    assert outsider.status_code == 400
    assert "owner" in outsider.json()["errors"]


def test_only_reviewers_accept_a_risk(people, client_for, scored):
    finding = scored.findings.first()
    path = f"/api/v1/findings/{finding.pk}/"
    assert (
        client_for("assessor").patch(path, {"status": "accepted"}, format="json").status_code == 403
    )
    assert (
        client_for("reviewer").patch(path, {"status": "accepted"}, format="json").status_code == 200
    )


# --------------------------------------------------------------------------- policy


def test_everyone_reads_the_policy(people, client_for):
    for role in ROLES:
        response = client_for(role).get("/api/v1/policy/")
        assert response.status_code == 200
        assert_conforms(response)
        assert response.json()["version"] == 1
    response = client_for("admin").get("/api/v1/policy/", {"organisation": people.other_org.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_change_the_policy(people, client_for, role):
    body = client_for("admin").get("/api/v1/policy/").json()["body"]
    body["domain_weights"]["geopolitics"] = 5
    response = client_for(role).put(
        "/api/v1/policy/", {"body": body, "note": "Geo first"}, format="json"
    )
    assert response.status_code == (200 if role == "admin" else 403), response.content
    assert_conforms(response)


def test_a_policy_change_can_rescore(people, client_for, scored):
    client = client_for("admin")
    body = client.get("/api/v1/policy/").json()["body"]
    body["domain_weights"]["geopolitics"] = 6
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.put("/api/v1/policy/", {"body": body, "rescore": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["rescore_enqueued"] == 1
    scored.refresh_from_db()
    assert scored.latest_result.policy_version == 2


def test_an_invalid_policy_is_a_400(people, client_for):
    client = client_for("admin")
    for body in ({"domain_weights": "heavy"}, [], "x", {"\x00": 1}):
        response = client.put("/api/v1/policy/", {"body": body}, format="json")
        assert response.status_code == 400, (body, response.content)
    assert ScoringPolicy.objects.filter(organisation=people.org).count() <= 1


def test_a_nul_in_an_uploaded_file_name_never_reaches_the_database(people, client_for, draft):
    upload = SimpleUploadedFile("dpa.txt", b"Signed.")
    upload.name = "d\x00pa.txt"
    response = client_for("assessor").post(
        url(draft, "evidence/"),
        {"question": "privacy.training", "file": upload},
        format="multipart",
    )
    assert response.status_code in (201, 400)
    assert all("\x00" not in e.original_name for e in draft.evidence.all())
