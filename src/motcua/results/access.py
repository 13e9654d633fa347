"""Who reads a result file: whoever sees its dossier (the applicant also finds it in their
document store, which has its own rule)."""

from __future__ import annotations

from motcua.dossiers.access import sees_one_of

from .models import ResultDocument


def reads_a_result(user, stored_file) -> bool:
    return sees_one_of(user, ResultDocument.objects.filter(file=stored_file).values("dossier"))
