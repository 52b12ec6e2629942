"""The error types: one problem (DefinitionError) and the exception carrying them all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefinitionError:
    """One problem in a definition: which file, where in it, and what is wrong.

    ``line`` is the 1-based line in the source text when known (YAML input only); it is
    kept out of ``str()`` so messages stay identical for YAML, JSON and in-memory data.
    """

    source: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.path:
            return f"{self.source}: {self.path}: {self.message}"
        return f"{self.source}: {self.message}"


class DefinitionInvalid(Exception):
    """Raised when a definition cannot be used; carries every problem found."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        count = len(self.errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in questionnaire definition:\n{lines}")
