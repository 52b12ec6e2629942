"""Assessment pages: start, the section-by-section wizard, review and submit, the live status
while scoring runs, and the result with findings, decision and report.

Views parse input, call a service or selector, and render. The wizard itself lives in
governance.web.wizard, shared with the vendor respondent pages.

One module per concept; urls.py imports from here.
"""

from .detail import (
    assessment_decide,
    assessment_detail,
    assessment_reopen,
    assessment_retry,
    assessment_status,
    finding_edit,
)
from .files import (
    evidence_download,
    report_request,
)
from .wizard import (
    assessment_answer,
    assessment_list,
    assessment_review,
    assessment_section,
    assessment_start,
    assessment_submit,
)

__all__ = [
    "assessment_answer",
    "assessment_decide",
    "assessment_detail",
    "assessment_list",
    "assessment_reopen",
    "assessment_retry",
    "assessment_review",
    "assessment_section",
    "assessment_start",
    "assessment_status",
    "assessment_submit",
    "evidence_download",
    "finding_edit",
    "report_request",
]
