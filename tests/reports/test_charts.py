"""The SVG charts: escaped labels, the assessment's cell marked, bands by threshold."""

from __future__ import annotations

from governance.reports import charts
from governance.scoring import DEFAULT_POLICY


def test_labels_are_escaped_and_shortened():
    svg = charts.driver_bars(
        [
            {
                "title": "<script>alert(1)</script> " + "word " * 40,
                "overall_contribution": 3.2,
                "band": "high",
            }
        ]
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "…" in svg


def test_the_matrix_marks_the_assessments_cell():
    svg = charts.risk_matrix(DEFAULT_POLICY["rating_matrix"], 3, "moderate")
    assert svg.count("<circle") == 1
    assert 'stroke="#1c2430"' in svg


def test_the_heatmap_counts_vendors():
    counts = [[0] * 4 for _ in range(4)]
    counts[0][0] = 2
    counts[3][3] = 5
    svg = charts.risk_matrix(DEFAULT_POLICY["rating_matrix"], None, None, counts=counts)
    assert svg.count("<circle") == 2
    assert ">5</text>" in svg and ">2</text>" in svg


def test_bands_follow_the_policy_thresholds():
    thresholds = [25, 50, 75]
    assert charts.band_for(24.99, thresholds) == "low"
    assert charts.band_for(25, thresholds) == "moderate"
    assert charts.band_for(74.9, thresholds) == "high"
    assert charts.band_for(75, thresholds) == "critical"
    assert charts.band_for(None, thresholds) is None


def test_domain_bars_show_unscored_domains():
    svg = charts.domain_bars(
        [{"label": "Cost", "score": None}, {"label": "Privacy", "score": 62.5}], [25, 50, 75]
    )
    assert "not scored" in svg and "62.5" in svg
