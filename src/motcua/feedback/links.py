"""Signed links other apps put in their messages."""

from __future__ import annotations

from django.urls import reverse

from . import rules


def rating_url(dossier) -> str:
    """The absolute address where the applicant rates a returned dossier without logging in
    (valid ``MOTCUA_RATING_LINK_DAYS`` days, 90 by default)."""
    from motcua.notifications.services import site_url

    path = reverse("feedback:rate_by_link", kwargs={"token": rules.rating_token(dossier)})
    return site_url(path)
