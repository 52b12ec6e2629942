"""The explanation half of scoring: drivers, findings and knock-outs from the engine's rows.

Split from engine.py to keep each file readable; these run once per score, after the pass
over the questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter, itemgetter
from typing import Any

from .domains import DOMAIN_INDEX, FINDING_SEVERITY
from .outcome import Driver, Finding, Knockout
from .structures import CompiledQuestion, SelectionLookup, finding_severity

_tuple_new = tuple.__new__
_overall_contribution = itemgetter(9)
_position = attrgetter("position")

# Distinct selections remembered per multiple-choice question; beyond this, new selections
# are derived on every call (correct, only slower), so odd inputs cannot grow memory.
SELECTION_MEMO_SIZE = 256


def selection(
    q: CompiledQuestion,
    look: SelectionLookup,
    key_json: str,
    keys: list[str],
) -> tuple[Any, ...]:
    """What scoring needs from a valid, normalised multiple-choice selection: the answer as a
    tuple, its JSON fragment, its label, its special code (a special option is chosen alone),
    its row as for Option.scored_row (risk = the riskiest option) and the options with a
    finding or knock-out, in the questionnaire's order. Memoised per question."""
    options, memo = look
    answer = tuple(keys)
    sel = memo.get(answer)
    if sel is None:
        chosen = [options[k] for k in keys]
        label = "; ".join([o.label for o in chosen])
        risk = max([o.risk for o in chosen])
        row = (
            (q.key, q.text, q.domain, answer, label, risk, q.weight, "scored"),
            DOMAIN_INDEX[q.domain],
            q.weight * risk,
        )
        sel = (
            answer,
            key_json + "[" + ",".join([o.json for o in chosen]) + "]",
            label,
            chosen[0].special_code,
            row,
            tuple(sorted([o for o in chosen if o.flagged], key=_position)),
        )
        if len(memo) < SELECTION_MEMO_SIZE:
            memo[answer] = sel
    return sel


def findings_and_knockouts(
    marks: list[tuple[Any, Any, str, str]],
    knockouts: list[Knockout],
    due: Mapping[str, int],
    unknown_risk: float,
) -> list[Finding]:
    """Findings, most severe first and in questionnaire order within a severity; appends the
    knock-outs to `knockouts` in questionnaire order.

    `marks` holds (option or band, None, status, label) for answers with a finding or
    knock-out, and (None, unknown finding fields, status, label) for "don't know" and
    unanswered required questions.
    """
    if not marks:
        return []
    # Appending to per-severity lists keeps each group in order without a sort.
    # Most severe first, the order findings are listed in.
    groups: dict[str, list[Finding]] = {key: [] for key in FINDING_SEVERITY.worst_first}
    unknown_severity = finding_severity(unknown_risk, None)
    unknown_group = groups[unknown_severity]
    unknown_due = due[unknown_severity]
    shown_risk = f"{round(unknown_risk, 2):g}"
    unanswered_text = (
        "This required question has no answer, so it is scored at risk "
        f"{shown_risk} until it is answered."
    )
    for item, fields, status, label in marks:
        if item is None:
            text = (
                unanswered_text
                if status == "unanswered"
                else (
                    f'The answer is "{label}", so the question is scored at risk {shown_risk} '
                    "until the vendor provides evidence."
                )
            )
            fkey, qkey, domain, title, recommendation = fields
            unknown_group.append(
                _tuple_new(
                    Finding,
                    (
                        fkey,
                        qkey,
                        domain,
                        unknown_severity,
                        title,
                        text,
                        recommendation,
                        unknown_due,
                    ),
                )
            )
            continue
        if item.knockout_entry is not None:
            knockouts.append(item.knockout_entry)
        if item.finding_fields is not None:
            severity = item.severity
            # Tuple concatenation: measurably faster than unpacking into a new tuple.
            groups[severity].append(_tuple_new(Finding, item.finding_fields + (due[severity],)))  # noqa: RUF005
    return [finding for group in groups.values() for finding in group]


def drivers_from_rows(
    rows: list[tuple[Any, ...] | None], sum_w: list[float], share: list[float]
) -> list[Driver]:
    """Each scored question's contribution to its domain score (w·r / Σw of the domain) and
    to the overall score (that × W_d / ΣW), sorted by overall contribution (full precision)
    descending, then by question key: `rows` is indexed in key order and the sort is stable.
    """
    drivers: list[Driver] = []
    for row in rows:
        if row is None:
            continue
        head, dom, wr = row
        dc = wr / sum_w[dom]
        drivers.append(_tuple_new(Driver, head + (dc, dc * share[dom])))  # noqa: RUF005
    drivers.sort(key=_overall_contribution, reverse=True)
    return drivers
