"""The scorecard recomputed from the dossiers themselves, in Python, without the counter
tables: every filed dossier's fact by ``facts.fact_for``, filtered and summed here. Slow (it
reads every dossier) and meant for tests and checks: the property test compares it with
``queries.scorecard``, which reads the counters."""

from __future__ import annotations

from motcua.units.models import Agency

from . import catalogue, facts, queries
from .facts import FactValues
from .rollups import NO_DUE, RULES
from .scoring import Inputs, Scorecard


def all_facts() -> list[FactValues]:
    return list(facts.compute(list(facts.dossiers_for_facts())).values())


def _pick(found: list[FactValues], path: str, period, procedure_id: int) -> list[FactValues]:
    return [
        f
        for f in found
        if f.agency_path.startswith(path)
        and period.contains(f.period_day)
        and (not procedure_id or f.procedure_id == procedure_id)
    ]


def _sum(chosen: list[FactValues]) -> dict:
    return {name: sum(int(rule(f)) for f in chosen) for name, (rule, _sql) in RULES.items()}


def scorecard_from_dossiers(
    node: Agency | None, period, *, procedure=None, at=None, found: list[FactValues] | None = None
) -> Scorecard:
    found = all_facts() if found is None else found
    path = queries.node_path(node)
    procedure_id = queries._procedure_id(procedure)
    judged_on = queries._judged_on(period, at)
    chosen = _pick(found, path, period, procedure_id)
    counts = _sum(chosen)
    overdue = sum(1 for f in chosen if f.state == "open" and (f.due_day or NO_DUE) < judged_on)
    every_procedure = _pick(found, path, period, 0)
    used = {
        name: {f.procedure_id for f in every_procedure if RULES[name][0](f)}
        for name in ("online", "paid_online", "population_data")
    }
    last_year = 0
    if not counts["received"]:
        last_year = len(_pick(found, path, period.last_year(), procedure_id))
    inputs = Inputs(
        counts=counts,
        open_overdue=overdue,
        last_year_received=last_year,
        period_months=queries._months_in(period),
        catalogue=catalogue.sets_for(node, used, procedure_id=procedure_id),
        feedback=queries._feedback(node, period, at),
    )
    return queries._scorecard(node, period, inputs, procedure=procedure, judged_on=judged_on)
