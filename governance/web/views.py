from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from governance.accounts.middleware import SESSION_KEY
from governance.accounts.tenancy import memberships_of
from governance.vendors.models import Vendor


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def dashboard(request):
    vendors = Vendor.objects.for_organisation(request.organisation_id).order_by("name")
    return render(request, "web/dashboard.html", {"vendors": vendors})


@login_required
@require_POST
def switch_organisation(request):
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        return HttpResponseBadRequest("Choose an organisation.")
    if organisation_id not in memberships_of(request.user):
        return HttpResponseBadRequest("You are not a member of that organisation.")
    request.session[SESSION_KEY] = organisation_id
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
