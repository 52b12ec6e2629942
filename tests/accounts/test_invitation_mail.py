"""The invitation really leaves through SMTP: a real mail server process (aiosmtpd) receives
it, with the link that opens the accept page."""

from __future__ import annotations

import mailbox
import socket
import subprocess
import sys
import time
from email.message import Message

import pytest
from django.test import Client
from django.urls import reverse

from governance.accounts.models import Membership
from governance.accounts.services import invitation_create
from tests.accounts.invite import token_in


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the mail server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the mail server did not listen on port {port}")


@pytest.fixture
def smtp_server(tmp_path, settings):
    """A real SMTP server in its own process, storing what it receives in a Maildir, with
    Django's SMTP backend pointed at it. Yields the Maildir."""
    maildir = tmp_path / "maildir"
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Mailbox",
            str(maildir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.DEFAULT_FROM_EMAIL = "governance@bank.example"
        yield mailbox.Maildir(maildir, create=False)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def received(box: mailbox.Maildir, timeout: float = 10.0) -> list[Message]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = list(box)
        if messages:
            return messages
        time.sleep(0.05)
    return []


def test_the_invitation_arrives_at_a_real_mail_server_with_a_working_link(
    people, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://governance.bank.example"
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            actor=people.admin,
            organisation_id=people.org.pk,
            email="Risk.Lead@Vendor.example",
            role="reviewer",
        )
    messages = received(smtp_server)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "risk.lead@vendor.example"
    assert message["From"] == "governance@bank.example"
    assert message["Subject"] == "Invitation to join Acme Bank on AI Vendor Governance"
    body = message.get_payload(decode=True).decode()
    assert "https://governance.bank.example/invitations/" in body
    assert "as reviewer" in body

    # The link from the mail opens the accept page, and works.
    token = token_in(body)
    client = Client()
    client.force_login(people.outsider)
    page = client.get(reverse("accounts:invitation-accept", args=[token]))
    assert "Join Acme Bank" in page.content.decode()
    client.post(reverse("accounts:invitation-accept", args=[token]))
    assert Membership.objects.get(user=people.outsider, organisation=people.org).role == "reviewer"


def test_a_mail_server_that_is_down_does_not_undo_the_invitation(
    people, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=people.admin, organisation_id=people.org.pk, email="x@example.com", role="viewer"
        )
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert "Could not send invitation" in caplog.text
