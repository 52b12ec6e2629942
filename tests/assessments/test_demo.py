import pytest
from django.core.management import call_command

from governance.assessments.models import Assessment, AssessmentStatus, Finding
from governance.questionnaires.services import LIBRARY_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _library():
    if not (LIBRARY_DIR / "ai-vendor-core.yaml").exists():
        pytest.skip("the questionnaire library is not installed")


def ratings() -> dict[str, str]:
    return {
        a.vendor.name: a.latest_result.rating
        for a in Assessment.objects.select_related("vendor", "latest_result")
        if a.latest_result is not None
    }


def test_demo_assessments_are_scored_decided_and_idempotent(capsys):
    call_command("load_demo", password="demo-password-123")
    assessments = Assessment.objects.all()
    assert assessments.count() == 7
    statuses = sorted(assessments.values_list("status", flat=True))
    assert statuses.count(AssessmentStatus.DECIDED) == 4
    assert statuses.count(AssessmentStatus.SCORED) == 2
    assert statuses.count(AssessmentStatus.IN_PROGRESS) == 1
    found = ratings()
    for vendor in ("OpenAI", "Anthropic", "Mistral AI", "Alibaba Cloud / Qwen"):
        assert found[vendor] in {"low", "moderate"}, (vendor, found)
    assert found["DeepSeek"] in {"high", "critical"}
    assert found["Zhipu AI"] in {"high", "critical"}
    zhipu = Assessment.objects.get(vendor__name="Zhipu AI")
    assert any(
        k["question"] == "geopolitics.export_control_lists"
        for k in zhipu.latest_result.outcome["knockouts"]
    )
    assert Finding.objects.filter(owner__isnull=False).exists()
    assert Finding.objects.filter(status="accepted").exists()
    assert not Finding.objects.filter(due_date__isnull=True).exists()

    call_command("load_demo", password="demo-password-123")
    assert Assessment.objects.count() == 7


def test_the_demo_screens_every_vendor_against_the_sample_list():
    from governance.screening.models import Screening, WatchlistImport

    call_command("load_demo", password="demo-password-123")
    call_command("load_demo", password="demo-password-123")
    (watchlist,) = WatchlistImport.objects.all()
    assert watchlist.is_sample
    outcomes = dict(Screening.objects.values_list("vendor__name", "status"))
    assert len(outcomes) == 8, "each vendor screened once, however often the demo loads"
    assert outcomes.pop("Zhipu AI") == "potential_match"
    assert set(outcomes.values()) == {"clear"}
