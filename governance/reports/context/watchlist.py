"""Watchlist screening as the reports show it: each vendor's latest state for the portfolio,
and for an assessment report the screening and verdict that stood at the report's snapshot."""

from __future__ import annotations

import datetime

WATCHLIST_STATES = {
    "confirmed": ("Confirmed match", "state-gap"),
    "potential_match": ("Potential match, to review", "state-gap"),
    "false_positive": ("Cleared (false positive)", "state-addressed"),
    "clear": ("No match", "state-addressed"),
    None: ("Not screened", "state-na"),
}


def latest_screenings(organisation) -> dict:
    """Each vendor's latest watchlist screening, by vendor id."""
    from governance.screening.models import Screening

    latest: dict = {}
    for screening in (
        Screening.objects.filter(organisation=organisation)
        .order_by("vendor_id", "-screened_at", "-id")
        .only("vendor_id", "status", "disposition", "screened_at", "list_label")
    ):
        latest.setdefault(screening.vendor_id, screening)
    return latest


def watchlist_state(screening, *, disposition: str | None = None) -> dict:
    """Label and style of a screening's state; `disposition` overrides the row's own verdict
    (an assessment report shows the verdict as it stood at its snapshot)."""
    key = None
    if screening is not None:
        verdict = screening.disposition if disposition is None else disposition
        key = verdict or screening.status
    label, css = WATCHLIST_STATES[key]
    return {
        "key": key,
        "label": label,
        "css": css,
        "screened_at": screening.screened_at if screening else None,
    }


def screening_as_of(
    *,
    organisation_id: int,
    vendor_id: int,
    at: datetime.datetime,
    definition: dict,
    answers: dict,
) -> dict | None:
    """The vendor's latest screening made by `at`, with the verdict recorded on it by `at`
    and the answers (of the stored result) that it contradicts.

    The verdict comes from the audit trail rather than from the row, which holds only the
    latest verdict: a verdict recorded or changed after `at` must not change a report whose
    snapshot ends at `at`, so rendering it again gives the same page."""
    from governance.accounts.selectors import audit_latest
    from governance.screening.consistency import answer_conflicts, open_hits
    from governance.screening.models import Disposition, Screening, ScreeningStatus

    screening = (
        Screening.objects.filter(
            organisation_id=organisation_id, vendor_id=vendor_id, screened_at__lte=at
        )
        .select_related("watchlist", "screened_by")
        .order_by("-screened_at", "-id")
        .first()
    )
    if screening is None:
        return None
    verdict_event = audit_latest(
        organisation_id=organisation_id, obj=screening, action="screening.dispose", until=at
    )
    verdict = None
    if verdict_event is not None:
        after = verdict_event.after or {}
        disposition = after.get("disposition", "")
        verdict = {
            "disposition": disposition,
            "label": dict(Disposition.choices).get(disposition, ""),
            "note": after.get("note", ""),
            "by": verdict_event.actor_label,
            "at": verdict_event.created_at,
        }
    disposition = verdict["disposition"] if verdict else ""
    return {
        "row": screening,
        "state": watchlist_state(screening, disposition=disposition),
        "names": screening.names,
        "hits": screening.hits,
        "list_label": screening.list_label,
        "list_sha256": screening.list_sha256,
        "is_sample": bool(screening.watchlist and screening.watchlist.is_sample),
        "screened_by": screening.screened_by.get_username() if screening.screened_by else "",
        "verdict": verdict,
        "to_review": screening.status == ScreeningStatus.POTENTIAL_MATCH and verdict is None,
        "conflicts": answer_conflicts(
            definition, answers, open_hits(screening, disposition=disposition)
        ),
    }
