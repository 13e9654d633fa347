"""Citizen pages: home, search results, procedure detail, and the error pages.

Views only read, through ``motcua.catalog.selectors`` and ``.queries``; they never change state.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from motcua.catalog.models import Channel, Level, OnlineLevel, Procedure
from motcua.catalog.selectors import (
    list_entries,
    online_in_province,
    procedure_by_code,
    resolve_province,
)
from motcua.core.errors import RETRY_AFTER, database_unavailable
from motcua.units.models import Province

from . import queries
from .forms import SearchParams, filter_fields
from .pagination import page_links

ONLINE = {OnlineLevel.FULL, OnlineLevel.PARTIAL}


@require_safe
def home(request):
    context = {"counts": queries.home_counts(), "province_choices": queries.provinces()}
    return render(request, "portal/home.html", context)


@require_safe
def fields(request):
    return render(request, "portal/fields.html", {"fields": queries.fields_with_counts()})


@require_safe
def search(request):
    params = SearchParams.from_query(request.GET)
    page_size = settings.MOTCUA_PAGE_SIZE
    result = list_entries(
        params.query_text, params.valid_filters, page_size, (params.page - 1) * page_size
    )
    last_page = max(1, -(-result.count // page_size))
    if params.page > last_page:
        # A page past the end (an old link, a changed catalogue): show the last one.
        params.page = last_page
        result = list_entries(
            params.query_text, params.valid_filters, page_size, (last_page - 1) * page_size
        )
    province = resolve_province(params.province) if params.province else None
    context = {
        "params": params,
        "result": result,
        "province": province,
        "first_index": (params.page - 1) * page_size + 1,
        "pages": page_links(params.page, last_page),
        "last_page": last_page,
        "filter_fields": filter_fields(params),
    }
    status = 400 if params.errors else 200
    return render(request, "portal/search.html", context, status=status)


@dataclass(slots=True)
class Submission:
    """Whether and where the person can file online, and what to tell them otherwise."""

    online_level: str
    can_submit_online: bool
    needs_province: bool
    offline_channels: list
    online_url: str = ""


def submission_for(procedure: Procedure, province: Province | None) -> Submission:
    level = online_in_province(procedure, province)
    listed_here = province is not None and any(
        listing.province_id == province.id for listing in procedure.listings.all()
    )
    national_online = (
        Level.MINISTRY in procedure.level_list and procedure.has_online_channel and not listed_here
    )
    can_submit = level in ONLINE or national_online
    offline = [c for c in procedure.channels.all() if c.channel != Channel.ONLINE]
    url = reverse("portal:file", kwargs={"code": procedure.code})
    if province is not None:
        url += "?" + urlencode({"tinh": province.qcvn_code})
    return Submission(
        online_level=level,
        can_submit_online=can_submit,
        needs_province=not can_submit and province is None and procedure.has_online_channel,
        offline_channels=offline,
        online_url=url if can_submit else "",
    )


@require_safe
def procedure(request, code):
    found = procedure_by_code(code)
    if found is None:
        raise Http404(_("Không có thủ tục với mã này."))
    procedure, listing = found
    province_code = request.GET.get("tinh", "").strip()
    province = resolve_province(province_code) if province_code else None
    province_error = bool(province_code) and province is None
    if not province_code and listing is not None:
        # A local code names its province: that is the default choice.
        province = listing.province
    listings = list(procedure.listings.all())
    local = next((x for x in listings if province and x.province_id == province.id), None)
    context = {
        "procedure": procedure,
        "listing": local,
        "listings": listings,
        "province": province,
        "province_code": province_code,
        "province_error": province_error,
        "submission": submission_for(procedure, province),
        "documents": list(procedure.documents.all()),
        "channels": list(procedure.channels.all()),
        "legal_bases": list(procedure.legal_bases.all()),
        "back_url": _results_referer(request),
        "provinces": queries.provinces(),
    }
    return render(request, "portal/procedure.html", context)


def _results_referer(request) -> str:
    """The results page the person came from, if they came from one on this site."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if parts.path != reverse("portal:search"):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


FALLBACK_500 = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi hệ thống</title>'
    "<h1>Xin lỗi, hệ thống đang gặp sự cố</h1><p>Hãy thử lại sau ít phút.</p></html>"
)


def server_error(request):
    # No request context: context processors could touch the database or the session.
    unavailable = database_unavailable(sys.exc_info()[1])
    if request.path.startswith("/api/"):
        from motcua.api.errors import server_error as api_error

        return api_error(request)
    try:
        body = loader.get_template("503.html" if unavailable else "500.html").render({})
    except Exception:  # the error page must not fail in its turn (e.g. a missing static file)
        body = FALLBACK_500
    if unavailable:
        return HttpResponse(body, status=503, headers={"Retry-After": str(RETRY_AFTER)})
    return HttpResponseServerError(body)
