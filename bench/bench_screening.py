"""Watchlist screening: time to screen a vendor against a list the size of the full
Consolidated Screening List, and to prepare that list once.

    .venv/bin/python bench/bench_screening.py [--json] [--entries 30000] [--vendors 200]

Pure Python, no database: the same Matcher the service uses, over synthetic listed names
(company-like, with aliases, deterministic). Baseline in the same run: the matcher's own rule
and weights applied to every listed name, without its word index.

Target: a vendor (three names) screened in ≤ 100 ms against 30,000 listed parties, so the
"Screen now" button answers at once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from governance.screening.matching import (  # noqa: E402
    DEFAULT_THRESHOLD,
    Candidate,
    Matcher,
    core,
    normalise,
    score,
)

TARGET_MS = 100.0
CONSONANTS = "bcdfghjklmnprstvwxz"
VOWELS = "aeiou"
PLACES = ["Beijing", "Shanghai", "Shenzhen", "Moscow", "Tehran", "Dubai", "Minsk", "Hangzhou"]
KINDS = ["Technology", "Trading", "Electronics", "Industrial", "Logistics", "Research", "Aviation"]
FORMS = ["Co., Ltd.", "LLC", "JSC", "Limited", "Inc.", "GmbH", "FZE"]


def company(rng: random.Random) -> str:
    # Invented brand words, so that names collide no more often than real ones do.
    brand = "".join(
        rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(3, 4))
    ).capitalize()
    parts = [rng.choice(PLACES)] if rng.random() < 0.5 else []
    parts += [brand, rng.choice(KINDS), rng.choice(FORMS)]
    return " ".join(parts)


def listed_names(entries: int, rng: random.Random) -> list[Candidate]:
    candidates = []
    for entry in range(entries):
        candidates.append(Candidate(entry, company(rng)))
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            candidates.append(Candidate(entry, company(rng)))
    return candidates


def baseline_match(matcher: Matcher, names: list[tuple[str, str]]):
    """The same rule and weights as the matcher, applied to every listed name."""
    found = set()
    for _field, value in names:
        query = tuple(dict.fromkeys(core(normalise(value)).split()))
        for index in range(len(matcher)):
            if score(query, matcher.words_of(index), matcher.weight) >= DEFAULT_THRESHOLD:
                found.add(index)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--entries", type=int, default=30_000)
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--baseline-vendors", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(20250116)
    candidates = listed_names(args.entries, rng)
    started = time.perf_counter()
    matcher = Matcher(candidates)
    prepare_s = time.perf_counter() - started

    # Vendors: a third are listed names slightly misspelt (hits), the rest unrelated.
    vendors = []
    for n in range(args.vendors):
        # One vendor in three is a listed name with one letter changed.
        name = rng.choice(candidates).name.replace("a", "e", 1) if n % 3 == 0 else company(rng)
        vendors.append(
            [("name", name), ("legal name", f"{name} Holdings"), ("parent", company(rng))]
        )

    timings, hits = [], 0
    for names in vendors:
        started = time.perf_counter()
        hits += bool(matcher.match(names))
        timings.append((time.perf_counter() - started) * 1000)

    baseline = []
    for names in vendors[: args.baseline_vendors]:
        started = time.perf_counter()
        baseline_match(matcher, names)
        baseline.append((time.perf_counter() - started) * 1000)

    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
    baseline_median = statistics.median(baseline)
    figures = {
        "listed_parties": args.entries,
        "listed_names": len(candidates),
        "prepare_seconds": round(prepare_s, 3),
        "vendors": args.vendors,
        "vendors_with_hits": hits,
        "ms_per_vendor_median": round(median, 2),
        "ms_per_vendor_p95": round(p95, 2),
        "baseline_ms_per_vendor": round(baseline_median, 1),
        "speedup": round(baseline_median / median, 1),
        "target_ms": TARGET_MS,
        "meets_target": median <= TARGET_MS,
        "python": platform.python_version(),
        "load_average": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"Watchlist of {args.entries:,} listed parties ({len(candidates):,} names): "
        f"prepared in {prepare_s:.2f} s"
    )
    print(
        f"  screening a vendor (3 names): {median:.1f} ms median, {p95:.1f} ms p95 "
        f"(target ≤ {TARGET_MS:.0f} ms); {hits}/{args.vendors} vendors with hits"
    )
    print(
        f"  baseline, the same rule on every listed name: {baseline_median:.0f} ms "
        f"→ {baseline_median / median:.0f}× faster"
    )
    print(f"  load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
