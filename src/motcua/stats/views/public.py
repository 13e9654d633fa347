"""Public statistics (``/thong-ke/``, ``/thong-ke/<code>/``): dossiers received, resolved
(early, on time, late), open and the online share, for the nation and per province or
ministry, and per agency within one; no login, no personal data, cached for a minute by
browsers and proxies, and the figures remembered while nothing under the unit changes
(``stats.figures``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.stats import exports, figures, queries
from motcua.stats.exports import Column, Kind, Link, Table
from motcua.units.models import Agency

from . import units
from .forms import period_form

MAX_AGE = 60


def share(part, whole) -> Decimal | None:
    """part ÷ whole in percent, 2 decimals; None ("no data") when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _on_time_share(volumes: dict) -> Decimal | None:
    return share(
        (volumes.get("early") or 0) + (volumes.get("on_time") or 0), volumes.get("resolved")
    )


def children_table(rows, *, title: str, subtitle: str, link) -> Table:
    return Table(
        name="don-vi",
        title=title,
        subtitle=subtitle,
        columns=[
            Column(_("Đơn vị"), width=48),
            Column(_("Tiếp nhận"), Kind.INT),
            Column(_("Đã giải quyết"), Kind.INT),
            Column(_("Trước hạn"), Kind.INT),
            Column(_("Đúng hạn"), Kind.INT),
            Column(_("Trễ hạn"), Kind.INT),
            Column(_("Đang giải quyết"), Kind.INT),
            Column(_("Tỉ lệ đúng hạn"), Kind.PERCENT),
            Column(_("Tỉ lệ trực tuyến"), Kind.PERCENT),
        ],
        rows=[
            [
                Link(agency.name, link(agency)) if link(agency) else agency.name,
                v.get("received"),
                v.get("resolved"),
                v.get("early"),
                v.get("on_time"),
                v.get("late"),
                v.get("open"),
                _on_time_share(v),
                v.get("online_share"),
            ]
            for agency, v in rows
        ],
    )


def _top_level(code: str) -> Agency:
    """A province's People's Committee (by its agency code or its QCVN code, e.g. H36) or a
    ministry: the units the national page lists."""
    found = (
        Agency.objects.active()
        .filter(parent__isnull=True)
        .select_related("province")
        .filter(code=code)
        .first()
    )
    if found is None and len(code) == 3:
        found = (
            Agency.objects.active()
            .filter(parent__isnull=True, kind=Agency.Kind.PROVINCE_COMMITTEE)
            .filter(province__qcvn_code=code.upper())
            .first()
        )
    if found is None:
        raise Http404
    return found


@require_GET
def public(request: HttpRequest, code: str | None = None) -> HttpResponse:
    unit = units.Unit(_top_level(code) if code else None)
    form = period_form(request, default_kind="nam")
    context = {
        "unit": unit,
        "form": form,
        "period": form.period,
        "period_query": form.query(),
    }
    query = request.GET.copy()
    query.pop("dinh-dang", None)
    query.pop("bang", None)
    context["query"] = query.urlencode()
    if form.period is not None:
        period = form.period
        remembered, _at = figures.remembered(
            "public",
            queries.node_path(unit.agency),
            (tuple(sorted(period.params.items())), timezone.localdate().isoformat()),
            lambda: (
                queries.volumes(unit.agency, period),
                queries.volumes_by_child(unit.agency, period),
            ),
        )
        volumes, by_child = remembered

        def link(agency) -> str:
            if unit.agency is not None:
                return ""
            return f"{reverse('stats:province', args=[agency.code])}?{form.query()}"

        title = (
            _("Theo cơ quan") if unit.agency is not None else _("Theo tỉnh, thành phố và bộ, ngành")
        )
        children = children_table(
            by_child,
            title=_("Tình hình giải quyết hồ sơ — %(what)s") % {"what": title.lower()},
            subtitle=f"{unit.name} — {form.period.label}",
            link=link,
        )
        wanted = exports.requested(request)
        if wanted is not None:
            kind, name = wanted
            if name != children.name:
                raise Http404
            response = exports.response(children, kind)
            response["Cache-Control"] = f"public, max-age={MAX_AGE}"
            return response
        context.update(
            {"volumes": volumes, "on_time_share": _on_time_share(volumes), "children": children}
        )
    response = render(request, "stats/public.html", context, status=400 if form.errors else 200)
    if not form.errors:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
