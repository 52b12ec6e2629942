"""Questionnaires through the API: the full definition, import and export."""

import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.questionnaires.models import Questionnaire
from tests.api import factories
from tests.api.mixins import ROLES, assert_conforms

IMPORT_URL = "/api/v1/questionnaires/import/"


def test_the_detail_shows_how_every_answer_scores(people, client_for):
    questionnaire = factories.questionnaire()
    response = client_for("viewer").get(f"/api/v1/questionnaires/{questionnaire.pk}/")
    assert response.status_code == 200
    assert_conforms(response)
    definition = response.json()["definition"]
    question = definition["sections"][0]["questions"][0]
    assert {"key", "text", "type", "required", "domain", "weight", "options"} <= set(question)
    always = next(o for o in question["options"] if o["key"] == "always")
    assert always == {
        "key": "always",
        "label": "Always",
        "risk": 100,
        "knockout": "critical",
        "finding": factories.FINDING,
    }
    number = definition["sections"][0]["questions"][2]
    assert number["number"]["bands"][-1]["max"] is None


def test_the_list_leaves_out_the_definition(people, client_for):
    factories.questionnaire()
    row = client_for("viewer").get("/api/v1/questionnaires/").json()["results"][0]
    assert "definition" not in row
    assert row["question_count"] == 4


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_import(people, client_for, role):
    text = yaml.safe_dump(factories.wide_definition(3, key="imported"))
    response = client_for(role).post(IMPORT_URL, {"text": text, "format": "yaml"}, format="json")
    assert response.status_code == (201 if role == "admin" else 403), response.content
    assert_conforms(response)
    if role == "admin":
        body = response.json()
        assert body["organisation"] == people.org.pk
        assert body["definition"]["key"] == "imported"


def test_an_import_by_file_upload(people, client_for):
    text = json.dumps(factories.wide_definition(2, key="uploaded"))
    upload = SimpleUploadedFile("uploaded.json", text.encode())
    response = client_for("admin").post(IMPORT_URL, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "uploaded.json"


def test_an_invalid_definition_lists_every_problem(people, client_for):
    definition = factories.wide_definition(2, key="Bad Key")
    definition["sections"][0]["questions"][1]["domain"] = "astrology"
    response = client_for("admin").post(
        IMPORT_URL, {"text": json.dumps(definition), "format": "json"}, format="json"
    )
    assert response.status_code == 400
    assert_conforms(response)
    problems = response.json()["errors"]["definition"]
    assert len(problems) >= 2
    assert not Questionnaire.objects.filter(organisation=people.org).exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "key: [unclosed", "format": "yaml"},
        {"text": "{", "format": "json"},
        {"text": "x", "format": "xml"},
        {"text": ["a"]},
        {"text": "a\x00b"},
    ],
)
def test_bad_imports_are_a_400(people, client_for, body):
    response = client_for("admin").post(IMPORT_URL, body, format="json")
    assert response.status_code == 400, response.content


def test_a_non_utf8_upload_is_a_400(people, client_for):
    upload = SimpleUploadedFile("q.yaml", b"\xff\xfe\x00garbage")
    response = client_for("admin").post(IMPORT_URL, {"file": upload}, format="multipart")
    assert response.status_code == 400


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_round_trips_to_the_same_content_hash(people, client_for, fmt):
    questionnaire = factories.questionnaire()
    client = client_for("admin")
    exported = client.get(f"/api/v1/questionnaires/{questionnaire.pk}/export/", {"fmt": fmt})
    assert exported.status_code == 200
    text = exported.content.decode()
    data = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    data["version"] = data["version"]  # unchanged content, imported into the organisation
    response = client.post(IMPORT_URL, {"text": text, "format": fmt}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["content_hash"] == questionnaire.content_hash
    assert (
        client.get(f"/api/v1/questionnaires/{questionnaire.pk}/export/", {"fmt": "xml"}).status_code
        == 400
    )


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("json", json.dumps({**factories.wide_definition(1, key="nul"), "title": "a\x00b"})),
        (
            "yaml",
            yaml.safe_dump(factories.wide_definition(1, key="nul")).replace(
                "title: 1 questions", 'title: "a\\0b"'
            ),
        ),
    ],
)
def test_a_nul_character_hidden_in_an_escape_is_a_400(people, client_for, fmt, text):
    # JSON's \\u0000 and YAML's \\0 escapes smuggle NUL past the raw-text check;
    # PostgreSQL would refuse to store it.
    response = client_for("admin").post(IMPORT_URL, {"text": text, "format": fmt}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
