"""How far an assessment addresses the references of each framework."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from governance.scoring.domains import FINDING_RISK_THRESHOLD, REFERENCE_FRAMEWORK_EDITIONS

from .questions import iter_questions

# Each framework with a coverage table, in the vocabulary's order, named by its edition.
FRAMEWORKS = tuple(REFERENCE_FRAMEWORK_EDITIONS.items())
# A question "addresses" its framework references when it was answered with a risk below
# the level at which the questionnaire must raise a finding.
ADDRESSED_BELOW = FINDING_RISK_THRESHOLD


def framework_coverage(definition: Mapping, question_status: Mapping[str, dict]) -> list[dict]:
    frameworks = []
    for key, label in FRAMEWORKS:
        refs: dict[str, list[dict]] = defaultdict(list)
        for _section, question in iter_questions(definition):
            for ref in (question.get("references") or {}).get(key) or ():
                refs[ref].append(question_status[question["key"]])
        if not refs:
            continue
        rows = []
        for ref in sorted(refs, key=_natural_key):
            entries = refs[ref]
            considered = [e for e in entries if e["coverage"] != "na"]
            if not considered:
                state = "na"
            elif all(e["coverage"] == "addressed" for e in considered):
                state = "addressed"
            else:
                state = "gap"
            rows.append(
                {
                    "reference": ref,
                    "state": state,
                    "questions": [e["key"] for e in entries],
                    "gaps": [e["key"] for e in entries if e["coverage"] == "gap"],
                }
            )
        counts = Counter(r["state"] for r in rows)
        frameworks.append(
            {
                "key": key,
                "label": label,
                "rows": rows,
                "addressed": counts["addressed"],
                "gaps": counts["gap"],
                "not_applicable": counts["na"],
                "total": len(rows),
            }
        )
    return frameworks


def _natural_key(text: str) -> list:
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]
