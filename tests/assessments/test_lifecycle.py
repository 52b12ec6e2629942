"""The lifecycles on the status enums: one map of moves, groupings that agree with it, and
one check that refuses a move in the caller's words."""

import re
from pathlib import Path

import pytest

from governance.assessments.models import AssessmentStatus, FindingStatus
from governance.errors import StateConflict
from governance.reports.models import ReportStatus

S = AssessmentStatus
GOVERNANCE = Path(__file__).resolve().parents[2] / "governance"


@pytest.mark.parametrize("status", [AssessmentStatus, ReportStatus])
def test_the_map_names_every_state_and_nothing_else(status):
    assert set(status.TRANSITIONS) == set(status)
    for moves in status.TRANSITIONS.values():
        assert moves <= set(status)


def test_every_assessment_state_is_reached_from_a_draft():
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        for target in S.TRANSITIONS[frontier.pop()] - reached:
            reached.add(target)
            frontier.append(target)
    assert reached == set(S)


def test_the_groupings_agree_with_the_map():
    # Submitting and retrying both move to submitted, from different states.
    into_submitted = S.sources(S.SUBMITTED)
    assert into_submitted == S.EDITABLE | S.RETRYABLE
    assert not S.EDITABLE & S.RETRYABLE
    # What is with the worker may fail; what is decided never moves again.
    assert S.sources(S.FAILED) == S.IN_FLIGHT
    assert S.TRANSITIONS[S.DECIDED] == frozenset()
    assert S.sources(S.DECIDED) == {S.SCORED}
    assert {S.SCORED, S.DECIDED} == S.RESCORABLE
    assert {FindingStatus.OPEN, FindingStatus.MITIGATING} == FindingStatus.UNRESOLVED


def test_report_jobs_are_claimed_only_when_pending_and_fail_only_while_queued_or_running():
    assert ReportStatus.sources(ReportStatus.RENDERING) == {ReportStatus.PENDING}
    assert ReportStatus.sources(ReportStatus.FAILED) == {
        ReportStatus.PENDING,
        ReportStatus.RENDERING,
    }
    assert ReportStatus.sources(ReportStatus.READY) == {ReportStatus.RENDERING}


def test_require_transition_refuses_in_the_callers_words():
    S.require_transition(S.SCORED, S.DECIDED)
    with pytest.raises(StateConflict) as refused:
        S.require_transition(S.FAILED, S.DECIDED, "Only a scored one; this one is {status}.")
    assert refused.value.message == "Only a scored one; this one is failed."
    assert refused.value.status == S.FAILED


def test_require_transition_has_a_readable_default():
    with pytest.raises(StateConflict) as refused:
        ReportStatus.require_transition(ReportStatus.READY, ReportStatus.RENDERING)
    assert refused.value.message == "It is ready and cannot become rendering."


def test_require_state_names_the_current_state():
    with pytest.raises(StateConflict) as refused:
        S.require_state(S.IN_PROGRESS, {S.DRAFT}, "The assessment is already {status}.")
    assert refused.value.message == "The assessment is already in progress."


def test_no_copy_of_the_groupings_remains():
    # Every grouping lives on its enum; module-level copies are how they drifted before.
    copy = re.compile(r"\b(EDITABLE|DECIDABLE|RESCORABLE|OPEN_FINDING)_STATUSES\b|^IN_FLIGHT\b")
    copies = [
        f"{path.relative_to(GOVERNANCE)}: {line}"
        for path in GOVERNANCE.rglob("*.py")
        for line in path.read_text().splitlines()
        if copy.search(line)
    ]
    assert copies == []
