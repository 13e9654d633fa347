"""Relevance: a transparent score computed in Python, the same on every database.

The score rewards, in order of weight: the query's words being in the procedure's name
(rare words count more), in the right order, the name starting with them, the words typed
with diacritics matching exactly, and few extra words in the name ("Đăng ký khai sinh"
before "Đăng ký khai sinh lưu động"); then the keywords (field, agencies, results) and a
small popularity prior.
"""

from __future__ import annotations

from dataclasses import dataclass

from .query import AnalysedQuery, Group, Vocabulary

WEIGHTS = {
    "name": 6.0,
    "order": 2.0,
    "prefix": 1.0,
    "accent": 1.5,
    "keywords": 1.5,
    "extra": 0.08,
    "popularity": 0.05,
    "corrected": 0.5,
}


@dataclass(slots=True)
class Document:
    procedure_id: int
    name: str  # lower-case, with diacritics
    name_folded: str
    names_folded: str
    keywords_folded: str
    popularity: int
    db_score: float = 0.0


def _group_hit(group: Group, words: set[str]) -> tuple[bool, bool]:
    """(matched, matched by the words as typed) for one group against a set of words."""
    for index, alt in enumerate(group.alternatives):
        if alt and all(token in words for token in alt):
            typed = index == 0 and not group.corrected
            return True, typed or (group.corrected and index == 0)
    return False, False


def _order_score(query: AnalysedQuery, name_words: list[str]) -> float:
    """Share of consecutive query groups whose words also follow each other in the name."""
    if len(query.groups) < 2:
        return 1.0 if query.groups else 0.0
    positions = {}
    for i, word in enumerate(name_words):
        positions.setdefault(word, []).append(i)
    pairs = hits = 0
    for left, right in zip(query.groups, query.groups[1:], strict=False):
        pairs += 1
        for la in left.alternatives:
            for ra in right.alternatives:
                if not la or not ra:
                    continue
                if any(p + 1 in positions.get(ra[0], ()) for p in positions.get(la[-1], ())):
                    hits += 1
                    break
            else:
                continue
            break
    return hits / pairs


def score(document: Document, query: AnalysedQuery, vocabulary: Vocabulary) -> float:
    if not query.groups:
        return 0.0
    name_words = document.name_folded.split()
    name_set = set(name_words)
    all_names = set(document.names_folded.split())
    keyword_set = set(document.keywords_folded.split())
    weights = [max((vocabulary.idf(t) for alt in g.alternatives for t in alt), default=1.0)
               for g in query.groups]
    total = sum(weights) or 1.0

    in_name = in_keywords = corrected_penalty = 0.0
    matched_words = 0
    for group, weight in zip(query.groups, weights, strict=True):
        hit, _ = _group_hit(group, name_set)
        if not hit:
            hit, _ = _group_hit(group, all_names)
            hit_weight = 0.8 if hit else 0.0
        else:
            hit_weight = 1.0
            matched_words += max(len(a) for a in group.alternatives)
        in_name += weight * hit_weight
        if _group_hit(group, keyword_set)[0]:
            in_keywords += weight
        if group.corrected:
            corrected_penalty += weight
    value = WEIGHTS["name"] * in_name / total
    value += WEIGHTS["keywords"] * in_keywords / total
    value += WEIGHTS["order"] * _order_score(query, name_words)
    query_prefix = " ".join(g.primary[0] for g in query.groups if g.primary)
    if document.name_folded.startswith(query_prefix):
        value += WEIGHTS["prefix"]
    if query.has_diacritics:
        accented = [w for g in query.groups for w in g.accented]
        if accented:
            name_accented = set(document.name.split())
            value += WEIGHTS["accent"] * sum(w in name_accented for w in accented) / len(accented)
    value -= WEIGHTS["extra"] * max(len(name_words) - matched_words, 0)
    value -= WEIGHTS["corrected"] * corrected_penalty / total
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
