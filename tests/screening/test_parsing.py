"""Reading list files: the CSL's JSON and CSV, and every problem reported with its place."""

from __future__ import annotations

import json

import pytest

from governance.screening.parsing import WatchlistInvalid, parse_watchlist

CSV = (
    "_id,source,entity_number,type,programs,name,title,addresses,start_date,remarks,"
    "source_list_url,alt_names\n"
    'a1,Entity List (EL) - Bureau of Industry and Security,,Entity,,"Beijing Zhipu Huazhang '
    'Technology Co., Ltd.",,"Room 1, Haidian, Beijing, CN",2025-01-16,Test,'
    "https://example.org/el,Zhipu AI; Z.ai\n"
    "b2,Specially Designated Nationals (SDN) - Treasury Department,,Entity,IRAN; SDGT,"
    'Example Blocked Trading LLC,,"Dubai, AE; Tehran, IR",2020-05-01,,,\n'
)


def test_the_csl_csv_is_read_with_its_lists_and_countries():
    entries = parse_watchlist(CSV.encode(), "consolidated.csv")
    assert [e.name for e in entries] == [
        "Beijing Zhipu Huazhang Technology Co., Ltd.",
        "Example Blocked Trading LLC",
    ]
    zhipu, blocked = entries
    assert zhipu.alt_names == ["Zhipu AI", "Z.ai"]
    assert zhipu.countries == ["CN"]
    assert zhipu.start_date == "2025-01-16"
    assert zhipu.source_url == "https://example.org/el"
    assert blocked.programs == ["IRAN", "SDGT"]
    assert blocked.countries == ["AE", "IR"]


def test_the_csl_json_is_read_in_both_shapes():
    row = {
        "name": "Example Blocked Trading LLC",
        "source": "SDN",
        "alt_names": ["EBT"],
        "addresses": [{"country": "ae"}, {"country": None}],
        "programs": ["IRAN"],
    }
    for data in ({"results": [row]}, [row]):
        (entry,) = parse_watchlist(json.dumps(data).encode(), "csl.json")
        assert entry.alt_names == ["EBT"]
        assert entry.countries == ["AE"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x00\x01", "NUL bytes"),
        (b"\xff\xfe\x00a", "NUL bytes"),
        ("café".encode("latin-1"), "not UTF-8"),
        (b'{"results": [', "not valid JSON"),
        (b'{"items": []}', "expected a list of entries"),
        (b'{"results": []}', "the list has no entries"),
        (b'[{"source": "EL"}]', "entry 1: the name is missing"),
        (b'[{"name": "X"}]', "entry 1: the source list is missing"),
        (b'[{"name": "X", "source": "EL", "start_date": "16/01/2025"}]', "not YYYY-MM-DD"),
        (b'[{"name": {"a": 1}, "source": "EL"}]', "entry 1: expected text"),
        (b'[{"name": "X", "source": "EL", "programs": 5}]', "expected a list"),
        (b'["just a name"]', "entry 1: expected an object"),
        (b"id,title\n1,x\n", "no name or source column"),
        (b"name,source\nX,\n", "line 2: the source list is missing"),
    ],
)
def test_bad_files_are_refused_with_the_reason(data, problem):
    file_name = "list.csv" if data.startswith((b"id", b"name")) else "list.json"
    with pytest.raises(WatchlistInvalid) as caught:
        parse_watchlist(data, file_name)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_up_to_a_limit():
    rows = [{"source": "EL"} for _ in range(50)]
    with pytest.raises(WatchlistInvalid) as caught:
        parse_watchlist(json.dumps(rows).encode(), "list.json")
    problems = caught.value.problems
    assert problems[0] == "entry 1: the name is missing"
    assert problems[19] == "entry 20: the name is missing"
    assert "stopped after the first problems" in problems[-1]
    assert len(problems) == 21


def test_overlong_fields_are_refused():
    row = {"name": "X" * 1001, "source": "EL"}
    with pytest.raises(WatchlistInvalid, match="longer than 1000"):
        parse_watchlist(json.dumps([row]).encode(), "list.json")
