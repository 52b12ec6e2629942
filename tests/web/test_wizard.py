"""The assessment wizard, review, submit and the result page's forms, through the test
client. Saving goes through answers_save; its errors come back next to each question."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.assessments.forms import VALUE_PREFIX
from governance.assessments.models import Answer, Assessment
from tests.web.fixtures import answer_all, chained_assessment, first_option_answers, section_post


def sections(assessment):
    return assessment.questionnaire.definition["sections"]


def url(assessment, section):
    return reverse("assessments:section", args=[assessment.pk, section["key"]])


@pytest.fixture
def writer(client, people):
    client.force_login(people.assessor)
    return client


def stored(assessment):
    return dict(Answer.objects.filter(assessment=assessment).values_list("question_key", "value"))


def test_starting_an_assessment_opens_the_wizard(writer, vendor, questionnaire):
    offering = vendor.offerings.first()
    response = writer.post(
        reverse("assessments:start"),
        {
            "vendor": vendor.pk,
            "questionnaire": questionnaire.pk,
            "offering": offering.pk,
            "use_case": offering.use_cases.first().pk,
            "title": "Renewal 2026",
        },
    )
    assessment = Assessment.objects.get(title="Renewal 2026")
    assert response["Location"] == reverse("assessments:answer", args=[assessment.pk])
    first = sections(assessment)[0]["key"]
    response = writer.get(response["Location"])
    assert response["Location"] == reverse("assessments:section", args=[assessment.pk, first])


def test_saving_a_section_stores_its_answers_and_moves_on(writer, assessment):
    first, second = sections(assessment)[:2]
    values = first_option_answers(assessment.questionnaire.definition)
    response = writer.post(url(assessment, first), section_post(first, values))
    assert response.status_code == 302
    assert response["Location"] == url(assessment, second)
    expected = {q["key"]: values[q["key"]] for q in first["questions"] if q["key"] in values}
    assert stored(assessment) == expected
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"
    page = writer.get(url(assessment, first)).content.decode()
    assert "checked" in page  # the saved choice is shown again


def test_a_bad_number_keeps_what_was_typed_and_saves_nothing_else(writer, assessment):
    section = sections(assessment)[0]
    number = next(q for q in section["questions"] if q["type"] == "number")
    values = first_option_answers(assessment.questionnaire.definition)
    data = section_post(section, values, action="stay")
    data[VALUE_PREFIX + number["key"]] = "about a month"
    response = writer.post(url(assessment, section), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a number" in body
    assert 'value="about a month"' in body
    # The other answers of the section were valid, so they are kept.
    assert number["key"] not in stored(assessment)
    assert stored(assessment)


def test_an_out_of_range_number_is_refused_by_the_service_with_nothing_saved(writer, assessment):
    section = sections(assessment)[0]
    number = next(q for q in section["questions"] if q["type"] == "number")
    values = first_option_answers(assessment.questionnaire.definition)
    data = section_post(section, values, action="stay")
    data[VALUE_PREFIX + number["key"]] = "99999"
    response = writer.post(url(assessment, section), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="99999"' in body
    assert response.context["questions"][
        [q.key for q in response.context["questions"]].index(number["key"])
    ].errors
    assert stored(assessment) == {}
    # The typed choices are still selected on the page.
    assert body.count("checked") >= 1


def test_clearing_an_answer_removes_it(writer, people, assessment):
    answer_all(assessment, actor=people.assessor)
    section = sections(assessment)[0]
    values = first_option_answers(assessment.questionnaire.definition)
    cleared = section["questions"][0]["key"]
    data = section_post(section, {k: v for k, v in values.items() if k != cleared}, "stay")
    writer.post(url(assessment, section), data)
    assert cleared not in stored(assessment)


def test_comments_and_evidence_are_saved_with_the_answer(writer, assessment):
    section = sections(assessment)[0]
    question = section["questions"][0]["key"]
    values = first_option_answers(assessment.questionnaire.definition)
    data = section_post(section, values, "stay")
    data["c__" + question] = "Checked against the signed DPA."
    data["e__" + question] = SimpleUploadedFile("dpa.pdf", b"%PDF-1.4\n%test\n", "application/pdf")
    response = writer.post(url(assessment, section), data)
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=assessment, question_key=question)
    assert answer.comment == "Checked against the signed DPA."
    evidence = assessment.evidence.get()
    assert evidence.original_name == "dpa.pdf"
    page = writer.get(url(assessment, section)).content.decode()
    assert "dpa.pdf" in page
    download = writer.get(reverse("assessments:evidence", args=[assessment.pk, evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_unsupported_evidence_file_is_reported_next_to_the_question(writer, assessment):
    section = sections(assessment)[0]
    question = section["questions"][0]["key"]
    data = section_post(section, first_option_answers(assessment.questionnaire.definition), "stay")
    data["e__" + question] = SimpleUploadedFile(
        "run.exe", b"MZ\x90\x00binary", "application/x-msdownload"
    )
    response = writer.post(url(assessment, section), data)
    assert response.status_code == 400
    assert response.context["errors"][question]


def test_review_lists_unanswered_required_questions(writer, assessment):
    response = writer.get(reverse("assessments:review", args=[assessment.pk]))
    assert response.context["problem_count"] > 0
    first_question = sections(assessment)[0]["questions"][0]["text"]
    assert first_question[:40] in response.content.decode()


def test_submitting_an_incomplete_assessment_lists_what_is_missing(writer, assessment):
    response = writer.post(reverse("assessments:submit", args=[assessment.pk]))
    assert response.status_code == 400
    assert b"cannot be submitted" in response.content
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_submitting_a_complete_assessment_scores_it(
    writer, people, assessment, django_capture_on_commit_callbacks
):
    answer_all(assessment, actor=people.assessor)
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(reverse("assessments:submit", args=[assessment.pk]))
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.status == "scored"
    page = writer.get(response["Location"]).content.decode()
    assert "rating-big" in page
    assert "data-poll-url" not in page  # nothing left to wait for


def test_a_submitted_assessment_shows_progress_and_polls(writer, people, assessment, monkeypatch):
    from governance.assessments import tasks

    # The broker never delivers: the submission waits, as it would for a busy worker.
    monkeypatch.setattr(tasks.score_assessment, "apply_async", lambda *args, **kwargs: None)
    answer_all(assessment, actor=people.assessor)
    writer.post(reverse("assessments:submit", args=[assessment.pk]))
    page = writer.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Scoring in progress" in page
    assert 'data-poll-url="/assessments/' in page
    status = writer.get(reverse("assessments:status", args=[assessment.pk])).json()
    assert status["in_flight"] is True
    assert status["rating"] is None


@pytest.fixture
def scored(people, assessment, django_capture_on_commit_callbacks):
    from governance.assessments.services import assessment_submit

    answer_all(assessment, actor=people.assessor)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(actor=people.assessor, assessment=assessment)
    assessment.refresh_from_db()
    return assessment


def test_conditions_are_required_to_approve_with_conditions(client, people, scored):
    client.force_login(people.reviewer)
    target = reverse("assessments:decide", args=[scored.pk])
    response = client.post(target, {"decision": "approved_with_conditions", "rationale": "Ok"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "State the conditions" in body
    assert "Ok</textarea>" in body  # the typed rationale is kept
    response = client.post(
        target,
        {
            "decision": "approved_with_conditions",
            "conditions": "Disable training.",
            "rationale": "Ok",
        },
    )
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.status == "decided"
    assert scored.decision_conditions == "Disable training."


def test_the_submitter_may_not_approve_their_own_assessment(
    client, people, assessment, django_capture_on_commit_callbacks
):
    from governance.assessments.services import assessment_submit

    answer_all(assessment, actor=people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(actor=people.admin, assessment=assessment)
    client.force_login(people.admin)
    response = client.post(
        reverse("assessments:decide", args=[assessment.pk]), {"decision": "approved"}
    )
    assert response.status_code == 400
    assert response.context["decision_form"].non_field_errors()


def test_findings_are_updated_with_owner_and_due_date(
    client, people, assessment, django_capture_on_commit_callbacks
):
    from governance.assessments.services import answers_save, assessment_submit

    definition = assessment.questionnaire.definition
    answer_all(assessment, actor=people.assessor)
    # "Don't know" on the first question raises a finding.
    first = definition["sections"][0]["questions"][0]
    unknown = next(o["key"] for o in first["options"] if o.get("special") == "unknown")
    answers_save(
        actor=people.assessor,
        assessment=assessment,
        answers=[{"question": first["key"], "value": unknown}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(actor=people.assessor, assessment=assessment)
    finding = assessment.findings.first()
    assert finding is not None
    client.force_login(people.assessor)
    response = client.post(
        reverse("assessments:finding", args=[assessment.pk, finding.pk]),
        {
            f"f{finding.pk}-status": "mitigating",
            f"f{finding.pk}-owner": people.assessor.pk,
            f"f{finding.pk}-due_date": "2027-01-31",
            f"f{finding.pk}-note": "Asked the vendor.",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.owner, str(finding.due_date)) == (
        "mitigating",
        people.assessor,
        "2027-01-31",
    )
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Asked the vendor." in page


@pytest.mark.django_db(transaction=True)
def test_a_report_is_requested_and_offered_for_download(client, people, scored):
    from governance.assessments.services import assessment_decide

    client.force_login(people.reviewer)
    # Real commits: without a broker the render runs in-process right after the request's
    # commit, so by the time the page answers the report is ready and it says so.
    response = client.post(reverse("assessments:report", args=[scored.pk]), follow=True)
    assert "The report is ready to download." in response.content.decode()
    page = client.get(reverse("assessments:detail", args=[scored.pk]))
    report = page.context["report"]
    assert report.status == "ready"
    download = client.get(page.context["report_download_url"])
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # Up to date: asking again would change nothing, so nothing offers it.
    assert page.context["report_outdated"] is False
    assert "Render again with the decision" not in page.content.decode()

    assessment_decide(actor=people.reviewer, assessment=scored, decision="approved")
    html = client.get(reverse("assessments:detail", args=[scored.pk])).content.decode()
    assert "The decision was recorded after this report was rendered" in html
    assert "Render again with the decision" in html
    client.post(reverse("assessments:report", args=[scored.pk]))
    page = client.get(reverse("assessments:detail", args=[scored.pk]))
    assert page.context["report"].pk == report.pk
    assert page.context["report"].status == "ready"
    assert page.context["report_outdated"] is False


def test_a_failed_assessment_can_be_retried(client, people, scored):
    from governance.assessments.models import Assessment

    Assessment.objects.filter(pk=scored.pk).update(
        status="failed", failure_message="The engine timed out."
    )
    client.force_login(people.assessor)
    page = client.get(reverse("assessments:detail", args=[scored.pk])).content.decode()
    assert "The engine timed out." in page
    assert "Try scoring again" in page
    response = client.post(reverse("assessments:retry", args=[scored.pk]))
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.status in ("submitted", "scoring", "scored")


def test_a_decided_assessment_is_reopened_as_a_new_revision(client, people, scored):
    from governance.assessments.services import assessment_decide

    assessment_decide(actor=people.reviewer, assessment=scored, decision="rejected")
    client.force_login(people.assessor)
    response = client.post(reverse("assessments:reopen", args=[scored.pk]))
    revision = scored.next_revision
    assert response["Location"] == reverse("assessments:answer", args=[revision.pk])
    assert revision.revision == 2
    assert revision.answers.count() == scored.answers.count()


def test_a_controller_hidden_on_an_earlier_page_hides_its_dependents_in_the_browser_data(
    writer, people
):
    assessment = chained_assessment(people)
    response = writer.get(url(assessment, sections(assessment)[1]))
    assert response.status_code == 200
    # The browser applies show_if with these values: a hidden controller counts as unanswered.
    assert response.context["outside_values"] == {"privacy.child": None}
    (grandchild,) = response.context["questions"]
    assert not grandchild.visible
