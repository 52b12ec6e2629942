"""The audit-trail reads: an object's events as they stood at a moment, in one organisation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from governance.accounts.audit import audit_record
from governance.accounts.models import AuditEvent, Organisation
from governance.accounts.selectors import audit_latest, audit_trail

pytestmark = pytest.mark.django_db


def record(people, obj, action: str, *, organisation=None) -> AuditEvent:
    organisation = organisation or people.org
    return audit_record(actor=people.admin, organisation_id=organisation.pk, action=action, obj=obj)


def test_the_trail_holds_the_named_objects_events_oldest_first(people):
    first = record(people, people.org, "organisation.rename")
    second = record(people, people.admin, "user.update")
    record(people, people.other_org, "organisation.rename")  # not asked for

    trail = audit_trail(
        organisation_id=people.org.pk, objects=[people.org, people.admin], until=timezone.now()
    )

    assert [event.pk for event in trail] == [first.pk, second.pk]


def test_the_trail_ends_at_its_moment_and_stays_in_its_organisation(people):
    kept = record(people, people.org, "organisation.rename")
    moment = timezone.now()
    record(people, people.org, "organisation.rename")  # after the moment
    record(people, people.org, "organisation.rename", organisation=people.other_org)

    trail = audit_trail(organisation_id=people.org.pk, objects=[people.org], until=moment)

    assert [event.pk for event in trail] == [kept.pk]


def test_no_objects_means_no_events(people):
    record(people, people.org, "organisation.rename")
    assert audit_trail(organisation_id=people.org.pk, objects=[], until=timezone.now()) == []


def test_the_latest_event_of_an_action_by_a_moment(people):
    record(people, people.org, "organisation.rename")
    latest = record(people, people.org, "organisation.rename")
    record(people, people.org, "organisation.delete")
    moment = timezone.now()
    record(people, people.org, "organisation.rename")  # after the moment

    found = audit_latest(
        organisation_id=people.org.pk, obj=people.org, action="organisation.rename", until=moment
    )

    assert found is not None and found.pk == latest.pk
    other = Organisation.objects.create(name="Elsewhere")
    assert audit_latest(organisation_id=people.org.pk, obj=other, action="x", until=moment) is None
