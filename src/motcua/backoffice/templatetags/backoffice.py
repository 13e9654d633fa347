"""Template filters of the staff pages: which menu entries the staff member may open."""

from __future__ import annotations

from django import template

from motcua.dossiers import register as dossier_register

register = template.Library()


@register.filter
def keeps_register(user) -> bool:
    """Whether the user may read the dossier register (sổ theo dõi hồ sơ)."""
    return bool(user.is_authenticated) and dossier_register.may_keep(user)
