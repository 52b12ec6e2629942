"""`manage.py load_watchlist`: loads a list, says so, and explains a bad file."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from governance.screening.models import WatchlistImport
from tests.screening.factories import ZHIPU

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("load_watchlist", *args, stdout=out)
    return out.getvalue()


def test_a_list_is_loaded_and_loading_it_again_changes_nothing(tmp_path):
    path = tmp_path / "csl.json"
    path.write_text(json.dumps({"results": [ZHIPU]}))
    assert "Loaded 1 entries from csl.json" in run(str(path), "--published-on", "2025-01-20")
    watchlist = WatchlistImport.objects.get()
    assert str(watchlist.published_on) == "2025-01-20"
    assert watchlist.label == "Consolidated Screening List (trade.gov)"
    assert "already loaded" in run(str(path))
    assert WatchlistImport.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ('[{"source": "EL"}, {"name": "X"}]', [], "entry 1: the name is missing"),
        ('[{"name": "X", "source": "EL"}]', ["--published-on", "20/01/2025"], "not a date"),
        ('[{"name": "X", "source": "EL"}]', ["--label", " "], "must not be empty"),
    ],
)
def test_bad_input_is_a_readable_error_and_loads_nothing(tmp_path, content, args, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), *args)
    assert not WatchlistImport.objects.exists()


def test_a_missing_file_is_named():
    with pytest.raises(CommandError, match=r"no-such\.csv: no such file"):
        run("no-such.csv")


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, settings):
    settings.WATCHLIST_MAX_BYTES = 10
    path = tmp_path / "big.csv"
    path.write_text("name,source\n" + "X,EL\n" * 10)
    with pytest.raises(CommandError, match="the limit is 10"):
        run(str(path))


def test_loading_with_screen_screens_every_vendor_as_the_system(tmp_path, people):
    from governance.accounts.models import AuditEvent
    from governance.screening.models import Screening
    from governance.vendors.services import vendor_create

    for org, actor, name in [
        (people.org, people.admin, "Zhipu AI"),
        (people.org, people.admin, "Mistral AI"),
        (people.other_org, people.outsider, "Beijing Zhipu Huazhang Technology"),
    ]:
        vendor_create(
            actor=actor, organisation_id=org.pk, data={"name": name, "headquarters_country": "CN"}
        )
    path = tmp_path / "csl.json"
    path.write_text(json.dumps({"results": [ZHIPU]}))
    output = run(str(path), "--screen")
    assert "Screened 3 vendors of 2 organisations" in output
    assert "2 potential matches to review" in output
    assert Screening.objects.filter(screened_by__isnull=True).count() == 3
    assert set(
        AuditEvent.objects.filter(action="vendor.screen").values_list("actor_label", flat=True)
    ) == {"system"}
