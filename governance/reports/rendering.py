"""HTML → PDF/A-3b with WeasyPrint, offline by construction.

The only resources a report may load are the app's own static files (stylesheet, fonts),
read from disk. Any other URL — http(s), another file on the machine, data the vendor typed
that looks like a URL — is refused by the fetcher, so rendering never touches the network and
cannot be turned into a file-disclosure tool.
"""

from __future__ import annotations

import datetime
import gc
import json
import logging
import mimetypes
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

ATTACHMENT_NAME = "assessment-data.json"
PORTFOLIO_ATTACHMENT_NAME = "portfolio-data.json"
ATTACHMENT_FORMAT = "ai-vendor-governance/assessment-report"
ATTACHMENT_FORMAT_VERSION = 1
PDF_VARIANT = "pdf/a-3b"

logger = logging.getLogger(__name__)
# WeasyPrint logs a line per page and layout pass at INFO; in a worker's log that drowns
# everything else. Its warnings (e.g. a refused URL, an unsupported CSS rule) still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RefusedURL(ValueError):
    """A report asked for a resource outside the app's static files."""


def static_roots() -> list[Path]:
    roots = [Path(p) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def base_url() -> str:
    # Relative links in the templates ("reports/report.css") resolve against the source
    # static folder, which ships with the code in every deployment.
    return static_roots()[0].as_uri() + "/"


def static_path(url: str) -> Path:
    """The file on disk a static URL names; RefusedURL for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"Refused to fetch {url!r}: reports load only the app's static files.")
    # resolve() collapses "..", so a path cannot climb out of a static root.
    path = Path(url2pathname(unquote(parts.path))).resolve()
    for root in static_roots():
        if path.is_relative_to(root) and path.is_file():
            return path
    raise RefusedURL(f"Refused to fetch {url!r}: not one of the app's static files.")


def make_url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            try:
                path = static_path(url)
            except RefusedURL:
                logger.warning("Report rendering refused a URL: %s", url[:200])
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher(allowed_protocols=("file",), allow_redirects=False)


def harfbuzz_subsetting() -> bool:
    """True when WeasyPrint subsets fonts with HarfBuzz rather than the slow fontTools path."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int
    render_ms: float
    html: str


def html_to_pdf(
    html: str,
    *,
    attachment: bytes | None = None,
    attachment_name: str = ATTACHMENT_NAME,
    attachment_description: str = "",
    created: datetime.datetime | None = None,
    identifier: str | None = None,
) -> tuple[bytes, int]:
    """Render HTML to PDF/A-3b bytes and count the pages."""
    from weasyprint import HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    fetcher = make_url_fetcher()
    attachments = []
    if attachment is not None:
        moment = created or timezone.now()
        attachments.append(
            Attachment(
                string=attachment,
                name=attachment_name,
                description=attachment_description,
                created=moment,
                modified=moment,
                # PDF/A-3: "Data" = the information the visible presentation is derived from.
                relationship="Data",
            )
        )
    with cyclic_gc_paused():
        document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(
            font_config=FontConfiguration()
        )
        data = document.write_pdf(
            pdf_variant=PDF_VARIANT,
            attachments=attachments,
            # A stable identifier ties the file to its inputs (PDF/A requires one anyway).
            pdf_identifier=(identifier or "").encode()[:32] or None,
        )
        pages = len(document.pages)
        # The box trees hold reference cycles; dropping them here lets the collection
        # below free them in one pass.
        del document
    return data, pages


@contextmanager
def cyclic_gc_paused():
    """Run a render with Python's cyclic garbage collector paused, then collect once.

    WeasyPrint allocates hundreds of thousands of long-lived objects (boxes, computed
    styles, Pango wrappers) while laying out a report. Each allocation burst triggers a
    collection that walks all of them again and finds almost nothing to free: about a tenth
    of the render's CPU time. Reference counting still frees everything acyclic as usual;
    the cycles left over are collected once at the end, so memory does not accumulate
    across renders in a long-lived worker. If the collector was already off (a caller's
    choice), it stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def attachment_document(result) -> dict:
    """What the PDF carries so anyone can recompute its figures without our database."""
    questionnaire = result.assessment.questionnaire
    return {
        "format": ATTACHMENT_FORMAT,
        "format_version": ATTACHMENT_FORMAT_VERSION,
        "assessment": {"id": result.assessment_id, "revision": result.assessment.revision},
        "result": {
            "id": result.pk,
            "created_at": result.created_at.isoformat(),
            "policy_version": result.policy_version,
            "engine_version": result.engine_version,
        },
        "questionnaire": {
            "key": questionnaire.key,
            "version": questionnaire.version,
            "content_hash": questionnaire.content_hash,
            "definition": questionnaire.definition,
        },
        "inputs": result.inputs,
        "outcome": result.outcome,
    }


def encode_attachment(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")


def render_assessment_html(context: dict) -> str:
    return render_to_string("reports/assessment.html", context)


def render_assessment(result, *, context_overrides: dict | None = None) -> RenderedPdf:
    """The assessment report of one stored ScoreResult."""
    from .context import assessment_context

    started = time.perf_counter()
    context = assessment_context(result)
    if context_overrides:
        context.update(context_overrides)
    html = render_assessment_html(context)
    data, pages = html_to_pdf(
        html,
        attachment=encode_attachment(attachment_document(result)),
        attachment_description="Questionnaire definition, canonical scoring inputs and the "
        "stored result; verify with `manage.py verify_report`.",
        created=result.created_at,
        identifier=result.input_hash,
    )
    return RenderedPdf(data, pages, (time.perf_counter() - started) * 1000, html)


def render_portfolio(organisation) -> RenderedPdf:
    from .context import portfolio_context

    started = time.perf_counter()
    context = portfolio_context(organisation)
    html = render_to_string("reports/portfolio.html", context)
    summary = {
        "format": "ai-vendor-governance/portfolio-report",
        "format_version": 1,
        "organisation": organisation.name,
        "generated_at": context["generated_at"].isoformat(),
        "vendors": [
            {
                "vendor": row["vendor"].name,
                "assessment": row["assessment"].pk if row["assessment"] else None,
                "result": row["result"].pk if row["result"] else None,
                "input_hash": row["result"].input_hash if row["result"] else None,
                "rating": row.get("rating"),
                "overall": row["result"].overall if row["result"] else None,
            }
            for row in context["rows"]
        ],
    }
    data, pages = html_to_pdf(
        html,
        attachment=encode_attachment(summary),
        attachment_name=PORTFOLIO_ATTACHMENT_NAME,
        attachment_description="The vendors, results and input hashes this portfolio shows.",
        created=context["generated_at"],
    )
    return RenderedPdf(data, pages, (time.perf_counter() - started) * 1000, html)
