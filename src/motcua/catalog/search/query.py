"""Turn what a person types into terms the index understands.

A query becomes a list of *groups*; a group is satisfied by any of its *alternatives*; an
alternative is a list of folded tokens that must all be present. "làm lại cccd" becomes
``[[["lam", "lai"], ["cap", "lai"]], [["cccd"], ["can", "cuoc"]]]``.

Matching a lexicon entry is accent-aware: a token typed with diacritics only matches the same
word ("cần" is a stop word, "căn" is not); a token typed without them matches any word that
folds to it.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from motcua.core.text import fold, nfc

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")

#: National procedure code (1.001193) optionally followed by a local suffix
#: (1.001193.000.00.00.H36, 1.012275.H36), or an internal code (CCHC_01).
CODE_RE = re.compile(
    r"\b(\d\.\d{5,6}(?:\.[0-9A-Za-z]{2,3}){0,4}|[A-Z]{2,6}(?:_[A-Z]{2,8})*_\d{2})\b",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_NOT_INDEXABLE = re.compile(r"[^a-z0-9]")

Alternative = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """One thing the person asked for, with the other ways of saying it."""

    alternatives: tuple[Alternative, ...]
    typed: str
    corrected: bool = False
    accented: tuple[str, ...] = ()  # the typed words, with diacritics when they had them

    @property
    def primary(self) -> Alternative:
        return self.alternatives[0]


@dataclass(slots=True)
class AnalysedQuery:
    text: str
    codes: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    has_diacritics: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.codes

    def tokens(self) -> set[str]:
        return {token for group in self.groups for alt in group.alternatives for token in alt}

    def describe(self) -> dict:
        return {
            "codes": self.codes,
            "groups": [
                {"typed": g.typed, "alternatives": [" ".join(a) for a in g.alternatives]}
                for g in self.groups
            ],
        }


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """``fold`` for single words, cached: queries and the lexicon reuse few distinct words."""
    return fold(word)


@lru_cache(maxsize=65536)
def _index_form(token: str) -> str:
    """The folded form the index holds: ASCII letters and digits only."""
    return _NOT_INDEXABLE.sub("", fold_word(token))


def _has_diacritics(token: str) -> bool:
    return fold_word(token) != token.lower()


def _word_matches(typed: str, lexicon_word: str) -> bool:
    if _has_diacritics(typed):
        return typed == lexicon_word
    return typed == fold_word(lexicon_word)


@dataclass(frozen=True, slots=True)
class Lexicon:
    stop_phrases: tuple[tuple[str, ...], ...]
    stop_words: frozenset[str]
    synonyms: tuple[tuple[tuple[str, ...], tuple[Alternative, ...]], ...]
    secondary_phrases: tuple[str, ...] = ()
    known_words: frozenset[str] = frozenset()
    #: Synonyms and stop phrases by the folded form of their first word, longest first.
    synonyms_by_first: dict = field(default_factory=dict, compare=False, hash=False)
    stop_phrases_by_first: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> Lexicon:
        data = tomllib.loads(path.read_text(encoding="utf-8"))

        def words(text: str) -> tuple[str, ...]:
            return tuple(_TOKEN_RE.findall(nfc(text).lower()))

        phrases = sorted((words(p) for p in data.get("stop_phrases", [])), key=len, reverse=True)
        synonyms = []
        for key, value in data.get("synonyms", {}).items():
            alternatives = tuple(tuple(fold(w) for w in words(v)) for v in value.split("|"))
            synonyms.append((words(key), alternatives))
        synonyms.sort(key=lambda item: len(item[0]), reverse=True)
        known = {fold(w) for key, _ in synonyms for w in key}
        known |= {fold(w) for phrase in phrases for w in phrase}
        known |= {fold(w) for w in data.get("stop_words", [])}
        synonyms_by_first: dict[str, list] = {}
        for key, alternatives in synonyms:
            synonyms_by_first.setdefault(fold(key[0]), []).append((key, alternatives))
        stops_by_first: dict[str, list] = {}
        for phrase in phrases:
            if phrase:
                stops_by_first.setdefault(fold(phrase[0]), []).append(phrase)
        return cls(
            synonyms_by_first=synonyms_by_first,
            stop_phrases_by_first=stops_by_first,
            known_words=frozenset(known),
            stop_phrases=tuple(p for p in phrases if p),
            stop_words=frozenset(nfc(w).lower() for w in data.get("stop_words", [])),
            synonyms=tuple(synonyms),
            secondary_phrases=tuple(" ".join(words(p)) for p in data.get("secondary_phrases", [])),
        )

    def is_stop_word(self, token: str) -> bool:
        return any(_word_matches(token, word) for word in self.stop_words)


@cache
def default_lexicon() -> Lexicon:
    return Lexicon.load()


def _match_at(tokens: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    end = start + len(phrase)
    if end > len(tokens):
        return False
    return all(_word_matches(t, w) for t, w in zip(tokens[start:end], phrase, strict=True))


def _strip_stop_phrases(tokens: list[str], lexicon: Lexicon) -> list[str]:
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        options = lexicon.stop_phrases_by_first.get(fold_word(tokens[i]), ())
        phrase = next((p for p in options if _match_at(tokens, i, p)), None)
        if phrase:
            i += len(phrase)
        else:
            kept.append(tokens[i])
            i += 1
    return kept


@dataclass(frozen=True, slots=True)
class _Word:
    typed: str  # as typed, lower case
    form: str  # what to match: the typed word, or its spelling correction (folded)
    corrected: bool = False


def analyse(
    text: str,
    lexicon: Lexicon | None = None,
    vocabulary: Vocabulary | None = None,
) -> AnalysedQuery:
    """Analyse a query: codes, stop phrases, spelling against the index, synonyms, stop words."""
    lexicon = lexicon or default_lexicon()
    clean = nfc(text)[:300]
    result = AnalysedQuery(text=clean)
    result.codes = [m.group(1).upper() for m in CODE_RE.finditer(clean)]
    remainder = CODE_RE.sub(" ", clean)
    tokens = [t for t in _TOKEN_RE.findall(remainder.lower()) if _index_form(t)]
    result.has_diacritics = any(_has_diacritics(t) for t in tokens)
    if not tokens:
        return result
    meaningful = _strip_stop_phrases(tokens, lexicon) or tokens
    words = _spell(meaningful, lexicon, vocabulary)

    groups: list[Group] = []
    forms = [w.form for w in words]
    i = 0
    while i < len(words):
        options = lexicon.synonyms_by_first.get(fold_word(forms[i]), ())
        synonym = next(((key, alts) for key, alts in options if _match_at(forms, i, key)), None)
        if synonym:
            key, alts = synonym
            span = words[i : i + len(key)]
            typed = tuple(_index_form(w.form) for w in span)
            alternatives = (typed, *(a for a in alts if a != typed))
            corrected = any(w.corrected for w in span)
            accented = () if corrected else tuple(w.typed for w in span)
            groups.append(Group(alternatives, " ".join(w.typed for w in span), corrected, accented))
            i += len(key)
            continue
        word = words[i]
        alternatives: tuple[Alternative, ...] = ((_index_form(word.form),),)
        if word.corrected and _index_form(word.typed) != alternatives[0][0]:
            alternatives = (*alternatives, (_index_form(word.typed),))
        groups.append(
            Group(alternatives, word.typed, word.corrected, () if word.corrected else (word.typed,))
        )
        i += 1

    groups = _drop_stop_words(groups, lexicon, vocabulary)
    if vocabulary is not None:
        groups = _context_corrections(groups, vocabulary)
    result.groups = _dedupe(groups)
    return result


def _spell(tokens: list[str], lexicon: Lexicon, vocabulary: Vocabulary | None) -> list[_Word]:
    """Correct words that neither the index nor the lexicon knows."""
    words: list[_Word] = []
    for token in tokens:
        folded = _index_form(token)
        if (
            vocabulary is None
            or folded.isdigit()
            or vocabulary.knows(folded)
            or folded in lexicon.known_words
        ):
            words.append(_Word(token, token))
            continue
        split = vocabulary.split(folded)
        if split:
            words.extend(_Word(part, part, corrected=True) for part in split)
            continue
        suggestion = vocabulary.correct(folded)
        words.append(
            _Word(token, suggestion, corrected=True) if suggestion else _Word(token, token)
        )
    return words


def _context_corrections(groups: list[Group], vocabulary: Vocabulary) -> list[Group]:
    """A real word in the wrong place ("trợ cấp thấp nghiệp"): when it forms no known pair
    with either neighbour but a one-letter change does, add that change as an alternative."""
    fixed = list(groups)
    for index, group in enumerate(groups):
        if len(group.alternatives) > 1 or len(group.primary) != 1:
            continue
        token = group.primary[0]
        left = groups[index - 1].primary[-1] if index > 0 else None
        right = groups[index + 1].primary[0] if index + 1 < len(groups) else None
        if left is None and right is None:
            continue
        if (left and vocabulary.has_bigram(left, token)) or (
            right and vocabulary.has_bigram(token, right)
        ):
            continue
        left = None if left is None or left.isdigit() else left
        right = None if right is None or right.isdigit() else right
        candidate = vocabulary.correct_in_context(token, left, right)
        if candidate:
            fixed[index] = Group(
                ((token,), (candidate,)), group.typed, group.corrected, group.accented
            )
    return fixed


def _drop_stop_words(
    groups: list[Group], lexicon: Lexicon, vocabulary: Vocabulary | None
) -> list[Group]:
    """Drop stop words, unless they form a phrase of the index with a neighbour ("căn cước")."""

    def is_stop(index: int) -> bool:
        group = groups[index]
        if len(group.alternatives) > 1 or len(group.primary) != 1:
            return False
        if not lexicon.is_stop_word(group.typed):
            return False
        if vocabulary is not None:
            token = group.primary[0]
            for neighbour in (index - 1, index + 1):
                if 0 <= neighbour < len(groups):
                    other = groups[neighbour].primary
                    pair = (other[-1], token) if neighbour < index else (token, other[0])
                    if vocabulary.has_bigram(*pair):
                        return False
        return True

    kept = [g for i, g in enumerate(groups) if not is_stop(i)]
    return kept or groups


def _dedupe(groups: list[Group]) -> list[Group]:
    seen: set[tuple[Alternative, ...]] = set()
    unique = []
    for group in groups:
        if group.alternatives not in seen:
            seen.add(group.alternatives)
            unique.append(group)
    return unique


class Vocabulary:
    """Words and word pairs of the index, with document frequencies, for spelling and idf."""

    def __init__(self, documents: list[str]):
        self.document_count = max(len(documents), 1)
        self.frequency: dict[str, int] = {}
        self.bigrams: dict[tuple[str, str], int] = {}
        for text in documents:
            words = text.split()
            for word in set(words):
                self.frequency[word] = self.frequency.get(word, 0) + 1
            for pair in set(itertools.pairwise(words)):
                self.bigrams[pair] = self.bigrams.get(pair, 0) + 1
        self._idf: dict[str, float] = {}
        self._deletes: dict[str, set[str]] = {}
        for word in self.frequency:
            if len(word) < 3 or word.isdigit():
                continue
            for variant in _deletes(word, 2 if len(word) >= 5 else 1):
                self._deletes.setdefault(variant, set()).add(word)

    def knows(self, word: str) -> bool:
        return word in self.frequency

    def has_bigram(self, first: str, second: str) -> bool:
        return (first, second) in self.bigrams

    def document_frequency(self, words: tuple[str, ...]) -> int:
        """Documents holding ``words``: exact for one word; for a phrase, its rarest pair."""
        if len(words) == 1:
            return self.frequency.get(words[0], 0)
        return min(self.bigrams.get(pair, 0) for pair in itertools.pairwise(words))

    def idf(self, word: str) -> float:
        value = self._idf.get(word)
        if value is None:
            value = self._idf[word] = math.log(
                1 + self.document_count / (1 + self.frequency.get(word, 0))
            )
        return value

    def split(self, word: str) -> tuple[str, ...] | None:
        """ "dangky" → ("dang", "ky") when both halves are words that follow each other."""
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if self.has_bigram(left, right):
                return (left, right)
        return None

    def correct_in_context(self, word: str, left: str | None, right: str | None) -> str | None:
        """The word one edit away that fits between the neighbours, if any.

        With both neighbours the change must form a known pair with each; with one, the pair
        must be common and the word typed much rarer than the change, so that a real but rare
        word of a question ("mất", "bố") is not "corrected" into something else.
        """
        best = None
        for candidate in self._neighbours(word, 1):
            if candidate == word:
                continue
            left_pair = self.bigrams.get((left, candidate), 0) if left else None
            right_pair = self.bigrams.get((candidate, right), 0) if right else None
            if left and right:
                fits = bool(left_pair) and bool(right_pair)
            else:
                pair = left_pair or right_pair or 0
                fits = pair >= 5 and self.frequency.get(word, 0) * 10 < self.frequency[candidate]
            if fits:
                key = (-self.frequency[candidate], candidate)
                if best is None or key < best[0]:
                    best = (key, candidate)
        return best[1] if best else None

    def _neighbours(self, word: str, max_distance: int) -> set[str]:
        found: set[str] = set()
        for variant in _deletes(word, max_distance):
            found.update(self._deletes.get(variant, ()))
            if variant in self.frequency:
                found.add(variant)
        return {c for c in found if damerau_levenshtein(word, c) <= max_distance}

    def correct(self, word: str) -> str | None:
        if len(word) < 3:
            return None
        max_distance = 2 if len(word) >= 6 else 1
        candidates: set[str] = set()
        for variant in _deletes(word, max_distance):
            candidates.update(self._deletes.get(variant, ()))
            if variant in self.frequency:
                candidates.add(variant)
        scored = [
            (distance, -self.frequency[c], c)
            for c in candidates
            if (distance := damerau_levenshtein(word, c)) <= max_distance
        ]
        return min(scored)[2] if scored else None


def _deletes(word: str, depth: int) -> set[str]:
    results = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w)) if len(w) > 1}
        results |= frontier
    return results


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbouring letters as one edit."""
    rows = len(a) + 1
    cols = len(b) + 1
    d = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        d[i][0] = i
    for j in range(cols):
        d[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]
