"""Errors that services raise and every front end (web, API, commands) knows how to show.

They live outside any app so that views, serializers and tasks can import them without
pulling in the assessments app.
"""

from __future__ import annotations

from typing import TypedDict

from django.core.exceptions import ValidationError


class StateConflict(Exception):
    """The object is in the wrong lifecycle state for this action (API: 409).

    `status` is the state the object was found in, so a caller can tell the user what to do
    (e.g. "already submitted").
    """

    def __init__(self, message: str, *, status: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class RateLimited(Exception):
    """Too many requests of one kind for now (API: 429); `retry_after` says, in seconds,
    when the next window opens."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class AnswerProblem(TypedDict):
    """One problem with a batch of answers, as AnswersInvalid lists them.

    `index` is the position of the item in the submitted batch, or None when the problem is
    not tied to one item (e.g. a required question left out, or a body that is not a list).
    `question` is the item's key, or "" when the item does not name one.
    """

    index: int | None
    question: str
    field: str  # "value", "question" or "comment"
    message: str


class AnswersInvalid(ValidationError):
    """One or more answers are invalid or missing (API: 400).

    `errors` lists every problem (an AnswerProblem each), never just the first, so the
    assessor can fix them all in one go.
    """

    def __init__(self, errors: list[AnswerProblem], message: str | None = None) -> None:
        self.errors = [dict(e) for e in errors]
        if message is None:
            count = len(self.errors)
            message = (
                "1 answer needs attention." if count == 1 else f"{count} answers need attention."
            )
        lines = [f"{e.get('question') or '?'}: {e.get('message', '')}" for e in self.errors]
        super().__init__([message, *lines] if lines else message, code="invalid")
        self.summary = message

    def __str__(self) -> str:
        return self.summary
