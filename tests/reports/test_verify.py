"""verify_report: consistent reports pass; any tampering is named."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.reports.context import assessment_context
from governance.reports.rendering import (
    attachment_document,
    encode_attachment,
    html_to_pdf,
    render_assessment,
    render_assessment_html,
)
from governance.reports.verify import verify_pdf


def _pdf(result, *, document=None, context_changes=None) -> bytes:
    context = assessment_context(result)
    for change in context_changes or ():
        change(context)
    html = render_assessment_html(context)
    data, _pages = html_to_pdf(
        html, attachment=encode_attachment(document or attachment_document(result))
    )
    return data


def test_a_changed_answer_in_the_attachment_fails(scored_result):
    document = attachment_document(scored_result)
    document["inputs"]["answers"]["privacy.training_opt_out"] = "strong"

    verification = verify_pdf(_pdf(scored_result, document=document))

    assert not verification.consistent
    assert any(p.startswith("Input hash") for p in verification.problems)
    assert any("Recomputed score differs" in p for p in verification.problems)


def test_a_changed_result_in_the_attachment_fails(scored_result):
    document = attachment_document(scored_result)
    document["outcome"]["overall"] = 3.0

    verification = verify_pdf(_pdf(scored_result, document=document))

    assert any("result.overall" in p and "3.0" in p for p in verification.problems)


def test_a_changed_definition_in_the_attachment_fails(scored_result):
    document = json.loads(json.dumps(attachment_document(scored_result)))
    document["questionnaire"]["definition"]["sections"][0]["questions"][0]["weight"] = 9

    verification = verify_pdf(_pdf(scored_result, document=document))

    assert any(p.startswith("Questionnaire content hash") for p in verification.problems)


def test_a_changed_visible_figure_fails(scored_result):
    def tamper(context):
        context["overall_text"] = "99.9"
        context["domains"][0]["score_text"] = "1.0"

    verification = verify_pdf(_pdf(scored_result, context_changes=[tamper]))

    assert not verification.consistent
    expected = f"{scored_result.overall:.1f}"
    assert any(
        p.startswith("Residual risk score: the PDF shows 99.9") and expected in p
        for p in verification.problems
    ), verification.problems
    assert any(
        p.startswith("Data privacy and governance score: the PDF shows 1.0")
        for p in verification.problems
    )
    # The attachment itself is intact.
    assert not any("Input hash" in p for p in verification.problems)


def test_a_file_that_is_not_a_pdf_fails(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("hello")
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_report", str(path))
    assert excinfo.value.returncode == 1
    assert not verify_pdf(b"hello").consistent
    assert "not a PDF" in verify_pdf(b"hello").problems[0]


def test_a_pdf_without_attachment_fails(tmp_path):
    data, _pages = html_to_pdf("<p>Just a PDF</p>")
    verification = verify_pdf(data)
    assert not verification.consistent
    assert "no embedded assessment-data.json" in verification.problems[0]


def test_render_and_verify_commands(scored_result, tmp_path, capsys):
    target = tmp_path / "report.pdf"
    call_command("render_report", str(scored_result.assessment_id), "-o", str(target))
    out = capsys.readouterr().out
    assert "pages" in out and scored_result.input_hash in out

    call_command("verify_report", str(target))
    assert "consistent" in capsys.readouterr().out


def test_render_report_command_explains_unknown_and_unscored(people, tmp_path):
    with pytest.raises(CommandError, match="no assessment 999999"):
        call_command("render_report", "999999", "-o", str(tmp_path / "x.pdf"))

    from governance.assessments.models import Assessment
    from tests.reports.factories import scored_assessment

    result = scored_assessment(people, vendor_name="Unscored Vendor")
    Assessment.objects.filter(pk=result.assessment_id).update(latest_result=None)
    with pytest.raises(CommandError, match="not been scored yet"):
        call_command("render_report", str(result.assessment_id), "-o", str(tmp_path / "x.pdf"))


def test_re_rendering_the_same_result_gives_the_same_figures(scored_result):
    first = verify_pdf(render_assessment(scored_result).data)
    assert first.consistent
    assert first.summary["input_hash"] == scored_result.input_hash
