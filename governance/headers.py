"""Response headers every answer carries: what the browser may keep and what it may use.

Content-Security-Policy itself comes from django-csp (settings.CONTENT_SECURITY_POLICY); this
middleware adds the two headers it does not cover.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and `Cache-Control: private, no-store` on every
    response to a signed-in user (session or API token) that did not choose its own caching.

    Everything a signed-in user sees is some organisation's data (pages, evidence files,
    reports, API objects), and a browser's disk cache or a shared proxy must not keep it for
    the next person at the machine. A view that sets Cache-Control itself keeps it: the API's
    cached lists answer `private, no-cache`, because their ETag lets a client revalidate and
    get a 304 without the body, and no-store would forbid the client to keep the copy that
    304 refers to; private still keeps shared caches out, and no-cache makes every reuse ask
    the server first, which re-checks the caller's access.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # DRF sets the user it authenticated (by token too) on the Django request; reading
        # it after the view costs nothing more.
        user = getattr(request, "user", None)
        if "Cache-Control" not in response and user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
