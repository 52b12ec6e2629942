"""A user never sees another organisation's vendor data, through any selector."""

import pytest

from governance.vendors import selectors, services
from governance.vendors.models import Vendor
from tests.vendors.test_services import OFFERING, VENDOR


@pytest.fixture
def two_portfolios(people):
    ours = services.vendor_create(actor=people.assessor, organisation_id=people.org.pk, data=VENDOR)
    theirs = services.vendor_create(
        actor=people.outsider, organisation_id=people.other_org.pk, data={**VENDOR, "name": "Z"}
    )
    for vendor, actor in ((ours, people.assessor), (theirs, people.outsider)):
        offering = services.offering_create(actor=actor, vendor=vendor, data=OFFERING)
        services.contact_create(actor=actor, vendor=vendor, data={"name": f"DPO of {vendor}"})
        services.use_case_create(
            actor=actor,
            organisation_id=vendor.organisation_id,
            data={
                "offering": offering,
                "name": f"Use of {vendor}",
                "purpose": "p",
                "data_categories": ["internal"],
                "business_criticality": "low",
                "eu_ai_act_class": "minimal",
                "people_affected": "few",
            },
        )
    return ours, theirs


@pytest.mark.parametrize("role", ["admin", "assessor", "reviewer", "viewer"])
def test_members_see_only_their_organisation(people, two_portfolios, role):
    ours, theirs = two_portfolios
    user = people.by_role(role)
    assert list(selectors.vendor_list(user=user)) == [ours]
    assert {o.vendor for o in selectors.offering_list(user=user)} == {ours}
    assert {u.offering.vendor for u in selectors.use_case_list(user=user)} == {ours}
    assert {c.vendor for c in selectors.contact_list(user=user)} == {ours}
    with pytest.raises(Vendor.DoesNotExist):
        selectors.vendor_get(user=user, pk=theirs.pk)


def test_the_outsider_sees_only_theirs(people, two_portfolios):
    ours, theirs = two_portfolios
    assert list(selectors.vendor_list(user=people.outsider)) == [theirs]
    assert not selectors.offering_list(user=people.outsider, vendor_id=ours.pk).exists()


def test_a_user_without_membership_sees_nothing(django_user_model, two_portfolios):
    loner = django_user_model.objects.create_user("loner", password="x")
    assert not selectors.vendor_list(user=loner).exists()
    assert not selectors.use_case_list(user=loner).exists()


def test_the_dashboard_lists_only_the_active_organisation(client, people, two_portfolios):
    client.force_login(people.viewer)
    body = client.get("/").content.decode()
    assert "DeepSeek" in body
    assert ">Z<" not in body
