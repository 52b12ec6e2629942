"""Watchlist screening through the API."""

from __future__ import annotations

import pytest

from governance.screening import services
from governance.screening.models import Screening
from tests.api import factories
from tests.api.mixins import (
    ROLES,
    WHERE,
    CreateContract,
    ListContract,
    RetrieveContract,
    assert_conforms,
    expect,
)
from tests.screening.factories import load_list


@pytest.fixture(autouse=True)
def watchlist(db):
    return load_list()


def listed_vendor(people, org):
    return factories.vendor(people, org, name=factories.unique("Zhipu AI"))


class TestScreenings(ListContract, RetrieveContract, CreateContract):
    url = "/api/v1/screenings/"

    def make(self, people, org):
        return services.vendor_screen(
            actor=factories.owner_of(people, org), vendor=listed_vendor(people, org)
        )

    def create_payload(self, people, org):
        return {"vendor": listed_vendor(people, org).pk}

    def model_count(self):
        return Screening.objects.count()

    def test_nul_bytes_in_the_body_are_a_400(self, people, client_for):
        # The only field is an id; a NUL inside it is refused like anywhere else.
        vendor = listed_vendor(people, people.org)
        response = client_for("admin").post(self.url, {"vendor": f"{vendor.pk}\x00"})
        assert response.status_code == 400
        assert not Screening.objects.exists()


def test_a_screening_shows_its_hits(people, client_for):
    vendor = listed_vendor(people, people.org)
    response = client_for("assessor").post(
        "/api/v1/screenings/", {"vendor": vendor.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "potential_match"
    assert body["needs_review"] is True
    assert body["screened_by"] == "assessor"
    assert body["hits"][0]["name"] == "Beijing Zhipu Huazhang Technology Co., Ltd."
    assert body["hits"][0]["score"] == 100
    assert_conforms(response)
    listed = client_for("viewer").get("/api/v1/screenings/", {"vendor": vendor.pk})
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert client_for("viewer").get("/api/v1/screenings/", {"status": "clear"}).json()["count"] == 0


def test_screening_without_a_list_is_a_409(people, client_for, watchlist):
    watchlist.delete()
    vendor = listed_vendor(people, people.org)
    response = client_for("admin").post("/api/v1/screenings/", {"vendor": vendor.pk})
    assert response.status_code == 409
    assert "load_watchlist" in response.json()["detail"]
    assert_conforms(response)


DECIDERS = frozenset({"admin", "reviewer"})


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("role", ROLES)
def test_disposition_permissions(people, client_for, role, where):
    org = people.org if where == "own" else people.other_org
    screening = services.vendor_screen(
        actor=factories.owner_of(people, org), vendor=listed_vendor(people, org)
    )
    response = client_for(role).post(
        f"/api/v1/screenings/{screening.pk}/disposition/",
        {"disposition": "false_positive", "note": "Different address and owner."},
        format="json",
    )
    assert response.status_code == expect(role, where, DECIDERS, 200), response.content
    assert_conforms(response)
    screening.refresh_from_db()
    assert (screening.disposition == "false_positive") == (response.status_code == 200)
    if response.status_code == 200:
        assert response.json()["disposed_by"] == role
        assert response.json()["needs_review"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"disposition": "confirmed"},
        {"note": "Checked."},
        {"disposition": "maybe", "note": "Checked."},
        {"disposition": "confirmed", "note": ""},
        {"disposition": "confirmed", "note": "a\x00b"},
        {"disposition": ["confirmed"], "note": "x"},
    ],
)
def test_a_bad_disposition_is_a_400_with_field_messages(people, client_for, body):
    screening = services.vendor_screen(
        actor=people.assessor, vendor=listed_vendor(people, people.org)
    )
    response = client_for("reviewer").post(
        f"/api/v1/screenings/{screening.pk}/disposition/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) <= {"disposition", "note", "non_field_errors"}
    screening.refresh_from_db()
    assert screening.disposition == ""


def test_a_clear_screening_cannot_be_disposed_of(people, client_for):
    vendor = factories.vendor(people, people.org, name="Mistral AI")
    screening = services.vendor_screen(actor=people.assessor, vendor=vendor)
    response = client_for("reviewer").post(
        f"/api/v1/screenings/{screening.pk}/disposition/",
        {"disposition": "confirmed", "note": "x"},
        format="json",
    )
    assert response.status_code == 409
    assert_conforms(response)


ALL_MEMBERS = frozenset(ROLES)


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_an_assessment_s_screening_and_outsiders_get_a_404(
    people, client_for, role, where
):
    org = people.org if where == "own" else people.other_org
    assessment = factories.assessment(people, org, vendor_=listed_vendor(people, org))
    response = client_for(role).get(f"/api/v1/assessments/{assessment.pk}/screening/")
    assert response.status_code == expect(role, where, ALL_MEMBERS, 200), response.content
    assert_conforms(response)


def test_anonymous_clients_get_a_401_for_an_assessment_s_screening(people, client):
    assessment = factories.assessment(people, people.org, vendor_=listed_vendor(people, people.org))
    response = client.get(f"/api/v1/assessments/{assessment.pk}/screening/")
    assert response.status_code == 401


def test_an_assessment_s_screening_lists_the_answers_it_contradicts(people, client_for):
    vendor = listed_vendor(people, people.org)
    assessment = factories.scored_assessment(people, people.org, vendor_=vendor)
    url = f"/api/v1/assessments/{assessment.pk}/screening/"
    client = client_for("viewer")
    never = client.get(url).json()
    assert never == {"screening": None, "conflicts": []}

    screening = services.vendor_screen(actor=people.assessor, vendor=vendor)
    response = client.get(url)
    assert_conforms(response)
    body = response.json()
    assert body["screening"]["id"] == screening.pk
    (conflict,) = body["conflicts"]
    assert conflict["question"] == "geopolitics.sanctions"
    assert conflict["answer"] == "No"
    assert conflict["hits"][0]["name"] == "Beijing Zhipu Huazhang Technology Co., Ltd."

    services.screening_dispose(
        actor=people.reviewer, screening=screening, disposition="false_positive", note="Other."
    )
    assert client.get(url).json()["conflicts"] == []
