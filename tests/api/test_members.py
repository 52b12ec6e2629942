"""Membership management by admins."""

from governance.accounts.models import AuditEvent, Membership
from tests.api import factories


def test_an_admin_adds_changes_and_removes_a_member(people, client_for, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer")
    client = client_for("admin")
    added = client.post(
        "/api/v1/members/", {"username": "newcomer", "role": "assessor"}, format="json"
    )
    assert added.status_code == 201, added.content
    membership = Membership.objects.get(user=newcomer)
    assert membership.organisation == people.org
    changed = client.patch(f"/api/v1/members/{membership.pk}/", {"role": "reviewer"}, format="json")
    assert changed.json()["role"] == "reviewer"
    assert client.delete(f"/api/v1/members/{membership.pk}/").status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership.create", "membership.update", "membership.delete"} <= actions


def test_adding_an_unknown_user_or_a_member_twice_is_a_400(people, client_for):
    client = client_for("admin")
    unknown = client.post(
        "/api/v1/members/", {"username": "ghost", "role": "viewer"}, format="json"
    )
    assert unknown.status_code == 400
    assert "username" in unknown.json()["errors"]
    twice = client.post("/api/v1/members/", {"username": "viewer", "role": "viewer"}, format="json")
    assert twice.status_code == 400


def test_members_see_only_their_organisations_members(people, client_for):
    factories.member(people, people.other_org)
    names = {m["username"] for m in client_for("viewer").get("/api/v1/members/").json()["results"]}
    assert names == {"admin", "assessor", "reviewer", "viewer"}


def test_an_organisation_keeps_at_least_one_admin(people, client_for):
    from governance.accounts.models import AuditEvent

    client = client_for("admin")
    own = Membership.objects.get(user=people.admin, organisation=people.org)
    demoted = client.patch(f"/api/v1/members/{own.pk}/", {"role": "viewer"}, format="json")
    assert demoted.status_code == 409
    assert demoted.json()["code"] == "conflict"
    assert "at least one admin" in demoted.json()["detail"]
    assert client.delete(f"/api/v1/members/{own.pk}/").status_code == 409
    own.refresh_from_db()
    assert own.role == "admin"
    assert not AuditEvent.objects.filter(action__in=["membership.update", "membership.delete"])

    # With a second admin, either may step down.
    second = Membership.objects.get(user=people.reviewer, organisation=people.org)
    assert (
        client.patch(f"/api/v1/members/{second.pk}/", {"role": "admin"}, format="json").status_code
        == 200
    )
    assert (
        client.patch(f"/api/v1/members/{own.pk}/", {"role": "assessor"}, format="json").status_code
        == 200
    )
    # Now the reviewer is the only admin, and cannot leave.
    assert client_for("reviewer").delete(f"/api/v1/members/{second.pk}/").status_code == 409
