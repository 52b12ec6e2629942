import pytest

from governance.accounts.models import AuditEvent
from governance.accounts.tenancy import Capability, can, organisation_ids, role_in


def test_roles_map_to_capabilities(people):
    org = people.org.pk
    assert can(people.admin, Capability.MANAGE, org)
    assert can(people.assessor, Capability.EDIT, org)
    assert not can(people.assessor, Capability.DECIDE, org)
    assert can(people.reviewer, Capability.DECIDE, org)
    assert not can(people.reviewer, Capability.EDIT, org)
    assert can(people.viewer, Capability.VIEW, org)
    assert not can(people.viewer, Capability.EDIT, org)


def test_an_outsider_has_no_role_in_the_organisation(people):
    assert role_in(people.outsider, people.org.pk) is None
    assert not can(people.outsider, Capability.VIEW, people.org.pk)
    assert organisation_ids(people.outsider) == [people.other_org.pk]


def test_audit_events_are_append_only(people):
    event = AuditEvent.objects.create(
        organisation=people.org, actor_label="x", action="a", object_type="t", object_id="1"
    )
    event.action = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(action="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_the_organisation_switcher_only_accepts_own_organisations(client, people):
    from governance.accounts.models import Membership

    Membership.objects.create(user=people.viewer, organisation=people.other_org, role="viewer")
    client.force_login(people.assessor)
    response = client.post("/organisation/", {"organisation": people.other_org.pk})
    assert response.status_code == 400
    client.force_login(people.viewer)
    response = client.post(
        "/organisation/", {"organisation": people.other_org.pk, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["active_organisation_id"] == people.other_org.pk
