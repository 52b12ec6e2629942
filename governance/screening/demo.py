"""The demo's screening: the illustrative sample list, and every demo vendor screened once."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model

from governance.vendors.models import Vendor

from .models import Screening
from .services import vendor_screen, watchlist_load

SAMPLE_LIST = Path(__file__).resolve().parent / "data" / "sample-consolidated-screening-list.json"


def load_demo_screening(organisation, *, username: str = "analyst") -> int:
    """Load the sample list (once) and screen the demo vendors not screened yet."""
    watchlist_load(
        data=SAMPLE_LIST.read_bytes(),
        file_name=SAMPLE_LIST.name,
        label="Consolidated Screening List, illustrative sample (as of 2025-01)",
        is_sample=True,
    )
    actor = get_user_model().objects.get(username=username)
    screened = set(
        Screening.objects.filter(organisation=organisation).values_list("vendor_id", flat=True)
    )
    count = 0
    for vendor in Vendor.objects.filter(organisation=organisation).exclude(pk__in=screened):
        vendor_screen(actor=actor, vendor=vendor)
        count += 1
    return count
