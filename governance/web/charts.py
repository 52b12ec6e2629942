"""Geometry for the small inline SVG charts. Templates draw the shapes; this module only
turns scores into coordinates, so the pages need no JavaScript to show a chart."""

from __future__ import annotations

from collections.abc import Sequence

from governance.scoring import DEFAULT_THRESHOLDS
from governance.scoring.domains import band_for


def trend(results, *, width: int = 320, height: int = 120, pad: int = 14) -> dict | None:
    """Residual risk over time as a polyline: x spreads the results evenly, y is 0–100."""
    if not results:
        return None
    inner_w = width - 2 * pad
    inner_h = height - 2 * pad
    count = len(results)
    points = []
    for index, result in enumerate(results):
        x = pad + (inner_w * index / (count - 1) if count > 1 else inner_w / 2)
        y = pad + inner_h * (1 - max(0.0, min(100.0, result.overall)) / 100)
        points.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "score": result.overall,
                "rating": result.rating,
                "date": result.created_at,
            }
        )
    gridlines = [
        {"y": round(pad + inner_h * (1 - value / 100), 1), "label": value}
        for value in (0, 25, 50, 75, 100)
    ]
    return {
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "gridlines": gridlines,
        "left": pad,
        "right": width - pad,
        "latest": points[-1],
    }


def domain_bars(
    outcome: dict, thresholds: Sequence[float] = DEFAULT_THRESHOLDS, *, bar_max: int = 100
) -> list[dict]:
    """One bar per domain: width in percent of the track, and its band for the colour."""
    bars = []
    for key, domain in (outcome.get("domains") or {}).items():
        score = domain.get("score")
        bars.append(
            {
                "key": key,
                "label": domain.get("label", key),
                "score": score,
                "width": 0
                if score is None
                else round(max(0.0, min(100.0, score)) * bar_max / 100, 1),
                "band": band_for(score, thresholds),
                "weight": domain.get("weight"),
                "questions": domain.get("questions"),
                "scored": domain.get("scored"),
                "unknown": domain.get("unknown"),
            }
        )
    return bars
