import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The `people` fixture creates five users per test; the production hasher would make
    # password hashing the slowest part of this suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
