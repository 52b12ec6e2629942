"""Helpers for tests that invite people: the link as the invitee finds it in their mail."""

from __future__ import annotations

import re

from django.core import mail

LINK = re.compile(r"https?://[^\s]+/invitations/(?P<token>[A-Za-z0-9_-]+)/")


def token_in(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match["token"]


def last_token() -> str:
    """The token of the most recent invitation mail (Django's test mail outbox)."""
    assert mail.outbox, "no mail was sent"
    return token_in(mail.outbox[-1].body)


def invite(*, actor, organisation, email: str, role: str = "viewer", capture) -> str:
    """Invite through the service, run its after-commit mail, return the link's token."""
    from governance.accounts.services import invitation_create

    with capture(execute=True):
        invitation_create(actor=actor, organisation_id=organisation.pk, email=email, role=role)
    return last_token()
