import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.screening.parsing import WatchlistInvalid
from governance.screening.services import current_watchlist, vendors_rescreen, watchlist_load


class Command(BaseCommand):
    help = (
        "Load a restricted-party list (the US Consolidated Screening List, CSV or JSON as "
        "downloaded from trade.gov). The list loaded last is the one vendors are screened "
        "against; loading the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The list file (.csv or .json).")
        parser.add_argument(
            "--label",
            default="Consolidated Screening List (trade.gov)",
            help="How screenings name this list.",
        )
        parser.add_argument(
            "--published-on", help="The list's publication date, YYYY-MM-DD (optional)."
        )
        parser.add_argument(
            "--screen",
            action="store_true",
            help="Then screen every vendor of every organisation against the list in force.",
        )
        parser.add_argument(
            "--sample",
            action="store_true",
            help="Mark it an illustrative sample: any official list loaded takes precedence.",
        )

    def handle(self, *args, file, label, published_on, sample, screen, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        published = None
        if published_on:
            try:
                published = datetime.date.fromisoformat(published_on)
            except ValueError:
                raise CommandError(
                    f"--published-on {published_on!r} is not a date (YYYY-MM-DD)."
                ) from None
        limit = settings.WATCHLIST_MAX_BYTES
        if path.stat().st_size > limit:
            raise CommandError(
                f"{path.name} is {path.stat().st_size:,} bytes; the limit is {limit:,} "
                "(WATCHLIST_MAX_BYTES)."
            )
        if not label.strip():
            raise CommandError("--label must not be empty.")
        try:
            watchlist, created = watchlist_load(
                data=path.read_bytes(),
                file_name=path.name,
                label=label.strip(),
                published_on=published,
                is_sample=sample,
            )
        except WatchlistInvalid as exc:
            raise CommandError(
                f"{path.name} was not loaded:\n" + "\n".join(f"  - {p}" for p in exc.problems)
            ) from None
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {watchlist.entry_count:,} entries from {path.name} "
                    f"(SHA-256 {watchlist.sha256[:12]}…) as {watchlist.label!r}."
                )
            )
        else:
            self.stdout.write(
                f"{path.name} was already loaded on {watchlist.imported_at:%Y-%m-%d} "
                f"({watchlist.entry_count:,} entries); nothing changed."
            )
        if screen:
            counts = vendors_rescreen()
            self.stdout.write(
                f"Screened {counts['vendors']:,} vendors of {counts['organisations']:,} "
                f"organisations against {(current_watchlist() or watchlist).label!r}: "
                f"{counts['potential_matches']:,} potential matches to review."
            )
