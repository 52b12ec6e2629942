"""Answers that a watchlist screening contradicts.

A questionnaire question about restricted-party lists says, in its `screening` block, which of
its answers state that the vendor is not listed (`no_match`) and which lists it is about
(`lists`, matched against the name of a hit's list). An answer that says "not listed" while the
vendor's screening has a hit on those lists, not cleared by a reviewer, is flagged wherever
the answer is read: the review page, the assessment page and the report. Scoring is left
alone: the answer is the assessor's statement, and the flag asks for it to be corrected or
for the hit to be cleared.

Plain functions on plain data, so the pages (live screening) and the report (the screening
as it stood at its snapshot) apply one rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .models import Disposition, ScreeningStatus


def open_hits(screening, *, disposition: str | None = None) -> list[dict]:
    """The hits of a screening that still count: none when it found nothing or a reviewer
    cleared them as a false positive. `disposition` overrides the row's own verdict (the
    report reads the verdict that stood at its snapshot)."""
    if screening is None or screening.status != ScreeningStatus.POTENTIAL_MATCH:
        return []
    verdict = screening.disposition if disposition is None else disposition
    if verdict == Disposition.FALSE_POSITIVE:
        return []
    return list(screening.hits or [])


def _concerns(hit: Mapping[str, Any], lists: Iterable[str]) -> bool:
    names = [name.casefold() for name in lists]
    source = str(hit.get("source") or "").casefold()
    return not names or any(name in source for name in names)


def answer_conflicts(
    definition: Mapping[str, Any], answers: Mapping[str, Any], hits: list[dict]
) -> list[dict]:
    """Each answered question whose answer says "not listed" while one of `hits` is on a
    list the question is about, in questionnaire order."""
    if not hits:
        return []
    conflicts = []
    for section in definition.get("sections") or ():
        for question in section.get("questions") or ():
            rule = question.get("screening")
            if not rule:
                continue
            value = answers.get(question["key"])
            chosen: list[Any] = value if isinstance(value, list) else [value]
            said = [key for key in chosen if key in rule["no_match"]]
            if not said:
                continue
            relevant = [hit for hit in hits if _concerns(hit, rule.get("lists") or ())]
            if not relevant:
                continue
            labels = {o["key"]: o.get("label", o["key"]) for o in question.get("options") or ()}
            conflicts.append(
                {
                    "section": section.get("key", ""),
                    "question": question["key"],
                    "text": question.get("text", ""),
                    "answer": "; ".join(labels.get(key, key) for key in said),
                    "hits": relevant,
                }
            )
    return conflicts
