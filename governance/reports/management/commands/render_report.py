"""Render the report of an assessment's latest result to a file, synchronously."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Render the PDF report of an assessment's latest score result to a file."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int, help="Primary key of the assessment.")
        parser.add_argument(
            "-o", "--output", default="report.pdf", help="Where to write the PDF (report.pdf)."
        )

    def handle(self, *args, assessment_id: int, output: str, **options):
        from governance.assessments.models import Assessment, ScoreResult

        from ...services import render_result_to_bytes

        try:
            assessment = Assessment.objects.get(pk=assessment_id)
        except Assessment.DoesNotExist:
            raise CommandError(f"There is no assessment {assessment_id}.") from None
        if assessment.latest_result_id is None:
            raise CommandError(
                f"Assessment {assessment_id} has not been scored yet (status: "
                f"{assessment.get_status_display()}); there is nothing to report."
            )
        result = ScoreResult.objects.select_related(
            "assessment__vendor",
            "assessment__offering",
            "assessment__use_case",
            "assessment__questionnaire",
            "assessment__organisation",
        ).get(pk=assessment.latest_result_id)
        data, pages, elapsed_ms = render_result_to_bytes(result=result)
        target = Path(output)
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror or exc}") from None
        self.stdout.write(
            f"Wrote {target} ({pages} pages, {len(data) / 1024:.0f} KiB) in "
            f"{elapsed_ms / 1000:.2f} s — {assessment.vendor.name}, rating {result.rating}, "
            f"input hash {result.input_hash}"
        )
