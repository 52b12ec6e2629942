"""The vendor list's filters mean the same on the API and on the page: one FilterSet drives
both, so every query below lists the same vendors, in the same order, on each surface."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from governance.vendors.filters import VendorFilterForm
from tests.api import factories

ALL = ["DeepSeek", "Gulf Models", "Mistral AI", "Tiny Labs"]


@pytest.fixture
def portfolio(people):
    from governance.assessments.models import ScoreResult

    deepseek = factories.vendor(
        people,
        people.org,
        name="DeepSeek",
        legal_name="Hangzhou DeepSeek Artificial Intelligence Co.",
        headquarters_country="CN",
        status="prospect",
    )
    mistral = factories.vendor(
        people, people.org, name="Mistral AI", headquarters_country="FR", status="active"
    )
    factories.vendor(
        people,
        people.org,
        name="Gulf Models",
        headquarters_country="AE",
        parent_company="Beijing Compute Holding",
        parent_country="CN",
        ownership_type="state_influenced",
        status="active",
    )
    factories.vendor(
        people,
        people.org,
        name="Tiny Labs",
        headquarters_country="US",
        ownership_type="listed",
        status="offboarded",
        description="Fine-tunes Mistral models.",
    )
    # Another organisation's vendor matches most filters and must never be listed.
    factories.vendor(
        people,
        people.other_org,
        name="Mistral Reseller",
        headquarters_country="CN",
        status="active",
    )
    for vendor, rating in ((deepseek, "high"), (mistral, "low")):
        scored = factories.scored_assessment(people, people.org, vendor_=vendor)
        # Results are immutable for the product; the test sets the rating it needs directly.
        ScoreResult.objects.filter(pk=scored.latest_result_id).update(rating=rating)


@pytest.fixture
def api(people):
    client = APIClient()
    client.force_authenticate(people.viewer)
    return client


def api_names(api, params: dict) -> list[str]:
    response = api.get("/api/v1/vendors/", params)
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def page_names(client, people, params: dict) -> list[str]:
    client.force_login(people.viewer)
    response = client.get(reverse("vendors:list"), params)
    assert response.status_code == 200
    return [vendor.name for vendor in response.context["vendors"]]


QUERIES = [
    ({}, ALL),
    # Search reads the name, the legal name and the parent company, in any case …
    ({"search": "mistral"}, ["Mistral AI"]),  # … not the description
    ({"search": "HANGZHOU"}, ["DeepSeek"]),
    ({"search": "beijing compute"}, ["Gulf Models"]),
    ({"status": "active"}, ["Gulf Models", "Mistral AI"]),
    ({"ownership": "state_influenced"}, ["Gulf Models"]),
    ({"ownership": "listed"}, ["Tiny Labs"]),
    # Country is the headquarters' or the ultimate parent's, in any case.
    ({"country": "CN"}, ["DeepSeek", "Gulf Models"]),
    ({"country": "cn"}, ["DeepSeek", "Gulf Models"]),
    ({"country": "AE"}, ["Gulf Models"]),
    ({"rating": "high"}, ["DeepSeek"]),
    ({"rating": "low"}, ["Mistral AI"]),
    ({"rating": "critical"}, []),
    ({"rating": "none"}, ["Gulf Models", "Tiny Labs"]),
    ({"organisation": "{org}"}, ALL),
    ({"ordering": "-name"}, list(reversed(ALL))),
    # By severity, not spelling; the unrated count as lowest; ties go by name.
    ({"ordering": "-rating"}, ["DeepSeek", "Mistral AI", "Gulf Models", "Tiny Labs"]),
    ({"ordering": "rating"}, ["Gulf Models", "Tiny Labs", "Mistral AI", "DeepSeek"]),
    ({"ordering": "headquarters_country"}, ["Gulf Models", "DeepSeek", "Mistral AI", "Tiny Labs"]),
    ({"ordering": "status,-name"}, ["Mistral AI", "Gulf Models", "Tiny Labs", "DeepSeek"]),
    ({"ordering": "-updated_at"}, ["Tiny Labs", "Gulf Models", "Mistral AI", "DeepSeek"]),
    ({"country": "CN", "status": "active"}, ["Gulf Models"]),
    ({"country": "cn", "rating": "none", "search": "gulf"}, ["Gulf Models"]),
]


@pytest.mark.parametrize(("params", "expected"), QUERIES, ids=[repr(q) for q, _ in QUERIES])
def test_each_filter_lists_the_same_vendors_on_the_api_and_the_page(
    client, api, people, portfolio, params, expected
):
    params = {key: value.format(org=people.org.pk) for key, value in params.items()}
    assert api_names(api, params) == expected
    assert page_names(client, people, params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"ownership": "mutual"},
        {"country": "XX"},
        {"country": "France"},
        {"rating": "unknown"},
        {"ordering": "legal_name"},
        {"organisation": "0"},
    ],
)
def test_the_api_refuses_a_value_it_cannot_read(api, portfolio, params):
    response = api.get("/api/v1/vendors/", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_the_page_leaves_out_a_value_it_cannot_read_and_says_so(client, people, portfolio):
    client.force_login(people.viewer)
    response = client.get(reverse("vendors:list"), {"status": "nonsense", "country": "CN"})
    assert response.status_code == 200
    assert [v.name for v in response.context["vendors"]] == ["DeepSeek", "Gulf Models"]
    assert "Left out of the filters: Status" in response.content.decode()


def test_the_page_renders_the_filtersets_form(client, people, portfolio):
    client.force_login(people.viewer)
    response = client.get(reverse("vendors:list"), {"rating": "none"})
    form = response.context["filter_form"]
    assert isinstance(form, VendorFilterForm)  # the form VendorFilterSet builds
    body = response.content.decode()
    assert 'type="search" name="search"' in body
    assert '<option value="none" selected>Not yet rated</option>' in body
    assert '<option value="FR">France</option>' in body
    assert '<option value="-rating">Highest risk first</option>' in body
    assert "2 vendors match your filters" in body
    # The page lists the active organisation only: it offers no organisation filter.
    assert 'name="organisation"' not in body
