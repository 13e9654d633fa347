"""Django's admin, for system administrators only, after the staff login and its second factor.

Agency administrators manage their staff in the back office (``/can-bo/nhan-su/``), never here.
The admin's own login form is not used: it would skip the second factor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse


class MotcuaAdminSite(admin.AdminSite):
    site_header = "motcua – Quản trị hệ thống"
    site_title = "motcua"
    index_title = "Quản trị hệ thống"

    def has_permission(self, request) -> bool:
        from motcua.accounts.access import scope_of

        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and getattr(user, "is_staff_member", False)
            and user.is_verified()
            and scope_of(user).is_system_admin
        )

    def login(self, request, extra_context=None):
        target = reverse("backoffice:login")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{target}?{urlencode({'next': next_url})}")


class MotcuaAdminConfig(AdminConfig):
    default_site = "motcua.core.admin_site.MotcuaAdminSite"
