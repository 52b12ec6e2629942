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

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from governance.accounts.audit import audit_record
from governance.accounts.tenancy import Capability, require
from governance.errors import StateConflict
from governance.tasking import enqueue

from .models import Report, ReportKind, ReportStatus

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


def report_request(*, actor, assessment) -> Report:
    """The assessment report of the assessment's latest result, reused when it exists."""
    require(actor, Capability.VIEW, assessment.organisation_id)
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
                Report.objects.filter(pk=report.pk).update(
                    status=ReportStatus.PENDING, error="", started_at=None, completed_at=None
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
        report = Report(
            organisation_id=assessment.organisation_id,
            kind=ReportKind.ASSESSMENT,
            assessment=assessment,
            result_id=result_id,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        report.full_clean(exclude=["file"])
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


def portfolio_report_request(*, actor, organisation_id: int) -> Report:
    """A fresh portfolio report: it shows the organisation as it stands now."""
    require(actor, Capability.VIEW, organisation_id)
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
    now = timezone.now()
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RENDERING, started_at=now, error=""
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
    except (OperationalError, InterfaceError):
        # The database went away: put the claim back so the retry (or the sweep) renders it.
        Report.objects.filter(pk=report_id, status=ReportStatus.RENDERING).update(
            status=ReportStatus.PENDING, started_at=None
        )
        raise
    except Exception as exc:
        logger.exception("Rendering report %s failed", report_id)
        report_mark_failed(report_id=report_id, message=_readable(exc))
        return "failed"
    return "ready"


def render_report_pdf(report: Report):
    from governance.assessments.models import ScoreResult

    from .rendering import render_assessment, render_portfolio

    if report.kind == ReportKind.PORTFOLIO:
        return render_portfolio(report.organisation)
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
    updated = Report.objects.filter(pk=report.pk, status=ReportStatus.RENDERING).update(
        status=ReportStatus.READY,
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
    Report.objects.filter(
        pk=report_id, status__in=[ReportStatus.PENDING, ReportStatus.RENDERING]
    ).update(status=ReportStatus.FAILED, error=message, completed_at=timezone.now())


def report_sweep_stale(*, now: datetime.datetime | None = None) -> int:
    """Re-enqueue reports whose job was lost: never delivered, or its worker died."""
    now = now or timezone.now()
    stuck_rendering = Report.objects.filter(
        status=ReportStatus.RENDERING, started_at__lt=now - _rendering_stale_after()
    )
    # Back to pending first, so the normal claim applies when the task runs.
    stuck_rendering.update(status=ReportStatus.PENDING, started_at=None)
    stale_ids = list(
        Report.objects.filter(
            status=ReportStatus.PENDING, created_at__lt=now - PENDING_STALE_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    for report_id in stale_ids:
        _enqueue(report_id)
    return len(stale_ids)


def render_result_to_bytes(*, result) -> tuple[bytes, int, float]:
    """Synchronous rendering for the management command: no Report row is written."""
    from .rendering import render_assessment

    started = time.perf_counter()
    rendered = render_assessment(result)
    return rendered.data, rendered.page_count, (time.perf_counter() - started) * 1000
