"""The sync in the admin (system administrators): each dossier's state at the national portal
with the error of a push still failing, and the reconciliation reports with their items;
"push again" as an action. Failing deliveries can also be sent again from the outbox's page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin

from . import services
from .models import DossierSync, Reconciliation, ReconciliationItem


@admin.register(DossierSync)
class DossierSyncAdmin(ReadOnlyAdmin):
    list_display = (
        "dossier",
        "last_status",
        "last_pushed_at",
        "pushes",
        "remote_status",
        "checked_at",
        "failing_push",
    )
    list_filter = ("last_status", "remote_status")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
    readonly_fields = (*(f.name for f in DossierSync._meta.fields), "failing_push")
    actions = ("push_again",)

    @admin.display(description=_("lỗi đang chờ gửi lại"))
    def failing_push(self, obj: DossierSync) -> str:
        return services.last_error_of(obj.dossier)

    @admin.action(description=_("Gửi lại hồ sơ lên Cổng DVC quốc gia"))
    def push_again(self, request, queryset):
        count = services.request_resync(
            [s.dossier for s in queryset.select_related("dossier")], actor=request.user
        )
        self.message_user(request, _("Đã yêu cầu gửi lại %(n)s hồ sơ.") % {"n": count})

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReconciliationItemInline(admin.TabularInline):
    model = ReconciliationItem
    fields = ("code", "kind", "local_status", "remote_status", "push_pending")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "plugin",
        "since",
        "checked",
        "missing",
        "differing",
        "error",
    )
    readonly_fields = tuple(f.name for f in Reconciliation._meta.fields)
    inlines = (ReconciliationItemInline,)
    actions = ("push_differing_again",)

    @admin.action(description=_("Gửi lại các hồ sơ sai lệch lên Cổng DVC quốc gia"))
    def push_differing_again(self, request, queryset):
        items = ReconciliationItem.objects.filter(report__in=queryset, dossier__isnull=False)
        dossiers = {item.dossier_id: item.dossier for item in items.select_related("dossier")}
        count = services.request_resync(dossiers.values(), actor=request.user)
        self.message_user(
            request, _("Đã yêu cầu gửi lại %(n)s hồ sơ.") % {"n": count}, messages.SUCCESS
        )
