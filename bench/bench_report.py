"""PDF report rendering: time, pages, overhead over WeasyPrint alone, peak memory.

    .venv/bin/python bench/bench_report.py [--json] [--runs 3] [--questions 100]

Builds a scored 100-question assessment (with the real engine) in a throw-away SQLite
database, then in the same run times
  * our whole pipeline — context from the stored result, Django template, WeasyPrint layout,
    JSON attachment, PDF/A-3b — and
  * WeasyPrint alone rendering the very same HTML to a plain PDF, and
  * WeasyPrint alone rendering the report's words as plain paragraphs (its pace on text
    alone, the reference for what the layout itself costs),
and reports the median of each and their ratio. Peak memory (RSS high-water mark) is measured
in a child process that renders a ~30-page report and nothing else.

Targets: a ~20-page report in ≤ 2 s; overhead over WeasyPrint alone ≤ 15 %; peak RSS of the
rendering process ≤ 250 MB for a ~30-page report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS_20_PAGES = 2.0
TARGET_OVERHEAD = 0.15
TARGET_PEAK_MB = 250


def setup_django(workdir: str) -> None:
    # A private SQLite file: the benchmark never touches the developer's database.
    os.environ.pop("DATABASE_URL", None)
    os.environ["VAR_DIR"] = workdir
    os.environ["MEDIA_ROOT"] = str(Path(workdir) / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_result(questions: int, *, long_comments: bool):
    from django.contrib.auth import get_user_model

    from governance.accounts.models import Membership, Organisation
    from tests.reports.factories import CORE_QUESTIONS, core_definition, scored_assessment

    user_model = get_user_model()
    org = Organisation.objects.create(name="Benchmark Bank")
    users = {}
    for role in ("admin", "assessor", "reviewer", "viewer"):
        users[role] = user_model.objects.create_user(username=f"bench-{role}")
        Membership.objects.create(user=users[role], organisation=org, role=role)
    people = SimpleNamespace(org=org, **users)
    # core questions + generated ones + one text question = `questions`
    definition = core_definition(extra_questions=questions - len(CORE_QUESTIONS) - 1)
    return scored_assessment(people, definition=definition, long_comments=long_comments)


def weasyprint_alone(html: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of WeasyPrint rendering the HTML to a plain PDF."""
    wall, cpu, _pages = weasyprint_pages(html)
    return wall, cpu


def weasyprint_pages(html: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, pages) of WeasyPrint rendering the HTML to a plain PDF."""
    from weasyprint import HTML

    from governance.reports.rendering import base_url

    started, cpu = time.perf_counter(), time.process_time()
    document = HTML(string=html, base_url=base_url()).render()
    document.write_pdf()
    return time.perf_counter() - started, time.process_time() - cpu, len(document.pages)


def plain_text_html(pdf: bytes) -> str:
    """The report's own words as plain paragraphs, in its font, size and page margins.

    This is what "WeasyPrint's own pace" means for this much text: the same words with no
    cards, pills, tables or charts. The gap between it and the report is the layout's cost.
    """
    from html import escape

    from governance.reports.verify import read_pdf

    reader, _attachment = read_pdf(pdf)
    lines = [
        line.strip()
        for page in reader.pages
        for line in (page.extract_text() or "").splitlines()
        if line.strip()
    ]
    # About six printed lines a paragraph, as in running prose.
    paragraphs = [" ".join(lines[i : i + 6]) for i in range(0, len(lines), 6)]
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="reports/report.css"></head>'
        f"<body>{body}</body></html>"
    )


def pipeline(result) -> tuple[float, float, int, str, int]:
    """(wall s, CPU s, pages, html, bytes) of our whole pipeline for one stored result."""
    from governance.reports.rendering import render_assessment

    started, cpu = time.perf_counter(), time.process_time()
    rendered = render_assessment(result)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return wall, cpu, rendered.page_count, rendered.html, len(rendered.data)


def child_memory(questions: int) -> None:
    """Runs in a fresh interpreter: render one ~30-page report, print the RSS high-water mark."""
    with tempfile.TemporaryDirectory(prefix="bench-report-") as workdir:
        setup_django(workdir)
        result = build_result(questions, long_comments=True)
        seconds, _cpu, pages, _html, size = pipeline(result)
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        print(
            json.dumps(
                {"pages": pages, "seconds": seconds, "bytes": size, "peak_rss_mb": peak_kib / 1024}
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median)")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--save", metavar="PDF", help="also write the benchmarked report here")
    parser.add_argument("--child-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        child_memory(args.questions)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-report-") as workdir:
        setup_django(workdir)
        from governance.reports.rendering import harfbuzz_subsetting, render_assessment

        result = build_result(args.questions, long_comments=False)
        # Warm-up: templates compiled, fonts loaded and caches filled for both sides.
        _s, _c, pages, html, size = pipeline(result)
        report = render_assessment(result).data
        if args.save:
            Path(args.save).write_bytes(report)
        weasyprint_alone(html)
        plain_html = plain_text_html(report)
        weasyprint_pages(plain_html)
        ours, alone, ours_cpu, alone_cpu, plain_cpu = [], [], [], [], []
        plain_pages = 0
        for _ in range(args.runs):
            # Interleaved, so a busy machine slows both sides alike.
            seconds, cpu, pages, html, size = pipeline(result)
            ours.append(seconds)
            ours_cpu.append(cpu)
            seconds_alone, cpu_alone = weasyprint_alone(html)
            alone.append(seconds_alone)
            alone_cpu.append(cpu_alone)
            _wall, cpu_plain, plain_pages = weasyprint_pages(plain_html)
            plain_cpu.append(cpu_plain)
        hb = harfbuzz_subsetting()

    child = subprocess.run(
        [sys.executable, __file__, "--child-memory", "--questions", str(args.questions)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    try:
        memory = json.loads(child.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        print(child.stderr[-3000:], file=sys.stderr)
        return 1

    # CPU time is what the render costs; wall time also counts whatever else the machine
    # is doing. Targets are judged on CPU time so a busy machine does not fake a regression.
    ours_median = statistics.median(ours)
    alone_median = statistics.median(alone)
    cpu_median = statistics.median(ours_cpu)
    alone_cpu_median = statistics.median(alone_cpu)
    overhead = cpu_median / alone_cpu_median - 1
    per_20_pages = cpu_median / pages * 20
    plain_cpu_median = statistics.median(plain_cpu)
    plain_per_20_pages = plain_cpu_median / plain_pages * 20
    figures = {
        "questions": args.questions,
        "pages": pages,
        "pdf_bytes": size,
        "seconds": round(ours_median, 3),
        "cpu_seconds": round(cpu_median, 3),
        "cpu_seconds_per_page": round(cpu_median / pages, 4),
        "cpu_seconds_per_20_pages": round(per_20_pages, 3),
        "weasyprint_alone_seconds": round(alone_median, 3),
        "weasyprint_alone_cpu_seconds": round(alone_cpu_median, 3),
        "ratio_to_weasyprint_alone": round(cpu_median / alone_cpu_median, 3),
        "wall_ratio_to_weasyprint_alone": round(ours_median / alone_median, 3),
        "overhead_percent": round(overhead * 100, 1),
        "plain_text_pages": plain_pages,
        "plain_text_cpu_seconds": round(plain_cpu_median, 3),
        "plain_text_cpu_seconds_per_20_pages": round(plain_per_20_pages, 3),
        "memory_report_pages": memory["pages"],
        "peak_rss_mb": round(memory["peak_rss_mb"], 1),
        "harfbuzz_subsetting": hb,
        "runs": args.runs,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "targets": {
            "seconds_per_20_pages": TARGET_SECONDS_20_PAGES,
            "overhead_percent": TARGET_OVERHEAD * 100,
            "peak_rss_mb": TARGET_PEAK_MB,
        },
    }
    figures["meets_targets"] = (
        per_20_pages <= TARGET_SECONDS_20_PAGES
        and overhead <= TARGET_OVERHEAD
        and memory["peak_rss_mb"] <= TARGET_PEAK_MB
    )
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"Assessment report, {args.questions} questions: {pages} pages, "
        f"{size / 1024:.0f} KiB, HarfBuzz subsetting: {'yes' if hb else 'NO'}"
    )
    print(
        f"  our pipeline (median of {args.runs}): {cpu_median:.2f} s CPU, {ours_median:.2f} s "
        f"wall ({cpu_median / pages * 1000:.0f} ms CPU/page; {per_20_pages:.2f} s per 20 "
        f"pages, target ≤ {TARGET_SECONDS_20_PAGES:.1f} s)"
    )
    print(
        f"  WeasyPrint alone, same HTML:   {alone_cpu_median:.2f} s CPU, {alone_median:.2f} s wall"
    )
    print(
        f"  ratio: {cpu_median / alone_cpu_median:.3f} → overhead {overhead * 100:+.1f} % "
        f"(target ≤ {TARGET_OVERHEAD * 100:.0f} %; wall-clock ratio "
        f"{ours_median / alone_median:.3f})"
    )
    print(
        f"  the same words as plain paragraphs (WeasyPrint alone): {plain_pages} pages, "
        f"{plain_cpu_median:.2f} s CPU ({plain_per_20_pages:.2f} s per 20 pages): the report's "
        f"layout costs {cpu_median / plain_cpu_median:.1f}× its text"
    )
    print(
        f"  peak RSS rendering a {memory['pages']}-page report: "
        f"{memory['peak_rss_mb']:.0f} MB (target ≤ {TARGET_PEAK_MB} MB)"
    )
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
