"""Vendor pages: list, detail, create/edit, offerings, use cases and contacts. Each view
parses input, calls a service or selector, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.accounts.tenancy import Capability
from governance.assessments.models import Assessment
from governance.web import charts
from governance.web.access import apply_validation_error, get_or_404, page
from governance.web.selectors import vendor_results, vendor_table

from . import selectors, services
from .forms import ContactForm, OfferingForm, UseCaseForm, VendorFilterForm, VendorForm

PAGE_SIZE = 25


def vendor_for_request(request, pk):
    """The vendor of the active organisation, or a 404."""
    return get_or_404(
        lambda **kw: selectors.vendor_list(
            user=request.user, organisation_id=request.organisation_id
        ).get(**kw),
        pk=pk,
    )


@page()
def vendor_list(request):
    filter_form = VendorFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    qs = vendor_table(user=request.user, organisation_id=request.organisation_id, **filters)
    paginator = Paginator(qs, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "vendors/list.html",
        {
            "filter_form": filter_form,
            "page_obj": page_obj,
            "vendors": page_obj.object_list,
            "query": query.urlencode(),
            "filtered": any(v for k, v in filters.items() if k != "sort"),
        },
    )


@page(Capability.EDIT)
def vendor_create(request):
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
def vendor_edit(request, pk):
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
def vendor_detail(request, pk):
    return render_vendor_detail(request, vendor_for_request(request, pk))


def render_vendor_detail(request, vendor, *, status: int = 200, **extra):
    """The vendor page; the screening views re-render it with a form's errors."""
    from governance.screening.views import screening_context

    offerings = selectors.offering_list(user=request.user, vendor_id=vendor.pk)
    use_cases = selectors.use_case_list(user=request.user, vendor_id=vendor.pk)
    contacts = selectors.contact_list(user=request.user, vendor_id=vendor.pk)
    assessments = (
        Assessment.objects.for_user(request.user)
        .filter(vendor=vendor)
        .select_related("offering", "use_case", "questionnaire", "latest_result")
        .order_by("-created_at")
    )
    results = vendor_results(vendor=vendor)
    context = {
        "vendor": vendor,
        "offerings": offerings,
        "use_cases": use_cases,
        "contacts": contacts,
        "assessments": assessments,
        "trend": charts.trend(results),
        "contact_form": ContactForm(prefix="contact"),
        **screening_context(request, vendor),
        **extra,
    }
    return render(request, "vendors/detail.html", context, status=status)


def _child_form(request, *, vendor, form, template, create, title, success):
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
def offering_create(request, pk):
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
def offering_edit(request, pk, offering_pk):
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
def use_case_create(request, pk):
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
def use_case_edit(request, pk, use_case_pk):
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
def contact_create(request, pk):
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
def contact_delete(request, pk, contact_pk):
    vendor = vendor_for_request(request, pk)
    contact = get_or_404(
        lambda **kw: selectors.contact_list(user=request.user, vendor_id=vendor.pk).get(**kw),
        pk=contact_pk,
    )
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, f"Contact {contact.name} removed.")
    return redirect("vendors:detail", pk=vendor.pk)
