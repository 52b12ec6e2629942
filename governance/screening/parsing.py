"""Reading restricted-party list files: the US Consolidated Screening List (CSL) as its
publisher offers it, in JSON (`{"results": [...]}` or a plain list) or CSV, with the CSL's
field names (name, alt_names, source, programs, start_date, addresses, type, remarks,
source_list_url). Every problem is reported with its row, not just the first.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_ERRORS = 20
_COUNTRY_AT_END = re.compile(r"(?:^|[,\s])([A-Z]{2})\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIMITS = {"name": 1000, "source": 300, "entity_type": 40, "remarks": 20_000, "source_url": 500}


class WatchlistInvalid(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ParsedEntry:
    name: str
    source: str
    alt_names: list[str] = field(default_factory=list)
    entity_type: str = ""
    countries: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    start_date: str = ""
    remarks: str = ""
    source_url: str = ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise TypeError("expected text")
    return " ".join(str(value).split())


def _list(value: Any) -> list[str]:
    """A list of texts from a JSON list or a CSL-style "a; b" string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = value.split(";")
    elif isinstance(value, list):
        parts = value
    else:
        raise TypeError("expected a list or a ';'-separated text")
    out = []
    for part in parts:
        text = _text(part)
        if text and text not in out:
            out.append(text)
    return out


def _countries(addresses: Any) -> list[str]:
    found: list[str] = []
    if isinstance(addresses, list):
        for address in addresses:
            code = ""
            if isinstance(address, dict):
                code = _text(address.get("country")).upper()
            elif isinstance(address, str):
                match = _COUNTRY_AT_END.search(address.strip())
                code = match.group(1) if match else ""
            if len(code) == 2 and code.isalpha() and code not in found:
                found.append(code)
    elif isinstance(addresses, str):
        return _countries(addresses.split(";"))
    return found


def _entry(row: dict, where: str, problems: list[str]) -> ParsedEntry | None:
    try:
        entry = ParsedEntry(
            name=_text(row.get("name")),
            source=_text(row.get("source")),
            alt_names=_list(row.get("alt_names")),
            entity_type=_text(row.get("type")),
            countries=_countries(row.get("addresses")),
            programs=_list(row.get("programs")),
            start_date=_text(row.get("start_date")),
            remarks=_text(row.get("remarks")),
            source_url=_text(row.get("source_list_url") or row.get("source_information_url")),
        )
    except TypeError as exc:
        problems.append(f"{where}: {exc}")
        return None
    if not entry.name:
        problems.append(f"{where}: the name is missing")
        return None
    if not entry.source:
        problems.append(f"{where}: the source list is missing")
        return None
    if entry.start_date and not _DATE.match(entry.start_date):
        problems.append(f"{where}: start_date {entry.start_date!r} is not YYYY-MM-DD")
        return None
    for attribute, limit in LIMITS.items():
        if len(getattr(entry, attribute)) > limit:
            problems.append(f"{where}: {attribute} is longer than {limit} characters")
            return None
    if not entry.source_url.startswith(("https://", "http://")):
        entry.source_url = ""
    # The primary name is also a name to match on; keep other names distinct from it.
    entry.alt_names = [n[:1000] for n in entry.alt_names if n != entry.name]
    return entry


def _rows_from_json(text: str) -> list:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WatchlistInvalid([f"not valid JSON: {exc.msg} (line {exc.lineno})"]) from None
    if isinstance(data, dict):
        data = data.get("results")
    if not isinstance(data, list):
        raise WatchlistInvalid(['expected a list of entries, or {"results": [...]}'])
    return data


def _rows_from_csv(text: str) -> list:
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in (reader.fieldnames or []) if c}
    missing = {"name", "source"} - columns
    if missing:
        raise WatchlistInvalid(
            [f"the CSV has no {' or '.join(sorted(missing))} column (found: {sorted(columns)})"]
        )
    try:
        return [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]
    except csv.Error as exc:
        raise WatchlistInvalid([f"the CSV cannot be read: {exc}"]) from None


def parse_watchlist(data: bytes, file_name: str) -> list[ParsedEntry]:
    """The entries of a list file; WatchlistInvalid naming every problem found."""
    if b"\x00" in data:
        raise WatchlistInvalid(["the file contains NUL bytes; it is not a text list"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WatchlistInvalid([f"the file is not UTF-8 text (byte {exc.start})"]) from None
    stripped = text.lstrip()
    if file_name.lower().endswith(".json") or stripped.startswith(("{", "[")):
        rows, label = _rows_from_json(text), "entry"
    else:
        rows, label = _rows_from_csv(text), "line"
    problems: list[str] = []
    entries = []
    for number, row in enumerate(rows, start=1 if label == "entry" else 2):
        where = f"{label} {number}"
        if not isinstance(row, dict):
            problems.append(f"{where}: expected an object with a name and a source")
            continue
        entry = _entry(row, where, problems)
        if entry is not None:
            entries.append(entry)
        if len(problems) >= MAX_ERRORS:
            problems.append("… stopped after the first problems; fix these and load again")
            break
    if problems:
        raise WatchlistInvalid(problems)
    if not entries:
        raise WatchlistInvalid(["the list has no entries"])
    return entries
