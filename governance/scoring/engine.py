"""The scoring engine: answers + context + policy -> rating with its full explanation.

`score()` is the hot path (bulk re-scoring after a policy change, what-if views), so it walks
the precompiled plan once, validating and normalising answers inline, and assembles the
canonical JSON of the answers from fragments prepared at compile time instead of building and
re-sorting a dict. The rules are those of README.md ("Scoring"); bench/reference_engine.py
restates them plainly and property tests keep the two in agreement.

Bands and tiers are read from the score rounded to two decimals, so the published number and
its band always agree (a mean that is exactly 25 but computes as 24.999999999996 is
"moderate", as its published 25.0 says).
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left
from collections.abc import Mapping
from typing import Any, NamedTuple

from .answers import MAX_TEXT_LENGTH, AnswerError, InvalidAnswer, check_value, is_iso_date
from .context import read_context
from .domains import (
    DOMAIN_KEYS,
    DOMAIN_LABELS,
    FACTOR_FIELDS,
    INHERENT_FACTORS,
    RATING_RANK,
    RATINGS,
    band_rank,
)
from .explain import drivers_from_rows, findings_and_knockouts, selection
from .hashing import ENGINE_VERSION, canonical_json, policy_json, sha256_hex
from .outcome import DomainScore, Inherent, Knockout, ScoreOutcome
from .structures import (
    KIND_CHOICE,
    KIND_DATE,
    KIND_MULTI,
    KIND_NUMBER,
    KIND_TEXT,
    SPECIAL_NA,
    CompiledQuestionnaire,
)

PROHIBITED_KNOCKOUT = Knockout(
    "context.eu_ai_act_class", "prohibited", "critical", "Prohibited AI practice"
)

_INF = float("inf")
_fromisoformat = dt.date.fromisoformat
_json_str = json.encoder.encode_basestring
_int_repr = int.__repr__
_float_repr = float.__repr__
_tuple_new = tuple.__new__
_PREFIX = '{"answers":{'
_ENGINE_JSON = ',"engine_version":' + _json_str(ENGINE_VERSION)
_N_DOMAINS = len(DOMAIN_KEYS)
# A knock-out lifts the rating to at least High, or to Critical when it says so.
_HIGH = RATING_RANK["high"]
_CRITICAL = RATING_RANK["critical"]


class Tally(NamedTuple):
    """What the pass over the questions collects, per domain (indexed like DOMAIN_KEYS) and
    per question (indexed by the question key's sorted position)."""

    sum_wr: list[float]  # Σ weight × risk of the scored questions
    sum_w: list[float]  # Σ weight of the scored questions
    n_rows: list[int]  # scored questions, "don't know" and unanswered included
    n_unknown: list[int]  # "don't know" and unanswered required questions
    n_na: list[int]  # "not applicable"
    # The driver row of each scored question: (driver head, domain index, weight × risk).
    rows: list[tuple[Any, ...] | None]
    # (option or band, or None for unknown/unanswered; unknown fields; status; answer label)
    marks: list[tuple[Any, Any, str, str]]
    # Canonical JSON of each given answer, for the input hash.
    parts: list[str | None]
    errors: list[AnswerError]


class Residual(NamedTuple):
    domain_scores: list[float | None]
    overall: float | None
    weight_total: float  # Σ policy weight of the domains that have a score
    band_index: int


def score(
    compiled: CompiledQuestionnaire,
    answers: Mapping[str, object],
    *,
    context: Mapping[str, Any],
    policy: Mapping[str, Any],
) -> ScoreOutcome:
    """Score one assessment.

    `policy` must have passed `validate_policy`. Answers may be raw (they are normalised
    here); `None` means not answered. Raises `InvalidAnswer` listing every unknown question
    key and invalid value (answers to hidden questions are ignored by the rules, not
    rejected), and `ValueError` for an invalid context.
    """
    as_of, use_case = read_context(context)
    unknown_risk = policy["unknown_risk"]
    tally = _tally(compiled, answers, as_of, unknown_risk)
    given = list(filter(None, tally.parts))
    if tally.errors or len(given) != len(answers):
        _raise_invalid(compiled, answers, tally.errors)
    residual = _residual(tally, policy, unknown_risk)
    inherent, knockouts = _inherent(use_case, policy)
    findings = findings_and_knockouts(
        tally.marks, knockouts, policy["finding_due_days"], unknown_risk
    )
    rating, critical_knockout = _rating(policy, inherent.tier, residual.band_index, knockouts)
    return ScoreOutcome(
        engine_version=ENGINE_VERSION,
        input_hash=_input_hash(compiled, given, context, policy),
        overall=residual.overall,
        residual_band=RATINGS[residual.band_index] if residual.overall is not None else None,
        inherent=inherent,
        rating=rating,
        recommended_decision="reject" if critical_knockout else policy["decisions"][rating],
        review_interval_days=policy["review_interval_days"][rating],
        domains=_domain_scores(compiled, tally, residual, policy["domain_weights"]),
        drivers=tuple(_drivers(tally, residual, policy["domain_weights"])),
        knockouts=tuple(knockouts),
        findings=tuple(findings),
    )


def _tally(
    compiled: CompiledQuestionnaire,
    answers: Mapping[str, object],
    as_of: dt.date,
    unknown_risk: float,
) -> Tally:
    """One pass in questionnaire order, one branch per question kind.

    Every given answer is validated and normalised (answers to hidden questions too: they are
    part of the hashed input); common, already-normal values inline, anything else through
    check_value, which normalises it or explains what is wrong. This is the hot path, so it
    stays one loop over locals.
    """
    get = answers.get
    # Visibility is decided before the answers are checked: an invalid answer fails the whole
    # call, so it only matters for valid ones, and for those raw and normalised agree.
    hidden = compiled.hidden(answers)
    sum_wr = [0.0] * _N_DOMAINS
    sum_w = [0.0] * _N_DOMAINS
    n_rows = [0] * _N_DOMAINS
    n_unknown = [0] * _N_DOMAINS
    n_na = [0] * _N_DOMAINS
    rows: list[tuple[Any, ...] | None] = [None] * len(compiled.plan)
    marks: list[tuple[Any, Any, str, str]] = []
    parts: list[str | None] = [None] * len(compiled.plan)
    errors: list[AnswerError] = []

    # Unpacked in PlanEntry's field order (tests/scoring/test_engine.py holds the two equal).
    for q, key, kind, dom, w, req, look, key_json, rank, unknown_fields in compiled.plan:
        v: Any = get(key)
        shown = key not in hidden

        if v is None:
            if not (shown and req) or kind == KIND_TEXT:
                continue
            risk, status, label = unknown_risk, "unanswered", "Not answered"
            marks.append((None, unknown_fields, status, label))
            n_unknown[dom] += 1

        elif kind == KIND_CHOICE:
            opt = look.get(v) if type(v) is str else None
            if opt is None:
                v, bad = check_value(q, v)
                if bad:
                    _fail(errors, key, bad)
                    continue
                opt = look[v]
            parts[rank] = opt.answer_json
            if not shown:
                continue
            if opt.special_code:
                if opt.special_code == SPECIAL_NA:
                    n_na[dom] += 1
                    continue
                risk, status, label = unknown_risk, "unknown", opt.label
                marks.append((None, unknown_fields, status, label))
                n_unknown[dom] += 1
            else:
                # The row, risk and weight of a plain option are fixed by the definition.
                row = opt.scored_row
                if opt.flagged:
                    marks.append((opt, None, "scored", opt.label))
                sum_wr[dom] += row[2]
                sum_w[dom] += w
                n_rows[dom] += 1
                rows[rank] = row
                continue

        elif kind == KIND_NUMBER:
            limits, bands, low, high = look  # BandLookup
            t = type(v)
            if not (
                (
                    t is int
                    or (t is float and not v.is_integer() and v == v and v != _INF and v != -_INF)
                )
                and low <= v <= high
            ):
                v, bad = check_value(q, v)
                if bad:
                    _fail(errors, key, bad)
                    continue
            parts[rank] = key_json + (_float_repr(v) if type(v) is float else _int_repr(v))
            if not shown:
                continue
            band = bands[bisect_left(limits, v)]
            risk, status = band.risk, "scored"
            label = q.answer_label(v)
            if band.finding_fields is not None:
                marks.append((band, None, status, label))

        elif kind == KIND_DATE:
            try:
                day = _fromisoformat(v) if is_iso_date(v) else None
            except ValueError:
                day = None
            if day is None:
                v, bad = check_value(q, v)
                if bad:
                    _fail(errors, key, bad)
                    continue
                day = _fromisoformat(v)
            parts[rank] = key_json + _json_str(v)
            if not shown:
                continue
            age = (as_of - day).days
            limits, bands, _low, _high = look  # BandLookup
            band = bands[bisect_left(limits, age if age > 0 else 0)]
            risk, status, label = band.risk, "scored", v
            if band.finding_fields is not None:
                marks.append((band, None, status, label))

        elif kind == KIND_MULTI:
            _options, memo = look  # SelectionLookup
            try:
                sel = memo[tuple(v)] if type(v) is list else None
            except (KeyError, TypeError):
                sel = None
            if sel is None:
                v, bad = check_value(q, v)
                if bad:
                    _fail(errors, key, bad)
                    continue
                sel = selection(q, look, key_json, v)
            v, parts[rank], label, special_code, row, flagged = sel
            if not shown:
                continue
            if special_code:  # a special option is always chosen on its own
                if special_code == SPECIAL_NA:
                    n_na[dom] += 1
                    continue
                risk, status = unknown_risk, "unknown"
                marks.append((None, unknown_fields, status, label))
                n_unknown[dom] += 1
            else:
                for o in flagged:
                    marks.append((o, None, "scored", label))
                sum_wr[dom] += row[2]
                sum_w[dom] += w
                n_rows[dom] += 1
                rows[rank] = row
                continue

        else:  # text: validated and hashed, never scored
            if not (
                type(v) is str and len(v) <= MAX_TEXT_LENGTH and v.isascii() and "\x00" not in v
            ):
                v, bad = check_value(q, v)
                if bad:
                    _fail(errors, key, bad)
                    continue
            parts[rank] = key_json + _json_str(v)
            continue

        wr = w * risk
        sum_wr[dom] += wr
        sum_w[dom] += w
        n_rows[dom] += 1
        rows[rank] = ((key, q.text, q.domain, v, label, risk, w, status), dom, wr)

    return Tally(sum_wr, sum_w, n_rows, n_unknown, n_na, rows, marks, parts, errors)


def _fail(errors: list[AnswerError], key: str, problems: list[str]) -> None:
    errors.extend([AnswerError(key, "value", m) for m in problems])


def _raise_invalid(
    compiled: CompiledQuestionnaire, answers: Mapping[str, object], errors: list[AnswerError]
) -> None:
    """Raise InvalidAnswer with the value errors and every key that is not a question of
    this questionnaire; return if there is neither (some values were merely None)."""
    by_key = compiled.by_key
    for k in sorted((k for k in answers if k not in by_key), key=str):
        errors.append(AnswerError(str(k), "question", f'Unknown question "{k}".'))
    if errors:
        raise InvalidAnswer(errors)


def _residual(tally: Tally, policy: Mapping[str, Any], unknown_risk: float) -> Residual:
    """Domain scores and the overall residual risk (policy-weighted mean of the domains)."""
    weights = policy["domain_weights"]
    sum_wr, sum_w = tally.sum_wr, tally.sum_w
    domain_scores: list[float | None] = [None] * _N_DOMAINS
    num = 0.0
    den = 0.0
    for i, dkey in enumerate(DOMAIN_KEYS):
        if sum_w[i]:
            s = domain_scores[i] = sum_wr[i] / sum_w[i]
            wd = weights[dkey]
            if wd > 0:
                num += wd * s
                den += wd
    overall = num / den if den else None
    # No scorable domain means no evidence at all: rate it like "don't know".
    band_index = band_rank(
        round(overall, 2) if overall is not None else unknown_risk, policy["residual_thresholds"]
    )
    return Residual(domain_scores, overall, den, band_index)


def _inherent(
    use_case: Mapping[str, Any] | None, policy: Mapping[str, Any]
) -> tuple[Inherent, list[Knockout]]:
    """The use case's inherent risk tier, and the knock-out of a prohibited AI practice."""
    knockouts: list[Knockout] = []
    if use_case is None:
        tier = policy["default_inherent_tier"]
        return _tuple_new(Inherent, (None, tier, RATINGS[tier - 1], {})), knockouts
    points = policy["inherent_points"]
    iweights = policy["inherent_weights"]
    factors = {"data": max([points["data"][c] for c in use_case["data_categories"]])}
    for factor in INHERENT_FACTORS[1:]:
        factors[factor] = points[factor][use_case[FACTOR_FIELDS[factor]]]
    inum = 0.0
    iden = 0.0
    for factor in INHERENT_FACTORS:
        inum += iweights[factor] * factors[factor]
        iden += iweights[factor]
    iscore = inum / iden
    tier = band_rank(round(iscore, 2), policy["inherent_thresholds"]) + 1
    if use_case["eu_ai_act_class"] == "prohibited":
        knockouts.append(PROHIBITED_KNOCKOUT)
    return _tuple_new(Inherent, (iscore, tier, RATINGS[tier - 1], factors)), knockouts


def _rating(
    policy: Mapping[str, Any], tier: int, band_index: int, knockouts: list[Knockout]
) -> tuple[str, bool]:
    """The rating from the policy's matrix (inherent tier × residual band), lifted by the
    knock-outs; and whether a critical knock-out forces the recommendation to reject."""
    rank = RATING_RANK[policy["rating_matrix"][tier - 1][band_index]]
    critical_knockout = False
    for knockout in knockouts:
        if knockout.severity == "critical":
            critical_knockout = True
            rank = _CRITICAL
        elif rank < _HIGH:
            rank = _HIGH
    return RATINGS[rank], critical_knockout


def _drivers(tally: Tally, residual: Residual, weights: Mapping[str, Any]) -> list[Any]:
    den = residual.weight_total
    share = [weights[dkey] / den if den and weights[dkey] > 0 else 0.0 for dkey in DOMAIN_KEYS]
    return drivers_from_rows(tally.rows, tally.sum_w, share)


def _domain_scores(
    compiled: CompiledQuestionnaire,
    tally: Tally,
    residual: Residual,
    weights: Mapping[str, Any],
) -> tuple[DomainScore, ...]:
    counts = compiled.domain_question_counts
    n_rows, n_unknown, n_na = tally.n_rows, tally.n_unknown, tally.n_na
    return tuple(
        [
            _tuple_new(
                DomainScore,
                (
                    dkey,
                    DOMAIN_LABELS[dkey],
                    residual.domain_scores[i],
                    weights[dkey],
                    counts[i],
                    n_rows[i] - n_unknown[i],
                    n_unknown[i],
                    n_na[i],
                ),
            )
            for i, dkey in enumerate(DOMAIN_KEYS)
        ]
    )


def _input_hash(
    compiled: CompiledQuestionnaire,
    given: list[str],
    context: Mapping[str, Any],
    policy: Mapping[str, Any],
) -> str:
    """SHA-256 of the input document's canonical JSON, assembled from the answers' fragments
    (already in key order) instead of building and re-sorting a dict."""
    answers_json = ",".join(given)
    return sha256_hex(
        f'{_PREFIX}{answers_json}}},"context":{canonical_json(context)}{_ENGINE_JSON}'
        f',"policy":{policy_json(policy)},"questionnaire":{compiled.reference_json}}}'
    )
