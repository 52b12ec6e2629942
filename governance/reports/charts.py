"""Server-side charts for the PDF reports.

WeasyPrint runs no JavaScript, so every chart is drawn here as plain SVG markup (or, for the
text-heavy driver chart, an HTML table) and inlined in the HTML. Every piece of text that can
come from data is escaped; SVG labels are shortened rather than wrapped because SVG text
does not wrap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from governance.scoring.domains import RATING, RATINGS, band_for

# Same palette as the web app, so a rating looks the same on screen and on paper; keyed by
# the rating vocabulary (a test checks the keys).
RATING_COLOURS = {
    "low": "#1f7a3d",
    "moderate": "#b7791f",
    "high": "#c2410c",
    "critical": "#b91c1c",
}
RATING_TINTS = {
    "low": "#dcefe2",
    "moderate": "#f8ecd0",
    "high": "#fbe0d1",
    "critical": "#f6d5d5",
}
INK = "#1c2430"
MUTED = "#5b6675"
GRID = "#d8dee6"
ACCENT = "#1e3a8a"
FONT = 'font-family="Liberation Sans, sans-serif"'


def _shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _two_lines(text: str, width: int) -> tuple[str, str]:
    """Split a label over at most two lines at a word boundary; shorten the rest."""
    words = " ".join(str(text).split()).split(" ")
    first: list[str] = []
    while words and len(" ".join([*first, words[0]])) <= width:
        first.append(words.pop(0))
    if not first:  # one very long word
        return _shorten(text, width), ""
    return " ".join(first), _shorten(" ".join(words), width) if words else ""


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 9,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}" {FONT}>{escape(content)}</text>'
    )


def _svg(width: float, height: float, body: list[str], title: str) -> SafeString:
    # The viewBox makes the chart scale to its container; the title names it for
    # assistive technology and for anyone reading the PDF's text.
    return mark_safe(  # noqa: S308 - every data-derived string above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}">' + "".join(body) + "</svg>"
    )


def domain_bars(domains: Sequence[Mapping], thresholds: Sequence[float]) -> SafeString:
    """Horizontal bars, one per domain, coloured by the band each score falls in.

    `domains`: [{"label", "score" (None when nothing was scored), "weight"}].
    """
    label_w, bar_w, row_h, top = 190.0, 300.0, 21.0, 22.0
    width = label_w + bar_w + 60
    height = top + row_h * len(domains) + 20
    body: list[str] = []
    # Band backdrop: the reader sees at a glance which zone each bar ends in.
    edges = [0.0, *thresholds, 100.0]
    for index in range(4):
        x0 = label_w + bar_w * edges[index] / 100
        x1 = label_w + bar_w * edges[index + 1] / 100
        body.append(
            f'<rect x="{x0:.1f}" y="{top - 4:.1f}" width="{x1 - x0:.1f}" '
            f'height="{row_h * len(domains) + 4:.1f}" fill="{RATING_TINTS[RATINGS[index]]}" '
            'opacity="0.55"/>'
        )
        body.append(
            _text(
                (x0 + x1) / 2,
                top - 8,
                RATING.labels[RATINGS[index]],
                size=7.5,
                anchor="middle",
                fill=MUTED,
            )
        )
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        body.append(_text(x, height - 6, str(tick), size=7.5, anchor="middle", fill=MUTED))
    for row, domain in enumerate(domains):
        y = top + row * row_h
        body.append(
            _text(label_w - 8, y + row_h / 2 + 3, _shorten(domain["label"], 34), anchor="end")
        )
        score = domain.get("score")
        if score is None:
            body.append(_text(label_w + 6, y + row_h / 2 + 3, "not scored", size=8, fill=MUTED))
            continue
        colour = RATING_COLOURS[band_for(score, thresholds)]  # type: ignore[index]  # scored
        length = max(bar_w * min(score, 100) / 100, 1.5)
        body.append(
            f'<rect x="{label_w:.1f}" y="{y + 5:.1f}" width="{length:.1f}" '
            f'height="{row_h - 9:.1f}" rx="2" fill="{colour}"/>'
        )
        body.append(_text(label_w + length + 5, y + row_h / 2 + 3, f"{score:.1f}", weight="bold"))
    return _svg(width, height, body, "Risk by domain, 0 to 100")


def risk_matrix(
    matrix: Sequence[Sequence[str]],
    tier: int | None,
    band: str | None,
    *,
    counts: Sequence[Sequence[int]] | None = None,
) -> SafeString:
    """The policy's 4×4 rating matrix: inherent tier (rows, highest on top) × residual band.

    With `tier`/`band` the assessment's cell is ringed; with `counts` (portfolio heatmap)
    each cell shows how many vendors sit there.
    """
    cell, left, top = 62.0, 96.0, 14.0
    width = left + cell * 4 + 10
    height = top + cell * 4 + 48
    band_index = RATINGS.index(band) if band in RATINGS else None
    body: list[str] = []
    for row in range(4):
        tier_here = 4 - row
        y = top + row * cell
        body.append(
            _text(
                left - 8,
                y + cell / 2 + 3,
                f"{RATING.labels[RATINGS[tier_here - 1]]}",
                anchor="end",
                size=8.5,
            )
        )
        for col in range(4):
            x = left + col * cell
            rating = matrix[tier_here - 1][col]
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell:.1f}" height="{cell:.1f}" '
                f'fill="{RATING_TINTS[rating]}" stroke="#ffffff" stroke-width="2"/>'
            )
            body.append(
                _text(
                    x + cell / 2,
                    y + 13,
                    RATING.labels[rating],
                    size=7,
                    anchor="middle",
                    fill=RATING_COLOURS[rating],
                )
            )
            if counts is not None:
                count = counts[tier_here - 1][col]
                if count:
                    body.append(
                        f'<circle cx="{x + cell / 2:.1f}" cy="{y + cell / 2 + 6:.1f}" '
                        f'r="{min(10 + count * 2, 22):.1f}" fill="{RATING_COLOURS[rating]}"/>'
                    )
                    body.append(
                        _text(
                            x + cell / 2,
                            y + cell / 2 + 10,
                            str(count),
                            size=10,
                            anchor="middle",
                            weight="bold",
                            fill="#ffffff",
                        )
                    )
            elif tier_here == tier and col == band_index:
                body.append(
                    f'<circle cx="{x + cell / 2:.1f}" cy="{y + cell / 2 + 6:.1f}" r="13" '
                    f'fill="{RATING_COLOURS[rating]}" stroke="{INK}" stroke-width="2"/>'
                )
                body.append(
                    _text(
                        x + cell / 2,
                        y + cell / 2 + 9.5,
                        "◆",
                        size=9,
                        anchor="middle",
                        fill="#ffffff",
                    )
                )
    for col in range(4):
        body.append(
            _text(
                left + col * cell + cell / 2,
                top + cell * 4 + 14,
                RATING.labels[RATINGS[col]],
                size=8.5,
                anchor="middle",
            )
        )
    body.append(
        _text(
            left + cell * 2,
            top + cell * 4 + 34,
            "Residual risk (vendor controls) →",
            size=8.5,
            anchor="middle",
            weight="bold",
            fill=MUTED,
        )
    )
    body.append(
        f'<text x="12" y="{top + cell * 2:.1f}" font-size="8.5" font-weight="bold" '
        f'fill="{MUTED}" text-anchor="middle" transform="rotate(-90 12 {top + cell * 2:.1f})" '
        f"{FONT}>Inherent risk (use case) →</text>"
    )
    return _svg(width, height, body, "Inherent risk tier against residual risk band")


def driver_bars(drivers: Sequence[Mapping], *, limit: int = 8) -> SafeString:
    """Contribution of the top drivers to the overall residual score, in points.

    Drawn as an HTML table rather than SVG: its labels are whole sentences, and WeasyPrint
    lays out and draws SVG text one letter at a time, which made this one chart cost as much
    as two pages of questions. As HTML the labels are ordinary text runs (and wrap by
    themselves); the bars are plain boxes whose width is the share of the largest driver.
    """
    shown = [d for d in drivers if d.get("overall_contribution", 0) > 0][:limit]
    if not shown:
        return mark_safe(
            '<p class="bar-chart-empty muted">No question adds to the residual risk.</p>'
        )
    peak = max(d["overall_contribution"] for d in shown)
    rows = []
    for driver in shown:
        first, second = _two_lines(driver["title"], 52)
        label = escape(first) + (f"<br>{escape(second)}" if second else "")
        # 80 % of the cell at most, so the figure always fits beside the longest bar.
        share = max(80 * driver["overall_contribution"] / peak, 0.5)
        band = driver.get("band") if driver.get("band") in RATING_COLOURS else "high"
        rows.append(
            f'<tr><td class="bar-label">{label}</td><td class="bar-cell">'
            f'<span class="bar {band}" style="width: {share:.1f}%"></span>'
            f"<strong>+{driver['overall_contribution']:.1f}</strong></td></tr>"
        )
    return mark_safe(  # noqa: S308 - every data-derived string above went through escape()
        '<table class="bar-chart" aria-label="Top drivers of residual risk, in points">'
        + "".join(rows)
        + "</table>"
    )


def rating_distribution(counts: Mapping[str, int]) -> SafeString:
    """Vertical bars: how many vendors hold each rating."""
    col_w, chart_h, top, left = 70.0, 120.0, 16.0, 20.0
    width = left + col_w * 4 + 10
    height = top + chart_h + 30
    peak = max([*counts.values(), 1])
    body: list[str] = [
        f'<line x1="{left:.1f}" y1="{top + chart_h:.1f}" x2="{left + col_w * 4:.1f}" '
        f'y2="{top + chart_h:.1f}" stroke="{GRID}" stroke-width="1"/>'
    ]
    for index, rating in enumerate(RATINGS):
        count = counts.get(rating, 0)
        x = left + index * col_w + 12
        h = chart_h * count / peak
        body.append(
            f'<rect x="{x:.1f}" y="{top + chart_h - h:.1f}" width="{col_w - 24:.1f}" '
            f'height="{h:.1f}" rx="2" fill="{RATING_COLOURS[rating]}"/>'
        )
        body.append(
            _text(
                x + (col_w - 24) / 2,
                top + chart_h - h - 4,
                str(count),
                anchor="middle",
                weight="bold",
            )
        )
        body.append(
            _text(
                x + (col_w - 24) / 2,
                top + chart_h + 14,
                RATING.labels[rating],
                anchor="middle",
                size=8.5,
            )
        )
    return _svg(width, height, body, "Vendors by rating")
