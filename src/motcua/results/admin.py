"""Django admin for system administrators: result wordings (each change a new version, so an
issued result always names the wording it was drawn from) and the issued results, read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from motcua.core.admin import ReadOnlyAdmin

from .models import ResultDocument, ResultTemplate
from .render import TemplateProblem, check_template


class ResultTemplateForm(forms.ModelForm):
    class Meta:
        model = ResultTemplate
        fields = ("procedure", "title", "body", "signer_title", "is_active")

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            check_template(body)
        except TemplateProblem as problem:
            raise forms.ValidationError(str(problem)) from problem
        return body


@admin.register(ResultTemplate)
class ResultTemplateAdmin(admin.ModelAdmin):
    form = ResultTemplateForm
    list_display = ("procedure", "version", "title", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("procedure__code", "procedure__name", "title")
    raw_id_fields = ("procedure",)
    readonly_fields = ("version",)

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: ResultTemplate, form, change: bool) -> None:
        wording = {"title", "body", "signer_title", "procedure"}
        if change and wording & set(form.changed_data):
            ResultTemplate.objects.filter(pk=obj.pk).update(is_active=False)
            obj.pk = obj.id = None
            obj._state.adding = True
        if obj.pk is None:
            latest = ResultTemplate.objects.filter(procedure=obj.procedure).aggregate(
                v=Max("version")
            )["v"]
            obj.version = (latest or 0) + 1
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ResultDocument)
class ResultDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "agency", "signed_at", "key_store")
    search_fields = ("number", "verification_code", "dossier__code")
    list_select_related = ("agency",)
    date_hierarchy = "signed_at"
