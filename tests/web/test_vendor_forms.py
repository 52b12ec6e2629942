"""Vendor forms: errors shown next to the fields, typed values kept, services do the writing."""

from __future__ import annotations

from django.urls import reverse

from governance.vendors.models import Contact, Offering, UseCase, Vendor

VALID = {
    "name": "DeepSeek",
    "legal_name": "Hangzhou DeepSeek Artificial Intelligence Co., Ltd.",
    "website": "https://www.deepseek.com",
    "headquarters_country": "CN",
    "parent_company": "High-Flyer",
    "parent_country": "CN",
    "ownership_type": "private",
    "description": "Open-weights models.",
    "status": "prospect",
    "tags": "open-weights, llm",
}


def test_creating_a_vendor_stores_it_and_opens_its_page(client, people):
    client.force_login(people.assessor)
    response = client.post(reverse("vendors:create"), VALID)
    vendor = Vendor.objects.get(name="DeepSeek")
    assert response.status_code == 302
    assert response["Location"] == reverse("vendors:detail", args=[vendor.pk])
    assert vendor.organisation_id == people.org.pk
    assert vendor.tags == ["open-weights", "llm"]


def test_a_missing_country_is_shown_in_place_and_the_typed_values_are_kept(client, people):
    client.force_login(people.assessor)
    response = client.post(reverse("vendors:create"), {**VALID, "headquarters_country": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_headquarters_country_error"' in body
    assert 'aria-invalid="true"' in body
    assert 'value="Hangzhou DeepSeek Artificial Intelligence Co., Ltd."' in body
    assert 'value="open-weights, llm"' in body
    assert not Vendor.objects.exists()


def test_a_duplicate_name_is_a_field_error(client, people, vendor):
    client.force_login(people.assessor)
    response = client.post(reverse("vendors:create"), {**VALID, "name": vendor.name.upper()})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "already exists" in errors["name"][0]


def test_editing_a_vendor_keeps_other_fields_and_is_audited(client, people, vendor):
    from governance.accounts.models import AuditEvent

    client.force_login(people.admin)
    form = client.get(reverse("vendors:edit", args=[vendor.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"status": "offboarded", "tags": "eu"})
    response = client.post(reverse("vendors:edit", args=[vendor.pk]), data)
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == "offboarded"
    assert vendor.headquarters_country == "FR"
    event = AuditEvent.objects.filter(action="vendor.update").latest("id")
    event.after.pop("updated_at", None)
    assert event.after == {"status": "offboarded", "tags": ["eu"]}


def test_open_weights_need_a_licence_name(client, people, vendor):
    client.force_login(people.assessor)
    data = {
        "name": "Open model",
        "kind": "open_weights",
        "deployment": "self_hosted",
        "licence_type": "open_weights",
        "licence_name": "",
        "processing_regions": "EU, US",
        "pricing_model": "open_licence",
    }
    response = client.post(reverse("vendors:offering-create", args=[vendor.pk]), data)
    assert response.status_code == 200
    assert "licence_name" in response.context["form"].errors
    assert 'value="EU, US"' in response.content.decode()
    data["licence_name"] = "Apache-2.0"
    response = client.post(reverse("vendors:offering-create", args=[vendor.pk]), data)
    assert response.status_code == 302
    assert Offering.objects.get(name="Open model").processing_regions == ["EU", "US"]


def test_a_use_case_needs_an_offering_of_this_vendor(client, people, vendor, other_vendor):
    from governance.vendors.services import offering_create

    foreign = offering_create(
        actor=people.outsider,
        vendor=other_vendor,
        data={
            "name": "X",
            "kind": "hosted_api",
            "deployment": "vendor_cloud",
            "pricing_model": "free",
        },
    )
    client.force_login(people.assessor)
    data = {
        "offering": foreign.pk,
        "name": "Chatbot",
        "purpose": "Answer customers.",
        "data_categories": ["personal"],
        "business_criticality": "high",
        "eu_ai_act_class": "limited",
        "people_affected": "many",
        "exposure": "customer_facing",
    }
    response = client.post(reverse("vendors:use-case-create", args=[vendor.pk]), data)
    assert response.status_code == 200
    assert "offering" in response.context["form"].errors
    assert 'value="Chatbot"' in response.content.decode()
    data["offering"] = vendor.offerings.first().pk
    response = client.post(reverse("vendors:use-case-create", args=[vendor.pk]), data)
    assert response.status_code == 302
    assert UseCase.objects.get(name="Chatbot").data_categories == ["personal"]


def test_contacts_are_added_and_removed(client, people, vendor):
    client.force_login(people.assessor)
    response = client.post(
        reverse("vendors:contact-create", args=[vendor.pk]),
        {"contact-name": "Ana Ruiz", "contact-email": "not-an-email"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    response = client.post(
        reverse("vendors:contact-create", args=[vendor.pk]),
        {"contact-name": "Ana Ruiz", "contact-email": "ana@example.com", "contact-title": "DPO"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="Ana Ruiz")
    client.post(reverse("vendors:contact-delete", args=[vendor.pk, contact.pk]))
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_search_filter_sort_and_pagination(client, people):
    from governance.vendors.services import vendor_create

    for index in range(30):
        vendor_create(
            actor=people.admin,
            organisation_id=people.org.pk,
            data={
                "name": f"Vendor {index:02d}",
                "headquarters_country": "US" if index % 2 else "CN",
                "status": "active" if index < 2 else "prospect",
            },
        )
    client.force_login(people.viewer)
    page_one = client.get(reverse("vendors:list"))
    assert len(page_one.context["vendors"]) == 25
    assert page_one.context["page_obj"].paginator.num_pages == 2
    found = client.get(reverse("vendors:list"), {"search": "vendor 1", "country": "US"})
    names = [v.name for v in found.context["vendors"]]
    assert names == ["Vendor 11", "Vendor 13", "Vendor 15", "Vendor 17", "Vendor 19"]
    desc = client.get(reverse("vendors:list"), {"ordering": "-name", "status": "active"})
    assert [v.name for v in desc.context["vendors"]] == ["Vendor 01", "Vendor 00"]
    first = client.get(reverse("vendors:list"), {"status": "prospect"})
    assert "?status=prospect&amp;page=2" in first.content.decode()  # links keep the filters
    second = client.get(reverse("vendors:list"), {"status": "prospect", "page": 2})
    assert len(second.context["vendors"]) == 3
