"""Client systems in the admin (system administrators only): their agencies and scopes, their
API keys and OAuth2 credentials (each secret shown once, on the page after the action), and
their webhook deliveries, where failures show and can be retried. Every change is audited."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.core import admin as core_admin
from motcua.core import audit
from motcua.core.admin import is_system_admin

from . import services, webhooks
from .models import (
    ApiKey,
    ClientAgency,
    ClientSystem,
    Scope,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)


class SystemAdminOnly(core_admin.SystemAdminOnly, admin.ModelAdmin):
    """Client systems and their webhooks are deactivated or revoked, never deleted (audit)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ClientAgencyInline(admin.TabularInline):
    model = ClientAgency
    extra = 1
    autocomplete_fields = ("agency",)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_system_admin(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = ("prefix", "label", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return is_system_admin(request.user)

    has_change_permission = has_view_permission

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # keys are made by the action, which shows the key once


class ClientSystemForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Phạm vi quyền"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ClientSystem
        fields = (
            "name",
            "contact_name",
            "contact_email",
            "contact_phone",
            "scopes",
            "is_active",
            "rate_per_minute",
        )


@admin.register(ClientSystem)
class ClientSystemAdmin(SystemAdminOnly):
    form = ClientSystemForm
    list_display = ("name", "contact_name", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact_name")
    readonly_fields = ("public_id", "oauth_client_id")
    inlines = (ClientAgencyInline, ApiKeyInline)
    actions = ("issue_api_key", "issue_oauth_credentials", "revoke_api_keys")

    @admin.display(description=_("OAuth2 client_id"))
    def oauth_client_id(self, client: ClientSystem) -> str:
        return client.oauth_application.client_id if client.oauth_application_id else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = services.client_account_for(obj)
        super().save_model(request, obj, form, change)
        audit.record(
            "api_client_changed" if change else "api_client_created",
            actor=request.user,
            obj=obj,
            request=request,
            scopes=list(obj.scopes or []),
            active=obj.is_active,
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ApiKey:
            for _key in formset.changed_objects:
                audit.record("api_key_changed", actor=request.user, obj=form.instance)
        if formset.model is ClientAgency and formset.has_changed():
            audit.record(
                "api_client_agencies_changed",
                actor=request.user,
                obj=form.instance,
                request=request,
                agencies=[a.agency.code for a in form.instance.agencies.select_related("agency")],
            )

    @admin.action(description=_("Cấp khóa API mới (hiện một lần)"))
    def issue_api_key(self, request, queryset):
        for client in queryset:
            key, _row = services.issue_api_key(client, actor=request.user, label="admin")
            self.message_user(
                request,
                _("Khóa API của “%(name)s” (chỉ hiện lần này, hãy lưu lại ngay): %(key)s")
                % {"name": client.name, "key": key},
                messages.WARNING,
            )

    @admin.action(description=_("Cấp thông tin OAuth2 client credentials (hiện một lần)"))
    def issue_oauth_credentials(self, request, queryset):
        for client in queryset:
            client_id, secret = services.issue_oauth_credentials(client, actor=request.user)
            self.message_user(
                request,
                _("“%(name)s”: client_id %(id)s, client_secret (chỉ hiện lần này): %(secret)s")
                % {"name": client.name, "id": client_id, "secret": secret},
                messages.WARNING,
            )

    @admin.action(description=_("Thu hồi mọi khóa API"))
    def revoke_api_keys(self, request, queryset):
        for client in queryset:
            for key in client.keys.filter(revoked_at__isnull=True):
                services.revoke_api_key(key, actor=request.user)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = ("at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return is_system_admin(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SystemAdminOnly):
    list_display = ("topic", "subscription", "state", "attempts", "next_attempt_at", "created_at")
    list_filter = ("state", "topic")
    readonly_fields = (
        "subscription",
        "event_id",
        "topic",
        "state",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "body",
    )
    inlines = (AttemptInline,)
    actions = ("retry",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Gửi lại ngay"))
    def retry(self, request, queryset):
        for delivery in queryset.exclude(state=WebhookDelivery.State.DELIVERED):
            webhooks.retry(delivery, actor=request.user)
            webhooks.attempt(delivery.pk)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SystemAdminOnly):
    list_display = ("target_url", "client", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("client", "target_url", "topics", "deleted_at")
    fields = ("client", "target_url", "topics", "is_active", "deleted_at")

    def has_add_permission(self, request) -> bool:
        return False


def _hide_toolkit_models() -> None:
    """Credentials are issued from the client system's page; the toolkit's own tables are
    not edited by hand."""
    from oauth2_provider import models as toolkit

    for model in (
        toolkit.get_application_model(),
        toolkit.get_access_token_model(),
        toolkit.get_refresh_token_model(),
        toolkit.get_grant_model(),
        toolkit.get_id_token_model(),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_hide_toolkit_models()
