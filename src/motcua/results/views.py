"""The public verification page of electronic results (``/xac-thuc/``), reached by anyone,
logged in or not, by the QR code printed on a result or by typing its code, and able to check
a file the visitor holds. It shows what the result is (its number, the procedure, the
dossier's code, the signing agency and time), never the applicant's personal data."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.core import audit
from motcua.core.forms import SiteForm
from motcua.core.security import too_many_failures_from_address
from motcua.documents import services as documents

from .models import ResultDocument
from .selectors import issued
from .verify import Verdict, verify_pdf

CHECKED = "result_verified"


class CheckForm(SiteForm):
    code = forms.CharField(label=gettext_lazy("Mã xác thực"), max_length=40, required=False)
    file = forms.FileField(label=gettext_lazy("Tệp kết quả (PDF)"), required=False)

    def __init__(self, *args, needs_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_file = needs_file

    def clean_code(self) -> str:
        return "".join(self.cleaned_data.get("code", "").split()).upper()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = settings.MOTCUA_VERIFY_MAX_MB
        if upload is not None and upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(n)s MB: không phải một tệp kết quả.") % {"n": limit}
            )
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("file") and (self.needs_file or not data.get("code")):
            message = (
                _("Hãy chọn tệp kết quả cần kiểm tra.")
                if self.needs_file
                else _("Hãy nhập mã xác thực in dưới mã QR, hoặc chọn tệp kết quả cần kiểm tra.")
            )
            self.add_error("file" if self.needs_file else "code", message)
        return data


def _record(code: str) -> ResultDocument | None:
    return issued(verification_code=code) if code else None


def _stored_verdict(result: ResultDocument) -> Verdict:
    """The check of the file as kept: what the QR code's page shows without any upload."""
    try:
        with documents.open_file(result.file) as handle:
            return verify_pdf(handle.read())
    except FileNotFoundError:
        return Verdict(valid=False, problems=[_("Tệp gốc không còn được lưu giữ.")])


def _limited(request: HttpRequest) -> bool:
    return too_many_failures_from_address(
        request, action=CHECKED, limit=int(settings.MOTCUA_VERIFY_LIMIT)
    )


def _check_upload(request, form: CheckForm) -> Verdict:
    verdict = verify_pdf(form.cleaned_data["file"].read())
    audit.record(
        CHECKED, request=request, valid=verdict.valid,
        result=str(verdict.result.public_id) if verdict.result else "",
    )  # fmt: skip
    return verdict


def _page(request, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "results/verify.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Type a code, or upload a file to check."""
    if request.method == "GET":
        return _page(request, {"form": CheckForm()})
    if _limited(request):
        return _page(request, {"form": CheckForm(), "limited": True}, status=429)
    form = CheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, {"form": form}, status=400)
    if not form.cleaned_data.get("file"):
        code = form.cleaned_data["code"]
        if _record(code) is None:
            audit.record(CHECKED, request=request, valid=False, result="")
            form.add_error("code", _("Không có kết quả nào mang mã xác thực này."))
            return _page(request, {"form": form}, status=404)
        return redirect("results:verify_code", code=code)
    return _page(request, {"form": CheckForm(), "verdict": _check_upload(request, form)})


@never_cache
@require_http_methods(["GET", "POST"])
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The page a result's QR code leads to: the record, the check of the file as kept, and
    the check of a copy the visitor uploads against it."""
    result = _record("".join(code.split()).upper())
    if result is None:
        return _page(request, {"form": CheckForm(), "unknown_code": code[:40]}, status=404)
    context = {"result": result, "stored": _stored_verdict(result)}
    if request.method == "GET":
        context["form"] = CheckForm(needs_file=True)
        return _page(request, context)
    if _limited(request):
        context.update(form=CheckForm(needs_file=True), limited=True)
        return _page(request, context, status=429)
    form = CheckForm(request.POST, request.FILES, needs_file=True)
    if not form.is_valid():
        context["form"] = form
        return _page(request, context, status=400)
    verdict = _check_upload(request, form)
    context.update(form=CheckForm(needs_file=True), verdict=verdict)
    context["same_file"] = verdict.matches_record and verdict.result == result
    return _page(request, context)
