"""Check an assessment report PDF against the data embedded in it.

Needs no database: the PDF carries the questionnaire, the inputs and the result.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Verify an assessment report: hashes, a fresh run of the scoring engine on the embedded "
        "inputs, and the figures printed in the PDF. Exit status 1 when anything differs."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="The report PDF.")

    def handle(self, *args, path: str, **options):
        from ...verify import verify_pdf

        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        verification = verify_pdf(data)
        for line in verification.checks:
            self.stdout.write(f"  ok  {line}")
        if verification.consistent:
            self.stdout.write(self.style.SUCCESS(f"{file}: consistent"))
            return
        for line in verification.problems:
            self.stderr.write(f"  !!  {line}")
        raise CommandError(
            f"{file}: NOT consistent ({len(verification.problems)} problem"
            f"{'s' if len(verification.problems) != 1 else ''})",
            returncode=1,
        )
