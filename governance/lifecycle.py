"""Lifecycles on status enums: the moves a status may make, and the one check every
service, task and conditional update makes before moving one.

A status enum mixes in `Lifecycle` and, below its class body (enum members exist only
once the class does), sets `TRANSITIONS`: each state and the states it may move to. Named
groupings of states (e.g. "editable") sit beside it on the enum, so a rule about states is
read in one place, whichever front end, service or worker applies it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import ClassVar

from governance.errors import StateConflict


class Lifecycle:
    """Mixin for a `TextChoices` status enum with a transition map."""

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]]

    @classmethod
    def can_move(cls, current: str, target: str) -> bool:
        return target in cls.TRANSITIONS.get(current, frozenset())

    @classmethod
    def sources(cls, target: str) -> frozenset[str]:
        """The states that may move to `target`: the WHERE clause of a conditional update."""
        return frozenset(state for state, moves in cls.TRANSITIONS.items() if target in moves)

    @classmethod
    def label_of(cls, state: str) -> str:
        """The state's label in lower case, as it reads inside a sentence."""
        try:
            return cls(state).label.lower()  # type: ignore[call-arg, attr-defined]
        except ValueError:
            return str(state)

    @classmethod
    def require_state(cls, current: str, allowed: Collection[str], refusal: str) -> None:
        """Raise StateConflict (API: 409) unless `current` is one of `allowed`. `refusal`
        says why in the caller's words; `{status}` stands for the current state's label."""
        if current not in allowed:
            raise StateConflict(refusal.format(status=cls.label_of(current)), status=current)

    @classmethod
    def require_transition(cls, current: str, target: str, refusal: str | None = None) -> None:
        """Raise StateConflict unless the lifecycle lets `current` move to `target`."""
        cls.require_state(
            current,
            cls.sources(target),
            refusal or f"It is {{status}} and cannot become {cls.label_of(target)}.",
        )
