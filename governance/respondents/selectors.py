"""Reads of respondent links."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import RespondentLink, hash_link_token


def respondent_link_list(*, user, assessment) -> QuerySet[RespondentLink]:
    return RespondentLink.objects.for_user(user).filter(assessment=assessment)


def respondent_link_for_token(*, token: str) -> RespondentLink:
    """The link whose token hashes to this one (RespondentLink.DoesNotExist otherwise).
    Looking up by hash means the comparison never touches the secret itself."""
    if not token or len(token) > 100:
        raise RespondentLink.DoesNotExist
    return RespondentLink.objects.select_related(
        "assessment", "assessment__vendor", "assessment__questionnaire"
    ).get(token_hash=hash_link_token(token))
