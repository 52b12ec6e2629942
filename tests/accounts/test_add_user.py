import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from governance.accounts.models import AuditEvent, Membership, Organisation

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


def test_it_creates_user_organisation_and_membership(capsys):
    call_command("add_user", "alice", "--org", "Acme", "--role", "assessor", "--password", PASSWORD)
    user = get_user_model().objects.get(username="alice")
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert membership.organisation.name == "Acme"
    assert membership.role == "assessor"
    assert "Created alice as assessor of Acme" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="membership.create").count() == 1


def test_it_reuses_an_existing_organisation():
    Organisation.objects.create(name="Acme")
    call_command("add_user", "bob", "--org", "Acme", "--role", "viewer", "--password", PASSWORD)
    assert Organisation.objects.count() == 1


def test_it_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("GOVERNANCE_USER_PASSWORD", PASSWORD)
    call_command("add_user", "carol", "--org", "Acme", "--role", "reviewer")
    assert get_user_model().objects.get(username="carol").check_password(PASSWORD)


def test_it_prompts_for_the_password_in_a_terminal(monkeypatch):
    monkeypatch.setattr("os.isatty", lambda fd: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    call_command("add_user", "dave", "--org", "Acme", "--role", "admin")
    assert get_user_model().objects.get(username="dave").check_password(PASSWORD)


def test_it_rejects_mismatched_prompted_passwords(monkeypatch):
    answers = iter([PASSWORD, "something-else-entirely"])
    monkeypatch.setattr("os.isatty", lambda fd: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="do not match"):
        call_command("add_user", "erin", "--org", "Acme", "--role", "admin")
    assert not get_user_model().objects.filter(username="erin").exists()


def test_it_rejects_an_unknown_role():
    with pytest.raises(CommandError, match="Unknown role 'boss'; choose one of: admin, assessor"):
        call_command("add_user", "frank", "--org", "Acme", "--role", "boss", "--password", PASSWORD)
    assert not get_user_model().objects.filter(username="frank").exists()
    assert not Organisation.objects.exists()


def test_it_rejects_a_duplicate_user_and_changes_nothing():
    call_command("add_user", "gina", "--org", "Acme", "--role", "viewer", "--password", PASSWORD)
    with pytest.raises(CommandError, match="A user named 'GINA' already exists"):
        call_command(
            "add_user", "GINA", "--org", "Other", "--role", "admin", "--password", PASSWORD
        )
    assert not Organisation.objects.filter(name="Other").exists()
    assert Membership.objects.count() == 1


def test_it_rejects_a_weak_password_with_the_reason():
    with pytest.raises(CommandError, match="password: This password is too short"):
        call_command("add_user", "hank", "--org", "Acme", "--role", "viewer", "--password", "abc")
    assert not get_user_model().objects.filter(username="hank").exists()


def test_it_requires_a_password_when_not_interactive(monkeypatch):
    monkeypatch.delenv("GOVERNANCE_USER_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)
    with pytest.raises(CommandError, match="No password given"):
        call_command("add_user", "ivy", "--org", "Acme", "--role", "viewer")
