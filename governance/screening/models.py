"""Watchlist screening: restricted-party lists (reference data shared by every organisation)
and each organisation's screenings of its vendors against them.

A list is loaded whole from the file its publisher offers (the US Consolidated Screening
List in CSV or JSON) and never edited: a new file is a new `WatchlistImport`, and the newest
one is the list in force. A screening keeps a copy of every hit (name, list, programmes,
date), so it stays readable and auditable after the list it ran against is replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from governance.accounts.tenancy import TenantModel


class WatchlistImport(models.Model):
    label = models.CharField(
        "label",
        max_length=200,
        help_text="What was loaded, e.g. 'Consolidated Screening List (trade.gov)'.",
    )
    file_name = models.CharField("file name", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    published_on = models.DateField(
        "published on", null=True, blank=True, help_text="The list's own date, if it gives one."
    )
    entry_count = models.PositiveIntegerField("entries", default=0)
    is_sample = models.BooleanField(
        "sample",
        default=False,
        help_text="An illustrative extract shipped for the demo, not an official list.",
    )
    imported_at = models.DateTimeField("imported", auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = "watchlist import"

    def __str__(self) -> str:
        return f"{self.label} ({self.imported_at:%Y-%m-%d})"


class WatchlistEntry(models.Model):
    watchlist = models.ForeignKey(
        WatchlistImport, on_delete=models.CASCADE, related_name="entries", verbose_name="list"
    )
    source = models.CharField(
        "source list", max_length=300, help_text="e.g. 'Entity List (EL) - Bureau of ...'."
    )
    name = models.CharField("name", max_length=1000)
    alt_names = models.JSONField("other names", default=list, blank=True)
    entity_type = models.CharField("type", max_length=40, blank=True)
    countries = models.JSONField("countries", default=list, blank=True)
    programs = models.JSONField("programmes", default=list, blank=True)
    start_date = models.CharField("listed since", max_length=10, blank=True)
    remarks = models.TextField("remarks", blank=True)
    source_url = models.URLField("source URL", max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "watchlist entry"
        verbose_name_plural = "watchlist entries"

    def __str__(self) -> str:
        return self.name


class ScreeningStatus(models.TextChoices):
    CLEAR = "clear", "No match"
    POTENTIAL_MATCH = "potential_match", "Potential match"


class Disposition(models.TextChoices):
    OPEN = "", "To review"
    FALSE_POSITIVE = "false_positive", "False positive"
    CONFIRMED = "confirmed", "Confirmed match"


class Screening(TenantModel):
    vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.CASCADE,
        related_name="screenings",
        verbose_name="vendor",
    )
    watchlist = models.ForeignKey(
        WatchlistImport,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="list",
    )
    list_label = models.CharField("list", max_length=250)
    list_sha256 = models.CharField("list SHA-256", max_length=64)
    names = models.JSONField(
        "names screened",
        default=list,
        blank=True,
        help_text="The vendor's names as screened: [field, value] pairs.",
    )
    hits = models.JSONField(
        "hits", default=list, blank=True, help_text="Copies of the matching entries."
    )
    status = models.CharField("result", max_length=20, choices=ScreeningStatus.choices)
    screened_at = models.DateTimeField("screened", auto_now_add=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="screened by",
    )
    disposition = models.CharField(
        "disposition", max_length=20, choices=Disposition.choices, default="", blank=True
    )
    disposition_note = models.TextField("disposition note", max_length=5000, blank=True)
    disposed_at = models.DateTimeField("disposed", null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="disposed by",
    )

    class Meta:
        ordering = ["-screened_at", "-id"]
        verbose_name = "screening"
        indexes = [models.Index(fields=["vendor", "-screened_at"], name="screening_vendor_idx")]

    def __str__(self) -> str:
        return f"{self.vendor} – {self.get_status_display()}"

    @property
    def needs_review(self) -> bool:
        return self.status == ScreeningStatus.POTENTIAL_MATCH and not self.disposition
