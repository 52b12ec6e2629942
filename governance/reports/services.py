"""Writes for reports: request one, render it (from the task), sweep stale jobs.

The Report row is the job: pending → rendering → ready | failed, with the error kept. A
request for a result that already has a report returns that row, so asking twice never
renders twice; the render task claims the row with a conditional update, so two workers
never render the same report.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from typing import TYPE_CHECKING

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance import ratelimit
from governance.accounts.audit import audit_record
from governance.accounts.tenancy import Capability, require
from governance.errors import RateLimited, StateConflict
from governance.jobs import job_claim, job_move, job_stale
from governance.tasking import TRANSIENT_ERRORS, enqueue

from .models import Report, ReportKind, ReportStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from governance.assessments.models import Assessment, ScoreResult

    from .rendering import RenderedPdf

logger = logging.getLogger(__name__)

# A pending row older than this was probably never delivered (broker down at commit time);
# a rendering row older than the task's hard limit belongs to a worker that died.
PENDING_STALE_AFTER = datetime.timedelta(minutes=5)


def _rendering_stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_TIME_LIMIT + 60)


def _enqueue(report_id: int) -> bool:
    from .tasks import render_report

    return enqueue(render_report, report_id)


def _enqueue_on_commit(report_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(report_id), robust=True)


RENDER_WINDOW = 3600  # seconds: REPORT_REQUESTS_PER_HOUR is counted per hour


def _count_rendering(organisation_id: int) -> None:
    """Count one rendering the organisation starts; refuse once its hourly budget is spent.

    Called only where a render is about to be enqueued, so a request answered by an existing
    report costs nothing. While Redis is unreachable the count is skipped (see
    governance/ratelimit.py): rendering still works, only unlimited for that time.
    """
    limit = settings.REPORT_REQUESTS_PER_HOUR
    if ratelimit.hit("report-render", str(organisation_id), limit=limit, window=RENDER_WINDOW):
        return
    retry_after = RENDER_WINDOW - int(time.time()) % RENDER_WINDOW
    raise RateLimited(
        f"Your organisation has reached its limit of {limit} report renderings per hour. "
        f"Try again in {max(1, retry_after // 60)} minutes.",
        retry_after=retry_after,
    )


def decided_after_render(report: Report) -> bool:
    """True when the reviewer decided after this report was rendered: the cover and
    summary must then show the decision, so the same row is rendered again."""
    assessment = report.assessment
    return bool(
        report.status == ReportStatus.READY
        and assessment is not None
        and assessment.decided_at
        and assessment.latest_result_id == report.result_id
        and report.completed_at
        and assessment.decided_at > report.completed_at
    )


def report_request(*, actor: User, assessment: Assessment) -> Report:
    """The assessment report of the assessment's latest result, reused when it exists."""
    require(actor, Capability.REPORT, assessment.organisation_id)
    result_id = assessment.latest_result_id
    if result_id is None:
        raise StateConflict(
            "This assessment has not been scored yet; submit it and wait for its score.",
            status=assessment.status,
        )
    with transaction.atomic():
        # No select_related here: PostgreSQL refuses FOR UPDATE across the nullable join.
        report = (
            Report.objects.select_for_update()
            .filter(kind=ReportKind.ASSESSMENT, result_id=result_id)
            .first()
        )
        if report is not None:
            if report.status == ReportStatus.FAILED or decided_after_render(report):
                _count_rendering(report.organisation_id)
                job_move(
                    Report.objects.filter(pk=report.pk),
                    ReportStatus.PENDING,
                    source={report.status},
                    error="",
                    started_at=None,
                    completed_at=None,
                )
                report.refresh_from_db()
                audit_record(
                    actor=actor,
                    organisation_id=report.organisation_id,
                    action="report.rerender",
                    obj=report,
                )
                _enqueue_on_commit(report.pk)
            return report
        _count_rendering(assessment.organisation_id)
        report = Report(
            organisation_id=assessment.organisation_id,
            kind=ReportKind.ASSESSMENT,
            assessment=assessment,
            result_id=result_id,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        # The one-report-per-result constraint is left to the database: checked here it
        # races a concurrent request that commits its row in between, and fails as a 400
        # instead of reaching the savepoint below that answers with that request's report.
        report.full_clean(exclude=["file"], validate_constraints=False)
        try:
            # A savepoint, so a concurrent request that inserted first is not fatal.
            with transaction.atomic():
                report.save()
        except IntegrityError:
            return Report.objects.get(kind=ReportKind.ASSESSMENT, result_id=result_id)
        audit_record(
            actor=actor, organisation_id=report.organisation_id, action="report.request", obj=report
        )
        _enqueue_on_commit(report.pk)
    return report


def portfolio_report_request(*, actor: User, organisation_id: int) -> Report:
    """A fresh portfolio report: it shows the organisation as it stands now."""
    require(actor, Capability.REPORT, organisation_id)
    _count_rendering(organisation_id)
    with transaction.atomic():
        report = Report(
            organisation_id=organisation_id,
            kind=ReportKind.PORTFOLIO,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        report.full_clean(exclude=["file"])
        report.save()
        audit_record(
            actor=actor, organisation_id=organisation_id, action="report.request", obj=report
        )
        _enqueue_on_commit(report.pk)
    return report


def _readable(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"The report could not be rendered: {text[:900]}"


def report_render(*, report_id: int) -> str:
    """Render a pending report (called by the task). Returns what happened, for logs."""
    claimed = job_claim(
        Report.objects.filter(pk=report_id),
        ReportStatus.RENDERING,
        started_field="started_at",
        error="",
    )
    if not claimed:
        # Another worker has it, or it is already done: nothing to do, and that is fine.
        return "skipped"
    report = Report.objects.select_related("organisation", "result", "assessment").get(pk=report_id)
    try:
        rendered = render_report_pdf(report)
        report_store(
            report=report,
            data=rendered.data,
            page_count=rendered.page_count,
            render_ms=rendered.render_ms,
        )
    except TRANSIENT_ERRORS:
        # The database went away: put the claim back so the retry (or the sweep) renders it.
        job_move(
            Report.objects.filter(pk=report_id),
            ReportStatus.PENDING,
            source={ReportStatus.RENDERING},
            started_at=None,
        )
        raise
    except SoftTimeLimitExceeded:
        # Not the report's fault: the task's give-up says the render was stopped.
        raise
    except Exception as exc:
        logger.exception("Rendering report %s failed", report_id)
        report_mark_failed(report_id=report_id, message=_readable(exc))
        return "failed"
    return "ready"


def render_report_pdf(report: Report) -> RenderedPdf:
    from governance.assessments.models import ScoreResult

    from .rendering import render_assessment, render_portfolio

    if report.kind == ReportKind.PORTFOLIO:
        return render_portfolio(report.organisation)
    assert report.result_id is not None  # an assessment report always names its result
    result = ScoreResult.objects.select_related(
        "assessment__vendor",
        "assessment__offering",
        "assessment__use_case",
        "assessment__questionnaire",
        "assessment__organisation",
        "assessment__created_by",
        "assessment__submitted_by",
        "assessment__decided_by",
    ).get(pk=report.result_id)
    return render_assessment(result)


def report_store(*, report: Report, data: bytes, page_count: int, render_ms: float) -> None:
    """Save the file and mark the row ready — only if this worker still holds the claim."""
    name = report.file.field.generate_filename(report, "report.pdf")
    storage = report.file.storage
    if storage.exists(name):
        # A re-render replaces the previous file rather than piling up renamed copies.
        storage.delete(name)
    stored = storage.save(name, ContentFile(data))
    updated = job_move(
        Report.objects.filter(pk=report.pk),
        ReportStatus.READY,
        file=stored,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        page_count=page_count,
        render_ms=round(render_ms, 1),
        completed_at=timezone.now(),
        error="",
    )
    if not updated:
        logger.warning("Report %s changed state while rendering; result discarded", report.pk)


def report_mark_failed(*, report_id: int, message: str) -> None:
    job_move(
        Report.objects.filter(pk=report_id),
        ReportStatus.FAILED,
        error=message,
        completed_at=timezone.now(),
    )


def report_give_up(*, report_id: int, error: BaseException) -> None:
    """The render task gave up (see governance.tasking): say why on the report."""
    if isinstance(error, SoftTimeLimitExceeded):
        message = (
            f"Rendering took longer than {settings.REPORT_TIME_LIMIT} seconds and was stopped."
        )
    elif isinstance(error, TRANSIENT_ERRORS):
        message = (
            "The report could not reach the database after several attempts. "
            "Request it again in a few minutes."
        )
    else:
        message = _readable(error)
    report_mark_failed(report_id=int(report_id), message=message)


def report_sweep_stale(*, now: datetime.datetime | None = None) -> int:
    """Re-enqueue reports whose job was lost: never delivered, or its worker died."""
    now = now or timezone.now()
    stuck_rendering = job_stale(
        Report.objects, {ReportStatus.RENDERING: ("started_at", _rendering_stale_after())}, now=now
    )
    # Back to pending first, so the normal claim applies when the task runs.
    job_move(
        stuck_rendering, ReportStatus.PENDING, source={ReportStatus.RENDERING}, started_at=None
    )
    stale = job_stale(
        Report.objects, {ReportStatus.PENDING: ("created_at", PENDING_STALE_AFTER)}, now=now
    )
    stale_ids = list(stale.values_list("pk", flat=True)[:500])
    for report_id in stale_ids:
        _enqueue(report_id)
    return len(stale_ids)


def render_result_to_bytes(*, result: ScoreResult) -> tuple[bytes, int, float]:
    """Synchronous rendering for the management command: no Report row is written."""
    from .rendering import render_assessment

    started = time.perf_counter()
    rendered = render_assessment(result)
    return rendered.data, rendered.page_count, (time.perf_counter() - started) * 1000
