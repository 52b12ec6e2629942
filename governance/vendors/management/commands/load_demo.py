from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from governance.accounts.models import Membership, Organisation
from governance.vendors import demo_data
from governance.vendors.models import Offering, UseCase, Vendor


class Command(BaseCommand):
    help = "Load the illustrative demo organisation, its users and AI vendors (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=demo_data.DEMO_PASSWORD, help="Password for the demo users."
        )

    @transaction.atomic
    def handle(self, *args, password, **options):
        User = get_user_model()
        org, _ = Organisation.objects.get_or_create(name=demo_data.DEMO_ORGANISATION)
        for username, role in demo_data.DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff = role == "admin"
                user.is_superuser = role == "admin"
                user.save()
            Membership.objects.update_or_create(
                user=user, organisation=org, defaults={"role": role}
            )
        for spec in demo_data.VENDORS:
            spec = dict(spec)
            offerings = spec.pop("offerings")
            vendor, _ = Vendor.objects.update_or_create(
                organisation=org,
                name=spec.pop("name"),
                defaults={**spec, "is_illustrative": True},
            )
            vendor.full_clean()
            for offering_spec in offerings:
                offering_spec = dict(offering_spec)
                offering, _ = Offering.objects.update_or_create(
                    vendor=vendor, name=offering_spec.pop("name"), defaults=offering_spec
                )
                offering.full_clean()
        for spec in demo_data.USE_CASES:
            spec = dict(spec)
            offering = Offering.objects.get(
                vendor__organisation=org,
                vendor__name=spec.pop("vendor"),
                name=spec.pop("offering"),
            )
            use_case, _ = UseCase.objects.update_or_create(
                organisation=org, offering=offering, name=spec.pop("name"), defaults=spec
            )
            use_case.full_clean()
        from governance.assessments.demo import load_demo_assessments
        from governance.screening.demo import load_demo_screening

        # Watchlist screening first, then scored assessments, decisions and findings, so the
        # dashboard has something to show and its activity feed ends with the assessments.
        load_demo_screening(org)
        assessments = load_demo_assessments(org)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation '{org.name}': {Vendor.objects.filter(organisation=org).count()}"
                f" vendors, {assessments} new demo assessments, users "
                f"{', '.join(u for u, _ in demo_data.DEMO_USERS)}."
            )
        )
