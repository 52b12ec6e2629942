"""The published OpenAPI document is valid and complete."""

import warnings

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def test_the_schema_is_valid_openapi_without_generator_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 meta-schema
    assert not GENERATOR_STATS._warn_cache, GENERATOR_STATS._warn_cache
    assert not GENERATOR_STATS._error_cache, GENERATOR_STATS._error_cache


def test_every_operation_documents_its_errors_in_the_one_shape():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert "429" in codes, (method, path)
            if operation.get("security") != [{}] and path != "/api/v1/auth/token/":
                assert {"401", "403"} <= codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)


def test_the_schema_is_served_and_names_every_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for expected in (
        "/api/v1/auth/token/",
        "/api/v1/auth/tokens/{id}/revoke/",
        "/api/v1/vendors/",
        "/api/v1/offerings/",
        "/api/v1/use-cases/",
        "/api/v1/contacts/",
        "/api/v1/questionnaires/{id}/",
        "/api/v1/questionnaires/import/",
        "/api/v1/questionnaires/{id}/export/",
        "/api/v1/assessments/",
        "/api/v1/assessments/{id}/answers/",
        "/api/v1/assessments/{id}/evidence/",
        "/api/v1/assessments/{id}/submit/",
        "/api/v1/assessments/{id}/score/",
        "/api/v1/assessments/{id}/decision/",
        "/api/v1/assessments/{id}/report/",
        "/api/v1/reports/{id}/",
        "/api/v1/reports/{id}/pdf/",
        "/api/v1/findings/{id}/",
        "/api/v1/policy/",
        "/api/v1/members/",
    ):
        assert expected in paths, expected
