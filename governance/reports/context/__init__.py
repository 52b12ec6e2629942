"""The template context of a report, built from stored data only.

An assessment report shows what a stored ScoreResult says (`outcome` and `inputs`) plus data
that no longer changes once the result exists: the pinned questionnaire definition, the
answers' comments (answers are frozen after submission), and the evidence uploaded, the
vendor's watchlist screening with the verdict on it, and the audit events up to the snapshot
time. Nothing is rescored here, so rendering the same result next year gives the same figures.
The only live data are the remediation columns of the findings (owner, due date, status),
which the report labels with the date they were read.
"""

from .assessment import assessment_context
from .frameworks import ADDRESSED_BELOW, FRAMEWORKS
from .labels import (
    DECISION_LABELS,
    INHERENT_FACTOR_LABELS,
    RATING_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    fmt_score,
)
from .portfolio import portfolio_context
from .questions import answer_text, driver_title, iter_questions
from .watchlist import WATCHLIST_STATES, latest_screenings, screening_as_of, watchlist_state

__all__ = [
    "ADDRESSED_BELOW",
    "DECISION_LABELS",
    "FRAMEWORKS",
    "INHERENT_FACTOR_LABELS",
    "RATING_LABELS",
    "SEVERITY_ORDER",
    "STATUS_LABELS",
    "WATCHLIST_STATES",
    "answer_text",
    "assessment_context",
    "driver_title",
    "fmt_score",
    "iter_questions",
    "latest_screenings",
    "portfolio_context",
    "screening_as_of",
    "watchlist_state",
]
