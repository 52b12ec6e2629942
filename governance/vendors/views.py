"""Vendor pages: list, detail, create/edit, offerings, use cases and contacts. Each view
parses input, calls a service or selector, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.accounts.tenancy import Capability
from governance.web.access import apply_validation_error, get_or_404, page
from governance.web.requests import MemberRequest

from . import selectors, services
from .detail import render_vendor_detail, vendor_for_request
from .filters import VendorFilterSet
from .forms import ContactForm, OfferingForm, UseCaseForm, VendorForm

PAGE_SIZE = 25


@page()
def vendor_list(request: MemberRequest) -> HttpResponse:
    # The API's vendor FilterSet: a query string lists the same vendors here and there.
    # A value it cannot read is shown as the field's error and left out of the filters.
    filterset = VendorFilterSet(
        request.GET,
        queryset=selectors.vendor_table(user=request.user, organisation_id=request.organisation_id),
    )
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "vendors/list.html",
        {
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "vendors": page_obj.object_list,
            "query": query.urlencode(),
            "filtered": filterset.filtered,
        },
    )


@page(Capability.EDIT)
def vendor_create(request: MemberRequest) -> HttpResponse:
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vendor = services.vendor_create(
                actor=request.user,
                organisation_id=request.organisation_id,
                data=form.service_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Vendor “{vendor.name}” created.")
            return redirect("vendors:detail", pk=vendor.pk)
    return render(request, "vendors/form.html", {"form": form, "vendor": None})


@page(Capability.EDIT)
def vendor_edit(request: MemberRequest, pk) -> HttpResponse:
    vendor = vendor_for_request(request, pk)
    initial = model_to_dict(vendor, fields=services.VENDOR_FIELDS)
    form = VendorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_update(actor=request.user, vendor=vendor, data=form.service_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Vendor profile saved.")
            return redirect("vendors:detail", pk=vendor.pk)
    return render(request, "vendors/form.html", {"form": form, "vendor": vendor})


@page()
def vendor_detail(request: MemberRequest, pk) -> HttpResponse:
    return render_vendor_detail(request, vendor_for_request(request, pk))


def _child_form(request: MemberRequest, *, vendor, form, template, create, title, success):
    if request.method == "POST" and form.is_valid():
        try:
            create(form.service_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("vendors:detail", pk=vendor.pk)
    return render(request, template, {"form": form, "vendor": vendor, "title": title})


@page(Capability.EDIT)
def offering_create(request: MemberRequest, pk):
    vendor = vendor_for_request(request, pk)
    return _child_form(
        request,
        vendor=vendor,
        form=OfferingForm(request.POST or None),
        template="vendors/child_form.html",
        create=lambda data: services.offering_create(actor=request.user, vendor=vendor, data=data),
        title="Add an AI offering",
        success="Offering added.",
    )


@page(Capability.EDIT)
def offering_edit(request: MemberRequest, pk, offering_pk):
    vendor = vendor_for_request(request, pk)
    offering = get_or_404(
        lambda **kw: selectors.offering_list(user=request.user, vendor_id=vendor.pk).get(**kw),
        pk=offering_pk,
    )
    initial = model_to_dict(offering, fields=services.OFFERING_FIELDS)
    return _child_form(
        request,
        vendor=vendor,
        form=OfferingForm(request.POST or None, initial=initial),
        template="vendors/child_form.html",
        create=lambda data: services.offering_update(
            actor=request.user, offering=offering, data=data
        ),
        title=f"Edit offering “{offering.name}”",
        success="Offering saved.",
    )


@page(Capability.EDIT)
def use_case_create(request: MemberRequest, pk):
    vendor = vendor_for_request(request, pk)
    offerings = selectors.offering_list(user=request.user, vendor_id=vendor.pk)
    initial = {"offering": request.GET.get("offering")} if request.GET.get("offering") else None
    return _child_form(
        request,
        vendor=vendor,
        form=UseCaseForm(request.POST or None, offerings=offerings, initial=initial),
        template="vendors/child_form.html",
        create=lambda data: services.use_case_create(
            actor=request.user, organisation_id=request.organisation_id, data=data
        ),
        title="Describe a use case",
        success="Use case added.",
    )


@page(Capability.EDIT)
def use_case_edit(request: MemberRequest, pk, use_case_pk):
    vendor = vendor_for_request(request, pk)
    use_case = get_or_404(
        lambda **kw: selectors.use_case_list(user=request.user, vendor_id=vendor.pk).get(**kw),
        pk=use_case_pk,
    )
    offerings = selectors.offering_list(user=request.user, vendor_id=vendor.pk)
    initial = model_to_dict(use_case, fields=services.USE_CASE_FIELDS)
    return _child_form(
        request,
        vendor=vendor,
        form=UseCaseForm(request.POST or None, offerings=offerings, initial=initial),
        template="vendors/child_form.html",
        create=lambda data: services.use_case_update(
            actor=request.user, use_case=use_case, data=data
        ),
        title=f"Edit use case “{use_case.name}”",
        success="Use case saved.",
    )


@page(Capability.EDIT)
def contact_create(request: MemberRequest, pk):
    vendor = vendor_for_request(request, pk)
    return _child_form(
        request,
        vendor=vendor,
        form=ContactForm(request.POST or None, prefix="contact"),
        template="vendors/child_form.html",
        create=lambda data: services.contact_create(actor=request.user, vendor=vendor, data=data),
        title="Add a contact",
        success="Contact added.",
    )


@require_POST
@page(Capability.EDIT)
def contact_delete(request: MemberRequest, pk, contact_pk):
    vendor = vendor_for_request(request, pk)
    contact = get_or_404(
        lambda **kw: selectors.contact_list(user=request.user, vendor_id=vendor.pk).get(**kw),
        pk=contact_pk,
    )
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, f"Contact {contact.name} removed.")
    return redirect("vendors:detail", pk=vendor.pk)
