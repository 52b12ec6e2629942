"""Name matching for watchlist screening. Plain Python and RapidFuzz, no Django.

Screening favours recall: a reviewer clears a false positive in a minute, while a missed
listed party is the failure that matters. Names are compared after normalisation (case,
accents, punctuation, legal forms such as "Co., Ltd." dropped) and with words that say
nothing about identity ("technology", "AI", "international") set aside. The score is how
well every word of the shorter name is found among the words of the longer one (each word
by its closest spelling): a name whose distinctive words all appear in a listed name scores
100 ("Zhipu AI" against "Beijing Zhipu Huazhang Technology Co., Ltd."), a near spelling of
each word in the high 80s or 90s, and names that share only a place or a generic word far
lower ("Beijing Y" against "Beijing X": 50).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

DEFAULT_THRESHOLD = 88

# fmt: off
LEGAL_FORMS = frozenset((
    "ag", "bv", "co", "company", "corp", "corporation", "gmbh", "inc", "incorporated", "jsc",
    "kg", "kk", "limited", "llc", "llp", "lp", "ltd", "nv", "oao", "ooo", "pao", "pbc", "plc",
    "pte", "pty", "pvt", "sa", "sarl", "sas", "spa", "srl", "ulc", "zao",
))
# Words that many unrelated company names share; matching on them alone is noise.
GENERIC_WORDS = frozenset((
    "ai", "and", "artificial", "cloud", "development", "group", "holding", "holdings",
    "industries", "industry", "information", "institute", "intelligence", "international",
    "lab", "labs", "network", "networks", "of", "research", "science", "sciences", "software",
    "systems", "tech", "technologies", "technology", "the", "trading",
))
# fmt: on
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """Lower case, accents and punctuation removed, legal forms dropped."""
    # Dots join rather than split, so "L.L.C." is the legal form "llc" and not three letters.
    decomposed = unicodedata.normalize("NFKD", (name or "").replace(".", ""))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = [w for w in _NON_WORD.split(ascii_only) if w and w not in LEGAL_FORMS]
    return " ".join(words)


def core(name: str) -> str:
    """The distinctive words of a normalised name (all of it if every word is generic)."""
    words = name.split()
    distinctive = [w for w in words if w not in GENERIC_WORDS]
    return " ".join(distinctive or words)


@dataclass(frozen=True)
class Candidate:
    entry: int  # the caller's identifier of the listed party
    name: str  # the listed name as published


@dataclass(frozen=True)
class Match:
    entry: int
    listed_name: str
    field: str
    value: str
    score: int


def word_score(shorter: list[str], longer: list[str]) -> float:
    """0-100: the mean, over the words of the shorter name, of its closest word's similarity."""
    if not shorter or not longer:
        return 0.0
    total = 0.0
    for word in shorter:
        total += max(fuzz.ratio(word, other) for other in longer)
    return total / len(shorter)


def score(query: str, listed: str) -> float:
    """The similarity of two prepared (normalised, core) names."""
    a, b = query.split(), listed.split()
    return word_score(a, b) if len(a) <= len(b) else word_score(b, a)


# A cheap first pass in RapidFuzz's C++ keeps only listed names that share something with
# the query; `score` then judges those few word by word.
PREFILTER_CUTOFF = 50


class Matcher:
    """Every name of every listed party, prepared once per list."""

    def __init__(self, candidates: list[Candidate]):
        self._candidates: list[Candidate] = []
        self._cores: list[str] = []
        for candidate in candidates:
            prepared = core(normalise(candidate.name))
            if prepared:
                self._candidates.append(candidate)
                self._cores.append(prepared)

    def __len__(self) -> int:
        return len(self._cores)

    def match(
        self, names: list[tuple[str, str]], threshold: int = DEFAULT_THRESHOLD
    ) -> list[Match]:
        """The best match per listed party for any of the (field, value) names, best first."""
        best: dict[int, Match] = {}
        for field, value in names:
            query = core(normalise(value))
            if not query:
                continue
            for choice, _rough, index in process.extract(
                query,
                self._cores,
                scorer=fuzz.token_set_ratio,
                score_cutoff=PREFILTER_CUTOFF,
                limit=None,
            ):
                similarity = score(query, choice)
                if similarity < threshold:
                    continue
                candidate = self._candidates[index]
                found = Match(
                    entry=candidate.entry,
                    listed_name=candidate.name,
                    field=field,
                    value=value,
                    score=int(similarity),
                )
                current = best.get(candidate.entry)
                if current is None or found.score > current.score:
                    best[candidate.entry] = found
        return sorted(best.values(), key=lambda m: (-m.score, m.listed_name))
