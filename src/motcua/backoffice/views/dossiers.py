"""The work queue and a dossier's page: what the staff member may see, and the actions the
lifecycle allows them (``dossiers.processing``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.access import scope_of
from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission, Role, RoleAssignment, User
from motcua.core.calendar import WorkingCalendar
from motcua.core.forms import SiteForm
from motcua.core.pdf import pdf_response
from motcua.dossiers import notices, processes, processing, selectors, workflow
from motcua.dossiers.models import Channel, Dossier, Stage, Status
from motcua.dossiers.notices import with_slips
from motcua.results.selectors import result_of
from motcua.units.models import Agency

# --- The queue --------------------------------------------------------------------------------


class QueueForm(SiteForm):
    q = forms.CharField(
        label=gettext_lazy("Mã hồ sơ, tên hoặc số định danh người nộp"),
        required=False,
        max_length=100,
    )
    trang_thai = forms.TypedChoiceField(
        label=gettext_lazy("Trạng thái"),
        choices=[("", gettext_lazy("Đang giải quyết"))]
        + [(str(v), label) for v, label in Status.choices if v != Status.DRAFT],
        coerce=int,
        empty_value=None,
        required=False,
    )
    thu_tuc = forms.CharField(label=gettext_lazy("Mã thủ tục"), required=False, max_length=30)
    han = forms.ChoiceField(
        label=gettext_lazy("Thời hạn"),
        choices=[
            ("", gettext_lazy("Tất cả")),
            ("soon", gettext_lazy("Sắp đến hạn (24 giờ)")),
            ("overdue", gettext_lazy("Quá hạn")),
        ],
        required=False,
    )
    kenh = forms.TypedChoiceField(
        label=gettext_lazy("Kênh nộp"),
        choices=[("", gettext_lazy("Tất cả"))] + [(str(v), lb) for v, lb in Channel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    cua_toi = forms.BooleanField(label=gettext_lazy("Chỉ hồ sơ giao cho tôi"), required=False)

    def filters(self) -> selectors.QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.QueueFilters(
            status=data.get("trang_thai"),
            procedure=(data.get("thu_tuc") or "").strip(),
            due=data.get("han") or "",
            mine=bool(data.get("cua_toi")),
            channel=data.get("kenh"),
            q=data.get("q") or "",
        )


def time_left(dossier: Dossier, now: datetime, days_to=None) -> tuple[str, str]:
    """(text, colour) of the time left before the appointment, for the queue. ``days_to``:
    working days from now to a date, memoised by the caller for a whole page."""
    if dossier.finished_at is not None or dossier.status in (Status.DONE, Status.RETURNED):
        return _("Đã xong"), "none"
    if dossier.paused_at is not None:
        return _("Tạm dừng, chờ bổ sung"), "none"
    if dossier.appointment_at is None:
        return "—", "unknown"
    if dossier.appointment_at <= now:
        return _("Quá hạn"), "late"
    if dossier.appointment_at <= now + timedelta(hours=24):
        return _("Sắp đến hạn"), "partial"
    days = (days_to or _working_days_to(now))(timezone.localtime(dossier.appointment_at).date())
    return _("Còn %(n)s ngày làm việc") % {"n": days}, "full"


def _working_days_to(now: datetime):
    """Working days after today up to and including a date, memoised for one page."""
    calendar = WorkingCalendar.current()
    today = timezone.localtime(now).date()
    known: dict = {}

    def days_to(day) -> int:
        if day not in known:
            count, current = 0, today
            while current < day:
                current += timedelta(days=1)
                count += calendar.is_working_day(current)
            known[day] = count
        return known[day]

    return days_to


def queue_rows(dossiers, now: datetime) -> list[dict]:
    """What each row shows, computed once per page (labels, link, time left)."""
    statuses = {value: str(label) for value, label in Status.choices}
    stages = {value: str(label) for value, label in Stage.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    from motcua.catalog.selectors import procedure_facts

    base = reverse("backoffice:queue")
    days_to = _working_days_to(now)
    for d in dossiers:
        d.procedure = procedure_facts(d.procedure_id)  # held per process
    return [
        {
            "dossier": d,
            "url": f"{base}{d.public_id}/",
            "status": statuses.get(d.status, ""),
            "stage": stages.get(d.stage, "") if d.stage else "",
            "channel": channels.get(d.channel, ""),
            "left": time_left(d, now, days_to),
            "appointment": (
                timezone.localtime(d.appointment_at).strftime("%d/%m/%Y %H:%M")
                if d.appointment_at
                else "—"
            ),
        }
        for d in dossiers
    ]


#: Rows per queue page: the most urgent first, readable on a phone.
PAGE_SIZE = 25
#: Beyond this many dossiers the queue says "more than" and pages stop: filters narrow it.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts up to COUNT_CAP + 1 rows only: an exact count of a busy desk's whole backlog
    costs more than the page it heads."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueForm(request.GET or None)
    scope = scope_of(request.user)
    if request.method == "POST":
        return _bulk_assign(request)
    now = timezone.now()
    page = CappedPaginator(
        selectors.work_queue(request.user, form.filters(), now), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    rows = queue_rows(page, now)
    chosen = _chosen(form)
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "form": form,
        "chosen": chosen,
        "selects": _selects(form, chosen),
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "may_assign": scope.has(Permission.DOSSIER_ASSIGN),
        "specialists": _specialists(request.user) if scope.has(Permission.DOSSIER_ASSIGN) else [],
    }
    return render(request, "backoffice/queue.html", context)


def _chosen(form: QueueForm) -> dict:
    """What the filters hold, as typed (kept when invalid)."""
    data = form.data if form.is_bound else {}
    return {name: data.get(name, "") for name in form.fields}


def _selects(form: QueueForm, chosen: dict) -> list[dict]:
    return [
        {
            "name": name,
            "label": form.fields[name].label,
            "options": [
                (str(value), label, str(value) == str(chosen[name]))
                for value, label in form.fields[name].choices
            ],
        }
        for name in ("trang_thai", "han", "kenh")
    ]


def _specialists(user) -> list[User]:
    """Staff who may process dossiers within the user's assigning reach."""
    condition = scope_of(user).q(Permission.DOSSIER_ASSIGN, "agency__path")
    if condition is None:
        return []
    ids = (
        RoleAssignment.objects.active()
        .filter(condition, role=Role.SPECIALIST)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "pk"))


def _bulk_assign(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.getlist("ho_so")
    assignee = User.objects.filter(pk=request.POST.get("chuyen_vien") or 0).first()
    back = request.get_full_path()
    if not chosen or assignee is None:
        messages.error(request, _("Hãy chọn hồ sơ và chuyên viên để phân công."))
        return redirect(back)
    done, refused = 0, []
    for public_id in chosen:
        dossier = selectors.staff_dossier(request.user, public_id)
        if dossier is None:
            continue
        try:
            processing.assign(
                dossier.public_id, actor=request.user, assignee=assignee, request=request
            )
            done += 1
        except processing.DossierError as error:
            refused.append(f"{dossier.code}: {error.message_vi}")
    if done:
        messages.success(request, _("Đã phân công %(n)s hồ sơ.") % {"n": done})
    for line in refused:
        messages.error(request, line)
    return redirect(back)


# --- A dossier's page -----------------------------------------------------------------------


class ActionForm(SiteForm):
    """The inputs of one action; only the fields that action needs are kept."""

    FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "request_fixes": ("missing",),
        "request_supplement": ("missing",),
        "refuse": ("reasons",),
        "send_back": ("reasons",),
        "stop": ("reasons",),
        "apologise": ("reasons", "new_date"),
        "assign": ("assignee",),
        "hand_off": ("agency", "days", "note"),
        "hand_back": ("note",),
        "propose": ("note",),
    }

    missing = forms.CharField(
        label=gettext_lazy("Những giấy tờ, nội dung cần bổ sung (liệt kê đầy đủ một lần)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": gettext_lazy("Hãy liệt kê những gì cần bổ sung.")},
    )
    reasons = forms.CharField(
        label=gettext_lazy("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": gettext_lazy("Hãy ghi rõ lý do.")},
    )
    new_date = forms.DateField(
        label=gettext_lazy("Ngày hẹn trả kết quả mới"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Hãy chọn ngày hẹn mới."),
            "invalid": gettext_lazy("Ngày không hợp lệ."),
        },
    )
    assignee = forms.TypedChoiceField(
        label=gettext_lazy("Chuyên viên xử lý"),
        coerce=int,
        error_messages={"required": gettext_lazy("Hãy chọn chuyên viên xử lý.")},
    )
    agency = forms.TypedChoiceField(
        label=gettext_lazy("Cơ quan phối hợp"),
        coerce=int,
        error_messages={"required": gettext_lazy("Hãy chọn cơ quan phối hợp xử lý.")},
    )
    days = forms.DecimalField(
        label=gettext_lazy("Thời hạn của cơ quan phối hợp (ngày làm việc)"),
        min_value=0.5,
        max_value=60,
        decimal_places=1,
        error_messages={
            "required": gettext_lazy("Hãy nhập thời hạn, số ngày làm việc."),
            "invalid": gettext_lazy("Thời hạn là một số ngày làm việc."),
            "min_value": gettext_lazy("Thời hạn ít nhất là nửa ngày làm việc."),
            "max_value": gettext_lazy("Thời hạn tối đa là 60 ngày làm việc."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú nội bộ"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args, action: str, dossier: Dossier, **kwargs):
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        keep = self.FIELDS.get(action, ())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "assignee" in self.fields:
            self.fields["assignee"].choices = [("", "—")] + [
                (u.pk, u.get_full_name() or u.username) for u in _processors(dossier)
            ]
        if "agency" in self.fields:
            self.fields["agency"].choices = [("", "—")] + [
                (a.pk, a.name) for a in _partners(dossier)
            ]

    def inputs(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("new_date"):
            closing = datetime.combine(data["new_date"], time(17, 0))
            data["new_date"] = timezone.make_aware(closing)
        return data


def _processors(dossier: Dossier) -> list[User]:
    """Specialists whose role reaches the resolving agency (held there or above it)."""
    agency = dossier.resolving_agency
    if agency is None:
        return []
    parts = agency.path.rstrip("/").split("/")
    above = ["/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    ids = (
        RoleAssignment.objects.active()
        .filter(role=Role.SPECIALIST, agency__path__in=above)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "pk"))


def _partners(dossier: Dossier) -> list[Agency]:
    """Agencies a dossier may be handed to: the province's, and the ministries."""
    agencies = Agency.objects.active().exclude(pk=dossier.resolving_agency_id)
    if dossier.province_id:
        agencies = agencies.filter(province_id=dossier.province_id).exclude(
            kind=Agency.Kind.COMMUNE_COMMITTEE
        ) | agencies.filter(kind=Agency.Kind.MINISTRY)
    return list(agencies.order_by("path")[:300])


def _page(request, dossier: Dossier, *, forms_by_action=None, status=200) -> HttpResponse:
    from motcua.portal.filing import answer_rows

    forms_by_action = forms_by_action or {}
    actions = [
        {
            "transition": t,
            "form": forms_by_action.get(t.action) or ActionForm(action=t.action, dossier=dossier),
        }
        for t in processing.available(request.user, dossier)
        if t.actor != workflow.APPLICANT
    ]
    now = timezone.now()
    context = {
        "dossier": dossier,
        "stage": Stage(dossier.stage).label if dossier.stage else "",
        "left": time_left(dossier, now),
        "pages": answer_rows(dossier, None),
        "documents": selectors.attachments(dossier),
        "result": result_of(dossier),
        "events": with_slips(selectors.public_events(dossier).select_related("actor", "agency")),
        "actions": actions,
        "open_action": next(iter(forms_by_action), ""),
        "current_step": processes.current_step(dossier),
    }
    return render(request, "backoffice/dossier.html", context, status=status)


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_http_methods(["GET"])
def dossier_page(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.staff_dossier(request.user, public_id)
    if dossier is None:
        raise Http404
    return _page(request, dossier)


@never_cache
@staff_required()
@require_POST
def dossier_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    dossier = selectors.staff_dossier(request.user, public_id)
    transition = workflow.BY_ACTION.get(action)
    if dossier is None or transition is None or transition.actor == workflow.APPLICANT:
        raise Http404
    form = ActionForm(request.POST, action=action, dossier=dossier)
    if not form.is_valid():
        return _page(request, dossier, forms_by_action={action: form}, status=400)
    try:
        processing.perform(
            dossier.public_id, action, actor=request.user, request=request, **form.inputs()
        )
    except processing.InvalidInput as error:
        for name, message in error.problems.items():
            form.add_problem(name, message)
        return _page(request, dossier, forms_by_action={action: form}, status=400)
    except processing.NotAllowed as error:
        messages.error(request, error.message_vi)
        return _page(request, dossier, status=403 if error.code == "forbidden" else 409)
    messages.success(request, _("Đã %(action)s.") % {"action": transition.label})
    if selectors.staff_dossier(request.user, dossier.public_id) is None:
        # The action took the dossier out of the user's reach (a hand-back): their queue.
        return redirect("backoffice:queue")
    return redirect("backoffice:dossier", public_id=dossier.public_id)


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_http_methods(["GET"])
def notice_pdf(request: HttpRequest, public_id, number: str) -> HttpResponse:
    """A slip issued for the dossier, printed again (A5)."""
    dossier = selectors.staff_dossier(request.user, public_id)
    if dossier is not None and number == notices.PROCESS_CONTROL and dossier.received_at:
        # The process-control slip belongs to the dossier, not to one event.
        content = notices.render_process_control(dossier)
        return pdf_response(content, f"phieu-{number}-{dossier.code}.pdf")
    event = notices.event_of(dossier, number) if dossier is not None else None
    if event is None:
        raise Http404
    return pdf_response(notices.render_notice(dossier, event), f"phieu-{number}-{dossier.code}.pdf")


class ReportForm(SiteForm):
    tu_ngay = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ.")},
        required=False,
    )
    den_ngay = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ.")},
        required=False,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end and end < start:
            self.add_error("den_ngay", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data


@never_cache
@staff_required(Permission.STATS_VIEW)
@require_http_methods(["GET"])
def timing_report(request: HttpRequest) -> HttpResponse:
    """Finished dossiers per agency and procedure: early, on time, late against the legal
    deadline and against the committed time (default: this month so far)."""
    form = ReportForm(request.GET or None)
    today = timezone.localdate()
    start, end = today.replace(day=1), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("tu_ngay") or start
        end = form.cleaned_data.get("den_ngay") or end
    rows = []
    if not form.is_bound or form.is_valid():
        begin = timezone.make_aware(datetime.combine(start, time.min))
        stop = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        rows = selectors.timing_report(request.user, begin, stop)
    context = {"form": form, "rows": rows, "start": start, "end": end}
    return render(
        request, "backoffice/timing_report.html", context, status=200 if not form.errors else 400
    )
