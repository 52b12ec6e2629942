"""Screening on the vendor page: screen now, read the outcome, dispose of a potential match."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.accounts.tenancy import Capability
from governance.errors import StateConflict
from governance.vendors.detail import render_vendor_detail, vendor_for_request
from governance.web.access import apply_validation_error, get_or_404, page
from governance.web.requests import MemberRequest

from . import selectors, services
from .forms import DispositionForm


def _back(vendor):
    return redirect(f"{reverse('vendors:detail', args=[vendor.pk])}#screening")


@require_POST
@page(Capability.EDIT)
def screen(request: MemberRequest, pk) -> HttpResponse:
    vendor = vendor_for_request(request, pk)
    try:
        screening = services.vendor_screen(actor=request.user, vendor=vendor)
    except StateConflict as exc:
        messages.error(request, exc.message)
    else:
        if screening.hits:
            count = len(screening.hits)
            messages.warning(
                request,
                f"Potential match: {count} listed part{'y' if count == 1 else 'ies'} to review.",
            )
        else:
            messages.success(request, f"No match on {screening.list_label}.")
    return _back(vendor)


@require_POST
@page(Capability.DECIDE)
def dispose(request: MemberRequest, pk, screening_pk) -> HttpResponse:
    vendor = vendor_for_request(request, pk)
    screening = get_or_404(
        lambda **kw: selectors.screening_list(user=request.user, vendor_id=vendor.pk).get(**kw),
        pk=screening_pk,
    )
    form = DispositionForm(request.POST, prefix="screening")
    if form.is_valid():
        try:
            services.screening_dispose(
                actor=request.user,
                screening=screening,
                disposition=form.cleaned_data["disposition"],
                note=form.cleaned_data["note"],
            )
        except StateConflict as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Recorded: {screening.get_disposition_display().lower()}.")
            return _back(vendor)
        if not form.errors:  # a state conflict: its message says why
            return _back(vendor)
    return render_vendor_detail(request, vendor, status=400, disposition_form=form)
