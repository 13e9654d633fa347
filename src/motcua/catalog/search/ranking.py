"""Relevance: a transparent score computed in Python, the same on every database.

For each thing asked for (a query *group*) the score looks at the procedure's name: is it
there (rare words weigh more, see ``Vocabulary.idf``), typed with the same diacritics
("đóng cửa" is not "động của"), or only through a synonym or a spelling correction; then
how much of the name the query covers, whether the words come in the query's order and start
the name; then a penalty for extra words ("Đăng ký khai sinh" before "Đăng ký khai sinh lưu
động") and for secondary procedures the query did not ask for ("Thu hồi …", "Cấp lại …");
then the keywords (field, agencies, results) and a small popularity prior.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .query import AnalysedQuery, Group, Vocabulary, default_lexicon, fold_word

WEIGHTS = {
    "name": 6.0,
    "covered": 3.0,
    "order": 2.0,
    "prefix": 1.0,
    "keywords": 1.5,
    "extra": 0.08,
    "extra_cap": 12,
    "secondary": 0.7,
    "popularity": 0.05,
}
#: How much a match counts, by how it was made.
MATCH = {
    "exact": 1.0,
    "synonym": 0.9,
    "corrected": 0.8,
    "other_name": 0.8,
    "accent_differs": 0.35,
}
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Document:
    """What ranking needs of one procedure, computed once per catalogue version."""

    procedure_id: int
    name_words: tuple[str, ...]  # folded, in order
    name_set: frozenset[str]
    accented: frozenset[str]  # words of the name with their diacritics
    all_names: frozenset[str]  # folded words of every name (national and provincial)
    keywords: frozenset[str]
    secondary: tuple[str, ...]  # folded secondary phrases the name contains
    positions: dict[str, tuple[int, ...]]
    name_length: int
    popularity: int
    name_weight: float = 1.0  # idf of the name's words, set when the vocabulary is known

    @classmethod
    def build(
        cls,
        procedure_id: int,
        name: str,
        name_folded: str,
        names_folded: str,
        keywords_folded: str,
        popularity: int,
    ) -> Document:
        words = tuple(name_folded.split())
        spaced = " " + " ".join(_WORD.findall(name)) + " "
        positions: dict[str, list[int]] = {}
        for i, word in enumerate(words):
            positions.setdefault(word, []).append(i)
        return cls(
            procedure_id=procedure_id,
            name_words=words,
            name_set=frozenset(words),
            accented=frozenset(_WORD.findall(name)),
            all_names=frozenset(names_folded.split()),
            keywords=frozenset(keywords_folded.split()),
            secondary=tuple(
                fold_word(phrase)
                for phrase in default_lexicon().secondary_phrases
                if f" {phrase} " in spaced
            ),
            positions={w: tuple(p) for w, p in positions.items()},
            name_length=len(name_folded),
            popularity=popularity,
        )


def _alternative_in(alternative: tuple[str, ...], words: frozenset[str]) -> bool:
    return bool(alternative) and words.issuperset(alternative)


def _phrase_in(alternative: tuple[str, ...], document: Document) -> bool:
    """The words of ``alternative`` next to each other in the name ("khai tử", not "khai
    thác … điện tử")."""
    if not _alternative_in(alternative, document.name_set):
        return False
    if len(alternative) == 1:
        return True
    positions = document.positions
    return any(
        all(start + i in positions.get(word, ()) for i, word in enumerate(alternative[1:], 1))
        for start in positions.get(alternative[0], ())
    )


def _group_match(group: Group, document: Document, vocabulary: Vocabulary) -> tuple[float, bool]:
    """(what the best match of ``group`` in the name is worth, whether it is in the main name).

    A match is worth the rarity of the words that matched: "làm" matched as "cấp" is worth
    what "cấp" is worth, which is little.
    """
    for index, alternative in enumerate(group.alternatives):
        if not _phrase_in(alternative, document):
            continue
        worth = _alternative_weight(alternative, vocabulary)
        if index > 0:
            return worth * MATCH["corrected" if group.corrected else "synonym"], True
        marked = [w for w in group.accented if fold_word(w) != w]
        if marked and not all(w in document.accented for w in marked):
            return worth * MATCH["accent_differs"], True
        return worth * MATCH["exact"], True
    for alternative in group.alternatives:
        if _alternative_in(alternative, document.all_names):
            return _alternative_weight(alternative, vocabulary) * MATCH["other_name"], False
    return 0.0, False


def _alternative_weight(alternative: tuple[str, ...], vocabulary: Vocabulary) -> float:
    if all(t.isdigit() for t in alternative):
        return 0.3
    return sum(vocabulary.idf(t) for t in alternative)


def _in_order(left: Group, right: Group, positions: dict[str, tuple[int, ...]]) -> bool:
    for la in left.alternatives:
        for ra in right.alternatives:
            if la and ra:
                following = positions.get(ra[0], ())
                if any(p + 1 in following for p in positions.get(la[-1], ())):
                    return True
    return False


def group_weight(group: Group, vocabulary: Vocabulary) -> float:
    """Rare words weigh more; a phrase weighs its words together ("khai tử" is rare even if
    "khai" and "tử" are not); a bare number says little."""
    return max((_alternative_weight(alt, vocabulary) for alt in group.alternatives), default=1.0)


@dataclass(slots=True)
class _QueryFeatures:
    weights: list[float]
    total: float
    asked: set[str]
    asked_spaced: str


def _features(query: AnalysedQuery, vocabulary: Vocabulary) -> _QueryFeatures:
    weights = [group_weight(g, vocabulary) for g in query.groups]
    asked = query.tokens()
    spaced = " " + " ".join(t for g in query.groups for a in g.alternatives for t in a) + " "
    return _QueryFeatures(weights, sum(weights) or 1.0, asked, spaced)


def score(
    document: Document,
    query: AnalysedQuery,
    vocabulary: Vocabulary,
    features: _QueryFeatures | None = None,
) -> float:
    if not query.groups:
        return 0.0
    features = features or _features(query, vocabulary)
    in_name = in_keywords = 0.0
    matched_words = 0
    hits: list[bool] = []
    for group, weight in zip(query.groups, features.weights, strict=True):
        worth, in_main_name = _group_match(group, document, vocabulary)
        in_name += worth
        hits.append(in_main_name)
        if in_main_name:
            matched_words += max(len(a) for a in group.alternatives)
        if any(_alternative_in(alt, document.keywords) for alt in group.alternatives):
            in_keywords += weight

    value = (WEIGHTS["name"] * in_name + WEIGHTS["keywords"] * in_keywords) / features.total
    # How much of the name the query covers: a question names every word of the right
    # procedure, and only some of the longer ones.
    covered = sum(vocabulary.idf(w) for w in document.name_set & features.asked)
    value += WEIGHTS["covered"] * covered / document.name_weight
    if len(query.groups) == 1:
        order = 1.0 if hits[0] else 0.0
    else:
        pairs = list(zip(query.groups, query.groups[1:], strict=False))
        order = sum(_in_order(a, b, document.positions) for a, b in pairs) / len(pairs)
    value += WEIGHTS["order"] * order
    words = document.name_words
    if any(words[: len(alt)] == alt for alt in query.groups[0].alternatives if alt):
        value += WEIGHTS["prefix"]
    extra = min(max(len(words) - matched_words, 0), WEIGHTS["extra_cap"])
    value -= WEIGHTS["extra"] * extra
    unasked = sum(1 for p in document.secondary if f" {p} " not in features.asked_spaced)
    value -= WEIGHTS["secondary"] * min(unasked, 2)
    value += WEIGHTS["popularity"] * min(document.popularity, 10)
    return value


def rank(
    documents: list[Document], query: AnalysedQuery, vocabulary: Vocabulary
) -> list[tuple[float, Document]]:
    features = _features(query, vocabulary)
    scored = [(score(d, query, vocabulary, features), d) for d in documents]
    # Ties break on the shorter name, then on import order: never on the database's own score,
    # so that PostgreSQL and SQLite give the same order.
    scored.sort(key=lambda item: (-round(item[0], 6), item[1].name_length, item[1].procedure_id))
    return scored
