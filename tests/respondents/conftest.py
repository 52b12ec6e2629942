import pytest

from tests.web.fixtures import assessment, other_vendor, questionnaire, vendor  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The shared `people` fixture hashes five passwords; the production hasher's cost
    # would dominate these page tests without testing anything about pages.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
