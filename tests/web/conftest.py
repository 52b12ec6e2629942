from tests.web.fixtures import assessment, other_vendor, questionnaire, vendor  # noqa: F401
