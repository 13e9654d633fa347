"""Who reads a dossier's files: whoever may see the dossier (documents' reader registry)."""

from __future__ import annotations

from .models import DossierDocument
from .selectors import citizen_dossiers, staff_dossiers


def reads_through_a_dossier(user, stored_file) -> bool:
    """A citizen who sees a dossier, or staff whose reach covers it, read its attachments."""
    if not user.is_authenticated:
        return False
    dossiers = DossierDocument.objects.filter(file=stored_file, removed_at__isnull=True).values(
        "dossier"
    )
    visible = staff_dossiers(user) if user.is_staff_member else citizen_dossiers(user)
    return visible.filter(pk__in=dossiers).exists()
