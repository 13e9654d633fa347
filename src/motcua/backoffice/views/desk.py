"""Filing at the desk: a clerk files a walk-in citizen's paper dossier, digitised."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.contacts import normalise_phone
from motcua.accounts.decorators import staff_required
from motcua.accounts.forms import PidField
from motcua.accounts.models import Permission
from motcua.catalog.selectors import procedure_by_code
from motcua.core.forms import SiteForm
from motcua.documents.checks import UploadError
from motcua.dossiers import services
from motcua.dossiers.selectors import staff_dossiers
from motcua.forms.engine import CheckedCharField
from motcua.forms.selectors import form_for
from motcua.integrations.population.base import PopulationError
from motcua.integrations.population.registry import get_source


class DeskForm(SiteForm):
    applicant_pid = PidField(
        label=gettext_lazy("Số định danh cá nhân của người nộp"),
        error_messages={"required": gettext_lazy("Hãy nhập số định danh cá nhân.")},
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("Họ và tên"),
        max_length=150,
        error_messages={"required": gettext_lazy("Hãy nhập họ và tên.")},
    )
    applicant_phone = CheckedCharField(
        label=gettext_lazy("Số điện thoại di động"),
        check=normalise_phone,
        message=gettext_lazy(
            "Số điện thoại di động có 10 chữ số, bắt đầu bằng 03, 05, 07, 08, 09."
        ),
        required=False,
        max_length=20,
    )
    applicant_address = forms.CharField(
        label=gettext_lazy("Nơi cư trú"), max_length=255, required=False
    )
    request_text = forms.CharField(
        label=gettext_lazy("Nội dung đề nghị"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    digitised = forms.BooleanField(
        label=gettext_lazy("Đã scan (số hóa) toàn bộ giấy tờ của hồ sơ giấy"), required=False
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Người nộp đồng ý để cán bộ nộp hồ sơ thay và dùng thông tin trên để giải quyết"
        ),
        error_messages={"required": gettext_lazy("Cần người dân đồng ý trước khi nộp thay.")},
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        for f in slots:
            self.fields[f"file_{f.key}"] = forms.FileField(
                label=f.label, required=False, help_text=_("Bản scan của giấy tờ này.")
            )
            self.fields[f"file_{f.key}"].widget.attrs["class"] = "input"


def _procedure(code: str):
    found = procedure_by_code(code) if code else None
    return found[0] if found else None


def _prefill(pid: str) -> tuple[dict, str]:
    """What the population database says of the citizen (or why it could not say)."""
    try:
        record = get_source().lookup(pid)
    except PopulationError as error:
        return {}, getattr(error, "reason_vi", _("hệ thống không trả lời được"))
    if record is None:
        return {}, _("không có người mang số này")
    return {"applicant_name": record.full_name, "applicant_address": record.permanent_address}, ""


@never_cache
@staff_required(Permission.DOSSIER_FILE_ASSISTED)
@require_http_methods(["GET", "POST"])
def desk_file(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("thu_tuc") or request.GET.get("thu_tuc") or "").strip()
    procedure = _procedure(code)
    context: dict = {"code": code, "procedure": procedure}
    if procedure is None:
        if code:
            context["problem"] = _("Không có thủ tục mang mã %(code)s.") % {"code": code}
        return render(request, "backoffice/desk_start.html", context, status=400 if code else 200)
    slots = form_for(procedure, request.user.agency.province if request.user.agency else None)
    slots = slots.parsed.file_fields()
    initial, unavailable = {}, ""
    pid = request.GET.get("pid", "").strip()
    if request.method == "GET" and pid:
        initial, unavailable = _prefill(pid)
        initial["applicant_pid"] = pid
    form = DeskForm(request.POST or None, request.FILES or None, slots=slots, initial=initial)
    context.update({"form": form, "slots": slots, "prefill_unavailable": unavailable, "pid": pid})
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k.startswith(("applicant_", "request_"))
        }
        uploads = {
            f.key: request.FILES[f"file_{f.key}"] for f in slots if f"file_{f.key}" in request.FILES
        }
        try:
            dossier = services.file_at_desk(
                clerk=request.user,
                procedure=procedure,
                applicant=data,
                uploads=uploads,
                consent=form.cleaned_data["consent"],
                digitised=form.cleaned_data["digitised"],
                request=request,
            )
        except UploadError as error:
            form.add_problem(None, error.message_vi)
        except services.DossierError as error:
            form.add_problem(None, error.message_vi)
        else:
            return redirect("backoffice:desk_done", public_id=dossier.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/desk_form.html", context, status=status)


@never_cache
@staff_required(Permission.DOSSIER_FILE_ASSISTED)
@require_http_methods(["GET"])
def desk_done(request: HttpRequest, public_id) -> HttpResponse:
    dossier = staff_dossiers(request.user).filter(public_id=public_id).first()
    if dossier is None:
        raise Http404
    return render(request, "backoffice/desk_done.html", {"dossier": dossier})


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_http_methods(["GET"])
def dossier_pdf(request: HttpRequest, public_id) -> HttpResponse:
    from motcua.dossiers.slips import submission_confirmation

    dossier = staff_dossiers(request.user).filter(public_id=public_id).first()
    if dossier is None:
        raise Http404
    from motcua.core.pdf import pdf_response

    return pdf_response(submission_confirmation(dossier), f"xac-nhan-{dossier.code}.pdf")
