"""Scoring engine throughput on a realistic 100-question questionnaire.

    .venv/bin/python bench/bench_engine.py [--json] [--seconds 3] [--answer-sets 300]

Measures governance.scoring.score() (which includes the input hash: canonical JSON +
SHA-256) on one core, score() followed by to_dict(), and bench/reference_engine.py on the same
inputs in the same run as the baseline. Before timing, both engines must agree on every answer
set, so the figures always compare two correct implementations.

Times are CPU time of this process, best of many short rounds, so that other work on a shared
machine does not leak into the figures; the sum(range(1000)) yardstick printed alongside
makes runs on different machines comparable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reference_engine import score_reference  # noqa: E402
from governance.scoring import DEFAULT_POLICY, compile_questionnaire, score  # noqa: E402

AS_OF = "2026-11-29"
# Questions per domain (sums to 100) and the mix of question types.
DOMAIN_SIZES = {
    "privacy": 20,
    "geopolitics": 16,
    "lock_in": 14,
    "security": 22,
    "regulatory": 18,
    "cost": 10,
}
TYPE_MIX = (
    ["single_choice"] * 55
    + ["yes_no"] * 15
    + ["multiple_choice"] * 10
    + ["number"] * 8
    + ["date"] * 6
    + ["text"] * 6
)


def _finding(subject: str) -> dict[str, str]:
    return {
        "title": f"Weakness in {subject}",
        "text": f"The vendor's answer on {subject} leaves a material gap.",
        "recommendation": f"Agree contractual controls for {subject} and verify them.",
    }


def _options(rng: random.Random, subject: str, knockout: bool) -> list[dict]:
    count = rng.randint(3, 5)
    risks = sorted(rng.sample(range(0, 101, 5), count))
    options = []
    for i, risk in enumerate(risks):
        opt: dict = {"key": f"level_{i}", "label": f"{subject}: level {i}", "risk": risk}
        if knockout and i == count - 1:
            opt["knockout"] = rng.choice(["high", "critical"])
        if risk >= 50 or "knockout" in opt:
            opt["finding"] = _finding(subject)
        options.append(opt)
    options.append({"key": "unknown", "label": "Don't know", "risk": 75, "special": "unknown"})
    if rng.random() < 0.4:
        options.append(
            {
                "key": "not_applicable",
                "label": "Not applicable",
                "risk": 0,
                "special": "not_applicable",
            }
        )
    return options


def build_definition(seed: int = 7) -> dict:
    """A 100-question questionnaire across the six domains, shaped like the real library."""
    rng = random.Random(seed)
    sections = []
    controllers: list[dict] = []
    for domain, size in DOMAIN_SIZES.items():
        questions = []
        for n in range(size):
            key = f"{domain}.q{n:02d}"
            subject = f"{domain.replace('_', ' ')} control {n}"
            qtype = rng.choice(TYPE_MIX)
            q: dict = {
                "key": key,
                "text": f"How does the vendor handle {subject}?",
                "help": "Ask for the contract clause or the audit report that shows it.",
                "type": qtype,
                "required": rng.random() < 0.85,
                "domain": domain,
                "weight": rng.choice([1, 1, 2, 2, 3, 5]),
                "evidence": ["Data processing agreement", "SOC 2 Type II report"],
                "references": {"nist_ai_rmf": ["GOVERN 6.1"], "iso_42001": ["A.10.3"]},
            }
            knockout = rng.random() < 0.04
            if qtype in ("single_choice", "multiple_choice"):
                q["options"] = _options(rng, subject, knockout)
            elif qtype == "yes_no":
                yes = {"key": "yes", "label": "Yes", "risk": 90, "finding": _finding(subject)}
                if knockout:
                    yes["knockout"] = "critical"
                q["options"] = [
                    yes,
                    {"key": "no", "label": "No", "risk": 0},
                    {"key": "unknown", "label": "Don't know", "risk": 75, "special": "unknown"},
                ]
            elif qtype == "number":
                q["number"] = {
                    "min": 0,
                    "max": 3650,
                    "unit": "days",
                    "bands": [
                        {"max": 30, "risk": 0},
                        {"max": 90, "risk": 30},
                        {"max": None, "risk": 80, "finding": _finding(subject)},
                    ],
                }
            elif qtype == "date":
                q["date"] = {
                    "bands": [
                        {"max_age_days": 365, "risk": 0},
                        {"max_age_days": 730, "risk": 40},
                        {"max_age_days": None, "risk": 80, "finding": _finding(subject)},
                    ]
                }
            if controllers and rng.random() < 0.12:
                parent = rng.choice(controllers)
                keys = [o["key"] for o in parent["options"] if "special" not in o]
                q["show_if"] = {
                    "question": parent["key"],
                    "in": rng.sample(keys, max(1, len(keys) // 2)),
                }
            elif qtype in ("single_choice", "yes_no") and rng.random() < 0.3:
                controllers.append(q)
            questions.append(q)
        sections.append(
            {
                "key": domain,
                "title": domain.replace("_", " ").title(),
                "description": "",
                "questions": questions,
            }
        )
    return {
        "key": "bench-core",
        "version": "1.0.0",
        "title": "Benchmark questionnaire",
        "description": "",
        "status": "published",
        "sections": sections,
    }


def _pick_option(q: dict, rng: random.Random) -> str:
    """Most vendors answer most questions well: lower-risk options are more likely, and
    "don't know" / "not applicable" are occasional."""
    specials = {o.get("special"): o["key"] for o in q["options"] if o.get("special")}
    roll = rng.random()
    if "unknown" in specials and roll < 0.05:
        return specials["unknown"]
    if "not_applicable" in specials and roll < 0.10:
        return specials["not_applicable"]
    plain = sorted((o for o in q["options"] if not o.get("special")), key=lambda o: o["risk"])
    weights = [0.35**i for i in range(len(plain))]
    return rng.choices(plain, weights)[0]["key"]


def random_answers(definition: dict, rng: random.Random) -> dict:
    as_of = dt.date.fromisoformat(AS_OF)
    answers: dict = {}
    for section in definition["sections"]:
        for q in section["questions"]:
            if rng.random() < 0.04:
                continue  # left unanswered
            qtype = q["type"]
            if qtype in ("single_choice", "yes_no"):
                answers[q["key"]] = _pick_option(q, rng)
            elif qtype == "multiple_choice":
                picks = [_pick_option(q, rng) for _ in range(rng.randint(1, 3))]
                special = {o["key"] for o in q["options"] if o.get("special")}
                # A special option can only be chosen on its own.
                answers[q["key"]] = (
                    [picks[0]]
                    if picks[0] in special
                    else list({k for k in picks if k not in special})
                )
            elif qtype == "number":
                answers[q["key"]] = rng.choice([rng.randint(0, 365), float(rng.randint(0, 90))])
            elif qtype == "date":
                answers[q["key"]] = (as_of - dt.timedelta(days=rng.randint(-30, 1000))).isoformat()
            else:
                answers[q["key"]] = "Described in the vendor's security whitepaper, section 4."
    return answers


def random_context(rng: random.Random) -> dict:
    if rng.random() < 0.1:
        return {"as_of": AS_OF, "use_case": None}
    return {
        "as_of": AS_OF,
        "use_case": {
            "data_categories": rng.sample(
                ["public", "internal", "confidential", "personal", "special_category"],
                rng.randint(1, 3),
            ),
            "business_criticality": rng.choice(["low", "medium", "high", "critical"]),
            "eu_ai_act_class": rng.choice(["minimal", "limited", "high"]),
            "people_affected": rng.choice(["few", "many", "very_many"]),
            "exposure": rng.choice(["internal", "customer_facing", "public"]),
        },
    }


def _throughput(fn, cases: list, seconds: float, batch: int) -> float:
    """Assessments per second of CPU time on one core: the best of many short rounds.

    CPU time (not wall time) and the best round keep the figure about the code rather than
    about whatever else the machine is doing; every round still covers `batch` different
    answer sets.
    """
    best = float("inf")
    deadline = time.perf_counter() + seconds
    gc.collect()
    start_index = 0
    while True:
        chunk = cases[start_index : start_index + batch]
        start_index = (start_index + batch) % len(cases)
        begin = time.process_time()
        for args in chunk:
            fn(*args)
        best = min(best, (time.process_time() - begin) / len(chunk))
        if time.perf_counter() >= deadline:
            break
    return 1 / best


def _calibration() -> float:
    """µs for sum(range(1000)): a yardstick for comparing figures across machines."""
    best = float("inf")
    for _ in range(200):
        begin = time.process_time()
        for _ in range(100):
            sum(range(1000))
        best = min(best, (time.process_time() - begin) / 100)
    return best * 1e6


def run(seconds: float, answer_sets: int) -> dict:
    rng = random.Random(2026)
    definition = build_definition()
    t0 = time.perf_counter()
    compiled = compile_questionnaire(definition)
    compile_ms = (time.perf_counter() - t0) * 1000
    policy = DEFAULT_POLICY
    cases = [(random_answers(definition, rng), random_context(rng)) for _ in range(answer_sets)]

    for answers, context in cases:
        ours = score(compiled, answers, context=context, policy=policy).to_dict()
        theirs = score_reference(definition, answers, context, policy)
        if ours != theirs:
            raise SystemExit("engine and reference disagree; run the property tests")

    def engine(answers, context):
        return score(compiled, answers, context=context, policy=policy)

    def engine_to_dict(answers, context):
        return score(compiled, answers, context=context, policy=policy).to_dict()

    def reference(answers, context):
        return score_reference(definition, answers, context, policy)

    engine_rate = _throughput(engine, cases, seconds, batch=50)
    engine_dict_rate = _throughput(engine_to_dict, cases, seconds / 2, batch=50)
    reference_rate = _throughput(reference, cases, seconds / 2, batch=5)
    questions = sum(len(s["questions"]) for s in definition["sections"])
    return {
        "python": platform.python_version(),
        "calibration_us": round(_calibration(), 2),
        "questions": questions,
        "answer_sets": answer_sets,
        "compile_ms": round(compile_ms, 2),
        "engine_per_s": round(engine_rate),
        "engine_us": round(1e6 / engine_rate, 1),
        "engine_with_to_dict_per_s": round(engine_dict_rate),
        "engine_with_to_dict_us": round(1e6 / engine_dict_rate, 1),
        "reference_per_s": round(reference_rate),
        "reference_us": round(1e6 / reference_rate, 1),
        "speedup": round(engine_rate / reference_rate, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--seconds", type=float, default=3.0, help="time budget of the main engine measurement"
    )
    parser.add_argument("--answer-sets", type=int, default=300)
    args = parser.parse_args(argv)
    figures = run(args.seconds, args.answer_sets)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"Questionnaire: {figures['questions']} questions, {figures['answer_sets']} answer "
        f"sets, compiled in {figures['compile_ms']} ms"
    )
    print(
        f"Python {figures['python']}; machine yardstick sum(range(1000)) = "
        f"{figures['calibration_us']} µs"
    )
    print(
        f"engine score() incl. input hash : {figures['engine_per_s']:>8,} assessments/s  "
        f"{figures['engine_us']:>8} µs each"
    )
    print(
        f"engine score() + to_dict()      : {figures['engine_with_to_dict_per_s']:>8,} "
        f"assessments/s  {figures['engine_with_to_dict_us']:>8} µs each"
    )
    print(
        f"reference engine (baseline)     : {figures['reference_per_s']:>8,} assessments/s  "
        f"{figures['reference_us']:>8} µs each"
    )
    print(f"engine / reference              : {figures['speedup']}x")


if __name__ == "__main__":
    main()
