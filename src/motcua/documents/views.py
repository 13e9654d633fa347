"""Downloading a stored file, and the citizen's document store (kho dữ liệu).

A file is sent only when ``access.may_read`` allows it; any other file, one still quarantined
included, does not exist for the asker (404, the same answer as for an unknown id).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts import selectors as account_selectors
from motcua.accounts.decorators import citizen_required

from . import selectors, services
from .checks import UploadError
from .forms import StoreUploadForm
from .models import ScanStatus


@require_GET
def download(request: HttpRequest, public_id) -> HttpResponse:
    """The file as an attachment, never cached, never sniffed into something else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    stored = selectors.stored_file(public_id)
    try:
        handle = services.open_for_reading(stored, user=request.user, request=request)
    except services.NotReadable:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=stored.download_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _person_or_404(request):
    person = account_selectors.person_of(request.user)
    if person is None:
        raise Http404
    return person


def _store_page(request, person, form, *, status=200) -> HttpResponse:
    context = {"items": selectors.store_of_person(person), "form": form, "statuses": ScanStatus}
    return render(request, "documents/store.html", context, status=status)


@never_cache
@citizen_required
@require_GET
def store(request: HttpRequest) -> HttpResponse:
    return _store_page(request, _person_or_404(request), StoreUploadForm())


@never_cache
@citizen_required
@require_POST
def store_add(request: HttpRequest) -> HttpResponse:
    """Upload a document into one's own store; every problem is shown at once, the title kept."""
    person = _person_or_404(request)
    form = StoreUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.upload_to_store(
                form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                actor=request.user,
                person=person,
                request=request,
            )
        except (UploadError, services.DocumentError) as error:
            form.add_problem(error.field, error.message_vi)
        else:
            if item.file.scan_status == ScanStatus.QUARANTINED:
                messages.warning(request, services.quarantine_notice(item.file))
            else:
                messages.success(
                    request, _("Đã thêm “%(title)s” vào kho dữ liệu.") % {"title": item.title}
                )
            return redirect("documents:store")
    return _store_page(request, person, form, status=400)


@never_cache
@citizen_required
@require_POST
def store_remove(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.store_item_for(request.user, public_id)
    if item is None or item.owner_person is None or item.owner_person.user_id != request.user.pk:
        raise Http404
    services.remove_from_store(item, actor=request.user, request=request)
    messages.success(request, _("Đã xóa “%(title)s” khỏi kho dữ liệu.") % {"title": item.title})
    return redirect("documents:store")
