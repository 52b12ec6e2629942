"""REST API for assessments: create, answer in bulk, attach evidence, submit, read the score,
decide; findings; the scoring policy.

Views parse input and present results; every rule (roles, lifecycle, answer validity) lives
in services, and every read goes through a selector scoped to the user's organisations.
One module per concept; callers import from here.
"""

from __future__ import annotations

from .assessments import AssessmentViewSet
from .evidence import EvidenceViewSet
from .findings import FindingViewSet
from .policy import PolicyView

__all__ = ["AssessmentViewSet", "EvidenceViewSet", "FindingViewSet", "PolicyView", "register"]


def register(router) -> None:
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("evidence", EvidenceViewSet, basename="evidence")
    router.register("findings", FindingViewSet, basename="finding")
