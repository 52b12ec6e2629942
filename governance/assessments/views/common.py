"""What every assessment page shares: loading the assessment."""

from __future__ import annotations

from governance.web.access import get_or_404

from .. import selectors


def _assessment(request, pk):
    return get_or_404(
        lambda **kw: selectors.assessment_list(
            user=request.user, organisation_id=request.organisation_id
        ).get(**kw),
        pk=pk,
    )
