"""Watchlists for the screening tests, in the Consolidated Screening List's JSON format."""

from __future__ import annotations

import json

from governance.screening.services import watchlist_load

ZHIPU = {
    "name": "Beijing Zhipu Huazhang Technology Co., Ltd.",
    "alt_names": ["Zhipu AI"],
    "type": "Entity",
    "source": "Entity List (EL) - Bureau of Industry and Security",
    "programs": [],
    "addresses": [{"city": "Beijing", "country": "CN"}],
    "start_date": "2025-01-16",
    "remarks": "Test entry.",
}
BLOCKED = {
    "name": "Example Blocked Trading LLC",
    "alt_names": "EBT Trading; Example Blocked",
    "source": "Specially Designated Nationals (SDN) - Treasury Department",
    "programs": ["IRAN"],
    "addresses": [{"country": "AE"}],
    "start_date": "2020-05-01",
}
OTHER = {
    "name": "Beijing Xinhua Software Co.",
    "source": "Entity List (EL) - Bureau of Industry and Security",
    "addresses": [{"country": "CN"}],
}


def load_list(entries=(ZHIPU, BLOCKED, OTHER), *, label="Test list", sample=False, note=""):
    data = json.dumps({"results": list(entries), "note": note}).encode()
    watchlist, _created = watchlist_load(
        data=data, file_name="csl.json", label=label, is_sample=sample
    )
    return watchlist
