"""The indicator sets, their indicators and the social costs, edited by system
administrators; the facts and counters are derived data and not shown here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.core import audit
from motcua.core.admin import SystemAdminOnly

from . import definitions
from .models import Indicator, IndicatorSet, SocialCost


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = (
        "position", "ident", "name", "group", "max_points", "threshold", "zero_rule", "scored",
        "kind", "scopes", "numerator_label", "denominator_label", "note",
    )  # fmt: skip


@admin.register(IndicatorSet)
class IndicatorSetAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ("name", "code", "version", "valid_from")
    ordering = ("code", "-valid_from")
    inlines = (IndicatorInline,)
    fieldsets = (
        (None, {"fields": ("code", "version", "valid_from", "name", "source")}),
        (
            _("Xếp loại (chưa được xác nhận chính thức)"),
            {"fields": ("bands",), "description": _(
                "Ngưỡng xếp loại theo tổng điểm quy về thang 100. Một phiên bản quy định mới là "
                "một bộ mới với ngày áp dụng muộn hơn; mỗi kỳ dùng bộ áp dụng tại ngày đầu kỳ."
            )},
        ),
    )  # fmt: skip

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record("stats_indicator_set_saved", request=request, obj=obj, code=obj.code,
                     version=obj.version, fields=list(form.changed_data))  # fmt: skip
        definitions.clear()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            audit.record("stats_indicators_saved", request=request, obj=form.instance,
                         code=form.instance.code, version=form.instance.version)  # fmt: skip
        definitions.clear()


@admin.register(SocialCost)
class SocialCostAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ("__str__", "procedure", "travel", "waiting", "paper")
    raw_id_fields = ("procedure",)
    search_fields = ("procedure__code", "procedure__name")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record("stats_social_cost_saved", request=request, obj=obj,
                     fields=list(form.changed_data))  # fmt: skip
