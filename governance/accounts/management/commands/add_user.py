import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from governance.accounts.models import Role
from governance.accounts.services import user_add

PASSWORD_ENV = "GOVERNANCE_USER_PASSWORD"  # noqa: S105 - the variable name, not a secret


class Command(BaseCommand):
    help = (
        "Create a user, the organisation if it does not exist, and the user's membership. "
        f"The password comes from --password, else ${PASSWORD_ENV}, else a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="Organisation name (created if missing).")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}.")
        parser.add_argument("--password", help=f"Prefer ${PASSWORD_ENV}: argv is visible to ps.")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, org, role, password, email, **options):
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}.")
        password = password or os.environ.get(PASSWORD_ENV)
        if not password:
            if not options.get("interactive", True) or not os.isatty(0):
                raise CommandError(
                    "No password given: pass --password, "
                    f"set ${PASSWORD_ENV}, or run in a terminal."
                )
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            user, organisation, membership = user_add(
                username=username,
                password=password,
                organisation_name=org,
                role=role,
                email=email,
            )
        except ValidationError as exc:
            lines = [
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            raise CommandError("Cannot add the user:\n  " + "\n  ".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {user.username} as {membership.role} of {organisation.name}."
            )
        )
