from django.core.management.base import BaseCommand, CommandError

from governance.accounts.models import Organisation
from governance.assessments.services import rescore_request


class Command(BaseCommand):
    help = (
        "Rescore every scored or decided assessment with the current scoring policy, in "
        "batches on the scoring queue. Earlier results stay in the history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="NAME", help="Only this organisation (name or slug).")
        parser.add_argument(
            "--batch-size", type=int, default=200, help="Assessments per task (default 200)."
        )

    def handle(self, *args, org=None, batch_size=200, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        organisation_id = None
        match = None
        if org:
            match = (
                Organisation.objects.filter(name__iexact=org).first()
                or Organisation.objects.filter(slug__iexact=org).first()
            )
            if match is None:
                known = ", ".join(Organisation.objects.values_list("name", flat=True)[:20])
                raise CommandError(
                    f"No organisation named {org!r}. Known organisations: {known or 'none'}."
                )
            organisation_id = match.pk
        count = rescore_request(organisation_id=organisation_id, batch_size=batch_size)
        scope = f" of {match.name}" if match is not None else ""
        batches = (count + batch_size - 1) // batch_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Enqueued rescoring of {count} assessment(s){scope} in {batches} batch(es)."
            )
        )
