"""Turn what a person types into terms the index understands.

A query becomes a list of *groups*; a group is satisfied by any of its *alternatives*; an
alternative is a list of folded tokens that must all be present. "làm lại cccd" becomes
``[[["lam", "lai"], ["cap", "lai"]], [["cccd"], ["can", "cuoc"]]]``.

Matching a lexicon entry is accent-aware: a token typed with diacritics only matches the same
word ("cần" is a stop word, "căn" is not); a token typed without them matches any word that
folds to it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
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


def _index_form(token: str) -> str:
    """The folded form the index holds: ASCII letters and digits only."""
    return _NOT_INDEXABLE.sub("", fold(token))


def _has_diacritics(token: str) -> bool:
    return fold(token) != token.lower()


def _word_matches(typed: str, lexicon_word: str) -> bool:
    if _has_diacritics(typed):
        return typed == lexicon_word
    return typed == fold(lexicon_word)


@dataclass(frozen=True, slots=True)
class Lexicon:
    stop_phrases: tuple[tuple[str, ...], ...]
    stop_words: frozenset[str]
    synonyms: tuple[tuple[tuple[str, ...], tuple[Alternative, ...]], ...]

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
        return cls(
            stop_phrases=tuple(p for p in phrases if p),
            stop_words=frozenset(nfc(w).lower() for w in data.get("stop_words", [])),
            synonyms=tuple(synonyms),
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
        phrase = next((p for p in lexicon.stop_phrases if _match_at(tokens, i, p)), None)
        if phrase:
            i += len(phrase)
        else:
            kept.append(tokens[i])
            i += 1
    return kept


def analyse(
    text: str,
    lexicon: Lexicon | None = None,
    vocabulary: Vocabulary | None = None,
) -> AnalysedQuery:
    """Analyse a query: codes, stop phrases, synonyms, then spelling against the index."""
    lexicon = lexicon or default_lexicon()
    clean = nfc(text)[:300]
    result = AnalysedQuery(text=clean)
    result.codes = [m.group(1).upper() if "_" in m.group(1) else m.group(1).upper()
                    for m in CODE_RE.finditer(clean)]
    remainder = CODE_RE.sub(" ", clean)
    tokens = [t for t in _TOKEN_RE.findall(remainder.lower()) if _index_form(t)]
    result.has_diacritics = any(_has_diacritics(t) for t in tokens)
    if not tokens:
        return result
    meaningful = _strip_stop_phrases(tokens, lexicon) or tokens

    groups: list[Group] = []
    i = 0
    while i < len(meaningful):
        synonym = next(
            ((key, alts) for key, alts in lexicon.synonyms if _match_at(meaningful, i, key)),
            None,
        )
        if synonym:
            key, alts = synonym
            typed_words = tuple(meaningful[i : i + len(key)])
            typed = tuple(_index_form(t) for t in typed_words)
            alternatives = (typed, *(a for a in alts if a != typed))
            groups.append(Group(alternatives, " ".join(typed_words), accented=typed_words))
            i += len(key)
            continue
        token = meaningful[i]
        groups.append(Group(((_index_form(token),),), token, accented=(token,)))
        i += 1

    groups = _drop_stop_words(groups, lexicon, vocabulary)
    if vocabulary is not None:
        groups = [_correct(group, vocabulary) for group in groups]
    result.groups = _dedupe(groups)
    return result


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


def _correct(group: Group, vocabulary: Vocabulary) -> Group:
    """Replace unknown words by the likeliest word of the index within two edits."""
    if len(group.alternatives) > 1 or len(group.primary) != 1:
        return group
    token = group.primary[0]
    if token.isdigit() or vocabulary.knows(token):
        return group
    split = vocabulary.split(token)
    if split:
        return Group((split, (token,)), group.typed, corrected=True, accented=group.accented)
    suggestion = vocabulary.correct(token)
    if suggestion:
        return Group(((suggestion,), (token,)), group.typed, corrected=True, accented=())
    return group


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
        self.bigrams: set[tuple[str, str]] = set()
        for text in documents:
            words = text.split()
            for word in set(words):
                self.frequency[word] = self.frequency.get(word, 0) + 1
            self.bigrams.update(zip(words, words[1:], strict=False))
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

    def idf(self, word: str) -> float:
        import math

        return math.log(1 + self.document_count / (1 + self.frequency.get(word, 0)))

    def split(self, word: str) -> tuple[str, ...] | None:
        """"dangky" → ("dang", "ky") when both halves are words that follow each other."""
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if self.has_bigram(left, right):
                return (left, right)
        return None

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
