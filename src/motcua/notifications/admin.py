"""Notifications in the admin: the message templates (wording edited by administrators) and
every message sent, with its state; failed ones are sent again with "Gửi lại". Addresses are
shown masked."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.contacts import mask
from motcua.core import audit
from motcua.core.admin import ReadOnlyAdmin

from . import services
from .models import Message, MessageTemplate
from .rendering import VARIABLES, TemplateProblem, check

TEXT_FIELDS = ("subject", "email_body", "sms_text", "title", "body")


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("label", "essential", "is_active", *TEXT_FIELDS)

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            try:
                check(cleaned.get(name) or "")
            except TemplateProblem as problem:
                self.add_error(name, str(problem))
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("label", "key", "audience", "essential", "is_active", "updated_at")
    list_filter = ("audience", "essential", "is_active")
    readonly_fields = ("key", "audience", "variables")
    fieldsets = (
        (None, {"fields": ("key", "label", "audience", "essential", "is_active")}),
        (_("E-mail"), {"fields": ("subject", "email_body")}),
        (_("SMS"), {"fields": ("sms_text",)}),
        (_("Thông báo trên cổng"), {"fields": ("title", "body")}),
        (_("Biến dùng được"), {"fields": ("variables",)}),
    )

    @admin.display(description=_("biến"))
    def variables(self, obj) -> str:
        return "; ".join(f"{{{{ {name} }}}}: {label}" for name, label in VARIABLES.items())

    def has_add_permission(self, request) -> bool:
        return False  # one per kind, made from the built-in ones

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MessageState(admin.SimpleListFilter):
    title = _("tình trạng")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Message.State.choices

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at", "kind", "channel", "masked_address", "state", "attempts", "last_error",
        "next_attempt_at", "sent_at",
    )  # fmt: skip
    list_filter = (MessageState, "channel", "kind")
    actions = ("send_again",)
    show_full_result_count = False
    fields = (
        "event_id", "kind", "account", "channel", "masked_address", "subject", "body", "url",
        "state", "attempts", "last_error", "next_attempt_at", "sent_at", "provider_ref",
        "created_at",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("tài khoản"))
    def account(self, obj: Message) -> str:
        return str(obj.user.public_id)  # not the username: it may be a phone or an address

    @admin.display(description=_("địa chỉ nhận"))
    def masked_address(self, obj: Message) -> str:
        return mask(obj.address) if obj.address else "—"

    @admin.action(description=_("Gửi lại các tin chưa gửi được"))
    def send_again(self, request, queryset):
        sent, failed = services.resend(queryset)
        audit.record("notification_resend", actor=request.user, request=request, sent=sent,
                     failed=failed)  # fmt: skip
        self.message_user(
            request,
            _("Đã gửi lại %(sent)d tin; %(failed)d tin vẫn chưa gửi được.")
            % {"sent": sent, "failed": failed},
        )
