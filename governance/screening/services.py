"""Writes on watchlist screening: loading a list (an operator's job, from the command line)
and screening a vendor and disposing of its hits (members of the vendor's organisation)."""

from __future__ import annotations

import datetime
import functools
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.accounts.audit import audit_record
from governance.accounts.tenancy import Capability, can, require
from governance.errors import StateConflict

from .matching import Candidate, Matcher
from .models import Disposition, Screening, ScreeningStatus, WatchlistEntry, WatchlistImport
from .parsing import WatchlistInvalid, parse_watchlist

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from governance.vendors.models import Vendor

BATCH = 2000
# The fields of a vendor that name it, in the order a reviewer reads them.
SCREENED_FIELDS = (("name", "name"), ("legal_name", "legal name"), ("parent_company", "parent"))


def watchlist_load(
    *,
    data: bytes,
    file_name: str,
    label: str,
    published_on: datetime.date | None = None,
    is_sample: bool = False,
) -> tuple[WatchlistImport, bool]:
    """Load a list file whole; (the import, True) — or (the earlier import, False) when the
    same file was loaded before. Raises parsing.WatchlistInvalid naming every problem."""
    limit = settings.WATCHLIST_MAX_BYTES
    if len(data) > limit:
        raise WatchlistInvalid([f"the file is {len(data):,} bytes; the limit is {limit:,}"])
    digest = hashlib.sha256(data).hexdigest()
    existing = WatchlistImport.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    entries = parse_watchlist(data, file_name)
    try:
        with transaction.atomic():
            watchlist = WatchlistImport.objects.create(
                label=label[:200],
                file_name=file_name[-255:],
                sha256=digest,
                published_on=published_on,
                entry_count=len(entries),
                is_sample=is_sample,
            )
            rows = [
                WatchlistEntry(
                    watchlist=watchlist,
                    source=e.source,
                    name=e.name,
                    alt_names=e.alt_names,
                    entity_type=e.entity_type,
                    countries=e.countries,
                    programs=e.programs,
                    start_date=e.start_date,
                    remarks=e.remarks,
                    source_url=e.source_url,
                )
                for e in entries
            ]
            WatchlistEntry.objects.bulk_create(rows, batch_size=BATCH)
            # Only the list in force is matched against. Older lists keep their import row
            # (label, date, hash, size) as history, and every screening keeps copies of its
            # hits, so their entries can go: a daily list would otherwise add tens of
            # thousands of rows a day.
            in_force = current_watchlist()
            WatchlistEntry.objects.exclude(watchlist=in_force).delete()
    except IntegrityError:  # the same file, loaded at the same moment by someone else
        return WatchlistImport.objects.get(sha256=digest), False
    return watchlist, True


def current_watchlist() -> WatchlistImport | None:
    """The list in force: the one loaded last. An official list always wins over the demo's
    illustrative sample, whenever either was loaded."""
    return WatchlistImport.objects.order_by("is_sample", "-imported_at", "-id").first()


@functools.lru_cache(maxsize=2)
def _matcher(watchlist_id: int, sha256: str) -> Matcher:
    """The prepared matcher of a list, per process: a list never changes once loaded, so
    preparing its tens of thousands of names once serves every screening. Keyed by content
    as well as id, because an id can come back after a rolled-back load."""
    candidates = []
    for entry_id, name, alt_names in WatchlistEntry.objects.filter(
        watchlist_id=watchlist_id
    ).values_list("id", "name", "alt_names"):
        candidates.append(Candidate(entry_id, name))
        candidates.extend(Candidate(entry_id, alt) for alt in alt_names or [])
    return Matcher(candidates)


def _hits(watchlist: WatchlistImport, vendor: Vendor, names: list[tuple[str, str]]) -> list[dict]:
    matcher = _matcher(watchlist.pk, watchlist.sha256)
    matches = matcher.match(names, settings.SCREENING_MATCH_THRESHOLD)
    if not matches:
        return []
    entries = WatchlistEntry.objects.in_bulk([m.entry for m in matches])
    # A CountryField holds a Country; the stubs see the CharField underneath.
    codes = (vendor.headquarters_country.code, vendor.parent_country.code)  # type: ignore[attr-defined]
    vendor_countries = {str(c) for c in codes if c}
    hits = []
    for match in matches:
        entry = entries[match.entry]
        hits.append(
            {
                "entry": entry.pk,
                "name": entry.name,
                "alt_names": entry.alt_names,
                "matched_name": match.listed_name,
                "source": entry.source,
                "programs": entry.programs,
                "countries": entry.countries,
                "start_date": entry.start_date,
                "remarks": entry.remarks[:1000],
                "source_url": entry.source_url,
                "field": match.field,
                "value": match.value,
                "score": match.score,
                "same_country": bool(vendor_countries & set(entry.countries)),
            }
        )
    return hits


def screened_names(vendor: Vendor) -> list[list[str]]:
    """The vendor's names as a screening records them: [field label, value] pairs."""
    return [
        [label, getattr(vendor, attribute).strip()]
        for attribute, label in SCREENED_FIELDS
        if getattr(vendor, attribute, "").strip()
    ]


def vendor_screen(
    *, actor: User | None, vendor: Vendor, watchlist: WatchlistImport | None = None
) -> Screening:
    """Screen the vendor's names against the list in force and keep the outcome.

    `actor=None` is the system (after an operator loads a new list); anyone else needs to
    edit the vendor's organisation."""
    if actor is not None:
        require(actor, Capability.EDIT, vendor.organisation_id)
    watchlist = watchlist or current_watchlist()
    if watchlist is None:
        raise StateConflict(
            "No watchlist has been loaded yet. An operator loads one with "
            "`python manage.py load_watchlist FILE`."
        )
    names = screened_names(vendor)
    hits = _hits(watchlist, vendor, [(label, value) for label, value in names])
    screening = Screening(
        organisation_id=vendor.organisation_id,
        vendor=vendor,
        watchlist=watchlist,
        list_label=watchlist.label[:250],
        list_sha256=watchlist.sha256,
        names=names,
        hits=hits,
        status=ScreeningStatus.POTENTIAL_MATCH if hits else ScreeningStatus.CLEAR,
        screened_by=actor if actor is not None else None,
    )
    screening.full_clean(exclude=["organisation", "vendor", "watchlist", "screened_by"])
    with transaction.atomic():
        screening.save()
        audit_record(
            actor=actor,
            organisation_id=vendor.organisation_id,
            action="vendor.screen",
            obj=screening,
            after={
                "vendor": vendor.pk,
                "list": screening.list_label,
                "list_sha256": watchlist.sha256,
                "status": screening.status,
                "hits": [[h["name"], h["source"], h["score"]] for h in hits],
            },
        )
    return screening


def screening_dispose(
    *, actor: User, screening: Screening, disposition: str, note: str
) -> Screening:
    """A reviewer's verdict on a potential match: a false positive, or a confirmed match."""
    if not can(actor, Capability.DECIDE, screening.organisation_id):
        raise PermissionDenied("Only reviewers and administrators dispose of screening hits.")
    if screening.status != ScreeningStatus.POTENTIAL_MATCH:
        raise StateConflict("This screening found no match; there is nothing to dispose of.")
    errors = {}
    if disposition not in (Disposition.FALSE_POSITIVE, Disposition.CONFIRMED):
        errors["disposition"] = ["Choose false_positive or confirmed."]
    note = (note or "").strip()
    if not note:
        errors["note"] = ["Say why: the reviewer after you reads this."]
    elif len(note) > 5000 or "\x00" in note:
        errors["note"] = ["Keep the note under 5,000 characters of plain text."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Screening.objects.select_for_update().get(pk=screening.pk)
        before = {"disposition": locked.disposition, "note": locked.disposition_note}
        locked.disposition = disposition
        locked.disposition_note = note
        locked.disposed_at = timezone.now()
        locked.disposed_by = actor
        locked.save(update_fields=["disposition", "disposition_note", "disposed_at", "disposed_by"])
        audit_record(
            actor=actor,
            organisation_id=locked.organisation_id,
            action="screening.dispose",
            obj=locked,
            before=before,
            after={"disposition": disposition, "note": note},
        )
    for attribute in ("disposition", "disposition_note", "disposed_at", "disposed_by_id"):
        setattr(screening, attribute, getattr(locked, attribute))
    return screening


def vendors_rescreen() -> dict[str, int]:
    """Screen every vendor of every organisation against the list in force, as the system:
    what an operator runs after loading a new list, so a party listed since the last
    screening is flagged without anyone asking. Returns counts for the operator."""
    from governance.vendors.models import Vendor

    watchlist = current_watchlist()
    if watchlist is None:
        raise StateConflict("No watchlist has been loaded yet.")
    counts = {"vendors": 0, "potential_matches": 0, "organisations": 0}
    organisations = set()
    for vendor in Vendor.objects.order_by("organisation_id", "pk").iterator(chunk_size=500):
        screening = vendor_screen(actor=None, vendor=vendor, watchlist=watchlist)
        counts["vendors"] += 1
        counts["potential_matches"] += screening.status == ScreeningStatus.POTENTIAL_MATCH
        organisations.add(vendor.organisation_id)
    counts["organisations"] = len(organisations)
    return counts


# --- Continuous screening ---------------------------------------------------------------------
# A vendor is screened by the system when it is created, when the names it is screened on
# change, and when a new list comes into force: its latest screening is then out of date.


def _out_of_date(vendor: Vendor, latest: Screening | None, watchlist: WatchlistImport) -> bool:
    return (
        latest is None
        or latest.list_sha256 != watchlist.sha256
        or latest.names != screened_names(vendor)
    )


def vendor_screen_if_due(*, vendor_id: int) -> Screening | None:
    """Screen the vendor as the system if its latest screening is out of date; None when it
    is current, when no list is loaded, or when the vendor is gone. Running it twice (a
    redelivered task) screens once."""
    from governance.vendors.models import Vendor

    watchlist = current_watchlist()
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if watchlist is None or vendor is None:
        return None
    latest = vendor.screenings.order_by("-screened_at", "-id").first()
    if not _out_of_date(vendor, latest, watchlist):
        return None
    return vendor_screen(actor=None, vendor=vendor, watchlist=watchlist)


def vendors_due_for_screening(*, limit: int) -> list[int]:
    """Ids of vendors (any organisation) whose latest screening is missing or out of date
    against the list in force, never screened first. Three queries, whatever the number."""
    from django.db.models import F, OuterRef, Subquery

    from governance.vendors.models import Vendor

    watchlist = current_watchlist()
    if watchlist is None:
        return []
    latest_id = (
        Screening.objects.filter(vendor_id=OuterRef("pk"))
        .order_by("-screened_at", "-id")
        .values("id")[:1]
    )
    vendors = list(
        Vendor.objects.annotate(latest_screening_id=Subquery(latest_id))
        .only("id", "name", "legal_name", "parent_company")
        .order_by(F("latest_screening_id").asc(nulls_first=True), "pk")
    )
    latest = Screening.objects.only("list_sha256", "names").in_bulk(
        [v.latest_screening_id for v in vendors if v.latest_screening_id]
    )
    due = [v.pk for v in vendors if _out_of_date(v, latest.get(v.latest_screening_id), watchlist)]
    return due[:limit]
