"""Relevance: a transparent score computed in Python, the same on every database.

For each thing asked for (a query *group*) the score looks at the procedure's name: is it
there (rare words weigh more, see ``Vocabulary.idf``), typed with the same diacritics
("đóng cửa" is not "động của"), or only through a synonym or a spelling correction; then
whether the words come in the query's order and start the name; then a penalty for extra
words ("Đăng ký khai sinh" before "Đăng ký khai sinh lưu động") and for secondary
procedures the query did not ask for ("Thu hồi …", "Cấp lại …"); then the keywords (field,
agencies, results) and a small popularity prior.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from motcua.core.text import fold

from .query import AnalysedQuery, Group, Vocabulary, default_lexicon

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
    procedure_id: int
    name: str  # lower-case, with diacritics
    name_folded: str
    names_folded: str
    keywords_folded: str
    popularity: int
    db_score: float = 0.0
    _accented: set[str] | None = field(default=None, repr=False)

    @property
    def accented_words(self) -> set[str]:
        if self._accented is None:
            self._accented = set(_WORD.findall(self.name))
        return self._accented


def _alternative_in(alternative: tuple[str, ...], words: set[str]) -> bool:
    return bool(alternative) and all(token in words for token in alternative)


def _group_match(group: Group, document: Document, name_words: set[str]) -> tuple[float, bool]:
    """(weight of the best match of ``group`` in the name, whether it is in the main name)."""
    for index, alternative in enumerate(group.alternatives):
        if not _alternative_in(alternative, name_words):
            continue
        if index > 0:
            return MATCH["corrected" if group.corrected else "synonym"], True
        typed_with_marks = [w for w in group.accented if fold(w) != w]
        if typed_with_marks and not all(w in document.accented_words for w in typed_with_marks):
            return MATCH["accent_differs"], True
        return MATCH["exact"], True
    all_names = set(document.names_folded.split())
    if any(_alternative_in(alt, all_names) for alt in group.alternatives):
        return MATCH["other_name"], False
    return 0.0, False


def _in_order(left: Group, right: Group, positions: dict[str, list[int]]) -> bool:
    for la in left.alternatives:
        for ra in right.alternatives:
            if la and ra and any(p + 1 in positions.get(ra[0], ()) for p in positions.get(la[-1], ())):
                return True
    return False


def _secondary_penalty(query: AnalysedQuery, name: str) -> float:
    """Secondary procedures (revoke, re-issue, amend…) rank after the main one unless asked.

    Compared with diacritics, so that "hủy" does not catch "huy động"; a query typed without
    them asks for the phrase when its folded form is there.
    """
    asked = " " + " ".join(t for g in query.groups for a in g.alternatives for t in a) + " "
    padded = " " + " ".join(_WORD.findall(name)) + " "
    hits = sum(
        1
        for phrase in default_lexicon().secondary_phrases
        if f" {phrase} " in padded and f" {fold(phrase)} " not in asked
    )
    return min(hits, 2)


def group_weight(group: Group, vocabulary: Vocabulary) -> float:
    """Rare words weigh more; a phrase weighs its words together ("khai tử" is rare even if
    "khai" and "tử" are not); a bare number says little."""
    if all(t.isdigit() for alt in group.alternatives for t in alt):
        return 0.3
    return max((sum(vocabulary.idf(t) for t in alt) for alt in group.alternatives), default=1.0)


def score(document: Document, query: AnalysedQuery, vocabulary: Vocabulary) -> float:
    if not query.groups:
        return 0.0
    name_words = document.name_folded.split()
    name_set = set(name_words)
    keyword_set = set(document.keywords_folded.split())
    weights = [group_weight(g, vocabulary) for g in query.groups]
    total = sum(weights) or 1.0

    in_name = in_keywords = 0.0
    matched_words = 0
    hits_in_name: list[bool] = []
    for group, weight in zip(query.groups, weights, strict=True):
        strength, in_main_name = _group_match(group, document, name_set)
        in_name += weight * strength
        hits_in_name.append(in_main_name)
        if in_main_name:
            matched_words += max(len(a) for a in group.alternatives)
        if any(_alternative_in(alt, keyword_set) for alt in group.alternatives):
            in_keywords += weight

    value = WEIGHTS["name"] * in_name / total + WEIGHTS["keywords"] * in_keywords / total
    # How much of the name the query covers: a question names every word of the right
    # procedure, and only some of the longer ones.
    asked = query.tokens()
    name_weight = sum(vocabulary.idf(w) for w in name_set) or 1.0
    value += WEIGHTS["covered"] * sum(vocabulary.idf(w) for w in name_set & asked) / name_weight
    positions: dict[str, list[int]] = {}
    for i, word in enumerate(name_words):
        positions.setdefault(word, []).append(i)
    if len(query.groups) == 1:
        order = 1.0 if hits_in_name[0] else 0.0
    else:
        pairs = list(zip(query.groups, query.groups[1:], strict=False))
        order = sum(_in_order(a, b, positions) for a, b in pairs) / len(pairs)
    value += WEIGHTS["order"] * order
    first = query.groups[0]
    if any(name_words[: len(alt)] == list(alt) for alt in first.alternatives if alt):
        value += WEIGHTS["prefix"]
    extra = min(max(len(name_words) - matched_words, 0), WEIGHTS["extra_cap"])
    value -= WEIGHTS["extra"] * extra
    value -= WEIGHTS["secondary"] * _secondary_penalty(query, document.name)
    value += WEIGHTS["popularity"] * min(document.popularity, 10)
    return value


def rank(
    documents: list[Document], query: AnalysedQuery, vocabulary: Vocabulary
) -> list[tuple[float, Document]]:
    scored = [(score(d, query, vocabulary), d) for d in documents]
    # Ties break on the shorter name, then on import order: never on the database's own score,
    # so that PostgreSQL and SQLite give the same order.
    scored.sort(key=lambda item: (-round(item[0], 6), len(item[1].name_folded), item[1].procedure_id))
    return scored
