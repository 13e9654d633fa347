"""The audit log in the admin: a read-only list for system administrators; the working-day
calendar, which they extend when the government announces holidays and day swaps; the outbox's
deliveries and subscribers, where failures show and can be sent again."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit, outbox
from .calendar import WorkingCalendar
from .models import AuditEntry, CalendarDay, Delivery, OutboxSubscriber


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system (imports, services): the admin only lists and shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def is_system_admin(user) -> bool:
    from motcua.accounts.access import scope_of

    return bool(user.is_active and scope_of(user).is_system_admin)


class SystemAdminOnly:
    """Admin pages for system administrators only: they may see, add, change and delete; put
    :class:`ReadOnlyAdmin` first in the bases of a page they may only read."""

    def has_module_permission(self, request) -> bool:
        return is_system_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_system_admin(request.user)

    def has_add_permission(self, request, *args) -> bool:
        return is_system_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_system_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_system_admin(request.user)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, SystemAdminOnly):
    list_display = (
        "at",
        "action",
        "actor",
        "on_behalf_of",
        "on_behalf_of_organisation",
        "object_type",
        "object_id",
        "ip",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "ip")
    date_hierarchy = "at"
    list_select_related = ("actor", "on_behalf_of", "on_behalf_of_organisation")
    readonly_fields = tuple(f.name for f in AuditEntry._meta.fields)
    actions = None


WEEKDAY_NAMES = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
)


@admin.register(CalendarDay)
class CalendarDayAdmin(SystemAdminOnly, admin.ModelAdmin):
    """Days off and make-up working days. What an administrator saves is theirs
    (``source="admin"``) and survives every import of the bundled file; a bundled day keeps its
    date and cannot be deleted (the next import would bring it back): to cancel a bundled
    holiday, change it to a working day. Every change is seen at once by deadlines computed in
    this process, and within a minute by the others."""

    list_display = ("date", "weekday", "kind", "name", "source", "updated_at")
    list_filter = ("kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    readonly_fields = ("source", "created_at", "updated_at")

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAY_NAMES[obj.date.weekday()])

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.source == CalendarDay.Source.DATA:
            return ("date", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.source == CalendarDay.Source.DATA:
            return False
        return is_system_admin(request.user)

    def save_model(self, request, obj, form, change):
        obj.source = CalendarDay.Source.ADMIN
        super().save_model(request, obj, form, change)
        WorkingCalendar.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        WorkingCalendar.invalidate()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(source=CalendarDay.Source.DATA))
        WorkingCalendar.invalidate()


class DeliveryState(admin.SimpleListFilter):
    title = _("tình trạng")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (
            ("failing", _("đang lỗi, sẽ thử lại")),
            ("pending", _("đang chờ gửi")),
            ("delivered", _("đã gửi")),
        )

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(delivered_at__isnull=True, attempts__gt=0)
        if self.value() == "pending":
            return queryset.filter(delivered_at__isnull=True)
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin, SystemAdminOnly):
    """Every event to every subscriber: what failed, why, when it is tried again."""

    list_display = (
        "id", "subscriber", "topic", "aggregate", "attempts", "last_error", "available_at",
        "delivered_at",
    )  # fmt: skip
    list_filter = (DeliveryState, "subscriber")
    search_fields = ("aggregate", "event__topic")
    list_select_related = ("event",)
    readonly_fields = (*(f.name for f in Delivery._meta.fields), "payload")
    actions = ("send_again",)
    show_full_result_count = False  # no count(*) over millions of rows on every page

    @admin.display(description=_("loại sự kiện"))
    def topic(self, obj: Delivery) -> str:
        return obj.event.topic

    @admin.display(description=_("nội dung"))
    def payload(self, obj: Delivery) -> dict:
        return obj.event.payload

    @admin.action(description=_("Gửi lại ngay các lượt đã chọn"))
    def send_again(self, request, queryset):
        count = outbox.retry_now(queryset)
        audit.record("outbox_retry", actor=request.user, request=request, count=count)
        self.message_user(request, _("Đã đưa %(n)d lượt vào hàng gửi lại.") % {"n": count})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_system_admin(request.user):
            return {}
        return actions


@admin.register(OutboxSubscriber)
class OutboxSubscriberAdmin(ReadOnlyAdmin, SystemAdminOnly):
    list_display = ("name", "consecutive_failures", "paused_until", "last_success_at", "last_error")
    actions = ("resume",)

    @admin.action(description=_("Tiếp tục gửi ngay (thử lại các lượt đang chờ)"))
    def resume(self, request, queryset):
        names = list(queryset.values_list("name", flat=True))
        count = outbox.retry_now(Delivery.objects.filter(subscriber__in=names))
        audit.record("outbox_resume", actor=request.user, request=request, count=count)
        self.message_user(request, _("Đã đưa %(n)d lượt vào hàng gửi lại.") % {"n": count})
