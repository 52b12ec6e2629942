"""Real WeasyPrint output, read back with pypdf."""

from __future__ import annotations

import io
import json
import logging
import subprocess

import pytest
from pypdf import PdfReader

from governance.reports.rendering import (
    ATTACHMENT_NAME,
    RefusedURL,
    harfbuzz_subsetting,
    make_url_fetcher,
    render_assessment,
    static_path,
    static_roots,
)
from governance.reports.verify import pdf_text, verify_pdf
from governance.scoring import DOMAINS
from tests.reports.factories import scored_assessment
from tests.services import require_service

logging.getLogger("pypdf").setLevel(logging.ERROR)


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, pdf_text(reader)


def xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_the_report_shows_vendor_rating_domains_and_findings(scored_result):
    rendered = render_assessment(scored_result)
    reader, text = read(rendered.data)

    assert "Northwind AI" in text
    rating = scored_result.outcome["rating"].capitalize()
    assert f"is rated {rating}" in text
    for _key, label in DOMAINS:
        assert label in text
    assert scored_result.outcome["findings"], "the factory must raise findings"
    for finding in scored_result.outcome["findings"]:
        assert " ".join(finding["title"].split()[:6]) in text
    assert scored_result.input_hash in text
    assert "Page 3 of" in text
    assert 10 <= rendered.page_count <= 40
    assert len(reader.pages) == rendered.page_count


def test_the_report_is_pdf_a_3b_with_metadata(scored_result):
    reader, _text = read(render_assessment(scored_result).data)

    metadata = xmp(reader)
    assert "<pdfaid:part>3</pdfaid:part>" in metadata or 'pdfaid:part="3"' in metadata
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata or (
        'pdfaid:conformance="B"' in metadata
    )
    assert reader.metadata.title == "AI vendor risk assessment — Northwind AI"
    assert reader.metadata.author == "Acme Bank"
    assert scored_result.input_hash in reader.metadata.subject


def test_the_attachment_carries_inputs_definition_and_result_and_verifies(scored_result):
    data = render_assessment(scored_result).data
    reader, _text = read(data)

    attached = json.loads(reader.attachments[ATTACHMENT_NAME][0])
    assert attached["inputs"] == scored_result.inputs
    assert attached["outcome"] == scored_result.outcome
    assert attached["questionnaire"]["definition"] == (
        scored_result.assessment.questionnaire.definition
    )
    verification = verify_pdf(data)
    assert verification.consistent, verification.problems
    assert any("printed figures match" in line for line in verification.checks)


def test_the_table_of_contents_has_page_numbers(scored_result):
    reader, _text = read(render_assessment(scored_result).data)

    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    assert "Findings and remediation" in contents
    # target-counter() filled in real page numbers, not zeros.
    line = next(row for row in contents.splitlines() if "Findings and remediation" in row)
    assert int(line.split()[-1]) > 3


def test_vendor_text_is_escaped(people):
    result = scored_assessment(
        people, vendor_name="<script>alert('x')</script> Evil & Co", comment="<b>bold?</b>"
    )
    rendered = render_assessment(result)
    _reader, text = read(rendered.data)

    assert "<script>alert('x')</script> Evil & Co" in text
    assert "<b>bold?</b>" in text
    assert "&lt;script&gt;" in rendered.html
    assert "<script>" not in rendered.html


def test_long_names_and_answers_do_not_break_the_layout(people, artifacts_dir):
    long_name = "Very Long Vendor Name Holdings " * 6 + "X" * 14
    long_name = long_name[:200]
    unbroken = "A" * 4000  # one "word" that can only wrap anywhere
    comment = (unbroken + " " + "lorem ipsum dolor sit amet " * 400)[:10_000]
    result = scored_assessment(
        people,
        vendor_name=long_name,
        comment=comment,
        comment_on="privacy.training_opt_out",
        notes="B" * 10_000,
    )
    rendered = render_assessment(result)
    reader, text = read(rendered.data)

    assert len(long_name) == 200 and len(comment) == 10_000
    assert long_name.split()[0] in text
    # The cover still fits one page: the contents start on page 2.
    assert reader.pages[1].extract_text().lstrip().startswith("Contents")
    # Every page keeps its A4 size (nothing widened it) and the text is all there.
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 595
    assert text.count("A" * 60) >= 1 and text.count("B" * 60) >= 1
    assert verify_pdf(rendered.data).consistent
    # Nothing drawn beyond the right margin: every text run starts inside the page.
    overflow = []

    def visitor(text_run, cm, tm, font_dict, font_size):
        x = tm[4] * cm[0] + cm[4]
        if text_run.strip() and x > 595:
            overflow.append(text_run)

    for page in reader.pages:
        page.extract_text(visitor_text=visitor)
    assert not overflow
    (artifacts_dir / "report-long-text.pdf").write_bytes(rendered.data)


def test_url_fetcher_serves_static_files_only():
    fetcher = make_url_fetcher()
    css = static_roots()[0] / "reports" / "report.css"
    response = fetcher.fetch(css.as_uri())
    assert b"@page" in response.read()

    for url in (
        "https://example.com/style.css",
        "http://127.0.0.1:8000/static/reports/report.css",
        "file:///etc/passwd",
        css.as_uri().replace("reports/report.css", "../governance/settings.py"),
        "ftp://example.com/x",
        "data:text/css,body{}",
        "file://evil.example/static/reports/report.css",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
        with pytest.raises(RefusedURL):
            static_path(url)


def test_fonts_are_subset_with_harfbuzz():
    assert harfbuzz_subsetting()


def test_render_one_report_to_png(scored_result, artifacts_dir):
    pdftoppm = require_service("pdftoppm")
    rendered = render_assessment(scored_result)
    pdf = artifacts_dir / "report-assessment.pdf"
    pdf.write_bytes(rendered.data)
    prefix = artifacts_dir / "report-assessment"
    for stale in artifacts_dir.glob("report-assessment-*.png"):
        stale.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "8", str(pdf), str(prefix)],
        check=True,
        timeout=120,
    )
    pngs = sorted(artifacts_dir.glob("report-assessment-*.png"))
    assert len(pngs) == min(8, rendered.page_count)
    assert all(p.stat().st_size > 5_000 for p in pngs)


def test_the_library_questionnaire_renders_and_verifies(people):
    from tests.reports.factories import library_definition

    definition = library_definition()
    if definition is None:
        pytest.skip("governance/questionnaires/library/ai-vendor-core.yaml is not available")
    result = scored_assessment(people, vendor_name="Library Vendor", definition=definition)
    rendered = render_assessment(result)
    _reader, text = read(rendered.data)

    assert "Library Vendor" in text
    for _key, label in DOMAINS:
        assert label in text
    verification = verify_pdf(rendered.data)
    assert verification.consistent, verification.problems
