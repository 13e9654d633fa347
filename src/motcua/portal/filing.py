"""Filing online: start, the e-form's pages, review, submit, and the confirmation.

Every page works without JavaScript: a page's answers are kept on the server each time the
citizen goes on or back (and with "Lưu và thoát"), so a draft is resumed on any device. Only
the citizen who started a draft edits it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts import acting as acting_context
from motcua.accounts import sessions
from motcua.accounts.decorators import citizen_required
from motcua.catalog.selectors import procedure_by_code, resolve_province
from motcua.dossiers import routing, selectors, services
from motcua.dossiers.models import Dossier
from motcua.forms.engine import FillContext, display, page_form
from motcua.forms.prefill import fill_context
from motcua.units.models import Commune, Province

from . import queries


def _level_ok(request) -> bool:
    level = sessions.assurance(request)
    return level is not None and level.level >= int(getattr(settings, "MOTCUA_FILING_MIN_LEVEL", 2))


def _login_url(request) -> str:
    minimum = int(getattr(settings, "MOTCUA_FILING_MIN_LEVEL", 2))
    query = {"next": request.get_full_path()}
    if minimum >= 2:
        query["muc"] = "2"
    return reverse("accounts:eid_login") + "?" + urlencode(query)


def communes_of(province_code: str) -> list[tuple[str, str]]:
    return [
        (c.code, c.name)
        for c in Commune.objects.filter(province__code=province_code).order_by("sort_key")
    ]


@require_http_methods(["GET"])
def communes_json(request: HttpRequest, province: str) -> HttpResponse:
    """The communes of a province, for the address fields' script (public reference data)."""
    from django.http import JsonResponse

    if not province.isdigit() or len(province) > 2:
        raise Http404
    response = JsonResponse({"communes": communes_of(province)})
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- Start ------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Where "Nộp trực tuyến" leads: choose where to file, log in, start (or resume) a draft."""
    from .views import submission_for

    found = procedure_by_code(code)
    if found is None:
        raise Http404(_("Không có thủ tục với mã này."))
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(_login_url(request))
    if request.method == "POST" and not request.user.is_citizen:
        return render(request, "accounts/wrong_account_type.html", {"kind": "citizen"}, status=403)
    procedure, listing = found
    province = resolve_province(request.GET.get("tinh", "") or request.POST.get("tinh", "")) or (
        listing.province if listing else None
    )
    commune_code = request.GET.get("xa", "") or request.POST.get("xa", "")
    commune = (
        Commune.objects.filter(code=commune_code, province=province).first() if province else None
    )
    submission = submission_for(procedure, province)
    context = {
        "procedure": procedure,
        "province": province,
        "provinces": queries.provinces(),
        "commune": commune,
        "communes": communes_of(province.code)
        if province and routing.needs_commune(procedure)
        else [],
        "needs_commune": routing.needs_commune(procedure),
        "submission": submission,
        "channels": list(procedure.channels.all()),
        "login_url": _login_url(request),
        "logged_in": request.user.is_authenticated and request.user.is_citizen,
        "level_ok": _level_ok(request) if request.user.is_authenticated else False,
    }
    if context["logged_in"]:
        current = acting_context.current(request)
        context["acting"] = current
        context["drafts"] = selectors.dossiers_of(current).filter(procedure=procedure).drafts()
    if request.method == "POST":
        problem = _start_problem(context, submission)
        if problem:
            context["problem"] = problem
            return render(request, "portal/filing_start.html", context, status=400)
        try:
            routing.route(procedure, province=province, commune=commune)
        except routing.RoutingError as error:
            context["problem"] = error.message_vi
            return render(request, "portal/filing_start.html", context, status=400)
        dossier = services.start_draft(
            user=request.user,
            acting=context["acting"],
            procedure=procedure,
            province=province,
            commune=commune,
            request=request,
        )
        return redirect(
            "portal:filing_page", public_id=dossier.public_id, page=dossier.current_page
        )
    return render(request, "portal/filing_start.html", context)


def _start_problem(context, submission) -> str:
    if not context["logged_in"]:
        return _("Hãy đăng nhập để nộp hồ sơ.")
    if not context["level_ok"]:
        return _("Nộp hồ sơ trực tuyến cần đăng nhập bằng VNeID mức 2.")
    if not submission.can_submit_online:
        return _("Thủ tục này chưa nhận hồ sơ trực tuyến tại nơi đã chọn.")
    if context["province"] is None:
        return _("Hãy chọn tỉnh, thành phố nơi nộp hồ sơ.")
    if context["needs_commune"] and context["commune"] is None:
        return _("Hãy chọn xã, phường, đặc khu nơi nộp hồ sơ.")
    if not context["acting"].may_file(context["procedure"].pk):
        return _("Ủy quyền bạn đang dùng không gồm thủ tục này.")
    return ""


# --- The pages of a draft -----------------------------------------------------------------------


def _draft(request, public_id) -> Dossier:
    """The dossier this citizen started (only they edit a draft; others get a 404)."""
    # One table, no joins: on a large table a many-join query costs more to plan than to run.
    dossier = (
        Dossier.objects.order_by()
        .select_related("form")
        .filter(public_id=public_id, submitted_by=request.user)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def _context_for(request, dossier: Dossier) -> FillContext:
    current = acting_context.current(request)
    person = dossier.applicant_person if dossier.applicant_person_id else None
    on_behalf = person is None or person.user_id != request.user.pk
    context = fill_context(
        dossier.form.parsed,
        user=request.user,
        person=person,
        on_behalf=on_behalf,
        previous=_previous_answers(dossier),
    )
    context.provinces = list(Province.objects.order_by("sort_key").values_list("code", "name"))
    context.communes_of = communes_of
    context.store_items = _store_items(request.user, current)
    return context


def _previous_answers(dossier: Dossier) -> dict | None:
    """The answers of the same applicant's latest filed dossier (the ``previous`` prefill)."""
    same_applicant = (
        {"applicant_person_id": dossier.applicant_person_id}
        if dossier.applicant_person_id
        else {"applicant_organisation_id": dossier.applicant_organisation_id}
    )
    return (
        Dossier.objects.filed()
        .filter(**same_applicant)
        .order_by("-submitted_at")
        .values_list("data", flat=True)
        .first()
    )


def _store_items(user, current) -> list[tuple[str, str]]:
    from motcua.documents.models import StoreItem

    if current is None:
        return []
    items = StoreItem.objects.present().filter(file__scan_status="clean")
    if current.organisation is not None and current.membership is not None:
        items = items.filter(owner_organisation=current.organisation)
    elif current.person is not None and not current.on_behalf:
        items = items.filter(owner_person=current.person)
    else:
        return []
    return [(str(i.public_id), i.title) for i in items.order_by("-created_at")[:50]]


def _page_context(dossier, form, page, fill) -> dict:
    spec = dossier.form.parsed
    index = spec.page_index(page.key)
    return {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "form": form,
        "page": page,
        "spec": spec,
        "index": index + 1,
        "count": len(spec.pages),
        "attached": {d.slot: d for d in selectors.attachments(dossier)},
        "notices": fill.notices,
        "previous_page": spec.pages[index - 1].key if index > 0 else "",
    }


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, public_id, page: str) -> HttpResponse:
    dossier = _draft(request, public_id)
    if not dossier.is_draft:
        return redirect("portal:dossier", public_id=dossier.public_id)
    spec = dossier.form.parsed
    page_spec = spec.page(page)
    if page_spec is None:
        raise Http404
    fill = _context_for(request, dossier)
    answers = dossier.data or {}
    if request.method == "GET":
        form = page_form(spec, page_spec, answers=answers, context=fill)
        return render(
            request,
            "portal/filing_page.html",
            _page_context(dossier, form, page_spec, fill),
        )

    action = request.POST.get("action", "continue")
    if action.startswith("add:"):
        # One more row in a repeating group: the same page, input kept, nothing checked yet.
        group = action[4:]
        shown = request.POST.get(f"rows_{group}", "1")
        rows = {group: (int(shown) if shown.isdigit() else 1) + 1}
        form = page_form(
            spec, page_spec, answers=answers, context=fill, data=request.POST, rows=rows
        )
        return render(
            request,
            "portal/filing_page.html",
            _page_context(dossier, form, page_spec, fill),
        )
    form = page_form(
        spec, page_spec, answers=answers, context=fill, data=request.POST, files=request.FILES
    )
    valid = form.is_valid()
    if action == "autosave":  # the page's script, as the citizen types: keep what is valid
        services.save_page(dossier, page=page, values=form.page_values)
        return HttpResponse(status=204)
    valid = _attach_files(request, dossier, page_spec, form) and valid
    index = spec.page_index(page)
    if action == "back":
        target = spec.pages[max(index - 1, 0)].key
    elif index + 1 < len(spec.pages):
        target = spec.pages[index + 1].key
    else:
        target = ""
    services.save_page(dossier, page=page, values=form.page_values, next_page=target or page)
    if action == "save":
        messages.success(
            request, _("Đã lưu bản nháp. Bạn tiếp tục khai bất cứ lúc nào trong “Hồ sơ của tôi”.")
        )
        return redirect("portal:my_dossiers")
    if action == "back":
        return redirect("portal:filing_page", public_id=dossier.public_id, page=target)
    if not valid:
        dossier.refresh_from_db()
        return render(
            request,
            "portal/filing_page.html",
            _page_context(dossier, form, page_spec, fill),
            status=400,
        )
    if target:
        return redirect("portal:filing_page", public_id=dossier.public_id, page=target)
    return redirect("portal:filing_review", public_id=dossier.public_id)


def _attach_files(request, dossier, page_spec, form) -> bool:
    """Attach this page's uploads and reused store items; problems become field errors."""
    from motcua.documents.checks import UploadError
    from motcua.documents.models import StoreItem

    ok = True
    for f in page_spec.fields:
        if f.type != "file":
            continue
        upload = request.FILES.get(f.key)
        reuse = request.POST.get(f"{f.key}__reuse", "")
        try:
            if upload is not None:
                document = services.attach_upload(
                    dossier, actor=request.user, slot=f.key, upload=upload, request=request
                )
                if document.file.scan_status != "clean":
                    form.add_problem(
                        f.key,
                        _(
                            "Chưa kiểm tra được tệp “%(name)s” (hệ thống quét mã độc đang bận). "
                            "Tệp được giữ riêng và chưa dùng được; hãy thử lại sau ít phút."
                        )
                        % {"name": document.file.original_name},
                    )
                    ok = False
            elif reuse:
                allowed = {key for key, _label in form.context.store_items}
                item = (
                    StoreItem.objects.filter(public_id=reuse).first() if reuse in allowed else None
                )
                if item is None:
                    form.add_problem(
                        f.key, _("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.")
                    )
                    ok = False
                else:
                    services.attach_from_store(dossier, actor=request.user, slot=f.key, item=item)
        except UploadError as error:
            form.add_problem(f.key, error.message_vi)
            ok = False
        except services.DossierError as error:
            form.add_problem(f.key, error.message_vi)
            ok = False
    return ok


@never_cache
@citizen_required
@require_POST
def detach(request: HttpRequest, public_id, document_id: int) -> HttpResponse:
    dossier = _draft(request, public_id)
    document = selectors.attachments(dossier).filter(pk=document_id).first()
    if document is None:
        raise Http404
    services.detach(dossier, actor=request.user, document=document)
    page = next(
        (p.key for p in dossier.form.parsed.pages for f in p.fields if f.key == document.slot),
        dossier.current_page,
    )
    messages.success(request, _("Đã bỏ tệp “%(name)s”.") % {"name": document.file.original_name})
    return redirect("portal:filing_page", public_id=dossier.public_id, page=page)


# --- Review and submit ------------------------------------------------------------------------


def answer_rows(dossier: Dossier, locked) -> list[dict]:
    """Each page's answers as a citizen reads them (review page, dossier page, receipts)."""
    spec = dossier.form.parsed
    answers = {**(dossier.data or {}), **{k: v.value for k, v in (locked or {}).items()}}
    codes = _unit_names(answers, spec)
    pages = []
    for page in spec.pages:
        rows = []
        for f in page.fields:
            if f.type == "file" or not f.shown(answers):
                continue
            value = display(f, answers.get(f.key), names=codes)
            rows.append({"label": f.label, "value": value, "key": f.key})
        pages.append({"key": page.key, "title": page.title, "rows": rows})
    return pages


def _unit_names(answers: dict, spec) -> dict[str, str]:
    from motcua.units.models import Province

    codes = {
        value.get(part)
        for f in spec.fields()
        if f.type == "address" and isinstance(value := answers.get(f.key), dict)
        for part in ("province", "commune")
    } - {None, ""}
    names = {c.code: c.name for c in Commune.objects.filter(code__in=codes)}
    names.update({p.code: p.name for p in Province.objects.filter(code__in=codes)})
    return names


@never_cache
@citizen_required
@require_http_methods(["GET"])
def review(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _draft(request, public_id)
    if not dossier.is_draft:
        return redirect("portal:dossier", public_id=dossier.public_id)
    fill = _context_for(request, dossier)
    result = services.review(dossier, locked=fill.locked)
    context = {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "pages": answer_rows(dossier, fill.locked),
        "problems": result.problems,
        "attached": result.attached,
        "file_fields": dossier.form.parsed.file_fields(),
        "spec": dossier.form.parsed,
        "appointment": services.expected_appointment(dossier.procedure, timezone.now()),
    }
    return render(
        request,
        "portal/filing_review.html",
        context,
        status=400 if result.problems and request.GET.get("loi") else 200,
    )


@never_cache
@citizen_required
@require_POST
def submit(request: HttpRequest, public_id) -> HttpResponse:
    """File the dossier. A second click, a resent form or a retry finds it filed and shows the
    same confirmation: one dossier, one code."""
    if not _level_ok(request):
        return redirect(_login_url(request))
    try:
        dossier = services.submit(public_id, actor=request.user, request=request)
    except Dossier.DoesNotExist:
        raise Http404 from None
    except services.SubmissionIncomplete:
        review_url = reverse("portal:filing_review", kwargs={"public_id": public_id})
        return redirect(review_url + "?loi=1")
    except services.DossierError as error:
        messages.error(request, error.message_vi)
        return redirect("portal:filing_review", public_id=public_id)
    return redirect("portal:filing_done", public_id=dossier.public_id)


@never_cache
@citizen_required
@require_http_methods(["GET"])
def done(request: HttpRequest, public_id) -> HttpResponse:
    dossier = selectors.dossier_for_citizen(request.user, public_id)
    if dossier is None or dossier.is_draft:
        raise Http404
    return render(request, "portal/filing_done.html", {"dossier": dossier})


@never_cache
@citizen_required
@require_POST
def discard(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _draft(request, public_id)
    services.discard_draft(dossier, actor=request.user, request=request)
    messages.success(request, _("Đã xóa bản nháp."))
    return redirect("portal:my_dossiers")
