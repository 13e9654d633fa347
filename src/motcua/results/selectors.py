"""Reads of issued results."""

from __future__ import annotations

from .models import ResultDocument


def result_of(dossier) -> ResultDocument | None:
    """The dossier's signed result, if one was issued (the caller has checked access)."""
    return ResultDocument.objects.select_related("file").filter(dossier=dossier).first()
