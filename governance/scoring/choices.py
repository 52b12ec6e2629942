"""ChoiceSet: one closed vocabulary, defined once and read by everyone.

Each vocabulary of the product (ratings, severities, decisions, question types, reference
frameworks, ...) is one `ChoiceSet` in `domains.py`. Models build their `TextChoices` from its
members, forms and serializers take its `choices`, charts key their colours by its `keys`, and
the engine compares by its `rank`, so a key or a label changes in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple


class Choice(NamedTuple):
    """A `(key, label)` pair, exactly the value a Django `TextChoices` member takes."""

    key: str
    label: str


class ChoiceSet:
    """Keys in their meaningful order, each with a label.

    Order matters: for ratings and severities it runs from least to most severe, and `rank`
    is the position in it. Members are reachable by their upper-case key (`RATING.LOW`), so
    a model's `TextChoices` can be written member by member from the same pairs.
    """

    def __init__(self, name: str, *choices: tuple[str, str]) -> None:
        self.name = name
        self.choices: tuple[Choice, ...] = tuple(Choice(key, label) for key, label in choices)
        self.keys: tuple[str, ...] = tuple(choice.key for choice in self.choices)
        self.labels: dict[str, str] = dict(self.choices)
        self.rank: dict[str, int] = {key: index for index, key in enumerate(self.keys)}
        # Position counted from the most severe end: sorts the worst first.
        self.worst_first: dict[str, int] = {
            key: index for index, key in enumerate(reversed(self.keys))
        }
        self._members: dict[str, Choice] = {choice.key.upper(): choice for choice in self.choices}
        if len(self.labels) != len(self.choices):
            raise ValueError(f"{name}: duplicate keys.")

    def __getattr__(self, name: str) -> Choice:
        members = self.__dict__.get("_members", {})
        if name in members:
            return members[name]
        raise AttributeError(f"{self.__dict__.get('name', 'ChoiceSet')} has no member {name}")

    def __iter__(self) -> Iterator[Choice]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __contains__(self, key: object) -> bool:
        return key in self.labels

    def __repr__(self) -> str:
        return f"ChoiceSet({self.name!r}, {', '.join(self.keys)})"

    def label(self, key: str | None, default: str | None = None) -> str | None:
        """The label of a key; `default` for an unknown or empty one."""
        if key is None:
            return default
        return self.labels.get(key, default)
