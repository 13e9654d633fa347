"""A baseline for the submission benchmark (``bench/submit.py``): the same stack (middleware,
session, login, CSRF, one transaction) writing one row. Routed only when
``MOTCUA_BENCH_ENDPOINTS`` is on; never in production (the overlay refuses it)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import citizen_required

from .models import AuditEntry


@citizen_required
@require_POST
def insert_one_row(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        AuditEntry(action="bench_baseline", actor=request.user).save()
    return redirect("/")
