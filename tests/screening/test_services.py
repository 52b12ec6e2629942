"""Loading lists, screening vendors and disposing of hits: roles, scoping, audit, state."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.accounts.models import AuditEvent
from governance.errors import StateConflict
from governance.screening import services
from governance.screening.models import Screening, WatchlistEntry, WatchlistImport
from governance.screening.parsing import WatchlistInvalid
from governance.vendors.services import vendor_create
from tests.screening.factories import BLOCKED, OTHER, ZHIPU, load_list

pytestmark = pytest.mark.django_db


def make_vendor(people, org=None, **data):
    org = org or people.org
    actor = people.admin if org == people.org else people.outsider
    fields = {"name": "Zhipu AI", "headquarters_country": "CN", **data}
    return vendor_create(actor=actor, organisation_id=org.pk, data=fields)


def test_a_list_is_loaded_whole_and_once(people):
    first = load_list()
    assert first.entry_count == 3
    assert WatchlistEntry.objects.filter(watchlist=first).count() == 3
    again, created = services.watchlist_load(
        data=json.dumps({"results": [ZHIPU, BLOCKED, OTHER], "note": ""}).encode(),
        file_name="copy.json",
        label="Same file",
    )
    assert (again.pk, created) == (first.pk, False)
    assert WatchlistImport.objects.count() == 1


def test_a_bad_list_writes_nothing(people):
    with pytest.raises(WatchlistInvalid):
        services.watchlist_load(data=b'[{"name": "X"}]', file_name="x.json", label="Bad")
    assert not WatchlistImport.objects.exists()
    assert not WatchlistEntry.objects.exists()


def test_an_oversized_list_is_refused(people, settings):
    settings.WATCHLIST_MAX_BYTES = 10
    with pytest.raises(WatchlistInvalid, match="the limit is 10"):
        services.watchlist_load(data=b"x" * 11, file_name="x.csv", label="Big")


def test_the_newest_official_list_is_in_force_and_beats_any_sample(people):
    assert services.current_watchlist() is None
    official = load_list([ZHIPU], label="Official")
    sample = load_list([BLOCKED], label="Sample", sample=True)
    assert services.current_watchlist() == official
    newer = load_list([OTHER], label="Official, later")
    assert services.current_watchlist() == newer
    assert sample != services.current_watchlist()


def test_screening_finds_the_listed_party_and_keeps_a_copy_of_the_hit(people):
    load_list()
    vendor = make_vendor(
        people, legal_name="Beijing Zhipu Huazhang Technology Co., Ltd.", parent_company=""
    )
    screening = services.vendor_screen(actor=people.assessor, vendor=vendor)
    assert screening.status == "potential_match"
    assert screening.needs_review
    assert screening.names == [
        ["name", "Zhipu AI"],
        ["legal name", "Beijing Zhipu Huazhang Technology Co., Ltd."],
    ]
    (hit,) = screening.hits
    assert hit["name"] == ZHIPU["name"]
    assert hit["source"].startswith("Entity List")
    assert hit["score"] == 100
    assert hit["same_country"] is True
    assert hit["start_date"] == "2025-01-16"
    event = AuditEvent.objects.get(action="vendor.screen")
    assert event.organisation_id == people.org.pk
    assert event.after["status"] == "potential_match"

    # Replacing the list does not change what this screening recorded, though the old
    # list's entries are gone (only the list in force is kept whole).
    newer = load_list([BLOCKED], label="Newer")
    assert set(WatchlistEntry.objects.values_list("watchlist_id", flat=True)) == {newer.pk}
    assert WatchlistImport.objects.count() == 2
    screening.refresh_from_db()
    assert screening.hits[0]["name"] == ZHIPU["name"]
    assert services.vendor_screen(actor=people.assessor, vendor=vendor).status == "clear"


def test_a_vendor_not_on_the_list_is_clear(people):
    load_list()
    vendor = make_vendor(people, name="Mistral AI", headquarters_country="FR")
    screening = services.vendor_screen(actor=people.admin, vendor=vendor)
    assert (screening.status, screening.hits, screening.needs_review) == ("clear", [], False)


def test_the_parent_company_is_screened_too(people):
    load_list()
    vendor = make_vendor(
        people, name="Gulf Models", headquarters_country="AE", parent_company="EBT Trading"
    )
    screening = services.vendor_screen(actor=people.assessor, vendor=vendor)
    assert [h["field"] for h in screening.hits] == ["parent"]
    assert screening.hits[0]["programs"] == ["IRAN"]


def test_screening_without_a_list_says_what_to_do(people):
    vendor = make_vendor(people)
    with pytest.raises(StateConflict, match="load_watchlist"):
        services.vendor_screen(actor=people.assessor, vendor=vendor)
    assert not Screening.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_only_editors_screen(people, role):
    load_list()
    vendor = make_vendor(people)
    with pytest.raises(PermissionDenied):
        services.vendor_screen(actor=people.by_role(role), vendor=vendor)


def test_another_organisation_cannot_screen_our_vendor(people):
    load_list()
    vendor = make_vendor(people)
    with pytest.raises(PermissionDenied):
        services.vendor_screen(actor=people.outsider, vendor=vendor)


def test_a_reviewer_disposes_of_a_potential_match_with_a_reason(people):
    load_list()
    screening = services.vendor_screen(actor=people.assessor, vendor=make_vendor(people))
    services.screening_dispose(
        actor=people.reviewer,
        screening=screening,
        disposition="confirmed",
        note="Same legal entity and address as the Federal Register entry.",
    )
    screening.refresh_from_db()
    assert (screening.disposition, screening.disposed_by) == ("confirmed", people.reviewer)
    assert not screening.needs_review
    event = AuditEvent.objects.get(action="screening.dispose")
    assert event.before == {"disposition": "", "note": ""}
    assert event.after["disposition"] == "confirmed"


@pytest.mark.parametrize(
    ("disposition", "note", "field"),
    [("confirmed", "  ", "note"), ("maybe", "Checked.", "disposition"), ("", "x\x00", "note")],
)
def test_a_disposition_needs_a_verdict_and_a_reason(people, disposition, note, field):
    load_list()
    screening = services.vendor_screen(actor=people.assessor, vendor=make_vendor(people))
    with pytest.raises(ValidationError) as caught:
        services.screening_dispose(
            actor=people.admin, screening=screening, disposition=disposition, note=note
        )
    assert field in caught.value.message_dict
    screening.refresh_from_db()
    assert screening.disposition == ""


@pytest.mark.parametrize("role", ["assessor", "viewer"])
def test_only_reviewers_and_admins_dispose(people, role):
    load_list()
    screening = services.vendor_screen(actor=people.assessor, vendor=make_vendor(people))
    with pytest.raises(PermissionDenied):
        services.screening_dispose(
            actor=people.by_role(role), screening=screening, disposition="confirmed", note="x"
        )


def test_a_clear_screening_has_nothing_to_dispose_of(people):
    load_list()
    vendor = make_vendor(people, name="Mistral AI", headquarters_country="FR")
    screening = services.vendor_screen(actor=people.assessor, vendor=vendor)
    with pytest.raises(StateConflict):
        services.screening_dispose(
            actor=people.reviewer, screening=screening, disposition="false_positive", note="x"
        )
