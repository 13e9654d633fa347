"""Public feedback pages (``/phan-anh-kien-nghi/``): sending, following with the signed link,
the published questions and answers, and rating a returned dossier."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.decorators import citizen_required
from motcua.core.audit import client_ip
from motcua.core.models import AuditEntry
from motcua.documents.checks import UploadError

from . import rules, selectors, services
from .forms import (
    MAX_FILES,
    AnswerRatingForm,
    DossierRatingForm,
    FeedbackForm,
    PublicSearchForm,
    TextForm,
    published_filters,
)
from .models import DossierRating, Feedback, State

PER_PAGE = 20


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def too_many_from_address(request) -> bool:
    """``MOTCUA_FEEDBACK_LIMIT_PER_IP`` (5) items an hour from one address."""
    ip = client_ip(request)
    limit = _limit("MOTCUA_FEEDBACK_LIMIT_PER_IP", 5)
    if not ip or limit <= 0:
        return False
    since = timezone.now() - timedelta(hours=1)
    return AuditEntry.objects.filter(action="feedback_sent", ip=ip, at__gte=since).count() >= limit


def too_many_from_contact(contact: str) -> bool:
    """``MOTCUA_FEEDBACK_LIMIT_PER_CONTACT`` (5) items a day from one e-mail or phone."""
    limit = _limit("MOTCUA_FEEDBACK_LIMIT_PER_CONTACT", 5)
    if not contact or limit <= 0:
        return False
    since = timezone.now() - timedelta(days=1)
    digest = rules.contact_hash(contact)
    return Feedback.objects.filter(contact_hash=digest, received_at__gte=since).count() >= limit


def _account_contact(user) -> tuple[str, str, str]:
    from motcua.notifications.channels import account_addresses

    email, phone = account_addresses(user)
    person = getattr(user, "person", None)
    name = (getattr(person, "full_name", "") or user.get_full_name() or user.username)[:120]
    return name, email, phone


def _store_files(request, form: FeedbackForm) -> list:
    from motcua.documents.services import store_upload

    uploads = [f for f in request.FILES.getlist("files") if f]
    if len(uploads) > MAX_FILES:
        form.add_error(None, _("Gửi được tối đa %(n)s tệp đính kèm.") % {"n": MAX_FILES})
        return []
    owner = request.user if request.user.is_authenticated else None
    stored, refused = [], False
    for upload in uploads:
        try:
            stored.append(store_upload(upload, owner=owner, request=request))
        except UploadError as error:
            form.add_error(None, error.message_vi)
            refused = True
    return [] if refused else stored


@never_cache
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and not user.is_citizen:
        user = None  # staff send feedback as anyone else would
    form = FeedbackForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if too_many_from_address(request):
            form.is_valid()
            form.add_error(
                None, _("Bạn đã gửi nhiều phản ánh trong thời gian ngắn. Hãy thử lại sau một giờ.")
            )
            return _send_page(request, form, status=429)
        if form.is_valid():
            data = form.cleaned_data
            if user is not None:
                name, email, phone = _account_contact(user)
            else:
                name, email, phone = data["sender_name"], data["sender_email"], data["sender_phone"]
            contact = email or phone or (str(user.public_id) if user else "")
            if too_many_from_contact(contact):
                form.add_error(
                    None, _("Bạn đã gửi nhiều phản ánh hôm nay. Hãy thử lại vào ngày mai.")
                )
                return _send_page(request, form, status=429)
            files = _store_files(request, form)
            if not form.errors:
                submission = services.Submission(
                    kind=data["kind"],
                    subject=data["subject"],
                    content=data["content"],
                    proposal=data.get("proposal", ""),
                    sender_name=name,
                    sender_email=email,
                    sender_phone=phone,
                    procedure=data.get("procedure"),
                    subject_agency=data.get("subject_agency"),
                    staff_description=data.get("staff_description", ""),
                    dossier=form.dossier,
                    province=data.get("province"),
                    consent_publish=data.get("consent_publish", False),
                )
                try:
                    feedback = services.submit(
                        submission, sender=user, files=files, request=request
                    )
                except services.FeedbackError as error:
                    for field, message in error.problems:
                        form.add_problem(field, message)
                else:
                    messages.success(
                        request,
                        _("Đã gửi phản ánh, kiến nghị. Mã của bạn: %(code)s.")
                        % {"code": feedback.code},
                    )
                    return redirect(services.follow_path(feedback))
        else:
            _check_files(request, form)
        status = 400
    return _send_page(request, form, status=status)


def _check_files(request, form: FeedbackForm) -> None:
    """The files' own problems (count, size, type), listed with the form's when it is refused;
    nothing is stored until the whole form is right."""
    from motcua.documents import checks

    uploads = [f for f in request.FILES.getlist("files") if f]
    if len(uploads) > MAX_FILES:
        form.add_error(None, _("Gửi được tối đa %(n)s tệp đính kèm.") % {"n": MAX_FILES})
        return
    for upload in uploads:
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        try:
            checks.check_upload(checks.sanitise_name(upload.name or ""), upload.size, head)
        except UploadError as error:
            form.add_error(None, error.message_vi)


def _send_page(request, form, *, status=200) -> HttpResponse:
    return render(
        request,
        "feedback/send.html",
        {"form": form, "max_files": MAX_FILES},
        status=status,
    )


# --- Following with the signed link -------------------------------------------------------------


def _by_token_or_404(token: str) -> Feedback:
    feedback = selectors.by_token(token)
    if feedback is None:
        raise Http404
    return feedback


def _follow_page(request, feedback, token, *, forms=None, status=200) -> HttpResponse:
    forms = forms or {}
    context = {
        "feedback": feedback,
        "token": token,
        "info_form": forms.get("info") or TextForm(label=_("Thông tin bổ sung"), prefix="info"),
        "rating_form": forms.get("rating") or AnswerRatingForm(prefix="rating"),
        "complaint_form": forms.get("complaint")
        or TextForm(label=_("Điều bạn chưa đồng ý với câu trả lời"), prefix="complaint"),
        "may_rate": feedback.state in (State.ANSWERED, State.PUBLISHED) and not feedback.rating,
        "may_complain": feedback.state in (State.ANSWERED, State.PUBLISHED)
        and not feedback.complained_at,
        "follow_url": request.build_absolute_uri(request.path),
    }
    return render(request, "feedback/follow.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def follow(request: HttpRequest, token: str) -> HttpResponse:
    return _follow_page(request, _by_token_or_404(token), token)


@never_cache
@require_POST
def follow_action(request: HttpRequest, token: str, action: str) -> HttpResponse:
    feedback = _by_token_or_404(token)
    if action == "bo-sung":
        form = TextForm(request.POST, label=_("Thông tin bổ sung"), prefix="info")
        key, call, done = "info", services.give_info, _("Đã gửi thông tin bổ sung.")
    elif action == "danh-gia":
        form = AnswerRatingForm(request.POST, prefix="rating")
        key, call, done = "rating", services.rate_answer, _("Cảm ơn bạn đã đánh giá.")
    elif action == "phan-anh-lai":
        form = TextForm(
            request.POST, label=_("Điều bạn chưa đồng ý với câu trả lời"), prefix="complaint"
        )
        key, call, done = "complaint", services.complain_again, _("Đã gửi phản ánh lại.")
    else:
        raise Http404
    if form.is_valid():
        try:
            if key == "rating":
                call(feedback, rating=form.cleaned_data["rating"], request=request)
            else:
                call(feedback, text=form.cleaned_data["text"], request=request)
        except services.FeedbackError as error:
            for _field, message in error.problems:
                form.add_problem(None, message)
        else:
            messages.success(request, done)
            return redirect("feedback:follow", token=token)
    return _follow_page(request, feedback, token, forms={key: form}, status=400)


# --- Public questions and answers ---------------------------------------------------------------


@require_http_methods(["GET"])
def public_list(request: HttpRequest) -> HttpResponse:
    agencies, fields = published_filters()
    form = PublicSearchForm(request.GET or None, agencies=agencies, fields=fields)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    items = selectors.published(
        q=data.get("q") or "", agency_id=data.get("agency"), field_id=data.get("field")
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang", "1"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "q": data.get("q") or ""}
    return render(request, "feedback/public_list.html", context)


@require_http_methods(["GET"])
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.published_item(code)
    if item is None:
        raise Http404
    return render(request, "feedback/public_detail.html", {"item": item})


# --- Rating a returned dossier ------------------------------------------------------------------


def _rating_page(request, dossier, form, *, action_url: str, status=200) -> HttpResponse:
    context = {
        "dossier": dossier,
        "form": form,
        "action_url": action_url,
        "rated": DossierRating.objects.filter(dossier=dossier).first(),
    }
    return render(request, "feedback/rate_dossier.html", context, status=status)


def _rate(request, dossier, *, via_link: bool) -> HttpResponse:
    from motcua.dossiers.models import Status

    if dossier.status != Status.RETURNED:
        raise Http404
    form = DossierRatingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rate_dossier(
                    dossier,
                    form.levels(),
                    comment=form.cleaned_data.get("comment", ""),
                    user=request.user,
                    via_link=via_link,
                    request=request,
                )
            except services.FeedbackError as error:
                for field, message in error.problems:
                    form.add_problem(f"c_{field}" if field else None, message)
            else:
                messages.success(request, _("Cảm ơn bạn đã đánh giá."))
                return redirect(request.path)
        return _rating_page(request, dossier, form, action_url=request.path, status=400)
    return _rating_page(request, dossier, form, action_url=request.path)


@never_cache
@require_http_methods(["GET", "POST"])
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    from motcua.dossiers.models import Dossier

    public_id = rules.read_token(token, rules.RATING_SALT, rules.rating_days())
    dossier = (
        Dossier.objects.select_related("procedure").filter(public_id=public_id).first()
        if public_id
        else None
    )
    if dossier is None:
        return render(request, "feedback/link_invalid.html", status=404)
    return _rate(request, dossier, via_link=True)


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def rate_dossier(request: HttpRequest, public_id) -> HttpResponse:
    from motcua.dossiers import selectors as dossier_selectors

    dossier = dossier_selectors.dossier_for_citizen(request.user, public_id)
    if dossier is None:
        raise Http404
    return _rate(request, dossier, via_link=False)
