"""Rows that are jobs: a `status` field on a `Lifecycle` enum, moved by conditional updates.

A worker claims a row with UPDATE … WHERE status IN (…): if nothing changed, another worker
has it or it is done. The states in that WHERE clause come from the enum's transition map,
so a conditional update and the lifecycle can never disagree. The row, not Celery's result
backend, is where a job stands.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
from functools import reduce
from typing import TypeVar, cast

from django.db.models import Manager, Q, QuerySet
from django.utils import timezone

from governance.lifecycle import Lifecycle

S = TypeVar("S", bound=Lifecycle)


def job_move(
    rows: QuerySet,
    target: Lifecycle,
    *,
    source: Iterable[str] | None = None,
    **values: object,
) -> int:
    """Move the rows that may go to `target` there (only those in `source`, when given),
    setting `values` too. Returns how many moved. Marking a job failed is a move."""
    allowed = type(target).sources(cast(str, target))
    if source is not None:
        narrowed = frozenset(source)
        if not narrowed <= allowed:
            raise ValueError(f"{sorted(narrowed - allowed)} may not move to {target!r}")
        allowed = narrowed
    return rows.filter(status__in=allowed).update(status=target, **values)


def job_claim(
    rows: QuerySet,
    running: Lifecycle,
    *,
    started_field: str,
    stale_after: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    **values: object,
) -> bool:
    """Claim a job: move it to `running` and stamp `started_field`. When the lifecycle lets
    `running` be entered again, a claim older than `stale_after` (or never stamped) is
    taken over, because its worker died. False when another worker holds it."""
    now = now or timezone.now()
    state = cast(str, running)  # a member of a Lifecycle TextChoices is its str value
    sources = type(running).sources(state)
    condition = Q(status__in=sources - {state})
    if state in sources:
        if stale_after is None:
            raise ValueError(f"taking over a {running!r} claim needs stale_after")
        condition |= Q(status=running, **{f"{started_field}__lt": now - stale_after})
        condition |= Q(status=running, **{f"{started_field}__isnull": True})
    return bool(rows.filter(condition).update(status=running, **{started_field: now}, **values))


def job_stale(
    rows: QuerySet | Manager,
    waiting: Mapping[S, tuple[str, dt.timedelta]],
    *,
    now: dt.datetime | None = None,
) -> QuerySet:
    """The rows left too long in a state: {state: (timestamp field, how long is too long)}.
    What a lost message or a dead worker left behind, for the periodic sweep."""
    now = now or timezone.now()
    conditions = [
        Q(status=state, **{f"{field}__lt": now - age}) for state, (field, age) in waiting.items()
    ]
    return rows.filter(reduce(operator.or_, conditions))
