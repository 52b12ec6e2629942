"""In real headless Chromium: an admin invites someone of another organisation from the
members page; the invitee accepts from the link, stays where they were, and switches."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from governance.accounts.models import Membership
from tests.accounts.invite import token_in
from tests.web.test_browser import browser, log_in, new_page, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invitee_accepts_and_chooses_to_switch(
    live_server,
    people,
    new_page,  # noqa: F811 - the fixture imported above
    artifacts_dir,
):
    people.viewer.email = "viewer@acme.example"
    people.viewer.save()

    admin = new_page()
    log_in(admin, live_server, people.outsider, people.password)
    admin.get_by_role("link", name="Members").click()
    admin.get_by_label(re.compile(r"^E-mail address( \*)?$")).fill("viewer@acme.example")
    admin.get_by_label(re.compile(r"^Role( \*)?$")).select_option("assessor")
    admin.get_by_role("button", name="Send invitation").click()
    admin.get_by_text("Invitation sent to viewer@acme.example.").wait_for()
    pending = admin.get_by_role("region", name="Pending invitations")
    assert "viewer@acme.example" in pending.inner_text()
    shot(admin, artifacts_dir, "members-invited")
    assert not Membership.objects.filter(user=people.viewer, organisation=people.other_org)

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    path = f"/invitations/{token_in(link)}/"

    invitee = new_page()
    log_in(invitee, live_server, people.viewer, people.password)
    invitee.goto(f"{live_server.url}{path}")
    card = invitee.get_by_role("heading", name="Join Other Corp")
    card.wait_for()
    assert "as assessor" in invitee.locator("main").inner_text()
    shot(invitee, artifacts_dir, "invitation-accept")
    invitee.get_by_role("button", name="Join as viewer").click()
    invitee.get_by_role("heading", name="You joined Other Corp").wait_for()
    # Joined, but still working in Acme Bank until they choose otherwise.
    assert invitee.locator("#org-select option:checked").inner_text().startswith("Acme Bank")
    shot(invitee, artifacts_dir, "invitation-accepted")
    invitee.get_by_role("button", name="Switch to Other Corp").click()
    invitee.wait_for_url(f"{live_server.url}/")
    assert invitee.locator("#org-select option:checked").inner_text().startswith("Other Corp")

    # The choice is remembered at the next log-in.
    invitee.get_by_role("button", name="Log out").click()
    log_in(invitee, live_server, people.viewer, people.password)
    assert invitee.locator("#org-select option:checked").inner_text().startswith("Other Corp")
