"""JSON data of the dashboard (``/can-bo/chi-so/du-lieu/…``), for its page and the benchmark:
the scorecard, the 12-month trend and the ranking of the child units. Session login, the same
reach as the page; each answer is a handful of rollup reads, remembered while nothing under the
unit changes (``stats.figures``; ``computed_at`` says when it was computed). Ratios and points
are strings (exact decimals); a ratio of null means "no data", never 0."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission
from motcua.stats import figures, queries

from . import units
from .dashboard import ranking_choice, trend_periods
from .forms import period_of


def _period(period) -> dict:
    return {
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "params": period.params,
    }


def _decimal(value) -> str | None:
    return None if value is None else str(value)


def _indicator(item) -> dict:
    return {
        "ident": item.ident,
        "name": item.name,
        "group": item.group,
        "numerator": item.numerator,
        "denominator": item.denominator,
        "ratio": _decimal(item.ratio),
        "points": _decimal(item.points),
        "max_points": _decimal(item.max_points),
        "threshold": _decimal(item.threshold),
        "scored": item.scored,
        "note": item.note or "",
    }


def _card(card, *, details: bool = True) -> dict:
    found = {
        "total": _decimal(card.total),
        "max_total": _decimal(card.max_total),
        "band": card.band or "",
    }
    if details:
        found["indicators"] = [_indicator(item) for item in card.indicators]
    return found


def _endpoint(build, *, options=None):
    """A data endpoint: the unit (404 outside the reach) and the period (400 with every
    problem) checked, then ``build(unit, period, request)`` answered as JSON, or the answer
    remembered for the same unit, period and ``options(request, period)``."""

    @never_cache
    @staff_required(Permission.STATS_VIEW)
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        unit = units.unit_from(request)
        period, problems = period_of(request)
        if period is None:
            return JsonResponse({"errors": problems}, status=400)
        parts = (
            tuple(sorted(period.params.items())),
            options(request, period) if options is not None else "",
            timezone.localdate().isoformat(),  # open dossiers are judged today
        )

        def answer() -> dict:
            return {
                "unit": {"code": unit.code, "name": unit.name},
                "period": _period(period),
                **build(unit, period, request),
            }

        def content() -> bytes:
            return json.dumps(answer(), ensure_ascii=False, cls=DjangoJSONEncoder).encode()

        node = queries.node_path(unit.agency)
        body, at = figures.remembered(build.__name__.lstrip("_"), node, parts, content)
        stamp = json.dumps(at.isoformat()).encode()
        # The moment goes in front of the remembered body (which is a JSON object).
        return HttpResponse(
            b'{"computed_at": ' + stamp + b", " + body[1:],
            content_type="application/json",
        )

    view.__name__ = build.__name__.lstrip("_")
    view.__doc__ = build.__doc__
    return view


@_endpoint
def scorecard(unit: units.Unit, period, request) -> dict:
    """The unit's scorecard for the period."""
    return _card(queries.scorecard(unit.agency, period))


@_endpoint
def trend(unit: units.Unit, period, request) -> dict:
    """Total score and ratio of 2.1 for the 12 months ending with the period."""
    points = []
    for month, card in queries.trend(unit.agency, trend_periods(period)):
        item = next((i for i in card.indicators if i.ident == "2.1"), None)
        points.append(
            {
                "period": _period(month),
                **_card(card, details=False),
                "ratio_2_1": _decimal(item.ratio) if item is not None else None,
            }
        )
    return {"points": points}


def _ranking(unit: units.Unit, period, request) -> dict:
    """The child units by total score (``xep-theo``: an indicator's id to rank by it)."""
    indicator = ranking_choice(request, period)
    rows = []
    for position, (agency, card) in enumerate(
        queries.ranking(unit.agency, period, indicator=indicator), start=1
    ):
        item = next((i for i in card.indicators if i.ident == indicator), None)
        rows.append(
            {
                "rank": position,
                "code": agency.code,
                "name": agency.name,
                **_card(card, details=False),
                **({"indicator": _indicator(item)} if item is not None else {}),
            }
        )
    return {"indicator": indicator, "rows": rows}


ranking = _endpoint(_ranking, options=ranking_choice)
