"""Vendors, offerings, use cases and contacts through the API."""

import pytest

from governance.vendors.models import Contact, Offering, UseCase, Vendor
from tests.api import factories
from tests.api.mixins import (
    CreateContract,
    CrudContract,
    DeleteContract,
    ListContract,
    RetrieveContract,
    assert_conforms,
)


class TestVendors(CrudContract):
    url = "/api/v1/vendors/"

    def make(self, people, org):
        return factories.vendor(people, org)

    def create_payload(self, people, org):
        return {
            "organisation": org.pk,
            "name": factories.unique("Mistral"),
            "headquarters_country": "FR",
            "website": "https://mistral.ai",
            "tags": ["llm", "open-weights"],
        }

    def model_count(self):
        return Vendor.objects.count()

    def update_payload(self, people, obj):
        return {"status": "active", "description": "Shortlisted."}


class TestOfferings(CrudContract):
    url = "/api/v1/offerings/"

    def make(self, people, org):
        return factories.offering(people, org)

    def create_payload(self, people, org):
        return {**factories.OFFERING, "vendor": factories.vendor(people, org).pk}

    def model_count(self):
        return Offering.objects.count()

    def update_payload(self, people, obj):
        return {"pricing_model": "subscription", "processing_regions": ["EU"]}


class TestUseCases(CrudContract):
    url = "/api/v1/use-cases/"

    def make(self, people, org):
        return factories.use_case(people, org)

    def create_payload(self, people, org):
        return {**factories.USE_CASE, "offering": factories.offering(people, org).pk}

    def model_count(self):
        return UseCase.objects.count()

    def update_payload(self, people, obj):
        return {"business_criticality": "high", "data_categories": ["internal", "personal"]}


class TestContacts(ListContract, RetrieveContract, CreateContract, DeleteContract):
    url = "/api/v1/contacts/"

    def make(self, people, org):
        return factories.contact(people, org)

    def create_payload(self, people, org):
        return {"vendor": factories.vendor(people, org).pk, "name": "Ada", "email": "a@example.com"}

    def model_count(self):
        return Contact.objects.count()


# --------------------------------------------------------------------------- behaviour


def test_vendors_filter_by_status_country_and_search(people, client_for):
    factories.vendor(people, people.org, name="DeepSeek", headquarters_country="CN")
    factories.vendor(
        people, people.org, name="Mistral AI", headquarters_country="FR", status="active"
    )
    client = client_for("viewer")

    def names(**params):
        response = client.get("/api/v1/vendors/", params)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names(country="CN") == ["DeepSeek"]
    assert names(country="fr") == ["Mistral AI"]
    assert names(status="active") == ["Mistral AI"]
    assert names(search="mistr") == ["Mistral AI"]
    assert names(ordering="-name") == ["Mistral AI", "DeepSeek"]
    assert client.get("/api/v1/vendors/", {"status": "nonsense"}).status_code == 400


def test_vendors_carry_and_filter_by_their_latest_rating(people, client_for):
    rated = factories.vendor(people, people.org, name="Rated")
    factories.vendor(people, people.org, name="Unrated")
    scored = factories.scored_assessment(people, people.org, vendor_=rated)
    rating = scored.latest_result.rating
    client = client_for("viewer")
    rows = {r["name"]: r for r in client.get("/api/v1/vendors/").json()["results"]}
    assert rows["Rated"]["rating"] == rating
    assert rows["Unrated"]["rating"] is None
    filtered = client.get("/api/v1/vendors/", {"rating": rating}).json()["results"]
    assert [r["name"] for r in filtered] == ["Rated"]


def test_a_duplicate_vendor_name_is_a_field_error(people, client_for):
    factories.vendor(people, people.org, name="DeepSeek")
    response = client_for("assessor").post(
        "/api/v1/vendors/", {"name": "deepseek", "headquarters_country": "CN"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == [
        "A vendor with this name already exists in your organisation."
    ]
    assert_conforms(response)


def test_an_invalid_country_is_a_field_error(people, client_for):
    response = client_for("assessor").post(
        "/api/v1/vendors/", {"name": "X", "headquarters_country": "XX"}, format="json"
    )
    assert response.status_code == 400
    assert "headquarters_country" in response.json()["errors"]


def test_members_of_several_organisations_must_name_one(people, client_for):
    from governance.accounts.models import Membership

    Membership.objects.create(user=people.assessor, organisation=people.other_org, role="assessor")
    client = client_for("assessor")
    response = client.post(
        "/api/v1/vendors/", {"name": "X", "headquarters_country": "FR"}, format="json"
    )
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]
    response = client.post(
        "/api/v1/vendors/",
        {"name": "X", "headquarters_country": "FR", "organisation": people.other_org.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["organisation"] == people.other_org.pk


def test_offerings_and_use_cases_are_linked_to_their_vendor(people, client_for):
    vendor = factories.vendor(people, people.org)
    offering = factories.offering(people, people.org, vendor_=vendor)
    factories.offering(people, people.org)  # another vendor's
    use_case = factories.use_case(people, people.org, offering_=offering)
    client = client_for("viewer")
    offerings = client.get("/api/v1/offerings/", {"vendor": vendor.pk}).json()["results"]
    assert [o["id"] for o in offerings] == [offering.pk]
    use_cases = client.get("/api/v1/use-cases/", {"vendor": vendor.pk}).json()["results"]
    assert [u["id"] for u in use_cases] == [use_case.pk]
    assert use_cases[0]["vendor"] == vendor.pk
    assert client.get("/api/v1/offerings/", {"vendor": "abc"}).status_code == 400
    assert client.get("/api/v1/offerings/", {"vendor": "9" * 30}).status_code == 400


def test_an_offering_cannot_move_to_another_vendor(people, client_for):
    offering = factories.offering(people, people.org)
    other = factories.vendor(people, people.org)
    response = client_for("assessor").patch(
        f"/api/v1/offerings/{offering.pk}/", {"vendor": other.pk}, format="json"
    )
    assert response.status_code == 200
    offering.refresh_from_db()
    assert offering.vendor_id != other.pk


@pytest.mark.parametrize("role", ["admin", "assessor"])
def test_a_vendor_with_assessments_cannot_be_deleted(people, client_for, role):
    assessment = factories.assessment(people, people.org)
    response = client_for(role).delete(f"/api/v1/vendors/{assessment.vendor_id}/")
    assert response.status_code == 400
    assert Vendor.objects.filter(pk=assessment.vendor_id).exists()


def test_a_vendor_with_a_confirmed_watchlist_match_cannot_be_deleted(people, client_for):
    from governance.screening.models import Screening

    vendor = factories.vendor(people, people.org)
    Screening.objects.create(
        organisation=people.org,
        vendor=vendor,
        list_label="Consolidated Screening List",
        list_sha256="0" * 64,
        hits=[{"name": "Zhipu AI", "source": "Entity List (EL)", "score": 100}],
        status="potential_match",
        disposition="confirmed",
    )
    response = client_for("assessor").delete(f"/api/v1/vendors/{vendor.pk}/")
    assert response.status_code == 409
    assert_conforms(response)
    assert "confirmed watchlist match" in response.json()["detail"]
    assert "Offboarded" in response.json()["detail"]
    assert Vendor.objects.filter(pk=vendor.pk).exists()
    assert Screening.objects.filter(vendor=vendor).count() == 1


def test_ordering_by_rating_follows_severity_not_spelling(people, client_for):
    from governance.assessments.models import ScoreResult

    for name, rating in (("Lo", "low"), ("Hi", "high"), ("Mo", "moderate"), ("Cr", "critical")):
        scored = factories.scored_assessment(
            people, people.org, vendor_=factories.vendor(people, people.org, name=name)
        )
        # Results are immutable for the product; the test sets the rating it needs directly.
        ScoreResult.objects.filter(pk=scored.latest_result_id).update(rating=rating)
    factories.vendor(people, people.org, name="None")
    client = client_for("viewer")

    def order(param):
        rows = client.get("/api/v1/vendors/", {"ordering": param}).json()["results"]
        return [r["name"] for r in rows]

    assert order("-rating") == ["Cr", "Hi", "Mo", "Lo", "None"]
    assert order("rating") == ["None", "Lo", "Mo", "Hi", "Cr"]
