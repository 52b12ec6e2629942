import pytest

from tests.reports.factories import scored_assessment


@pytest.fixture
def scored_result(people):
    return scored_assessment(people)
