"""Street suggestions as the operator types: prefixes first, then typos (rapidfuzz).

`StreetIndex(streets)` folds every official name, alias and former name once (and the name
in Latin letters). `suggest(text)` folds the typed text, drops what is not the name (`вул.`,
`просп.`, `м. Івано-Франківськ`, initials such as `С.` in `С. Бандери`), and scores every
name as `name_score` defines, the best name of each street counting:

- 100: the name is exactly what was typed;
- 99: the name starts with it (`неза` -> `Незалежності`);
- 97: a later word of the name starts with it (`бандер` -> `Степана Бандери`);
- otherwise, from 3 typed characters on, rapidfuzz's normalized similarity (`fuzz.ratio`)
  between what was typed and the name or its tail from a later word (`хоткевіча` ->
  `Гната Хоткевича`), or, when that is much longer than what was typed, its beginning of the
  same length, scored 5 % lower (`незолеж` -> `Незалежності`, the operator is still typing).
  This catches typos and Russian spellings (`незалежносты`, `галицкая`, `шевченко`). It is
  capped at 95, so a typo never outranks what the operator is literally typing, and counts
  from 75.

A street found through a former name carries it (`formerly`), so the page can show
"вул. Героїв Маріуполя (колишня Лермонтова)". Ties go to current names, then shorter names.
The index computes the same scores as `name_score` with one rapidfuzz call over all names.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from callcenter.core.folding import fold
from callcenter.reference.model.streets import KIND_WORDS, Street
from callcenter.reference.model.transliteration import transliterate

Via = Literal["name", "alias", "former"]
_VIA_RANK = {"name": 0, "alias": 1, "former": 2}
_CITY_WORDS = frozenset({"м", "місто", "г", "город", "івано", "франківськ", "франківська",
                         "ивано", "франковск"})
EXACT, START, WORD_START, FUZZY_MAX = 100.0, 99.0, 97.0, 95.0
FUZZY_MIN = 75.0
FUZZY_MIN_LENGTH = 3
BEGINNING = 0.95  # the weight of a typo match against the beginning of a longer name
SLACK = 2  # a name longer than the query by more than this is compared by its beginning


@dataclass(frozen=True, slots=True)
class StreetMatch:
    street: Street
    score: float  # 0..100
    matched: str  # the name that matched, as written in the file
    via: Via

    @property
    def formerly(self) -> str | None:
        """The former name the operator typed, if that is how the street was found."""
        return self.matched if self.via == "former" else None


@dataclass(frozen=True, slots=True)
class _Choice:
    street: int  # index into the streets
    text: str  # as written in the file
    via: Via


class StreetIndex:
    """All streets' names folded once, for fast suggestions."""

    def __init__(self, streets: Iterable[Street]) -> None:
        self.streets = tuple(streets)
        self._choices = [_Choice(i, text, via) for i, street in enumerate(self.streets)
                         for text, via in _names(street)]
        # Every name and every tail of it from a later word, sorted for prefix bisection.
        tails = sorted((key[start:], index, start == 0)
                       for index, choice in enumerate(self._choices)
                       for key in [fold(choice.text)] for start in _word_starts(key))
        self._tails = [tail for tail, _, _ in tails]
        self._owners = [(index, whole) for _, index, whole in tails]
        self._longest = max((len(tail) for tail in self._tails), default=0)
        self._beginnings: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self.streets)

    def suggest(self, text: str, limit: int = 10) -> list[StreetMatch]:
        """The best `limit` streets for what was typed, best first."""
        query = street_query(text)
        if not query:
            return []
        scores = self._prefix_scores(query)
        if len(query) >= FUZZY_MIN_LENGTH:
            for index, score in self._fuzzy_scores(query).items():
                scores.setdefault(index, score)
        return self._ranked(scores, limit)

    def best(self, text: str, min_score: float = 85.0) -> StreetMatch | None:
        """The one street meant by `text`, if the best candidate is good enough."""
        found = self.suggest(text, limit=1)
        if not found or found[0].score < min_score:
            return None
        return found[0]

    def _prefix_scores(self, query: str) -> dict[int, float]:
        scores: dict[int, float] = {}
        position = bisect_left(self._tails, query)
        while position < len(self._tails) and self._tails[position].startswith(query):
            index, whole = self._owners[position]
            exact = whole and self._tails[position] == query
            score = EXACT if exact else START if whole else WORD_START
            scores[index] = max(score, scores.get(index, 0.0))
            position += 1
        return scores

    def _fuzzy_scores(self, query: str) -> dict[int, float]:
        found = process.extract(query, self._compared(len(query)), scorer=fuzz.ratio,
                                processor=None, limit=None, score_cutoff=FUZZY_MIN)
        scores: dict[int, float] = {}
        for _, raw, position in found:
            score = _typo_score(raw, len(self._tails[position]) > len(query) + SLACK)
            index = self._owners[position][0]
            if score and score > scores.get(index, 0.0):
                scores[index] = score
        return scores

    def _compared(self, length: int) -> list[str]:
        """Each tail, or its beginning when much longer than a query of `length` (cached)."""
        length = min(length, self._longest)  # beyond, nothing is cut: the same list
        if length not in self._beginnings:
            self._beginnings[length] = [tail[:length] if len(tail) > length + SLACK else tail
                                        for tail in self._tails]
        return self._beginnings[length]

    def _ranked(self, scores: dict[int, float], limit: int) -> list[StreetMatch]:
        best: dict[int, tuple[float, int]] = {}
        for index, score in scores.items():
            street = self._choices[index].street
            if street not in best or self._order(score, index) < self._order(*best[street]):
                best[street] = (score, index)
        ranked = sorted(best.values(), key=lambda pair: self._order(*pair))
        return [self._match(score, index) for score, index in ranked[:limit]]

    def _order(self, score: float, index: int) -> tuple[float, int, int, str]:
        choice = self._choices[index]
        name = self.streets[choice.street].name
        return (-score, _VIA_RANK[choice.via], len(name), name)

    def _match(self, score: float, index: int) -> StreetMatch:
        choice = self._choices[index]
        return StreetMatch(self.streets[choice.street], score, choice.text, choice.via)


def name_score(query: str, key: str) -> float:
    """The score of one folded name `key` for a folded `query` (the rules of the module doc)."""
    best = 0.0
    for start in _word_starts(key):
        tail = key[start:]
        if tail.startswith(query):
            best = max(best, EXACT if start == 0 and tail == query else
                       START if start == 0 else WORD_START)
        elif len(query) >= FUZZY_MIN_LENGTH:
            beginning = len(tail) > len(query) + SLACK
            compared = tail[:len(query)] if beginning else tail
            best = max(best, _typo_score(fuzz.ratio(query, compared), beginning))
    return best


def _typo_score(raw: float, beginning: bool) -> float:
    score = min(raw * (BEGINNING if beginning else 1.0), FUZZY_MAX)
    return score if score >= FUZZY_MIN else 0.0


def _names(street: Street) -> list[tuple[str, Via]]:
    """What a street can be found by: its name (also in Latin letters), aliases, former names."""
    return [(street.name, "name"), (transliterate(street.name), "name"),
            *((a, "alias") for a in street.aliases), *((f, "former") for f in street.former)]


def _word_starts(key: str) -> list[int]:
    return [0, *(i + 1 for i, ch in enumerate(key) if ch == " ")]


def street_query(text: str) -> str:
    """The folded name part of a typed street: kind words, city and initials dropped."""
    words = fold(text).split()
    words = [w for w in words if w not in _CITY_WORDS] or words
    words = _strip_kind(words)
    longer = [w for w in words if len(w) > 1 or w.isdigit()]
    return " ".join(longer or words)


def _strip_kind(words: list[str]) -> list[str]:
    """Kind words at either end (`вул.`, `пр-т`, `бульвар`), unless nothing else is left."""
    changed = True
    while changed and len(words) > 1:
        changed = False
        for size in (2, 1):
            if len(words) > size and " ".join(words[:size]) in KIND_WORDS:
                words, changed = words[size:], True
                break
            if len(words) > size and " ".join(words[-size:]) in KIND_WORDS:
                words, changed = words[:-size], True
                break
    return words
