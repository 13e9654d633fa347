"""Fees are edited here by administrators; payments, provider messages (forged and replayed
ones included) and reconciliation runs with their mismatches are shown read-only."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin

from .models import (
    FeeRule,
    FeeSchedule,
    Mismatch,
    Payment,
    ProviderMessage,
    ReconciliationRun,
)


class FeeRuleInline(admin.TabularInline):
    model = FeeRule
    extra = 1


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ("procedure", "kind", "timing", "amount", "field")
    list_filter = ("kind", "timing")
    search_fields = ("procedure__code", "procedure__name")
    raw_id_fields = ("procedure",)
    inlines = (FeeRuleInline,)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "amount", "provider", "status", "paid_at", "receipt_number")
    list_filter = ("status", "provider", "timing")
    search_fields = ("reference", "transaction_id", "dossier__code")
    exclude = ("payer", "refunded_by")
    date_hierarchy = "created_at"


@admin.register(ProviderMessage)
class ProviderMessageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "kind", "reference", "outcome", "reason")
    list_filter = ("outcome", "reason", "provider", "kind")
    search_fields = ("reference",)


class MismatchInline(admin.TabularInline):
    model = Mismatch
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "reference",
        "transaction_id",
        "ours_amount",
        "theirs_amount",
        "ours_status",
        "theirs_status",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ("day", "provider", "lines", "matched", "mismatches_count", "created_at")
    list_filter = ("provider",)
    inlines = (MismatchInline,)
