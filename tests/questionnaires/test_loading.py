"""Loading the library into versioned rows, importing and exporting definitions."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from governance.questionnaires import definition as qdef
from governance.questionnaires.models import Questionnaire
from governance.questionnaires.services import (
    library_paths,
    questionnaire_export,
    questionnaire_import,
)

pytestmark = pytest.mark.django_db

SMALL = """\
key: tiny-check
version: 1.0.0
title: Tiny check
status: published
sections:
  - key: privacy
    title: Privacy
    questions:
      - key: privacy.training
        text: Does the vendor train on customer data?
        type: yes_no
        domain: privacy
        weight: 2
        options:
          - {key: "no", label: "No", risk: 0}
          - key: "yes"
            label: "Yes"
            risk: 80
            finding:
              title: Trains on customer data
              text: Customer content is used for training.
              recommendation: Negotiate an opt-out.
"""


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_library_loads_on_a_fresh_database(capsys):
    call_command("load_questionnaires")
    keys = set(Questionnaire.objects.values_list("key", flat=True))
    assert {"ai-vendor-core", "ai-vendor-quick-screen"} <= keys
    core = Questionnaire.objects.get(key="ai-vendor-core")
    assert core.status == "published"
    assert core.question_count >= 60
    assert core.published_at is not None
    assert core.content_hash == qdef.content_hash(core.definition)
    assert "created" in capsys.readouterr().out


def test_loading_twice_changes_nothing(capsys):
    call_command("load_questionnaires")
    before = list(Questionnaire.objects.values_list("pk", "content_hash"))
    call_command("load_questionnaires")
    assert list(Questionnaire.objects.values_list("pk", "content_hash")) == before
    assert capsys.readouterr().out.count("unchanged") == len(library_paths())


def test_a_new_version_is_published_beside_the_old_one(tmp_path):
    call_command("load_questionnaires", str(write(tmp_path, SMALL)))
    changed = SMALL.replace("version: 1.0.0", "version: 1.1.0").replace("weight: 2", "weight: 3")
    call_command("load_questionnaires", str(write(tmp_path, changed)))
    versions = Questionnaire.objects.filter(key="tiny-check").order_by("version_order")
    assert [q.version for q in versions] == ["1.0.0", "1.1.0"]
    assert versions[0].definition["sections"][0]["questions"][0]["weight"] == 2


def test_changing_a_published_version_is_refused_with_file_and_version(tmp_path):
    call_command("load_questionnaires", str(write(tmp_path, SMALL)))
    changed = SMALL.replace("weight: 2", "weight: 3")
    with pytest.raises(CommandError) as exc:
        call_command("load_questionnaires", str(write(tmp_path, changed)))
    message = str(exc.value)
    assert "tiny.yaml: version 1.0.0 of 'tiny-check' is already published" in message
    q = Questionnaire.objects.get(key="tiny-check")
    assert q.definition["sections"][0]["questions"][0]["weight"] == 2


def test_a_draft_may_be_replaced_and_then_published(tmp_path):
    draft = SMALL.replace("status: published", "status: draft")
    call_command("load_questionnaires", str(write(tmp_path, draft)))
    call_command(
        "load_questionnaires", str(write(tmp_path, draft.replace("weight: 2", "weight: 4")))
    )
    q = Questionnaire.objects.get(key="tiny-check")
    assert q.status == "draft"
    assert q.definition["sections"][0]["questions"][0]["weight"] == 4
    call_command(
        "load_questionnaires",
        str(write(tmp_path, SMALL.replace("weight: 2", "weight: 4"))),
    )
    q.refresh_from_db()
    assert q.status == "published"
    assert Questionnaire.objects.filter(key="tiny-check").count() == 1


def test_a_bad_file_names_its_path_and_problem(tmp_path):
    bad = SMALL.replace("risk: 80", "risk: 120")
    with pytest.raises(CommandError) as exc:
        call_command("load_questionnaires", str(write(tmp_path, bad)))
    assert "tiny.yaml: sections[0].questions[0].options[1].risk" in str(exc.value)
    assert not Questionnaire.objects.exists()


def test_a_missing_path_is_a_readable_error(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("load_questionnaires", str(tmp_path / "nope.yaml"))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_round_trips_to_the_same_hash(people, fmt):
    call_command("load_questionnaires")
    core = Questionnaire.objects.get(key="ai-vendor-core")
    text = questionnaire_export(core, fmt)
    imported = questionnaire_import(
        actor=people.admin, organisation_id=people.org.pk, text=text, fmt=fmt, source=f"c.{fmt}"
    )
    assert imported.pk != core.pk
    assert imported.organisation == people.org
    assert imported.content_hash == core.content_hash


def test_import_is_for_admins_only(people):
    with pytest.raises(PermissionDenied):
        questionnaire_import(
            actor=people.assessor,
            organisation_id=people.org.pk,
            text=SMALL,
            fmt="yaml",
            source="x.yaml",
        )
    assert not Questionnaire.objects.exists()


def test_import_reports_every_problem(people):
    bad = SMALL.replace("risk: 80", "risk: 120").replace("type: yes_no", "type: maybe")
    with pytest.raises(ValidationError) as exc:
        questionnaire_import(
            actor=people.admin,
            organisation_id=people.org.pk,
            text=bad,
            fmt="yaml",
            source="bad.yaml",
        )
    messages = exc.value.message_dict["definition"]
    assert any("type" in m for m in messages)
    assert len(messages) >= 1
    assert not Questionnaire.objects.exists()


def test_organisation_questionnaires_are_private(people):
    questionnaire_import(
        actor=people.admin, organisation_id=people.org.pk, text=SMALL, fmt="yaml", source="t.yaml"
    )
    assert Questionnaire.objects.for_user(people.viewer).filter(key="tiny-check").exists()
    assert not Questionnaire.objects.for_user(people.outsider).filter(key="tiny-check").exists()


def test_admin_import_and_export(admin_client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("tiny.yaml", SMALL.encode(), content_type="application/yaml")
    response = admin_client.post("/admin/questionnaires/questionnaire/import/", {"file": upload})
    assert response.status_code == 302
    q = Questionnaire.objects.get(key="tiny-check")
    response = admin_client.post(
        "/admin/questionnaires/questionnaire/",
        {"action": "export_json", "_selected_action": [q.pk]},
    )
    assert response.status_code == 200
    assert (
        qdef.content_hash(qdef.parse_definition(response.content.decode(), fmt="json", source="x"))
        == q.content_hash
    )
    bad = SimpleUploadedFile("bad.yaml", SMALL.replace("risk: 80", "risk: 120").encode())
    response = admin_client.post("/admin/questionnaires/questionnaire/import/", {"file": bad})
    assert response.status_code == 200
    assert "options[1].risk" in response.content.decode()
