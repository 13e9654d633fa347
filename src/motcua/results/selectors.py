"""Reads of issued results."""

from __future__ import annotations

from .models import ResultDocument


def result_of(dossier) -> ResultDocument | None:
    """The dossier's signed result, if one was issued (the caller has checked access)."""
    return ResultDocument.objects.select_related("file").filter(dossier=dossier).first()


def issued(**lookup) -> ResultDocument | None:
    """The issued result matching ``lookup`` (its verification code or its file's SHA-256),
    with what the public verification page shows of it."""
    return (
        ResultDocument.objects.select_related("dossier__procedure", "agency", "file")
        .filter(**lookup)
        .first()
    )
