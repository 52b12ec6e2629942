import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.accounts.models import AuditEvent
from governance.vendors import services
from governance.vendors.models import Offering, UseCase, Vendor

VENDOR = {
    "name": "DeepSeek",
    "legal_name": "Hangzhou DeepSeek Artificial Intelligence Basic Technology Research Co., Ltd.",
    "website": "https://www.deepseek.com",
    "headquarters_country": "CN",
    "ownership_type": "private",
    "status": "prospect",
    "tags": ["llm"],
}
OFFERING = {
    "name": "DeepSeek API",
    "kind": "hosted_api",
    "deployment": "vendor_cloud",
    "licence_type": "proprietary",
    "processing_regions": ["CN"],
    "pricing_model": "usage_based",
}


def make_vendor(people, **overrides):
    return services.vendor_create(
        actor=people.assessor, organisation_id=people.org.pk, data={**VENDOR, **overrides}
    )


def test_an_assessor_creates_a_vendor_and_it_is_audited(people):
    vendor = make_vendor(people)
    assert vendor.organisation == people.org
    event = AuditEvent.objects.get(action="vendor.create")
    assert event.actor == people.assessor
    assert event.after["name"] == "DeepSeek"
    assert event.after["headquarters_country"] == "CN"


def test_it_rejects_an_invalid_country_code(people):
    with pytest.raises(ValidationError) as exc:
        make_vendor(people, headquarters_country="XX")
    assert "headquarters_country" in exc.value.message_dict
    assert not Vendor.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_rejects_a_duplicate_name_case_insensitively(people):
    make_vendor(people)
    with pytest.raises(ValidationError) as exc:
        make_vendor(people, name="  deepseek ")
    assert exc.value.message_dict["name"] == [
        "A vendor with this name already exists in your organisation."
    ]
    assert Vendor.objects.count() == 1


def test_the_same_name_is_fine_in_another_organisation(people):
    make_vendor(people)
    services.vendor_create(actor=people.outsider, organisation_id=people.other_org.pk, data=VENDOR)
    assert Vendor.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ownership_type", "pirate"),
        ("status", "deleted"),
        ("website", "not a url"),
        ("tags", "llm"),
        ("tags", [""]),
        ("parent_country", "ZZ"),
    ],
)
def test_it_rejects_bad_values_with_a_field_error(people, field, value):
    with pytest.raises(ValidationError) as exc:
        make_vendor(people, **{field: value})
    assert field in exc.value.message_dict
    assert not Vendor.objects.exists()


def test_it_rejects_unknown_fields(people):
    with pytest.raises(ValidationError) as exc:
        make_vendor(people, organisation=people.other_org)
    assert exc.value.message_dict == {"organisation": ["Unknown field."]}


@pytest.mark.parametrize("role", ["viewer", "reviewer", "outsider"])
def test_roles_without_edit_rights_cannot_create(people, role):
    with pytest.raises(PermissionDenied):
        services.vendor_create(
            actor=people.by_role(role), organisation_id=people.org.pk, data=VENDOR
        )
    assert not Vendor.objects.exists()


def test_update_records_only_what_changed(people):
    vendor = make_vendor(people)
    services.vendor_update(actor=people.admin, vendor=vendor, data={"status": "active"})
    event = AuditEvent.objects.get(action="vendor.update")
    assert event.before == {"status": "prospect", "updated_at": event.before["updated_at"]}
    assert event.after["status"] == "active"


def test_update_to_a_taken_name_is_refused(people):
    make_vendor(people)
    other = make_vendor(people, name="OpenAI")
    with pytest.raises(ValidationError) as exc:
        services.vendor_update(actor=people.assessor, vendor=other, data={"name": "DEEPSEEK"})
    assert "name" in exc.value.message_dict
    other.refresh_from_db()
    assert other.name == "OpenAI"


def test_open_weights_need_a_licence_name(people):
    vendor = make_vendor(people)
    with pytest.raises(ValidationError) as exc:
        services.offering_create(
            actor=people.assessor,
            vendor=vendor,
            data={**OFFERING, "kind": "open_weights", "licence_type": "open_weights"},
        )
    assert "licence_name" in exc.value.message_dict
    assert not Offering.objects.exists()


def test_use_case_validates_data_categories_and_enums(people):
    vendor = make_vendor(people)
    offering = services.offering_create(actor=people.assessor, vendor=vendor, data=OFFERING)
    with pytest.raises(ValidationError) as exc:
        services.use_case_create(
            actor=people.assessor,
            organisation_id=people.org.pk,
            data={
                "offering": offering,
                "name": "Summaries",
                "purpose": "Summarise memos",
                "data_categories": ["personal", "secret"],
                "business_criticality": "extreme",
                "eu_ai_act_class": "high",
                "people_affected": "few",
            },
        )
    errors = exc.value.message_dict
    assert "Unknown data categories: secret" in errors["data_categories"][0]
    assert "business_criticality" in errors
    assert not UseCase.objects.exists()


def test_a_use_case_cannot_point_at_another_organisations_offering(people):
    theirs = services.vendor_create(
        actor=people.outsider, organisation_id=people.other_org.pk, data=VENDOR
    )
    offering = services.offering_create(actor=people.outsider, vendor=theirs, data=OFFERING)
    with pytest.raises(ValidationError) as exc:
        services.use_case_create(
            actor=people.assessor,
            organisation_id=people.org.pk,
            data={
                "offering": offering,
                "name": "x",
                "purpose": "y",
                "data_categories": ["public"],
                "business_criticality": "low",
                "eu_ai_act_class": "minimal",
                "people_affected": "few",
            },
        )
    assert "offering" in exc.value.message_dict


def _screening(people, vendor, **fields):
    from governance.screening.models import Screening

    return Screening.objects.create(
        organisation=people.org,
        vendor=vendor,
        list_label="Consolidated Screening List",
        list_sha256="0" * 64,
        names=[["name", vendor.name]],
        **fields,
    )


ENTITY_LIST_HIT = [{"name": "Zhipu AI", "source": "Entity List (EL)", "score": 100}]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "potential_match", "hits": ENTITY_LIST_HIT, "disposition": "confirmed"},
        {"status": "potential_match", "hits": ENTITY_LIST_HIT, "disposition": ""},
    ],
    ids=["confirmed", "under-review"],
)
def test_a_vendor_with_a_confirmed_or_open_hit_is_not_deleted(people, fields):
    from governance.errors import StateConflict
    from governance.screening.models import Screening

    vendor = make_vendor(people)
    screening = _screening(people, vendor, **fields)
    with pytest.raises(StateConflict, match="Offboarded"):
        services.vendor_delete(actor=people.assessor, vendor=vendor)
    assert Vendor.objects.filter(pk=vendor.pk).exists()
    assert Screening.objects.filter(pk=screening.pk).exists()
    assert not AuditEvent.objects.filter(action="vendor.delete").exists()


def test_a_vendor_screened_clear_or_cleared_as_a_false_positive_is_deleted(people):
    from governance.screening.models import Screening

    vendor = make_vendor(people)
    _screening(people, vendor, status="clear", hits=[])
    _screening(
        people, vendor, status="potential_match", hits=ENTITY_LIST_HIT, disposition="false_positive"
    )
    services.vendor_delete(actor=people.assessor, vendor=vendor)
    assert not Vendor.objects.filter(pk=vendor.pk).exists()
    assert not Screening.objects.filter(vendor_id=vendor.pk).exists()


def test_a_viewer_learns_nothing_about_the_screenings_of_a_vendor_it_cannot_delete(people):
    vendor = make_vendor(people)
    _screening(people, vendor, status="potential_match", hits=ENTITY_LIST_HIT, disposition="")
    with pytest.raises(PermissionDenied):
        services.vendor_delete(actor=people.viewer, vendor=vendor)


def test_the_admin_does_not_delete_a_vendor_with_a_confirmed_hit(people, client, django_user_model):
    from django.urls import reverse

    vendor = make_vendor(people)
    _screening(
        people, vendor, status="potential_match", hits=ENTITY_LIST_HIT, disposition="confirmed"
    )
    client.force_login(django_user_model.objects.create_superuser("root"))
    page = reverse("admin:vendors_vendor_delete", args=[vendor.pk])
    assert client.get(page).status_code == 403
    assert client.post(page, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:vendors_vendor_changelist"))
    assert b"delete_selected" not in changelist.content
    assert Vendor.objects.filter(pk=vendor.pk).exists()
