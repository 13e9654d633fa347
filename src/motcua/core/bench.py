"""Baselines for the benchmarks, on the same stack (middleware, session, login): one row
written (``bench/submit.py``: CSRF, one transaction) and one row read by a staff member
(``bench/queues.py``). Routed only when ``MOTCUA_BENCH_ENDPOINTS`` is on; never in production
(the overlay refuses it)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import citizen_required, staff_required

from .models import AuditEntry


@citizen_required
@require_POST
def insert_one_row(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        AuditEntry(action="bench_baseline", actor=request.user).save()
    return redirect("/")


@staff_required()
def read_one_row(request: HttpRequest, pk: int) -> HttpResponse:
    from motcua.dossiers.models import Dossier

    code = Dossier.objects.filter(pk=pk).values_list("code", flat=True).first()
    return HttpResponse(code or "", content_type="text/plain; charset=utf-8")
