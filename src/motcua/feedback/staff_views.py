"""Staff pages (``/can-bo/phan-anh-kien-nghi/``): the queue ordered by deadline, an item's
page with the actions the staff member may take now, and the follow-ups of ratings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission

from . import rules, selectors, services
from .forms import ClassifyForm, PublishForm, TextForm
from .models import State

PER_PAGE = 25


def _row(item, now):
    return {"item": item, "urgency": rules.urgency(item.due_at, now) if item.is_open else ""}


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("tinh_trang", "open")
    if show not in ("open", "all", *State.values):
        show = "open"
    items = selectors.queue(request.user, show=show)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang", "1"))
    now = timezone.now()
    context = {
        "page": page,
        "rows": [_row(item, now) for item in page.object_list],
        "show": show,
        "states": State.choices,
    }
    return render(request, "feedback/staff_queue.html", context)


def _forms(item, user, bound: dict | None = None) -> dict:
    """The forms of the actions ``user`` may take on ``item`` now."""
    bound = bound or {}
    forms = {}
    if item.state == State.RECEIVED and services.may(user, services.INTAKE, item.agency):
        forms["classify"] = bound.get("classify") or ClassifyForm(prefix="classify")
    if item.state == State.PROCESSING and services.may(user, services.HANDLE, item.agency):
        forms["request_info"] = bound.get("request_info") or TextForm(
            label=_("Thông tin cần người gửi bổ sung"), prefix="request_info"
        )
        forms["answer"] = bound.get("answer") or TextForm(
            label=_("Nội dung trả lời"), prefix="answer", initial_text=item.answer
        )
    if item.state == State.ANSWERED and services.may(user, services.PUBLISH, item.agency):
        forms["publish"] = bound.get("publish") or PublishForm(
            prefix="publish",
            initial={"question": item.published_question, "answer": item.published_answer},
        )
    return forms


def _page(request, item, *, bound=None, status=200) -> HttpResponse:
    now = timezone.now()
    context = {
        "item": item,
        "urgency": rules.urgency(item.due_at, now) if item.is_open else "",
        "forms": _forms(item, request.user, bound),
        "attachments": item.attachments.select_related("file"),
    }
    return render(request, "feedback/staff_item.html", context, status=status)


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_GET
def item_page(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.staff_item(request.user, public_id)
    if item is None:
        raise Http404
    return _page(request, item)


DONE = {
    "classify": _("Đã phân loại phản ánh."),
    "request_info": _("Đã gửi yêu cầu bổ sung thông tin cho người gửi."),
    "answer": _("Đã lưu trả lời; người gửi được báo."),
    "publish": _("Đã công khai trả lời."),
}


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_POST
def item_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    item = selectors.staff_item(request.user, public_id)
    if item is None or action not in DONE:
        raise Http404
    if action not in _forms(item, request.user):
        return render(request, "backoffice/forbidden.html", status=403)
    if action == "classify":
        form = ClassifyForm(request.POST, prefix="classify")
    elif action == "publish":
        form = PublishForm(request.POST, prefix="publish")
    else:
        form = TextForm(request.POST, prefix=action, label=_("Nội dung"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "classify":
                services.classify(
                    item,
                    actor=request.user,
                    decision=data["decision"],
                    feedback_class=data.get("feedback_class") or "",
                    reason=data.get("reason") or "",
                    target=data.get("target_agency"),
                    request=request,
                )
            elif action == "request_info":
                services.request_info(item, actor=request.user, text=data["text"], request=request)
            elif action == "answer":
                services.answer(item, actor=request.user, text=data["text"], request=request)
            else:
                services.publish(
                    item,
                    actor=request.user,
                    question=data["question"],
                    answer_text=data["answer"],
                    request=request,
                )
        except services.FeedbackError as error:
            for field, message in error.problems:
                form.add_problem(field if field != "info_request" else "text", message)
        else:
            messages.success(request, DONE[action])
            if selectors.staff_item(request.user, public_id) is None:  # transferred away
                return redirect("feedback_staff:queue")
            return redirect("feedback_staff:item", public_id=public_id)
    return _page(request, item, bound={action: form}, status=400)


# --- Follow-ups of "not satisfied" ratings ------------------------------------------------------


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_GET
def followups(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("da_dong") == "1"
    items = selectors.followups(request.user, closed=closed)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang", "1"))
    return render(request, "feedback/staff_followups.html", {"page": page, "closed": closed})


@never_cache
@staff_required(Permission.DOSSIER_VIEW)
@require_http_methods(["GET", "POST"])
def followup_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.staff_followup(request.user, pk)
    if item is None:
        raise Http404
    may_close = item.closed_at is None and services.may(
        request.user, services.FOLLOW_UP_CLOSE, item.agency
    )
    form = TextForm(request.POST or None, label=_("Kết quả xử lý"), prefix="close")
    status = 200
    if request.method == "POST":
        if not may_close:
            return render(request, "backoffice/forbidden.html", status=403)
        if form.is_valid():
            try:
                services.close_followup(
                    item, actor=request.user, note=form.cleaned_data["text"], request=request
                )
            except services.FeedbackError as error:
                for _field, message in error.problems:
                    form.add_problem(None, message)
            else:
                messages.success(request, _("Đã đóng việc theo dõi."))
                return redirect("feedback_staff:followup", pk=pk)
        status = 400
    criteria = [
        (c.label, item.rating.levels.get(c.code)) for c in rules.CRITERIA
        if item.rating.levels.get(c.code)
    ]  # fmt: skip
    context = {"item": item, "form": form, "may_close": may_close, "criteria": criteria}
    return render(request, "feedback/staff_followup.html", context, status=status)
