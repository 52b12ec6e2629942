"""Small helpers every page uses: scoped lookups that 404 and POST refusal by role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from governance.accounts.tenancy import can


def get_or_404(selector: Callable, **kwargs):
    """Call a scoped selector; another organisation's row is simply not found."""
    try:
        return selector(**kwargs)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found.") from exc


def page(capability_for_post: str | tuple[str, ...] | None = None):
    """Log-in required; a POST additionally needs `capability_for_post` (or any one of a
    tuple of them) in the active organisation, so a viewer's POST is refused before any form
    is even read."""
    needed = (capability_for_post,) if isinstance(capability_for_post, str) else capability_for_post

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.organisation_id is None:
                raise PermissionDenied("You are not a member of any organisation yet.")
            if (
                request.method == "POST"
                and needed
                and not any(can(request.user, c, request.organisation_id) for c in needed)
            ):
                raise PermissionDenied("Your role does not allow this change.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def apply_validation_error(form, exc) -> None:
    """Put a service's ValidationError on the form: field errors next to their fields,
    the rest at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
