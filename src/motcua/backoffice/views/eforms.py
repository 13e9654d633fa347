"""The e-form builder of agency administrators: versions, a draft edited field by field, a
preview as citizens see it, and publishing. Province administrators make versions for their
province; system administrators also for everywhere."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.access import scope_of
from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission
from motcua.catalog.selectors import procedure_by_code
from motcua.forms import services
from motcua.forms.engine import FillContext, page_form
from motcua.forms.models import FormDefinition
from motcua.forms.selectors import form_for
from motcua.forms.services import FormError
from motcua.forms.spec import SpecError, parse_spec
from motcua.portal.filing import communes_of
from motcua.units.models import Province

from ..forms import FieldEditForm


def _province_of(user) -> Province | None:
    """The province whose forms the administrator edits (None: a system administrator, who
    edits the versions used everywhere)."""
    scope = scope_of(user)
    if scope.is_system_admin:
        return None
    for agency in scope.top_agencies(Permission.AGENCY_CONFIGURE):
        if agency.province_id:
            return agency.province
    return None


def _may_edit(user) -> bool:
    scope = scope_of(user)
    return scope.is_system_admin or _province_of(user) is not None


def _procedure(code: str):
    found = procedure_by_code(code)
    if found is None:
        raise Http404
    return found[0]


def _jump_to_procedure(request: HttpRequest, view: str) -> HttpResponse | None:
    """The procedure typed in a list's search box (``thu_tuc``): a redirect to its page in
    ``view``, or None (with a message when no procedure has that code)."""
    code = request.GET.get("thu_tuc", "").strip()
    if not code:
        return None
    found = procedure_by_code(code)
    if found is not None:
        return redirect(view, code=found[0].code)
    messages.error(request, _("Không có thủ tục mang mã %(code)s.") % {"code": code})
    return None


@never_cache
@staff_required(Permission.AGENCY_CONFIGURE)
@require_http_methods(["GET"])
def form_list(request: HttpRequest) -> HttpResponse:
    province = _province_of(request.user)
    jump = _jump_to_procedure(request, "backoffice:form_versions")
    if jump is not None:
        return jump
    forms = FormDefinition.objects.filter(generated=False).select_related("procedure")
    forms = forms.filter(province=province) if province else forms.filter(province__isnull=True)
    context = {"forms": forms.order_by("procedure__code", "-version")[:200], "province": province}
    return render(request, "backoffice/form_list.html", context)


@never_cache
@staff_required(Permission.AGENCY_CONFIGURE)
@require_http_methods(["GET", "POST"])
def form_versions(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(code)
    province = _province_of(request.user)
    if request.method == "POST":
        if not _may_edit(request.user):
            return render(request, "backoffice/forbidden.html", status=403)
        draft = services.new_draft(
            procedure=procedure, province=province, actor=request.user, request=request
        )
        return redirect("backoffice:form_edit", code=procedure.code, form_id=draft.pk)
    versions = FormDefinition.objects.filter(procedure=procedure).filter(
        province=province
    ) | FormDefinition.objects.filter(procedure=procedure, province__isnull=True)
    context = {
        "procedure": procedure,
        "province": province,
        "versions": versions.order_by("-version"),
        "in_use": form_for(procedure, province),
    }
    return render(request, "backoffice/form_versions.html", context)


def _editable(request, code: str, form_id: int) -> FormDefinition:
    procedure = _procedure(code)
    province = _province_of(request.user)
    form = FormDefinition.objects.filter(pk=form_id, procedure=procedure, province=province).first()
    if form is None:
        raise Http404
    return form


@never_cache
@staff_required(Permission.AGENCY_CONFIGURE)
@require_http_methods(["GET", "POST"])
def form_edit(request: HttpRequest, code: str, form_id: int) -> HttpResponse:
    form = _editable(request, code, form_id)
    problems: list[str] = []
    bound: dict[tuple[str, int], FieldEditForm] = {}
    if request.method == "POST":
        try:
            response = _apply(request, form, bound)
        except FormError as error:
            problems = error.problems
        else:
            if response is not None:
                return response
            form.refresh_from_db()
    return _render_editor(request, form, problems, bound)


def _apply(request, form: FormDefinition, bound) -> HttpResponse | None:
    action = request.POST.get("action", "")
    page = request.POST.get("page", "")
    index = int(request.POST.get("index") or -1)
    spec = form.spec
    keys = [f.get("key") for p in spec["pages"] for f in p.get("fields", [])]
    if action in ("save_field", "add_field"):
        editor = FieldEditForm(request.POST, prefix=f"f-{page}-{index}", other_keys=keys)
        if not editor.is_valid():
            bound[(page, index)] = editor
            raise FormError([_("Trường chưa hợp lệ: xem các lỗi bên dưới.")])
        target = None if action == "add_field" else index
        spec = services.with_field(spec, page, editor.as_spec(), index=target)
    elif action == "delete_field":
        spec = services.without_field(spec, page, index)
    elif action in ("move_up", "move_down"):
        spec = services.moved_field(spec, page, index, -1 if action == "move_up" else 1)
    elif action == "add_page":
        spec = services.with_page(
            spec, request.POST.get("page_key", ""), request.POST.get("page_title", "")
        )
    elif action == "save_json":
        try:
            spec = json.loads(request.POST.get("spec", ""))
        except ValueError:
            raise FormError([_("Nội dung JSON không đúng cú pháp.")]) from None
    elif action == "publish":
        services.publish(form, actor=request.user, request=request)
        messages.success(request, _("Đã công bố phiên bản %(v)s.") % {"v": form.version})
        return redirect("backoffice:form_versions", code=form.procedure.code)
    elif action == "discard":
        services.discard(form, actor=request.user, request=request)
        messages.success(request, _("Đã xóa bản nháp."))
        return redirect("backoffice:form_versions", code=form.procedure.code)
    else:
        raise FormError([_("Thao tác không hợp lệ.")])
    services.save_spec(form, spec, actor=request.user, request=request)
    messages.success(request, _("Đã lưu bản nháp."))
    return None


def _render_editor(request, form: FormDefinition, problems, bound) -> HttpResponse:
    spec = form.spec
    keys = [f.get("key") for p in spec["pages"] for f in p.get("fields", [])]
    pages = []
    for page in spec["pages"]:
        editors = []
        for index, field in enumerate(page.get("fields", [])):
            editor = bound.get((page["key"], index)) or FieldEditForm(
                initial=FieldEditForm.initial_from(field),
                prefix=f"f-{page['key']}-{index}",
                other_keys=[k for k in keys if k != field.get("key")],
            )
            editors.append({"index": index, "field": field, "form": editor})
        new = bound.get((page["key"], -1)) or FieldEditForm(
            prefix=f"f-{page['key']}--1", other_keys=keys, initial={"type": "text"}
        )
        pages.append({"page": page, "fields": editors, "new": new})
    context = {
        "form_definition": form,
        "procedure": form.procedure,
        "pages": pages,
        "problems": problems,
        "spec_json": json.dumps(spec, ensure_ascii=False, indent=1),
        "editable": form.status == FormDefinition.Status.DRAFT,
    }
    return render(request, "backoffice/form_edit.html", context, status=400 if problems else 200)


@never_cache
@staff_required(Permission.AGENCY_CONFIGURE)
@require_http_methods(["GET"])
def form_preview(request: HttpRequest, code: str, form_id: int, page: str) -> HttpResponse:
    form = FormDefinition.objects.filter(pk=form_id, procedure__code=_procedure(code).code).first()
    if form is None:
        raise Http404
    try:
        spec = parse_spec(form.spec)
    except SpecError as error:
        return render(
            request,
            "backoffice/form_preview.html",
            {"problems": error.problems, "form_definition": form},
        )
    page_spec = spec.page(page) or spec.pages[0]
    context = FillContext(
        provinces=list(Province.objects.order_by("sort_key").values_list("code", "name")),
        communes_of=communes_of,
    )
    preview = page_form(spec, page_spec, answers={}, context=context)
    return render(
        request,
        "backoffice/form_preview.html",
        {"form_definition": form, "spec": spec, "page": page_spec, "form": preview},
    )
