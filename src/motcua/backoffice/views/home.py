"""The staff home page: who you are, your roles and where they reach, what you can open."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.access import scope_of
from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission, RoleAssignment
from motcua.accounts.services import mfa


@never_cache
@staff_required()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    roles = RoleAssignment.objects.active().filter(user=request.user).select_related("agency")
    context = {
        "roles": roles,
        "can_view_staff": scope.has(Permission.STAFF_VIEW) or scope.is_system_admin,
        "can_manage_staff": scope.has(Permission.STAFF_MANAGE),
        "can_file_at_desk": scope.has(Permission.DOSSIER_FILE_ASSISTED),
        "can_view_dossiers": scope.has(Permission.DOSSIER_VIEW),
        "can_view_stats": scope.has(Permission.STATS_VIEW),
        "can_configure": scope.has(Permission.AGENCY_CONFIGURE),
        "is_system_admin": scope.is_system_admin,
        "recovery_left": mfa.recovery_codes_left(request.user),
    }
    return render(request, "backoffice/home.html", context)
