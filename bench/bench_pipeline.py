"""End-to-end scoring pipeline benchmark: PostgreSQL, Redis and a real Celery worker.

    DATABASE_URL=postgres://... REDIS_URL=redis://.../14 python bench/bench_pipeline.py [--json]

Prints, each measured in this run:
  * rescoring throughput through Redis and a worker (assessments/s) for a 100-question
    questionnaire, beside a straightforward per-answer ORM implementation of the same scoring
    (one query per answer, one write per finding), and the ratio;
  * database queries per scored assessment of rescore_batch at 20 and at 200 questions;
  * a crash run: the worker is SIGKILLed in the middle of rescoring 1,000 assessments, a new
    one is started, and the run must end with 1,000 new results and no duplicates.

Everything is created in a throw-away organisation that is deleted at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import signal
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.worker import Worker  # noqa: E402  (needs ROOT on the path)

DOMAINS = ("privacy", "geopolitics", "lock_in", "security", "regulatory", "cost")
VISIBILITY_TIMEOUT = 4
TARGET_THROUGHPUT = 100.0
TARGET_RATIO = 10.0


def _finding(subject: str) -> dict:
    return {
        "title": f"Weakness in {subject}",
        "text": f"The vendor's answer on {subject} leaves a material gap.",
        "recommendation": f"Agree contractual controls for {subject} and verify them.",
    }


def build_definition(questions: int, key: str) -> dict:
    """A questionnaire shaped like the library: choice, yes/no, multiple choice and number
    questions spread over the six domains, with findings on the risky options."""
    rng = random.Random(questions)
    items = []
    for n in range(questions):
        domain = DOMAINS[n % len(DOMAINS)]
        subject = f"{domain} control {n}"
        q = {
            "key": f"{domain}.q{n:03d}",
            "text": f"How does the vendor handle {subject}?",
            "type": "single_choice",
            "domain": domain,
            "weight": rng.choice([1, 2, 3, 5]),
            "evidence": ["SOC 2 Type II report"],
        }
        kind = n % 10
        if kind < 6:
            q["options"] = [
                {"key": "strong", "label": "Strong", "risk": 0},
                {"key": "partial", "label": "Partial", "risk": 40},
                {"key": "weak", "label": "Weak", "risk": 80, "finding": _finding(subject)},
                {"key": "unknown", "label": "Don't know", "risk": 75, "special": "unknown"},
            ]
        elif kind < 8:
            q["type"] = "yes_no"
            q["options"] = [
                {"key": "yes", "label": "Yes", "risk": 90, "finding": _finding(subject)},
                {"key": "no", "label": "No", "risk": 0},
            ]
        elif kind == 8:
            q["type"] = "multiple_choice"
            q["options"] = [
                {"key": "a", "label": "A", "risk": 0},
                {"key": "b", "label": "B", "risk": 30},
                {"key": "c", "label": "C", "risk": 70, "finding": _finding(subject)},
            ]
        else:
            q["type"] = "number"
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
        items.append(q)
    return {
        "key": key,
        "version": "1.0.0",
        "title": f"Benchmark questionnaire ({questions} questions)",
        "description": "",
        "status": "published",
        "sections": [{"key": "main", "title": "Main", "questions": items}],
    }


def random_answers(definition: dict, rng: random.Random) -> dict:
    answers = {}
    for q in definition["sections"][0]["questions"]:
        if q["type"] == "number":
            answers[q["key"]] = rng.choice([10, 60, 200])
        elif q["type"] == "multiple_choice":
            answers[q["key"]] = sorted(rng.sample(["a", "b", "c"], rng.randint(1, 2)))
        else:
            keys = [o["key"] for o in q["options"]]
            answers[q["key"]] = rng.choices(keys, [6, 3, 1, 0.3][: len(keys)])[0]
    return answers


def _fail_setup(message: str) -> None:
    print(f"bench_pipeline: {message}", file=sys.stderr)
    sys.exit(2)


def check_environment() -> tuple[str, str]:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        _fail_setup(
            "needs PostgreSQL: set DATABASE_URL=postgres://... (and REDIS_URL=redis://...)."
        )
    if not redis_url.startswith("redis://"):
        _fail_setup("needs Redis: set REDIS_URL=redis://host:6379/<db>.")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception as exc:
        _fail_setup(f"Redis at {redis_url} is not reachable ({exc}).")
    return database_url, redis_url


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production, and as the worker runs: with DEBUG on, Django would log (and render)
    # every query of the baseline, slowing it down and flattering the ratio.
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


class Bench:
    def __init__(self, assessments: int, baseline: int, concurrency: int, batch_size: int):
        from governance.accounts.models import Organisation

        self.n = assessments
        self.baseline_n = baseline
        self.concurrency = concurrency
        self.batch_size = batch_size
        self.tag = uuid.uuid4().hex[:8]
        self.org = Organisation.objects.create(name=f"Pipeline bench {self.tag}")
        self.policy_version = 1
        self.rng = random.Random(2026)
        self.use_cases = self._use_cases()

    # --- data ---------------------------------------------------------------------------

    def _use_cases(self):
        from governance.vendors.models import Offering, UseCase, Vendor

        vendor = Vendor.objects.create(
            organisation=self.org, name="Bench vendor", headquarters_country="US"
        )
        offering = Offering.objects.create(
            vendor=vendor,
            name="Bench API",
            kind="hosted_api",
            deployment="vendor_cloud",
            pricing_model="usage_based",
        )
        self.vendor = vendor
        self.offering = offering
        made = []
        for i, (data, crit, act) in enumerate(
            [
                (["internal"], "low", "minimal"),
                (["personal", "confidential"], "high", "limited"),
                (["confidential"], "medium", "minimal"),
                (["personal"], "critical", "high"),
            ]
        ):
            made.append(
                UseCase.objects.create(
                    organisation=self.org,
                    offering=offering,
                    name=f"Use {i}",
                    purpose="Benchmark",
                    data_categories=data,
                    business_criticality=crit,
                    eu_ai_act_class=act,
                    people_affected="many",
                    exposure="internal",
                )
            )
        return made

    def questionnaire(self, questions: int):
        from governance.questionnaires.models import Questionnaire
        from governance.scoring import definition_content_hash

        definition = build_definition(questions, f"bench-{questions}-{self.tag}")
        return Questionnaire.objects.create(
            organisation=self.org,
            key=definition["key"],
            version="1.0.0",
            version_order=[1, 0, 0],
            title=definition["title"],
            status="published",
            content_hash=definition_content_hash(definition),
            definition=definition,
            question_count=questions,
        )

    def assessments(self, questionnaire, count: int) -> list[int]:
        """Scored-ready assessments with every question answered, written in bulk."""
        from django.db import transaction
        from django.utils import timezone

        from governance.assessments.models import Answer, Assessment, AssessmentStatus

        now = timezone.now()
        with transaction.atomic():
            rows = Assessment.objects.bulk_create(
                Assessment(
                    organisation=self.org,
                    vendor=self.vendor,
                    offering=self.offering,
                    use_case=self.use_cases[i % len(self.use_cases)],
                    questionnaire=questionnaire,
                    title=f"Bench {i}",
                    status=AssessmentStatus.SCORED,
                    submitted_at=now,
                )
                for i in range(count)
            )
            answers = []
            for a in rows:
                for key, value in random_answers(questionnaire.definition, self.rng).items():
                    answers.append(
                        Answer(assessment=a, question_key=key, value=value, updated_at=now)
                    )
            Answer.objects.bulk_create(answers, batch_size=5000)
        return [a.pk for a in rows]

    def new_policy(self) -> int:
        """A new policy version, so every assessment gets a new input hash and result."""
        from governance.assessments.models import ScoringPolicy
        from governance.scoring import DEFAULT_POLICY

        self.policy_version += 1
        body = json.loads(json.dumps(DEFAULT_POLICY))
        body["version"] = self.policy_version
        body["unknown_risk"] = 70 + self.policy_version
        ScoringPolicy.objects.create(
            organisation=self.org, version=self.policy_version, body=body, note="bench"
        )
        return self.policy_version

    def results_with(self, version: int, ids: list[int] | None = None) -> int:
        from governance.assessments.models import ScoreResult

        qs = ScoreResult.objects.filter(organisation=self.org, policy_version=version)
        if ids is not None:
            qs = qs.filter(assessment_id__in=ids)
        return qs.count()

    # --- measurements -------------------------------------------------------------------

    def queries_per_assessment(self, questions: int, count: int = 100) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from governance.assessments.models import Assessment, AssessmentStatus
        from governance.assessments.pipeline import rescore_many

        ids = self.assessments(self.questionnaire(questions), count)
        figures = {}
        for label in ("first_scoring", "rescoring"):
            self.new_policy()
            with CaptureQueriesContext(connection) as ctx:
                stats = rescore_many(ids)
            assert stats["created"] == count, stats
            figures[label] = len(ctx.captured_queries) / count
        figures["questions"] = questions
        figures["batch"] = count
        # Out of the way of the throughput runs, which rescore the whole organisation.
        Assessment.objects.filter(pk__in=ids).update(status=AssessmentStatus.IN_PROGRESS)
        return figures

    def enqueue(self, ids: list[int]) -> None:
        from governance.assessments.tasks import rescore_batch

        for start in range(0, len(ids), self.batch_size):
            rescore_batch.apply_async(args=(ids[start : start + self.batch_size],))

    def wait_for(self, version: int, ids: list[int], worker: Worker, timeout: float) -> float:
        started = time.perf_counter()
        deadline = time.monotonic() + timeout
        while self.results_with(version, ids) < len(ids):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"only {self.results_with(version, ids)}/{len(ids)} scored:\n{worker.log()}"
                )
            if worker.process is None or worker.process.poll() is not None:
                raise RuntimeError(f"worker died:\n{worker.log()}")
            time.sleep(0.02)
        return time.perf_counter() - started

    def pipeline_throughput(self, ids: list[int], worker: Worker) -> dict:
        from governance.assessments.services import rescore_request

        figures = {}
        for label in ("first_scoring", "rescoring"):
            version = self.new_policy()
            started = time.perf_counter()
            if label == "rescoring":
                # The product's own path: the service a policy change or `manage.py rescore`
                # calls, which enqueues rescore_batch tasks of batch_size assessments.
                enqueued = rescore_request(organisation_id=self.org.pk, batch_size=self.batch_size)
                assert enqueued == len(ids), enqueued
            else:
                self.enqueue(ids)
            self.wait_for(version, ids, worker, timeout=120)
            elapsed = time.perf_counter() - started
            figures[label] = {"seconds": round(elapsed, 3), "per_second": len(ids) / elapsed}
        return figures

    def baseline_throughput(self, ids: list[int]) -> dict:
        """The straightforward implementation: one query per answer, one write per finding."""
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from governance.assessments.models import (
            Answer,
            Assessment,
            Finding,
            ScoreResult,
            ScoringPolicy,
        )
        from governance.assessments.selectors import scoring_context
        from governance.scoring import compile_questionnaire, input_document, score

        version = self.new_policy()
        compiled_by_id = {}

        def score_one(pk: int) -> None:
            with transaction.atomic():
                a = Assessment.objects.select_for_update().get(pk=pk)
                questionnaire = a.questionnaire
                if questionnaire.pk not in compiled_by_id:
                    compiled_by_id[questionnaire.pk] = compile_questionnaire(
                        questionnaire.definition
                    )
                compiled = compiled_by_id[questionnaire.pk]
                answers = {}
                for q in compiled.questions:
                    answer = Answer.objects.filter(assessment=a, question_key=q.key).first()
                    if answer is not None and answer.value is not None:
                        answers[q.key] = answer.value
                policy = ScoringPolicy.objects.filter(organisation=a.organisation).latest("version")
                context = scoring_context(a)
                outcome = score(compiled, answers, context=context, policy=policy.body).to_dict()
                result, _ = ScoreResult.objects.get_or_create(
                    assessment=a,
                    input_hash=outcome["input_hash"],
                    defaults={
                        "organisation": a.organisation,
                        "engine_version": outcome["engine_version"],
                        "policy_version": policy.version,
                        "questionnaire_key": compiled.key,
                        "questionnaire_version": compiled.version,
                        "overall": outcome["overall"],
                        "residual_band": outcome["residual_band"],
                        "inherent_tier": outcome["inherent"]["tier"],
                        "inherent_score": outcome["inherent"]["score"],
                        "rating": outcome["rating"],
                        "recommended_decision": outcome["recommended_decision"],
                        "domain_scores": {k: d["score"] for k, d in outcome["domains"].items()},
                        "outcome": outcome,
                        "inputs": input_document(compiled, answers, context, policy.body),
                        "duration_ms": 0,
                        "reason": "rescore",
                    },
                )
                today = timezone.localdate()
                for f in outcome["findings"]:
                    Finding.objects.update_or_create(
                        assessment=a,
                        key=f["key"],
                        defaults={
                            "organisation": a.organisation,
                            "result": result,
                            "question_key": f["question"],
                            "domain": f["domain"],
                            "severity": f["severity"],
                            "title": f["title"][:300],
                            "text": f["text"],
                            "recommendation": f["recommendation"],
                        },
                        create_defaults={
                            "organisation": a.organisation,
                            "result": result,
                            "question_key": f["question"],
                            "domain": f["domain"],
                            "severity": f["severity"],
                            "title": f["title"][:300],
                            "text": f["text"],
                            "recommendation": f["recommendation"],
                            "due_date": today + dt.timedelta(days=f["due_days"]),
                        },
                    )
                a.latest_result = result
                a.scored_at = timezone.now()
                a.save()

        # Queries are counted on a few assessments apart from the timed ones: counting turns
        # on Django's query log, which would slow the timed loop down.
        counted, timed = ids[:3], ids[3:]
        with CaptureQueriesContext(connection) as ctx:
            for pk in counted:
                score_one(pk)
        started = time.perf_counter()
        for pk in timed:
            score_one(pk)
        elapsed = time.perf_counter() - started
        assert self.results_with(version, ids) == len(ids)
        return {
            "assessments": len(timed),
            "seconds": round(elapsed, 3),
            "per_second": len(timed) / elapsed,
            "queries_per_assessment": len(ctx.captured_queries) / len(counted),
        }

    def pipeline_queries_in_worker_equivalent(self, ids: list[int]) -> float:
        """Queries per assessment of the same rescore_batch calls the worker makes."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from governance.assessments.pipeline import rescore_many

        self.new_policy()
        with CaptureQueriesContext(connection) as ctx:
            for start in range(0, len(ids), self.batch_size):
                rescore_many(ids[start : start + self.batch_size])
        return len(ctx.captured_queries) / len(ids)

    def crash_run(self, ids: list[int], worker: Worker) -> dict:
        """SIGKILL the worker while it holds an open rescoring transaction, restart it."""
        from django.db import connection

        from governance.assessments.models import Finding, ScoreResult

        version = self.new_policy()
        self.enqueue(ids)
        in_transaction = 0
        stored_at_kill = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            stored = self.results_with(version, ids)
            if stored >= len(ids):
                break
            if stored >= self.batch_size // 2 or stored > 0:
                # Freeze the worker and look for its open transaction in PostgreSQL.
                worker.signal(signal.SIGSTOP)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND pid <> pg_backend_pid() AND xact_start "
                        "IS NOT NULL AND backend_type = 'client backend'"
                    )
                    in_transaction = cursor.fetchone()[0]
                stored_at_kill = self.results_with(version, ids)
                if in_transaction and stored_at_kill < len(ids):
                    break
                worker.signal(signal.SIGCONT)
            time.sleep(0.01)
        worker.kill()
        killed_mid_batch = bool(in_transaction) and 0 < stored_at_kill < len(ids)
        # Redis hands the killed worker's unacknowledged batches to the next consumer once
        # their visibility timeout has passed; the new worker restores them at start.
        time.sleep(VISIBILITY_TIMEOUT + 0.5)
        worker.start()
        self.wait_for(version, ids, worker, timeout=120)
        results = ScoreResult.objects.filter(organisation=self.org, assessment_id__in=ids)
        per_version = results.filter(policy_version=version)
        distinct = per_version.values("assessment_id").distinct().count()
        findings = Finding.objects.filter(organisation=self.org, assessment_id__in=ids)
        finding_dupes = (
            findings.count() - findings.values("assessment_id", "key").distinct().count()
        )
        result_dupes = (
            results.count() - results.values("assessment_id", "input_hash").distinct().count()
        )
        return {
            "assessments": len(ids),
            "killed_mid_batch": killed_mid_batch,
            "results_stored_when_killed": stored_at_kill,
            "results_after_restart": per_version.count(),
            "distinct_assessments": distinct,
            "duplicate_results": result_dupes,
            "duplicate_findings": finding_dupes,
            "ok": killed_mid_batch
            and per_version.count() == len(ids)
            and distinct == len(ids)
            and result_dupes == 0
            and finding_dupes == 0,
        }

    def cleanup(self) -> None:
        from governance.assessments.models import Assessment, Finding, ScoreResult
        from governance.vendors.models import Vendor

        Finding.objects.filter(organisation=self.org).delete()
        Assessment.objects.filter(organisation=self.org).update(latest_result=None)
        ScoreResult.objects.filter(organisation=self.org).delete()
        Assessment.objects.filter(organisation=self.org).delete()
        Vendor.objects.filter(organisation=self.org).delete()
        self.org.delete()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--assessments", type=int, default=1000)
    parser.add_argument(
        "--baseline", type=int, default=33, help="assessments for the baseline (3 counted)"
    )
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark data")
    args = parser.parse_args(argv)

    _, redis_url = check_environment()
    setup_django()
    import redis

    # The benchmark consumes this Redis database's queues: start from empty ones.
    redis.Redis.from_url(redis_url).flushdb()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_pipeline_{os.getpid()}.log"
    worker = Worker(
        redis_url,
        log_path,
        concurrency=args.concurrency,
        env={
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "LOG_LEVEL": "WARNING",
            # As in production: with DEBUG on, Django re-renders every statement (several
            # MB per batch of results) into its query log.
            "DEBUG": "0",
        },
    )
    bench = Bench(args.assessments, args.baseline, args.concurrency, args.batch_size)
    report: dict = {"assessments": args.assessments, "questions": 100}
    try:
        started = time.perf_counter()
        report["queries"] = {
            "20_questions": bench.queries_per_assessment(20),
            "200_questions": bench.queries_per_assessment(200),
        }
        ids = bench.assessments(bench.questionnaire(100), args.assessments)
        report["setup_seconds"] = round(time.perf_counter() - started, 1)
        worker.start()
        pipeline = bench.pipeline_throughput(ids, worker)
        report["pipeline"] = pipeline
        report["pipeline"]["queries_per_assessment"] = bench.pipeline_queries_in_worker_equivalent(
            ids
        )
        report["baseline"] = bench.baseline_throughput(ids[: args.baseline])
        report["ratio"] = pipeline["rescoring"]["per_second"] / report["baseline"]["per_second"]
        report["crash"] = bench.crash_run(ids, worker)
    finally:
        worker.kill()
        if not args.keep:
            bench.cleanup()
        with contextlib.suppress(OSError):
            log_path.unlink()
        redis.Redis.from_url(redis_url).flushdb()

    q20, q200 = report["queries"]["20_questions"], report["queries"]["200_questions"]
    # Throughput depends on what else the machine runs; the load average puts it in context.
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report["cpus"] = os.cpu_count()
    report["targets"] = {
        "pipeline_at_least_100_per_s": pipeline["rescoring"]["per_second"] >= TARGET_THROUGHPUT,
        "at_least_10x_baseline": report["ratio"] >= TARGET_RATIO,
        "queries_constant_20_vs_200": q20["rescoring"] == q200["rescoring"]
        and q20["first_scoring"] == q200["first_scoring"],
        "crash_run_ok": report["crash"]["ok"],
    }
    if args.json:
        print(json.dumps(report, indent=2, default=float))
    else:
        print_report(report, args)
    return 0 if all(report["targets"].values()) else 1


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_report(report: dict, args) -> None:
    p, b, t = report["pipeline"], report["baseline"], report["targets"]
    q20, q200 = report["queries"]["20_questions"], report["queries"]["200_questions"]
    crash = report["crash"]
    load = ", ".join(f"{x:.1f}" for x in report["load_average"])
    print(f"Machine: {report['cpus']} CPUs, load average {load} (1, 5, 15 min) at the end.")
    print(
        f"Pipeline through Redis + worker (concurrency {args.concurrency}, batches of "
        f"{args.batch_size}), {report['assessments']} assessments x 100 questions:"
    )
    print(
        f"  first scoring        {p['first_scoring']['per_second']:8.1f} assessments/s "
        f"({p['first_scoring']['seconds']:.2f} s)"
    )
    print(
        f"  rescoring            {p['rescoring']['per_second']:8.1f} assessments/s "
        f"({p['rescoring']['seconds']:.2f} s)   target >= {TARGET_THROUGHPUT:.0f}: "
        f"{_mark(t['pipeline_at_least_100_per_s'])}"
    )
    print(
        f"  queries/assessment   {p['queries_per_assessment']:8.3f}  (rescore_batch, "
        f"{args.batch_size} per batch)"
    )
    print(f"Baseline, per-answer ORM ({b['assessments']} assessments, in-process):")
    print(f"  rescoring            {b['per_second']:8.1f} assessments/s")
    print(f"  queries/assessment   {b['queries_per_assessment']:8.1f}")
    print(
        f"Ratio pipeline / baseline: {report['ratio']:.1f}x   target >= {TARGET_RATIO:.0f}x: "
        f"{_mark(t['at_least_10x_baseline'])}"
    )
    print(f"Queries per assessment, rescore_batch of {q20['batch']} (in-process):")
    for label in ("first_scoring", "rescoring"):
        print(f"  {label:<20} 20 questions {q20[label]:.3f}   200 questions {q200[label]:.3f}")
    print(f"  constant: {_mark(t['queries_constant_20_vs_200'])}")
    print(
        f"Crash run: SIGKILL with {crash['results_stored_when_killed']}/{crash['assessments']} "
        f"stored and a batch transaction open ({crash['killed_mid_batch']}); after restart "
        f"{crash['results_after_restart']} results for {crash['distinct_assessments']} "
        f"assessments, {crash['duplicate_results']} duplicate results, "
        f"{crash['duplicate_findings']} duplicate findings: {_mark(t['crash_run_ok'])}"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
