"""Check an assessment report PDF against the data it carries.

A report is consistent when
1. it embeds `assessment-data.json` in the expected format;
2. the embedded questionnaire definition hashes to the content hash the inputs name;
3. the embedded inputs hash to the input hash of the result;
4. the scoring engine, run again on those inputs, gives exactly the embedded result;
5. the figures printed in the PDF (rating, residual score, each domain score) are the ones
   of that result.

Steps 1–4 need no database: anyone with the code and the PDF can run them. Step 5 catches a
PDF whose text was edited while the attachment was left alone.
"""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from governance.scoring import (
    DOMAINS,
    compile_questionnaire,
    definition_content_hash,
    input_document,
    input_hash,
    score,
)

from .context import RATING_LABELS, fmt_score
from .rendering import ATTACHMENT_FORMAT, ATTACHMENT_NAME

MAX_LISTED = 20
_NUMBER = r"(\d+(?:\.\d+)?|not\s+scored)"


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        return not self.problems


def _diff(expected: Any, actual: Any, path: str, out: list[str]) -> None:
    """Where `actual` (embedded) differs from `expected` (recomputed), as readable paths."""
    if len(out) >= MAX_LISTED:
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in actual:
                out.append(f"{path}.{key}: missing from the embedded result")
            elif key not in expected:
                out.append(f"{path}.{key}: not produced by the engine")
            else:
                _diff(expected[key], actual[key], f"{path}.{key}", out)
        return
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: engine gives {len(expected)} items, embedded has {len(actual)}")
        for index, (e, a) in enumerate(zip(expected, actual, strict=False)):
            _diff(e, a, f"{path}[{index}]", out)
        return
    if expected != actual:
        out.append(f"{path}: engine gives {expected!r}, embedded says {actual!r}")


def read_pdf(data: bytes):
    """(reader, attachment bytes or None); ValueError when the bytes are not a PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF-"):
        raise ValueError("This is not a PDF file.")
    # pypdf warns about every quirk it repairs; the verdict below is what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        attachments = reader.attachments
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ValueError(f"The PDF cannot be read: {exc}") from exc
    blobs = attachments.get(ATTACHMENT_NAME) or []
    return reader, (blobs[0] if blobs else None)


def pdf_text(reader) -> str:
    # Text extraction breaks lines where the layout does; collapse all whitespace so the
    # figure patterns match however a sentence wrapped.
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def visible_figures(text: str) -> dict[str, list[str]]:
    """Every printed occurrence of the figures the report is judged by."""
    found: dict[str, list[str]] = {}
    rating = re.findall(r"is rated (Low|Moderate|High|Critical): a residual risk of", text)
    rating += re.findall(r"OVERALL RATING (Low|Moderate|High|Critical)\b", text)
    found["rating"] = rating
    overall = re.findall(rf"a residual risk of {_NUMBER} out of 100", text)
    overall += re.findall(rf"RESIDUAL RISK SCORE {_NUMBER} / 100", text)
    overall += re.findall(rf"Residual risk {_NUMBER} / 100 · inherent tier", text)
    found["overall"] = [" ".join(v.split()) for v in overall]
    for key, label in DOMAINS:
        values = re.findall(rf"{re.escape(label)} — domain risk {_NUMBER}", text)
        found[f"domain:{key}"] = [" ".join(v.split()) for v in values]
    return found


def verify_pdf(data: bytes) -> Verification:
    outcome_check = Verification()
    problems, checks = outcome_check.problems, outcome_check.checks
    try:
        reader, blob = read_pdf(data)
    except ValueError as exc:
        problems.append(str(exc))
        return outcome_check
    if blob is None:
        problems.append(
            f"The PDF has no embedded {ATTACHMENT_NAME}: it is not an assessment "
            "report, or the attachment was removed."
        )
        return outcome_check
    try:
        doc = json.loads(blob)
        if doc.get("format") != ATTACHMENT_FORMAT:
            raise ValueError(f"unknown format {doc.get('format')!r}")
        definition = doc["questionnaire"]["definition"]
        inputs = doc["inputs"]
        embedded = doc["outcome"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        problems.append(f"The embedded {ATTACHMENT_NAME} is not valid report data: {exc}.")
        return outcome_check
    checks.append(f"embedded {ATTACHMENT_NAME} found ({len(blob)} bytes)")
    outcome_check.summary = {
        "questionnaire": f"{inputs['questionnaire']['key']} {inputs['questionnaire']['version']}",
        "input_hash": embedded.get("input_hash"),
        "rating": embedded.get("rating"),
        "overall": embedded.get("overall"),
    }

    # 2. The questionnaire is the one the inputs name.
    definition_hash = definition_content_hash(definition)
    named = inputs.get("questionnaire", {}).get("content_hash")
    if definition_hash != named:
        problems.append(
            f"Questionnaire content hash: the embedded definition hashes to {definition_hash}, "
            f"the inputs name {named}."
        )
    elif doc["questionnaire"].get("content_hash") not in (None, definition_hash):
        problems.append(
            "Questionnaire content hash: the attachment header names "
            f"{doc['questionnaire']['content_hash']}, the definition hashes to "
            f"{definition_hash}."
        )
    else:
        checks.append(f"questionnaire content hash {definition_hash[:16]}… matches")

    # 3. The inputs are the ones the result was computed from.
    computed_hash = input_hash(inputs)
    if computed_hash != embedded.get("input_hash"):
        problems.append(
            f"Input hash: the embedded inputs hash to {computed_hash}, the result names "
            f"{embedded.get('input_hash')}."
        )
    else:
        checks.append(f"input hash {computed_hash[:16]}… matches")

    # 4. The engine agrees with the stored result.
    try:
        compiled = compile_questionnaire(definition)
        recomputed = score(
            compiled, inputs["answers"], context=inputs["context"], policy=inputs["policy"]
        ).to_dict()
        canonical = input_document(compiled, inputs["answers"], inputs["context"], inputs["policy"])
    except Exception as exc:  # any failure to rescore is a verification failure, said plainly
        problems.append(f"The embedded inputs cannot be scored: {exc}")
        return outcome_check
    if canonical != inputs:
        problems.append("The embedded inputs are not in the engine's canonical form.")
    differences: list[str] = []
    _diff(recomputed, embedded, "result", differences)
    if differences:
        problems.extend(f"Recomputed score differs — {d}" for d in differences)
    else:
        checks.append(
            f"recomputed score matches: {RATING_LABELS.get(recomputed['rating'])}, residual "
            f"{fmt_score(recomputed['overall'])}"
        )

    # 5. What the reader sees is what the data says.
    text = pdf_text(reader)
    found = visible_figures(text)
    expected = {
        "rating": RATING_LABELS.get(embedded.get("rating"), str(embedded.get("rating"))),
        "overall": fmt_score(embedded.get("overall")),
    }
    for key, _label in DOMAINS:
        value = ((embedded.get("domains") or {}).get(key) or {}).get("score")
        expected[f"domain:{key}"] = fmt_score(value)
    names = {"rating": "Overall rating", "overall": "Residual risk score"}
    names.update({f"domain:{key}": f"{label} score" for key, label in DOMAINS})
    for key, want in expected.items():
        shown = found.get(key) or []
        if not shown:
            problems.append(f"{names[key]}: not found in the PDF text (expected {want}).")
            continue
        wrong = sorted({v for v in shown if v != want})
        if wrong:
            problems.append(
                f"{names[key]}: the PDF shows {', '.join(wrong)}, the embedded result says {want}."
            )
    if not any("PDF shows" in p or "not found in the PDF" in p for p in problems):
        checks.append(f"{len(expected)} printed figures match the embedded result")
    return outcome_check
