"""The dossier register (sổ theo dõi hồ sơ, slip 07): the page, its PDF and its CSV, for
whoever receives dossiers or oversees them, within their reach (``dossiers.register``)."""

from __future__ import annotations

from datetime import date
from functools import wraps

import structlog
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.access import scope_of
from motcua.accounts.decorators import staff_required
from motcua.core import audit
from motcua.core.pdf import pdf_response
from motcua.dossiers import register
from motcua.units.models import Agency

from .dossiers import ReportForm

log = structlog.get_logger(__name__)

#: Lines on one page of the register.
PAGE_SIZE = 50
#: Beyond this many agencies in reach the agency is typed by its code instead of chosen.
AGENCY_CHOICES_CAP = 400
#: The longest period one register covers.
MAX_DAYS = 366


class RegisterForm(ReportForm):
    """The receiving agency and the period (this month by default); every problem at once."""

    co_quan = forms.ChoiceField(
        label=gettext_lazy("Nơi tiếp nhận"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Cơ quan này không thuộc phạm vi bạn được xem sổ.")
        },
    )
    field_order = ("co_quan", "tu_ngay", "den_ngay")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.agency: Agency | None = None
        agencies = list(
            register.agencies_in_reach(user).only("code", "name", "depth")[: AGENCY_CHOICES_CAP + 1]
        )
        field = self.fields["co_quan"]
        if len(agencies) > AGENCY_CHOICES_CAP:
            field = self.fields["co_quan"] = forms.CharField(
                label=field.label,
                required=False,
                max_length=20,
                help_text=_("Mã định danh của cơ quan, ví dụ 000.00.04.H36; để trống: tất cả."),
            )
            field.widget.attrs["class"] = "input input--code"
        else:
            top = min((a.depth for a in agencies), default=0)
            field.choices = [("", _("Tất cả nơi tiếp nhận trong phạm vi"))] + [
                (a.code, "\u2003" * (a.depth - top) + a.name) for a in agencies
            ]
        for name, what in (("tu_ngay", _("Từ ngày")), ("den_ngay", _("Đến ngày"))):
            self.fields[name].error_messages = {
                **self.fields[name].error_messages,
                "invalid": _("%(field)s không hợp lệ: hãy nhập ngày/tháng/năm.") % {"field": what},
            }

    def clean_co_quan(self) -> str:
        code = (self.cleaned_data.get("co_quan") or "").strip()
        if code:
            self.agency = (
                register.agencies_in_reach(self.user)
                .select_related("parent", "province")
                .filter(code=code)
                .first()
            )
            if self.agency is None:
                raise ValidationError(_("Cơ quan này không thuộc phạm vi bạn được xem sổ."))
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if "tu_ngay" in self.errors or "den_ngay" in self.errors:
            return data
        period = self._period(start, end)
        if (period.end - period.start).days >= MAX_DAYS:
            self.add_error(
                "den_ngay" if end else "tu_ngay",
                _("Mỗi lần xem sổ tối đa một năm (%(n)s ngày): hãy chọn khoảng ngắn hơn.")
                % {"n": MAX_DAYS},
            )
        return data

    @staticmethod
    def _period(start: date | None, end: date | None) -> register.Period:
        """A day left empty: the end is today (or the start, if later), the start the first
        day of the end's month."""
        end = end or max(timezone.localdate(), start or timezone.localdate())
        return register.Period(start or end.replace(day=1), end)

    @property
    def filters_valid(self) -> bool:
        """No problem with a filter (a problem of the whole request may follow, such as a
        register too long to print)."""
        return all(name not in self.errors for name in self.fields)

    def period(self) -> register.Period:
        """The chosen period (this month so far by default)."""
        data = self.cleaned_data if self.filters_valid else {}
        return self._period(data.get("tu_ngay"), data.get("den_ngay"))


def _scope_label(request: HttpRequest, agency: Agency | None) -> str:
    """What the register covers, in words."""
    if agency is not None:
        return agency.name
    scope = scope_of(request.user)
    if scope.is_system_admin:
        return _("Tất cả cơ quan")
    tops = {a.pk: a for permission in register.PERMISSIONS for a in scope.top_agencies(permission)}
    names = ", ".join(a.name for a in sorted(tops.values(), key=lambda a: a.path))
    return _("Các nơi tiếp nhận thuộc %(agencies)s") % {"agencies": names}


def _page(request, form: RegisterForm, *, status: int = 200) -> HttpResponse:
    valid = form.filters_valid
    period = form.period()
    page = None
    rows: list[register.Line] = []
    if valid:
        found = register.dossiers(request.user, period, form.agency)
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("trang"))
        rows = register.lines(list(page.object_list), page.start_index())
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "form": form,
        "period": period,
        "scope_label": _scope_label(request, form.agency),
        "page": page,
        "rows": rows,
        "headings": register.headings(),
        "query": query.urlencode(),
        "pdf_cap": register.PDF_ROW_CAP,
        "too_long_for_pdf": page is not None and page.paginator.count > register.PDF_ROW_CAP,
    }
    return render(
        request, "backoffice/register.html", context, status=400 if form.errors else status
    )


def _form(request: HttpRequest) -> RegisterForm:
    """Always bound: every filter is optional, an empty one takes its default."""
    return RegisterForm(request.GET, user=request.user)


def _keepers_only(view):
    """A staff page for those who keep a register (the desk, leaders, supervisors)."""

    @never_cache
    @staff_required()
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if not register.may_keep(request.user):
            return render(request, "backoffice/forbidden.html", status=403)
        return view(request)

    return wrapper


def _export(kind: str):
    """An export of the register: its filters checked (the page with every problem when one
    is wrong), then the export audited with them, never with its lines."""

    def decorate(view):
        @_keepers_only
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            form = _form(request)
            if not form.is_valid():
                return _page(request, form)
            period = form.period()
            response = view(request, form, period)
            if response.status_code == 200:
                _audit(request, form, period, kind)
            return response

        return wrapper

    return decorate


@_keepers_only
def register_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _form(request))


def _audit(request: HttpRequest, form: RegisterForm, period: register.Period, kind: str) -> None:
    audit.record(
        "dossier_register_exported",
        actor=request.user,
        request=request,
        format=kind,
        agency=form.agency.code if form.agency is not None else "",
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )
    log.info("dossiers.register_exported", format=kind, days=(period.end - period.start).days + 1)


@_export("pdf")
def register_pdf(request: HttpRequest, form: RegisterForm, period: register.Period):
    found = register.dossiers(request.user, period, form.agency)
    entries = list(found[: register.PDF_ROW_CAP + 1])
    if len(entries) > register.PDF_ROW_CAP:
        form.add_problem(
            None,
            _(
                "Sổ trong khoảng này có hơn %(n)s hồ sơ, quá nhiều để in một lần: hãy chọn "
                "khoảng ngày ngắn hơn hoặc một nơi tiếp nhận, hoặc tải tệp CSV."
            )
            % {"n": f"{register.PDF_ROW_CAP:,}".replace(",", ".")},
        )
        return _page(request, form)
    content = register.render_pdf(
        register.lines(entries, 1),
        period=period,
        agency=form.agency,
        issuer=request.user.agency,
        scope_label=_scope_label(request, form.agency),
    )
    return pdf_response(content, _filename(period, "pdf"))


@_export("csv")
def register_csv(request: HttpRequest, form: RegisterForm, period: register.Period):
    response = StreamingHttpResponse(
        register.csv_chunks(register.dossiers(request.user, period, form.agency)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(period, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(period: register.Period, extension: str) -> str:
    return f"so-theo-doi-ho-so-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}"
