from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from governance.accounts.middleware import SESSION_KEY
from governance.accounts.services import membership_choose
from governance.accounts.tenancy import memberships_of
from governance.web.requests import MemberRequest, SignedInRequest

from .access import page
from .selectors import dashboard_data


def healthz(request: HttpRequest):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@page()
def dashboard(request: MemberRequest):
    data = dashboard_data(user=request.user, organisation_id=request.organisation_id)
    return render(request, "web/dashboard.html", data)


@login_required
@require_POST
def switch_organisation(request: SignedInRequest):
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        return HttpResponseBadRequest("Choose an organisation.")
    if organisation_id not in memberships_of(request.user):
        return HttpResponseBadRequest("You are not a member of that organisation.")
    request.session[SESSION_KEY] = organisation_id
    # Remembered on the membership too, so the next log-in opens where the person left off.
    membership_choose(user=request.user, organisation_id=organisation_id)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
