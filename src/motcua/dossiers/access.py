"""Who reads a dossier's files: whoever may see the dossier (documents' reader registry)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Dossier, DossierDocument
from .selectors import citizen_dossiers, staff_dossiers


def sees_one_of(user, dossiers: QuerySet) -> bool:
    """Whether ``user`` sees one of ``dossiers`` (a ``values("dossier")``-like subquery): a
    citizen the dossiers within their reach, staff those their reach covers."""
    if not user.is_authenticated:
        return False
    visible: QuerySet[Dossier] = (
        staff_dossiers(user) if user.is_staff_member else citizen_dossiers(user)
    )
    return visible.filter(pk__in=dossiers).exists()


def reads_through_a_dossier(user, stored_file) -> bool:
    """A citizen who sees a dossier, or staff whose reach covers it, read its attachments."""
    attached = DossierDocument.objects.filter(file=stored_file, removed_at__isnull=True)
    return sees_one_of(user, attached.values("dossier"))
