"""What every assessment page shares: loading the assessment."""

from __future__ import annotations

from governance.web.access import get_or_404
from governance.web.requests import MemberRequest

from .. import selectors


def assessment_for_request(request: MemberRequest, pk):
    return get_or_404(
        lambda **kw: selectors.assessment_list(
            user=request.user, organisation_id=request.organisation_id
        ).get(**kw),
        pk=pk,
    )
