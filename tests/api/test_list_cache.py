"""Cached list pages: served while nothing changed, never after a committed change.

These tests commit for real (transaction=True), because the data version is raised after
commit, exactly as in production.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from governance.accounts.models import Organisation
from governance.accounts.versioning import data_changed
from governance.vendors import services as vendor_services
from governance.vendors.models import Vendor
from tests.api import factories
from tests.api.mixins import assert_conforms

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/vendors/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def get(client, url=URL, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def version(org) -> int:
    return Organisation.objects.get(pk=org.pk).data_version


def test_a_repeated_list_is_served_from_the_cache_with_an_etag(people, token_client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "grc.example.com"]
    factories.vendor(people, people.org, name="Alpha")
    client = token_client("viewer")
    client.get(URL)  # the token's first use stamps last_used_at once
    first, first_queries = get(client, URL + "?page_size=5")
    second, second_queries = get(client, URL + "?page_size=5")
    assert first.content == second.content
    assert_conforms(second)
    # The token, its user and memberships in one query, then the page; a hit skips the page.
    assert first_queries == 2 and second_queries == 1
    etag = second["ETag"]
    assert etag == first["ETag"] and etag.startswith('"')
    assert second["Cache-Control"] == "private, no-cache"
    for response in (first, second):
        assert {"Accept", "Authorization", "Cookie"} <= {
            v.strip() for v in response["Vary"].split(",")
        }
    assert second["Content-Type"] == "application/json"

    not_modified, queries = get(client, URL + "?page_size=5", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag and queries == 1
    # Another query string is another page; so is another host name, whose links differ.
    assert client.get(URL + "?page_size=6")["ETag"] != etag
    factories.vendor(people, people.org, name="Bravo")
    other_host = client.get(URL + "?page_size=1", HTTP_HOST="grc.example.com")
    assert other_host.json()["next"].startswith("http://grc.example.com/")
    assert client.get(URL + "?page_size=1").json()["next"].startswith("http://testserver/")


def test_every_kind_of_committed_change_shows_at_once(people, token_client):
    client = token_client("viewer")
    vendor = factories.vendor(people, people.org, name="Alpha")
    assert names(client.get(URL)) == ["Alpha"]

    # Through the API.
    created = token_client("assessor").post(
        URL, {**factories.VENDOR, "name": "Bravo"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert names(client.get(URL)) == ["Alpha", "Bravo"]

    # Through a service.
    vendor_services.vendor_update(actor=people.assessor, vendor=vendor, data={"name": "Alpine"})
    assert names(client.get(URL)) == ["Alpine", "Bravo"]

    # Through the ORM alone, as the Django admin does.
    row = Vendor.objects.get(pk=vendor.pk)
    row.name = "Admin-edited"
    row.save()
    assert names(client.get(URL)) == ["Admin-edited", "Bravo"]

    # A score written in bulk by the scoring pipeline: the rating appears.
    assert {r["rating"] for r in client.get(URL).json()["results"]} == {None}
    factories.scored_assessment(people, people.org, vendor_=row)
    ratings = {r["name"]: r["rating"] for r in client.get(URL).json()["results"]}
    assert ratings["Admin-edited"] is not None and ratings["Bravo"] is None

    # A delete (a vendor with assessments is kept for the record; this one has none).
    assert token_client("assessor").delete(f"{URL}{created.json()['id']}/").status_code == 204
    assert names(client.get(URL)) == ["Admin-edited"]


def test_a_change_in_one_organisation_leaves_the_others_cache_alone(people, token_client):
    factories.vendor(people, people.org, name="Ours")
    factories.vendor(people, people.other_org, name="Theirs")
    ours, theirs = token_client("viewer"), token_client(people.outsider)
    assert names(ours.get(URL)) == ["Ours"]
    assert names(theirs.get(URL)) == ["Theirs"]
    before = version(people.other_org)
    factories.vendor(people, people.org, name="Ours too")
    assert version(people.other_org) == before
    # The other organisation's page is still a hit, and still only its own rows.
    response, queries = get(theirs)
    assert names(response) == ["Theirs"] and queries == 1
    assert names(ours.get(URL)) == ["Ours", "Ours too"]


def test_a_member_of_two_organisations_sees_both_and_either_change(people, token_client):
    from governance.accounts.models import Membership

    Membership.objects.create(user=people.viewer, organisation=people.other_org, role="viewer")
    factories.vendor(people, people.org, name="Ours")
    client = token_client("viewer")
    assert names(client.get(URL)) == ["Ours"]
    factories.vendor(people, people.other_org, name="Theirs")
    assert names(client.get(URL)) == ["Ours", "Theirs"]
    assert names(client.get(f"{URL}?organisation={people.other_org.pk}")) == ["Theirs"]


def test_leaving_an_organisation_takes_its_rows_out_of_the_page(people, token_client):
    from governance.accounts.models import Membership

    extra = Membership.objects.create(
        user=people.viewer, organisation=people.other_org, role="viewer"
    )
    factories.vendor(people, people.other_org, name="Theirs")
    client = token_client("viewer")
    assert names(client.get(URL)) == ["Theirs"]
    extra.delete()
    assert names(client.get(URL)) == []


def test_writes_in_one_transaction_raise_the_version_once_and_a_rollback_not_at_all(people):
    start = version(people.org)
    with transaction.atomic():
        for i in range(3):
            factories.vendor(people, people.org, name=f"V{i}")
        assert version(people.org) == start  # raised after commit, not before
    assert version(people.org) == start + 1

    with pytest.raises(RuntimeError), transaction.atomic():
        factories.vendor(people, people.org, name="Never")
        raise RuntimeError("roll back")
    assert version(people.org) == start + 1
    assert not Vendor.objects.filter(name="Never").exists()

    data_changed([people.org.pk])  # outside a transaction: at once
    assert version(people.org) == start + 2


def test_the_browsable_api_and_a_disabled_cache_are_never_cached(people, client_for, settings):
    factories.vendor(people, people.org, name="Alpha")
    client = client_for("viewer")
    html = client.get(URL, HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and "ETag" not in html
    settings.API_LIST_CACHE_SECONDS = 0
    response, _ = get(client)
    assert names(response) == ["Alpha"] and "ETag" not in response


def test_errors_are_not_cached(people, token_client):
    client = token_client("viewer")
    bad = client.get(URL + "?page=99")
    assert bad.status_code == 404 and "ETag" not in bad
    assert client.get(URL + "?status=nonsense").status_code == 400
    factories.vendor(people, people.org, name="Alpha")
    assert names(client.get(URL)) == ["Alpha"]
