"""The processes of procedures, edited by agency administrators (``agency.configure``): the
ordered steps, the role and agency of each, and its share of the legal time, with a preview
of each step's budget in working days. Province administrators edit their province's
processes; system administrators the national ones."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.access import scope_of
from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission, Role
from motcua.core.forms import style_field
from motcua.dossiers import deadlines, processes
from motcua.dossiers.models import Process, StepKind
from motcua.units.models import Agency

from .eforms import _jump_to_procedure, _may_edit, _procedure, _province_of

#: Roles that perform dossier steps (an administrator or a supervisor does not).
STEP_ROLES = (Role.CLERK, Role.SPECIALIST, Role.LEADER)


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại bước"),
        choices=StepKind.choices,
        error_messages={"required": gettext_lazy("Hãy chọn loại bước.")},
    )
    role = forms.CharField(
        label=gettext_lazy("Vai trò thực hiện"),
        widget=forms.Select(choices=[(r.value, r.label) for r in STEP_ROLES]),
        error_messages={"required": gettext_lazy("Hãy chọn vai trò thực hiện.")},
    )
    agency = forms.CharField(
        label=gettext_lazy("Mã cơ quan thực hiện"),
        required=False,
        help_text=gettext_lazy("Để trống: cơ quan tiếp nhận hoặc cơ quan giải quyết hồ sơ."),
    )
    share = forms.IntegerField(
        label=gettext_lazy("Tỷ lệ thời gian (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": gettext_lazy("Hãy nhập tỷ lệ thời gian của bước."),
            "invalid": gettext_lazy("Tỷ lệ thời gian phải là số nguyên."),
            "min_value": gettext_lazy("Tỷ lệ thời gian không được âm."),
            "max_value": gettext_lazy("Tỷ lệ thời gian không quá 100%."),
        },
    )

    def __init__(self, *args, scope=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.scope = scope
        for field in self.fields.values():
            style_field(field)

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role not in {r.value for r in STEP_ROLES}:
            raise forms.ValidationError(_("Vai trò “%(role)s” không tồn tại.") % {"role": role})
        return role

    def clean_agency(self):
        code = self.cleaned_data["agency"].strip()
        if not code:
            return None
        agency = Agency.objects.active().filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("Không có cơ quan mang mã %(code)s.") % {"code": code})
        if not self.scope.allows(Permission.AGENCY_CONFIGURE, agency):
            raise forms.ValidationError(
                _("Cơ quan %(name)s nằm ngoài phạm vi quản trị của bạn.") % {"name": agency.name}
            )
        return agency


StepFormSet = forms.formset_factory(
    StepForm, extra=1, can_delete=True, can_order=True, min_num=1, validate_min=True
)


def _initial(steps) -> list[dict]:
    return [
        {"kind": s.kind, "role": s.role, "share": s.share,
         "agency": s.agency.code if s.agency is not None else "", "ORDER": i}
        for i, s in enumerate(steps, start=1)
    ]  # fmt: skip


def _kept(formset) -> list:
    """The rows kept (not deleted, not left empty), in the order asked for."""
    rows = [
        f for f in formset.forms
        if f.has_changed() and not (f.cleaned_data or {}).get("DELETE")
    ]  # fmt: skip
    return sorted(rows, key=lambda f: (f.cleaned_data or {}).get("ORDER") or 999)


@never_cache
@staff_required(Permission.AGENCY_CONFIGURE)
@require_http_methods(["GET"])
def process_list(request: HttpRequest) -> HttpResponse:
    province = _province_of(request.user)
    jump = _jump_to_procedure(request, "backoffice:process_edit")
    if jump is not None:
        return jump
    configured = Process.objects.filter(procedure__isnull=False).select_related("procedure")
    configured = (
        configured.filter(province=province) if province else configured.filter(province=None)
    )
    rows = [
        {"process": p, "steps": processes.steps_of(p)}
        for p in configured.order_by("procedure__code")[:200]
    ]
    context = {"rows": rows, "province": province, "default": processes.DEFAULT_STEPS}
    return render(request, "backoffice/process_list.html", context)


@never_cache
@staff_required(Permission.AGENCY_CONFIGURE)
@require_http_methods(["GET", "POST"])
def process_edit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(code)
    province = _province_of(request.user)
    scope = scope_of(request.user)
    process = processes.configured(procedure, province)
    steps = processes.steps_of(process)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if not _may_edit(request.user):
            raise Http404
        formset = StepFormSet(request.POST, form_kwargs={"scope": scope})
        valid = formset.is_valid()
        for number, form in enumerate(formset.forms, start=1):
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                problems += [
                    _("Bước %(n)s, %(field)s: %(message)s")
                    % {"n": number, "field": label, "message": message}
                    for message in errors
                ]
        problems += [str(m) for m in formset.non_form_errors()]
        kept = _kept(formset)
        typed = [
            processes.Step(f.cleaned_data["kind"], f.cleaned_data["role"],
                           f.cleaned_data["share"], f.cleaned_data.get("agency"))
            for f in kept if f.is_valid()
        ]  # fmt: skip
        # The whole is checked on every row whose kind and share could be read, so that a
        # wrong role or agency does not hide a wrong total.
        shape = [
            processes.Step(f.cleaned_data["kind"], "", f.cleaned_data["share"])
            for f in kept
            if f.cleaned_data.get("kind") and f.cleaned_data.get("share") is not None
        ]
        if len(shape) == len(kept):
            problems += processes.problems_of(shape)
        if valid and not problems:
            processes.save_process(procedure, province, typed, actor=request.user, request=request)
            messages.success(request, _("Đã lưu quy trình giải quyết."))
            return redirect("backoffice:process_edit", code=procedure.code)
        status = 400
        preview_steps = typed if len(typed) == len(kept) else steps
    else:
        formset = StepFormSet(initial=_initial(steps), form_kwargs={"scope": scope})
        preview_steps = steps
    limit = deadlines.legal_limit(procedure)
    budgets = processes.budget_days(preview_steps, limit)
    context = {
        "procedure": procedure,
        "province": province,
        "formset": formset,
        "problems": problems,
        "configured": process is not None
        and process.procedure_id == procedure.pk
        and process.province_id == getattr(province, "pk", None),
        "limit": limit,
        "preview": list(zip(preview_steps, budgets, strict=True)),
        "may_edit": _may_edit(request.user),
    }
    return render(request, "backoffice/process_edit.html", context, status=status)
