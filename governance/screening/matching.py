"""Name matching for watchlist screening. Plain Python and RapidFuzz, no Django.

Screening favours recall: a reviewer clears a false positive in a minute, while a missed
listed party is the failure that matters. Names are compared after normalisation (case,
accents, punctuation, legal forms such as "Co., Ltd." dropped) and with words that say
nothing about identity ("technology", "AI", "international") set aside. Every word of the
shorter name must have a close spelling among the other name's words, and the mean of those
similarities, each word weighted by its rarity in the list, must reach the threshold: a name
whose distinctive words all appear in a listed name scores 100 ("Zhipu AI" against "Beijing
Zhipu Huazhang Technology Co., Ltd."), a near spelling in the high 80s or 90s, and names
that share only a city or a trade do not match.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

DEFAULT_THRESHOLD = 88
# Every word of the shorter name needs a word at least this close in the other name.
WORD_MIN = 70
CLOSE_CACHE_SIZE = 4096

# fmt: off
LEGAL_FORMS = frozenset((
    "ab", "ag", "aps", "as", "bhd", "bv", "cjsc", "co", "company", "corp", "corporation", "fzc",
    "fzco", "fze", "gmbh", "inc", "incorporated", "jsc", "kft", "kg", "kk", "limited", "llc",
    "llp", "lp", "ltd", "nv", "oao", "ojsc", "ooo", "oy", "oyj", "pao", "pbc", "pjsc", "plc",
    "pte", "pty", "pvt", "sa", "sarl", "sas", "sdn", "spa", "sro", "srl", "ulc", "zao",
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


def score(query: tuple[str, ...], listed: tuple[str, ...], weight=None) -> float:
    """0-100, the matching rule: each word of the shorter name (the query's when both are
    as long) by its closest word in the other, each weighted by `weight(word)` (1 if not
    given); 0 as soon as a word has no close word (below WORD_MIN)."""
    shorter, longer = (query, listed) if len(query) <= len(listed) else (listed, query)
    if not shorter:
        return 0.0
    total = weights = 0.0
    for word in shorter:
        closest = max(fuzz.ratio(word, other) for other in longer)
        if closest < WORD_MIN:
            return 0.0
        w = weight(word) if weight is not None else 1.0
        total += w * closest
        weights += w
    return total / weights


class Matcher:
    """Every name of every listed party, prepared once per list.

    Scoring weighs each word by how rare it is in the list (inverse document frequency), so
    a shared city or trade ("Dubai", "aviation") counts for little and the distinctive word
    decides: "Dubai Jemoka Aviation" does not match "Dubai Jumeka Aviation Limited", while
    "Zhipu AI" still matches "Beijing Zhipu Huazhang Technology Co., Ltd.".

    The rule: every word of the shorter name must have a close word (similarity at least
    WORD_MIN) in the other, and the rarity-weighted mean similarity must reach the
    threshold. So RapidFuzz (in C++) first finds the list's words close to each query word,
    and an index from word to names leads to the few names worth scoring.
    """

    def __init__(self, candidates: list[Candidate]):
        self._candidates: list[Candidate] = []
        self._words: list[tuple[str, ...]] = []
        postings: dict[str, list[int]] = {}
        for candidate in candidates:
            words = tuple(dict.fromkeys(core(normalise(candidate.name)).split()))
            if not words:
                continue
            index = len(self._candidates)
            self._candidates.append(candidate)
            self._words.append(words)
            for word in words:
                postings.setdefault(word, []).append(index)
        self._vocabulary = list(postings)
        self._postings = [postings[word] for word in self._vocabulary]
        total = len(self._candidates) + 1
        self._weight = {
            word: math.log(total / (len(rows) + 1)) + 1.0 for word, rows in postings.items()
        }
        # A word the list never uses is as telling as its rarest word.
        self._unknown_weight = math.log(total) + 1.0
        self._close_cache: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._candidates)

    def _close_words(self, word: str) -> list[int]:
        found = self._close_cache.get(word)
        if found is None:
            found = [
                position
                for _w, _similarity, position in process.extract(
                    word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_MIN, limit=None
                )
            ]
            if len(self._close_cache) >= CLOSE_CACHE_SIZE:
                self._close_cache.clear()
            self._close_cache[word] = found
        return found

    def weight(self, word: str) -> float:
        """How telling a word is in this list: rarer words weigh more."""
        return self._weight.get(word, self._unknown_weight)

    def words_of(self, index: int) -> tuple[str, ...]:
        return self._words[index]

    def _consider(self, index, query, field, value, threshold, best) -> None:
        similarity = score(query, self._words[index], self.weight)
        if similarity < threshold:
            return
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

    def match(
        self, names: list[tuple[str, str]], threshold: int = DEFAULT_THRESHOLD
    ) -> list[Match]:
        """The best match per listed party for any of the (field, value) names, best first."""
        best: dict[int, Match] = {}
        for field, value in names:
            query = tuple(dict.fromkeys(core(normalise(value)).split()))
            if not query:
                continue
            k = len(query)
            close = [self._close_words(word) for word in query]
            # Listed names at least as long as the query: each query word needs a close
            # word among theirs, so the names of the rarest query word's close words are
            # the only ones to look at.
            rarest = min(close, key=lambda c: sum(len(self._postings[p]) for p in c))
            wanted = [{self._vocabulary[p] for p in c} for c in close]
            seen: set[int] = set()
            for position in rarest:
                for index in self._postings[position]:
                    words = self._words[index]
                    if index in seen or len(words) < k:
                        continue
                    seen.add(index)
                    if all(w.intersection(words) for w in wanted):
                        self._consider(index, query, field, value, threshold, best)
            # Shorter listed names: every one of their words must be close to a query word.
            near = {self._vocabulary[p] for c in close for p in c}
            for c in close:
                for position in c:
                    for index in self._postings[position]:
                        words = self._words[index]
                        if len(words) >= k or index in seen:
                            continue
                        seen.add(index)
                        if near.issuperset(words):
                            self._consider(index, query, field, value, threshold, best)
        return sorted(best.values(), key=lambda m: (-m.score, m.listed_name))
