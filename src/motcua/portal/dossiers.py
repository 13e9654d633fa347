"""Following a dossier: "Hồ sơ của tôi", a dossier's page, withdrawal, the confirmation PDF,
the public lookup by code, and the in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts import acting as acting_context
from motcua.accounts.decorators import citizen_required
from motcua.core import audit
from motcua.core.pdf import pdf_response
from motcua.core.security import too_many_failures_from_address
from motcua.dossiers import notices, processing, selectors, services, workflow
from motcua.dossiers.models import Status
from motcua.dossiers.notices import with_slips
from motcua.dossiers.slips import submission_confirmation
from motcua.notifications import services as notification_services
from motcua.notifications.models import Notification
from motcua.results.selectors import result_of

from .filing import answer_rows

#: The filters of "Hồ sơ của tôi": a word in the URL and the statuses it shows.
STATUS_FILTERS = {
    "nhap": ((Status.DRAFT,), _("Bản nháp")),
    "dang-giai-quyet": (
        (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.PAYMENT),
        _("Đang giải quyết"),
    ),
    "bo-sung": ((Status.SUPPLEMENT,), _("Cần bổ sung")),
    "da-xong": ((Status.DONE, Status.RETURNED), _("Đã có kết quả")),
    "da-dung": ((Status.REFUSED, Status.WITHDRAWN, Status.STOPPED), _("Đã dừng, rút, từ chối")),
}

#: What the citizen reads about each status: what it means and what happens next.
NEXT_STEP = {
    Status.DRAFT: _("Bạn chưa nộp hồ sơ này. Hãy khai tiếp và bấm “Nộp hồ sơ”."),
    Status.SUBMITTED: _(
        "Hồ sơ đã gửi, đang chờ cơ quan kiểm tra và tiếp nhận. Bạn còn rút được hồ sơ cho đến "
        "khi cơ quan tiếp nhận."
    ),
    Status.RECEIVED: _("Cơ quan đã tiếp nhận hồ sơ và đang chuyển cho bộ phận giải quyết."),
    Status.IN_PROGRESS: _("Hồ sơ đang được giải quyết."),
    Status.SUPPLEMENT: _("Cơ quan cần bạn bổ sung giấy tờ: xem yêu cầu và gửi bổ sung."),
    Status.PAYMENT: _("Cơ quan đề nghị bạn nộp phí, lệ phí."),
    Status.WITHDRAWN: _("Bạn đã rút hồ sơ."),
    Status.REFUSED: _("Cơ quan không tiếp nhận hồ sơ; lý do ở phần lịch sử."),
    Status.STOPPED: _("Cơ quan dừng giải quyết hồ sơ; lý do ở phần lịch sử."),
    Status.DONE: _("Đã có kết quả, đang chờ trả."),
    Status.RETURNED: _("Đã trả kết quả."),
}


@never_cache
@citizen_required
@require_http_methods(["GET"])
def my_dossiers(request: HttpRequest) -> HttpResponse:
    current = acting_context.current(request)
    dossiers = selectors.dossiers_of(current).order_by("-updated_at")
    chosen = request.GET.get("loc", "")
    if chosen in STATUS_FILTERS:
        dossiers = dossiers.filter(status__in=STATUS_FILTERS[chosen][0])
    q = request.GET.get("q", "").strip()[:60]
    if q:
        dossiers = dossiers.filter(code__icontains=q) | dossiers.filter(
            procedure__name__icontains=q
        )
    page = Paginator(dossiers, 20).get_page(request.GET.get("trang", "1"))
    context = {
        "page": page,
        "filters": [(key, label) for key, (_statuses, label) in STATUS_FILTERS.items()],
        "chosen": chosen,
        "q": q,
        "acting": current,
    }
    return render(request, "portal/my_dossiers.html", context)


def _dossier_or_404(request, public_id):
    dossier = selectors.dossier_for_citizen(request.user, public_id)
    if dossier is None:
        raise Http404
    return dossier


@never_cache
@citizen_required
@require_http_methods(["GET"])
def dossier(request: HttpRequest, public_id) -> HttpResponse:
    item = _dossier_or_404(request, public_id)
    return _dossier_page(request, item)


def _dossier_page(request, item, *, problems=(), status=200) -> HttpResponse:
    state = workflow.state_of(item)
    mine = item.submitted_by_id == request.user.pk
    events = with_slips(selectors.public_events(item))
    context = {
        "dossier": item,
        "may_answer": mine and workflow.allowed(state, "answer_supplement"),
        "may_ask_withdrawal": mine and workflow.allowed(state, "request_withdrawal"),
        "asked": _last_request(events) if item.status == Status.SUPPLEMENT else "",
        "problems": problems,
        "next_step": NEXT_STEP.get(item.status, ""),
        "events": events,
        "pages": answer_rows(item, None),
        "documents": selectors.attachments(item),
        "result": result_of(item),
    }
    return render(request, "portal/dossier.html", context, status=status)


def _last_request(events) -> str:
    """What the agency asked for, as the citizen was told (``events`` in time order)."""
    asked = [e for e in events if e.action == "request_supplement"]
    return asked[-1].public_text if asked else ""


@never_cache
@citizen_required
@require_POST
def answer_supplement(request: HttpRequest, public_id) -> HttpResponse:
    """The applicant uploads what the agency asked for; the agency's clock runs again."""
    from motcua.documents.checks import UploadError

    item = _dossier_or_404(request, public_id)
    if item.submitted_by_id != request.user.pk:
        raise Http404
    uploads = request.FILES.getlist("tep")
    try:
        services.answer_supplement(
            item, actor=request.user, uploads=uploads, note=request.POST.get("ghi_chu", ""),
            request=request,
        )  # fmt: skip
    except processing.NotAllowed as error:
        messages.error(request, error.message_vi)
        return redirect("portal:dossier", public_id=item.public_id)
    except (UploadError, services.DossierError) as error:
        return _dossier_page(request, item, problems=[error.message_vi], status=400)
    messages.success(request, _("Đã gửi giấy tờ bổ sung cho cơ quan giải quyết."))
    return redirect("portal:dossier", public_id=item.public_id)


@never_cache
@citizen_required
@require_POST
def withdraw(request: HttpRequest, public_id) -> HttpResponse:
    item = _dossier_or_404(request, public_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Hãy đánh dấu ô xác nhận để rút hồ sơ."))
        return redirect("portal:dossier", public_id=item.public_id)
    try:
        if item.may_withdraw:
            services.withdraw(
                item, actor=request.user, reason=request.POST.get("reason", ""), request=request
            )
        else:  # received already: the agency confirms the withdrawal
            processing.request_withdrawal(item.public_id, actor=request.user, request=request)
            messages.success(
                request, _("Đã gửi đề nghị rút hồ sơ; cơ quan sẽ xác nhận và báo cho bạn.")
            )
            return redirect("portal:dossier", public_id=item.public_id)
    except services.DossierError as error:
        messages.error(request, error.message_vi)
    else:
        messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": item.code})
    return redirect("portal:dossier", public_id=item.public_id)


@never_cache
@citizen_required
@require_http_methods(["GET"])
def confirmation_pdf(request: HttpRequest, public_id) -> HttpResponse:
    item = _dossier_or_404(request, public_id)
    if item.is_draft:
        raise Http404
    return pdf_response(submission_confirmation(item), f"xac-nhan-{item.code}.pdf")


@never_cache
@citizen_required
@require_http_methods(["GET"])
def notice_pdf(request: HttpRequest, public_id, number: str) -> HttpResponse:
    """A slip the agency issued for the dossier (receipt, supplement request, refusal…)."""
    item = _dossier_or_404(request, public_id)
    event = notices.event_of(item, number)
    if event is None:
        raise Http404
    return pdf_response(notices.render_notice(item, event), f"phieu-{number}-{item.code}.pdf")


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """The public lookup: a dossier's code and the applicant's phone or identification number.
    It shows the status and the timeline only, never personal data; wrong answers from one
    address are limited (``MOTCUA_LOOKUP_FAILURE_LIMIT`` per lockout period)."""
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip()[:40]
    context: dict = {"code": code}
    if request.method == "POST":
        limit = int(getattr(settings, "MOTCUA_LOOKUP_FAILURE_LIMIT", 10))
        if too_many_failures_from_address(request, action="dossier_lookup_failed", limit=limit):
            context["error"] = _("Bạn đã tra cứu sai nhiều lần. Hãy thử lại sau 15 phút.")
            return render(request, "portal/lookup.html", context, status=429)
        second = request.POST.get("xac_minh", "").strip()[:20]
        errors = []
        if not code:
            errors.append(("ma", _("Hãy nhập mã hồ sơ, ví dụ 000.00.50.H36-261201-0001.")))
        if not second:
            errors.append(
                ("xac_minh", _("Hãy nhập số điện thoại hoặc số định danh của người nộp."))
            )
        found = selectors.find_by_code(code, second) if not errors else None
        if not errors and found is None:
            audit.record("dossier_lookup_failed", request=request)
            errors.append(
                ("ma", _("Không tìm thấy hồ sơ khớp với mã và số đã nhập. Hãy kiểm tra lại."))
            )
        context.update({"errors": errors, "dossier": found})
        if found is not None:
            context["events"] = selectors.public_events(found)
            context["next_step"] = NEXT_STEP.get(found.status, "")
        return render(request, "portal/lookup.html", context, status=400 if errors else 200)
    return render(request, "portal/lookup.html", context)


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notification_services.mark_all_read(request.user)
        return redirect("portal:notifications")
    items = Notification.objects.filter(user=request.user)[:50]
    return render(request, "portal/notifications.html", {"items": items})
