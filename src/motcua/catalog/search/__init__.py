"""Catalogue search: analyse the query, retrieve candidates from the database, rank in Python.

See docs/search.md for the design and bench/search_quality.py for how it is measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max

from motcua.core.text import fold

from .backends import Candidate, get_backend
from .query import AnalysedQuery, Vocabulary, analyse
from .ranking import Document, group_weight, rank

# Candidates whose score falls below this share of the best one are not results: they matched
# only the least specific words of the query.
RELATIVE_CUTOFF = 0.45
VOCABULARY_TTL = 30.0


@dataclass(slots=True)
class SearchOutcome:
    query: AnalysedQuery
    procedure_ids: list[int] = field(default_factory=list)
    scores: dict[int, float] = field(default_factory=dict)
    code_matches: list[str] = field(default_factory=list)


class _IndexCache:
    """The vocabulary and the ranking features of every procedure, per process.

    Rebuilt when an import has run (checked at most every VOCABULARY_TTL seconds): a few
    thousand procedures fit in a few megabytes, and ranking then needs no database read.
    """

    def __init__(self) -> None:
        self.vocabulary: Vocabulary | None = None
        self.documents: dict[int, Document] = {}
        self.stamp: object = None
        self.checked = 0.0

    def get(self) -> tuple[Vocabulary, dict[int, Document]]:
        from motcua.catalog.models import ImportRun, SearchDocument

        now = time.monotonic()
        if self.vocabulary is not None and now - self.checked < VOCABULARY_TTL:
            return self.vocabulary, self.documents
        stamp = (
            ImportRun.objects.aggregate(m=Max("id"))["m"],
            SearchDocument.objects.count(),
            SearchDocument.objects.aggregate(m=Max("procedure_id"))["m"],
        )
        if self.vocabulary is None or stamp != self.stamp:
            rows = list(
                SearchDocument.objects.values_list(
                    "procedure_id",
                    "name",
                    "name_folded",
                    "names_folded",
                    "keywords_folded",
                    "popularity",
                )
            )
            self.vocabulary = Vocabulary([f"{row[3]} {row[4]}" for row in rows])
            self.documents = {row[0]: Document.build(*row) for row in rows}
            for document in self.documents.values():
                document.name_weight = sum(self.vocabulary.idf(w) for w in document.name_set) or 1.0
            self.stamp = stamp
        self.checked = now
        return self.vocabulary, self.documents

    def clear(self) -> None:
        self.vocabulary = None


vocabulary_cache = _IndexCache()


def _candidates(backend, query: AnalysedQuery, vocabulary: Vocabulary, limit: int) -> dict:
    """The procedures matching most of the query, by weight of the groups they match.

    The database says which procedures match each group and sums the groups' weights (the
    same weights as the ranking's), so that both engines shortlist the same procedures. A
    procedure must match every group, or at least one informative one.
    """
    informative_ids = {id(g) for g in _informative(query, vocabulary).groups}
    weights = [group_weight(g, vocabulary) for g in query.groups]
    useful = [id(g) in informative_ids for g in query.groups]
    rows = backend.shortlist(query.groups, weights, useful, limit)
    return {pid: Candidate(pid, total, "group") for pid, total in rows}


#: Words in more than this share of procedures say too little to retrieve by on their own.
COMMON_WORD_SHARE = 0.08


def _informative(query: AnalysedQuery, vocabulary: Vocabulary) -> AnalysedQuery:
    limit = COMMON_WORD_SHARE * vocabulary.document_count

    def informative(alternative: tuple[str, ...]) -> bool:
        if not alternative or all(token.isdigit() for token in alternative):
            return False
        return vocabulary.document_frequency(alternative) <= limit

    groups = [g for g in query.groups if any(informative(alt) for alt in g.alternatives)]
    return AnalysedQuery(text=query.text, groups=groups, has_diacritics=query.has_diacritics)


def search_procedures(text: str) -> SearchOutcome:
    """Procedures matching ``text``, best first (at most MOTCUA_SEARCH_CANDIDATES)."""
    from motcua.catalog.models import Entry, Procedure

    vocabulary, features = vocabulary_cache.get()
    query = analyse(text, vocabulary=vocabulary)
    outcome = SearchOutcome(query=query)
    limit = settings.MOTCUA_SEARCH_CANDIDATES

    code_ids: list[int] = []
    if query.codes:
        national = Procedure.objects.filter(code__in=query.codes, is_active=True)
        matches = list(national.values_list("id", "code"))
        matches += list(
            Entry.objects.filter(code__in=query.codes).values_list("procedure_id", "code")
        )
        code_ids = list(dict.fromkeys(pid for pid, _ in matches))
        outcome.code_matches = [code for _, code in matches]
    if not query.groups:
        outcome.procedure_ids = code_ids
        outcome.scores = dict.fromkeys(code_ids, 100.0)
        return outcome

    backend = get_backend()
    candidates = _candidates(backend, query, vocabulary, limit)
    if len(candidates) < 10:
        # Misspellings the vocabulary could not fix: fall back on trigram similarity.
        folded = " ".join(fold(w) for g in query.groups for w in (g.typed.split()))
        for candidate in backend.similar(folded, 30):
            candidates.setdefault(candidate.procedure_id, candidate)

    documents = [features[pid] for pid in candidates if pid in features]
    ranked = rank(documents, query, vocabulary)
    if ranked:
        best = ranked[0][0]
        ranked = [(s, d) for s, d in ranked if s >= best * RELATIVE_CUTOFF]
    ordered = code_ids + [d.procedure_id for _, d in ranked if d.procedure_id not in code_ids]
    outcome.procedure_ids = ordered[:limit]
    outcome.scores = {d.procedure_id: s for s, d in ranked}
    outcome.scores.update(dict.fromkeys(code_ids, 100.0))
    return outcome
