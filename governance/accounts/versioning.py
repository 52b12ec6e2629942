"""Each organisation's data version: a number that grows after every committed change to
the organisation's data, so a cached response can be keyed by it and never outlive it.

The version is a column on the organisation row, read in the same query as the user's
memberships (no extra query per request), and raised after the writing transaction commits:
raising it inside the transaction would hold the organisation's row lock until commit and
serialise every concurrent write in the organisation. A reader that slips in between the
commit and the raise caches the new data under the old version, which no reader uses once
the raise lands; cached entries also expire, which bounds the cost of a raise that never
happens (a process killed right after its commit).

What raises it:
- every save and delete of a row of an organisation (post_save / post_delete of every
  TenantModel and of AuditEvent, which every audited service write creates), and
- the writes that bypass model signals (bulk SQL in the scoring pipeline) by calling
  `data_changed()` themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

_PENDING = "_governance_changed_organisations"


def data_changed(organisation_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise these organisations' data versions once the current transaction commits
    (at once outside a transaction). Calls within one transaction cost one UPDATE."""
    ids = {int(pk) for pk in organisation_ids if pk is not None}
    if not ids:
        return
    connection = connections[using]
    pending = connection.__dict__.setdefault(_PENDING, set())
    pending.update(ids)
    # One callback per call rather than per transaction: a rolled-back transaction drops its
    # callbacks, and a "flush already scheduled" flag would then be wrong. The first
    # callback to run flushes everything pending; the rest find nothing to do. Ids left over
    # from a rolled-back transaction are raised by the next commit: a harmless cache miss.
    transaction.on_commit(lambda: _flush(using), using=using)


def _flush(using: str) -> None:
    from .models import Organisation

    connection = connections[using]
    ids = connection.__dict__.get(_PENDING)
    if not ids:
        return
    ids = sorted(ids)
    connection.__dict__[_PENDING] = set()
    try:
        Organisation.objects.using(using).filter(pk__in=ids).update(
            data_version=F("data_version") + 1
        )
    except DatabaseError:
        # The write itself has committed; failing its response now would invite a retry
        # that writes twice. Cached entries expire on their own.
        logger.exception("Could not raise the data version of organisations %s", ids)


def _on_row_change(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    organisation_id = getattr(instance, "organisation_id", None)
    if organisation_id is not None:
        data_changed([organisation_id], using=using)


def connect_signals() -> None:
    """Watch every model that belongs to an organisation (called once, from AppConfig.ready)."""
    from django.apps import apps

    from .models import AuditEvent
    from .tenancy import TenantModel

    for model in apps.get_models():
        if issubclass(model, TenantModel) or model is AuditEvent:
            uid = f"data-version-{model._meta.label_lower}"
            post_save.connect(_on_row_change, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_on_row_change, sender=model, dispatch_uid=f"{uid}-delete")
