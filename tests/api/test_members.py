"""Membership management: admins change roles and remove members, members leave; nobody is
added without accepting an invitation (tests/api/test_invitations.py)."""

from rest_framework.test import APIClient

from governance.accounts.models import AuditEvent, Membership
from tests.accounts.invite import invite
from tests.api import factories


def test_an_admin_invites_then_changes_and_removes_the_member(
    people, client_for, django_user_model, django_capture_on_commit_callbacks
):
    newcomer = django_user_model.objects.create_user("newcomer", email="new@example.com")
    token = invite(
        actor=people.admin,
        organisation=people.org,
        email="new@example.com",
        role="assessor",
        capture=django_capture_on_commit_callbacks,
    )
    assert not Membership.objects.filter(user=newcomer).exists()
    joining = APIClient()
    joining.force_authenticate(newcomer)
    assert joining.post("/api/v1/invitations/accept/", {"token": token}).status_code == 200
    membership = Membership.objects.get(user=newcomer)
    assert (membership.organisation, membership.role) == (people.org, "assessor")
    client = client_for("admin")
    changed = client.patch(f"/api/v1/members/{membership.pk}/", {"role": "reviewer"}, format="json")
    assert changed.json()["role"] == "reviewer"
    assert client.delete(f"/api/v1/members/{membership.pk}/").status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership.create", "membership.update", "membership.delete"} <= actions


def test_an_admin_of_another_organisation_cannot_add_an_existing_user(people, client_for):
    # The attack: an admin of Other Corp adds Acme's viewer, by username, as admin.
    attacker = APIClient()
    attacker.force_authenticate(people.outsider)
    for payload in (
        {"username": "viewer", "role": "admin"},
        {"username": "viewer", "role": "admin", "organisation": people.other_org.pk},
        {"username": "ghost", "role": "viewer"},
    ):
        response = attacker.post("/api/v1/members/", payload, format="json")
        assert response.status_code == 405, response.content
        # Nothing in the answer tells an existing username from an unknown one.
        assert response.json() == {
            "detail": 'Method "POST" not allowed.',
            "code": "method_not_allowed",
        }
    assert list(
        Membership.objects.filter(user=people.viewer).values_list("organisation", flat=True)
    ) == [people.org.pk]
    assert not AuditEvent.objects.filter(action="membership.create").exists()


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


# --------------------------------------------------------------------------- leaving


def test_a_member_leaves_their_organisation(people, client_for):
    from tests.api.mixins import assert_conforms

    own = Membership.objects.get(user=people.viewer, organisation=people.org)
    response = client_for("viewer").post(f"/api/v1/members/{own.pk}/leave/")
    assert response.status_code == 204, response.content
    assert not Membership.objects.filter(pk=own.pk).exists()
    event = AuditEvent.objects.get(action="membership.leave")
    assert (event.actor, event.organisation) == (people.viewer, people.org)
    assert event.before["role"] == "viewer"
    # Gone means gone: the viewer no longer sees the organisation's members.
    assert client_for("viewer").get("/api/v1/members/").json()["count"] == 0
    assert_conforms(response)


def test_the_last_admin_cannot_leave(people, client_for):
    own = Membership.objects.get(user=people.admin, organisation=people.org)
    response = client_for("admin").post(f"/api/v1/members/{own.pk}/leave/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "An organisation keeps at least one admin; make someone else admin first.",
        "code": "conflict",
    }
    assert Membership.objects.filter(pk=own.pk).exists()
    assert not AuditEvent.objects.filter(action="membership.leave").exists()
    # Once someone else is admin, they may.
    Membership.objects.filter(user=people.reviewer).update(role="admin")
    assert client_for("admin").post(f"/api/v1/members/{own.pk}/leave/").status_code == 204


def test_only_the_member_themself_leaves(people, client_for):
    viewer = Membership.objects.get(user=people.viewer, organisation=people.org)
    for role in ("admin", "assessor"):
        response = client_for(role).post(f"/api/v1/members/{viewer.pk}/leave/")
        assert response.status_code == 403, (role, response.content)
    outsider = APIClient()
    outsider.force_authenticate(people.outsider)
    assert outsider.post(f"/api/v1/members/{viewer.pk}/leave/").status_code == 404
    assert APIClient().post(f"/api/v1/members/{viewer.pk}/leave/").status_code == 401
    assert Membership.objects.filter(pk=viewer.pk).exists()
