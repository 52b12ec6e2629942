"""A deliberately plain implementation of the scoring rules of README.md ("Scoring").

It reads the questionnaire definition directly (no compiled lookups), recomputes everything on
every call and shares no code with governance.scoring. It serves two purposes: the baseline in
bench/bench_engine.py, and an oracle in tests/scoring/test_properties.py — two independent
readings of the rules that must agree on random inputs.

It assumes valid input (validation is tested separately) but normalises answers itself.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
from typing import Any

ENGINE_VERSION = "1.0.0"
DOMAINS = [
    ("privacy", "Data privacy and governance"),
    ("geopolitics", "Geopolitics and jurisdiction"),
    ("lock_in", "Lock-in and portability"),
    ("security", "Security and model risk"),
    ("regulatory", "Regulatory compliance"),
    ("cost", "Cost and sustainability"),
]
LEVELS = ["low", "moderate", "high", "critical"]
SEVERITY_ORDER = ["critical", "high", "medium", "low"]
FACTORS = [
    ("data", "data_categories"),
    ("criticality", "business_criticality"),
    ("ai_act", "eu_ai_act_class"),
    ("people", "people_affected"),
    ("exposure", "exposure"),
]


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(definition: dict) -> str:
    d = copy.deepcopy(definition)
    d.pop("status", None)
    if "description" not in d:
        d["description"] = ""
    for section in d["sections"]:
        if "description" not in section:
            section["description"] = ""
        for question in section["questions"]:
            defaults = {"help": "", "required": True, "weight": 1, "evidence": [], "references": {}}
            for key, value in defaults.items():
                if key not in question:
                    question[key] = value
    return sha256(canonical(d))


def all_questions(definition: dict) -> list[dict]:
    result = []
    for section in definition["sections"]:
        for question in section["questions"]:
            result.append(question)
    return result


def find_option(question: dict, key: str) -> dict:
    for option in question["options"]:
        if option["key"] == key:
            return option
    raise KeyError(key)


def normalise(question: dict, value: Any) -> Any:
    if question["type"] == "multiple_choice":
        return sorted(set(value))
    if question["type"] == "number" and isinstance(value, float) and value == int(value):
        return int(value)
    return value


def level_for(value: float, thresholds: list) -> int:
    """1..4"""
    level = 1
    for t in thresholds:
        if value >= t:
            level += 1
    return level


def severity_for(risk: float, knockout: str | None) -> str:
    if knockout == "critical":
        return "critical"
    if knockout == "high":
        return "high"
    if risk >= 75:
        return "high"
    if risk >= 50:
        return "medium"
    return "low"


def number_band(question: dict, value: float) -> tuple[int, dict]:
    bands = question["number"]["bands"]
    for i, band in enumerate(bands):
        if band["max"] is None or band["max"] >= value:
            return i, band
    raise ValueError("no band")


def date_band(question: dict, value: str, as_of: str) -> tuple[int, dict]:
    age = (datetime.date.fromisoformat(as_of) - datetime.date.fromisoformat(value)).days
    if age < 0:
        age = 0
    bands = question["date"]["bands"]
    for i, band in enumerate(bands):
        if band["max_age_days"] is None or band["max_age_days"] >= age:
            return i, band
    raise ValueError("no band")


def unknown_finding(question: dict, status: str, label: str, policy: dict) -> dict:
    risk = policy["unknown_risk"]
    severity = severity_for(risk, None)
    shown = f"{round(risk, 2):g}"
    if status == "unknown":
        text = (
            f'The answer is "{label}", so the question is scored at risk {shown} '
            "until the vendor provides evidence."
        )
    else:
        text = (
            f"This required question has no answer, so it is scored at risk {shown} "
            "until it is answered."
        )
    recommendation = "Obtain evidence from the vendor and answer the question."
    if question.get("evidence"):
        recommendation += " Evidence to request: " + "; ".join(question["evidence"]) + "."
    return {
        "key": question["key"] + ":unknown",
        "question": question["key"],
        "domain": question["domain"],
        "severity": severity,
        "title": "Unanswered: " + question["text"],
        "text": text,
        "recommendation": recommendation,
        "due_days": policy["finding_due_days"][severity],
    }


def option_finding(question: dict, suffix: str, item: dict, severity: str, policy: dict) -> dict:
    f = item["finding"]
    return {
        "key": question["key"] + ":" + suffix,
        "question": question["key"],
        "domain": question["domain"],
        "severity": severity,
        "title": f["title"],
        "text": f.get("text") or "",
        "recommendation": f.get("recommendation") or "",
        "due_days": policy["finding_due_days"][severity],
    }


def score_reference(definition: dict, answers: dict, context: dict, policy: dict) -> dict:
    questions = all_questions(definition)
    answers = {
        k: normalise(q, answers[k])
        for q in questions
        for k in [q["key"]]
        if answers.get(k) is not None
    }
    unknown_risk = policy["unknown_risk"]

    # Visibility, in questionnaire order.
    visible = {}
    for q in questions:
        rule = q.get("show_if")
        if rule is None:
            visible[q["key"]] = True
            continue
        parent = rule["question"]
        if not visible[parent] or parent not in answers:
            visible[q["key"]] = False
            continue
        given = answers[parent]
        chosen = given if isinstance(given, list) else [given]
        visible[q["key"]] = any(c in rule["in"] for c in chosen)

    # Each question's risk and status.
    scored = []  # dicts with question, risk, status, answer, label
    findings = []
    knockouts = []
    stats = {
        key: {"questions": 0, "scored": 0, "unknown": 0, "not_applicable": 0} for key, _ in DOMAINS
    }
    for q in questions:
        stats[q["domain"]]["questions"] += 1
        if not visible[q["key"]] or q["type"] == "text":
            continue
        weight = q.get("weight", 1)
        if q["key"] not in answers:
            if q.get("required", True):
                scored.append(
                    {
                        "q": q,
                        "risk": unknown_risk,
                        "status": "unanswered",
                        "answer": None,
                        "label": "Not answered",
                        "weight": weight,
                    }
                )
                findings.append(unknown_finding(q, "unanswered", "", policy))
            continue
        value = answers[q["key"]]
        if q["type"] in ("single_choice", "yes_no", "multiple_choice"):
            keys = value if isinstance(value, list) else [value]
            options = [find_option(q, k) for k in keys]
            label = "; ".join(o["label"] for o in options)
            special = options[0].get("special")
            if special == "not_applicable":
                stats[q["domain"]]["not_applicable"] += 1
                continue
            if special == "unknown":
                scored.append(
                    {
                        "q": q,
                        "risk": unknown_risk,
                        "status": "unknown",
                        "answer": value,
                        "label": label,
                        "weight": weight,
                    }
                )
                findings.append(unknown_finding(q, "unknown", label, policy))
                continue
            risk = max(o["risk"] for o in options)
            scored.append(
                {
                    "q": q,
                    "risk": risk,
                    "status": "scored",
                    "answer": value,
                    "label": label,
                    "weight": weight,
                }
            )
            for o in q["options"]:
                if o["key"] not in keys:
                    continue
                if o.get("knockout"):
                    title = o["finding"]["title"] if o.get("finding") else o["label"]
                    knockouts.append(
                        {
                            "question": q["key"],
                            "option": o["key"],
                            "severity": o["knockout"],
                            "title": title,
                        }
                    )
                if o.get("finding"):
                    sev = severity_for(o["risk"], o.get("knockout"))
                    findings.append(option_finding(q, o["key"], o, sev, policy))
        elif q["type"] == "number":
            index, band = number_band(q, value)
            unit = q["number"].get("unit") or ""
            label = f"{value} {unit}" if unit else str(value)
            scored.append(
                {
                    "q": q,
                    "risk": band["risk"],
                    "status": "scored",
                    "answer": value,
                    "label": label,
                    "weight": weight,
                }
            )
            if band.get("finding"):
                sev = severity_for(band["risk"], None)
                findings.append(option_finding(q, str(index), band, sev, policy))
        elif q["type"] == "date":
            index, band = date_band(q, value, context["as_of"])
            scored.append(
                {
                    "q": q,
                    "risk": band["risk"],
                    "status": "scored",
                    "answer": value,
                    "label": value,
                    "weight": weight,
                }
            )
            if band.get("finding"):
                sev = severity_for(band["risk"], None)
                findings.append(option_finding(q, str(index), band, sev, policy))

    # Domain scores.
    domain_score = {}
    domain_weight_sum = {}
    for key, _ in DOMAINS:
        mine = [s for s in scored if s["q"]["domain"] == key]
        stats[key]["scored"] = len([s for s in mine if s["status"] == "scored"])
        stats[key]["unknown"] = len([s for s in mine if s["status"] != "scored"])
        total_w = sum(s["weight"] for s in mine)
        domain_weight_sum[key] = total_w
        if mine:
            domain_score[key] = sum(s["weight"] * s["risk"] for s in mine) / total_w
        else:
            domain_score[key] = None

    # Overall residual risk.
    weights = policy["domain_weights"]
    used = [k for k, _ in DOMAINS if domain_score[k] is not None and weights[k] > 0]
    big_w = sum(weights[k] for k in used)
    overall = sum(weights[k] * domain_score[k] for k in used) / big_w if used else None
    if overall is None:
        band = level_for(unknown_risk, policy["residual_thresholds"])
        residual_band = None
    else:
        band = level_for(round(overall, 2), policy["residual_thresholds"])
        residual_band = LEVELS[band - 1]

    # Inherent risk.
    use_case = context["use_case"]
    ko_context = []
    if use_case is None:
        tier = policy["default_inherent_tier"]
        inherent = {"score": None, "tier": tier, "level": LEVELS[tier - 1], "factors": {}}
    else:
        pts = policy["inherent_points"]
        factors = {}
        for factor, field in FACTORS:
            if factor == "data":
                factors["data"] = max(pts["data"][c] for c in use_case[field])
            else:
                factors[factor] = pts[factor][use_case[field]]
        iw = policy["inherent_weights"]
        inh = sum(iw[f] * factors[f] for f, _ in FACTORS) / sum(iw[f] for f, _ in FACTORS)
        tier = level_for(round(inh, 2), policy["inherent_thresholds"])
        inherent = {
            "score": round(inh, 2),
            "tier": tier,
            "level": LEVELS[tier - 1],
            "factors": factors,
        }
        if use_case["eu_ai_act_class"] == "prohibited":
            ko_context.append(
                {
                    "question": "context.eu_ai_act_class",
                    "option": "prohibited",
                    "severity": "critical",
                    "title": "Prohibited AI practice",
                }
            )
    knockouts = ko_context + knockouts

    rating = policy["rating_matrix"][tier - 1][band - 1]
    severities = [k["severity"] for k in knockouts]
    if "critical" in severities:
        rating = "critical"
    elif "high" in severities and LEVELS.index(rating) < 2:
        rating = "high"
    decision = policy["decisions"][rating]
    if "critical" in severities:
        decision = "reject"

    drivers = []
    for s in scored:
        d = s["q"]["domain"]
        dc = s["weight"] * s["risk"] / domain_weight_sum[d]
        oc = dc * (weights[d] / big_w) if d in used else 0.0
        answer = s["answer"]
        drivers.append(
            {
                "question": s["q"]["key"],
                "text": s["q"]["text"],
                "domain": d,
                "answer": answer,
                "answer_label": s["label"],
                "risk": round(s["risk"], 2),
                "weight": round(s["weight"], 2),
                "status": s["status"],
                "domain_contribution": round(dc, 2),
                "overall_contribution": round(oc, 2),
                "exact": oc,
            }
        )
    drivers.sort(key=lambda x: (-x["exact"], x["question"]))
    for d in drivers:
        del d["exact"]
    findings.sort(key=lambda f: SEVERITY_ORDER.index(f["severity"]))

    doc = {
        "engine_version": ENGINE_VERSION,
        "questionnaire": {
            "key": definition["key"],
            "version": definition["version"],
            "content_hash": content_hash(definition),
        },
        "answers": dict(sorted(answers.items())),
        "context": context,
        "policy": policy,
    }
    return {
        "engine_version": ENGINE_VERSION,
        "input_hash": sha256(canonical(doc)),
        "overall": None if overall is None else round(overall, 2),
        "residual_band": residual_band,
        "inherent": inherent,
        "rating": rating,
        "recommended_decision": decision,
        "review_interval_days": policy["review_interval_days"][rating],
        "domains": {
            key: {
                "label": label,
                "score": None if domain_score[key] is None else round(domain_score[key], 2),
                "weight": round(weights[key], 2),
                **stats[key],
            }
            for key, label in DOMAINS
        },
        "drivers": drivers,
        "knockouts": knockouts,
        "findings": findings,
    }
