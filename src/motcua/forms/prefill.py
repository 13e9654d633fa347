"""What the state already knows, put in the form before the citizen types anything.

Sources (``FieldSpec.prefill`` = ``"<source>.<attribute>"``):

- ``eid``: attributes the e-ID verified on ``accounts.Person``. They are *locked*: shown with
  where they come from, not editable, and taken again from the person at submission.
- ``profile``: the account's verified contact (e-mail, phone): an editable starting value.
- ``population``: the national population database (``integrations.population``); editable.
  When the registry cannot answer, the form says so and the citizen types the value.
- ``previous``: the same field of the applicant's latest filed dossier; editable.

When the citizen acts for an organisation or for someone who delegated them, only the
``profile`` of the person typing applies: the applicant's data is not the agent's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.selectors import describe_source
from motcua.integrations.population.services import prefill_for

from .engine import FillContext, Locked
from .spec import FormSpec


def _address(person) -> dict[str, str] | None:
    if person.commune_id is None:
        return None
    return {
        "province": person.commune.province.code,
        "commune": person.commune.code,
        "detail": _street(person.permanent_address, person.commune),
    }


def _street(address: str, commune) -> str:
    """The part of a full address before the commune's name (the rest comes from the units)."""
    if not address:
        return ""
    for name in (commune.name, commune.short_name):
        index = address.find(name)
        if index > 0:
            return address[:index].rstrip(" ,")
    return address


EID_ATTRIBUTES: dict[str, Callable[[Any], Any]] = {
    "full_name": lambda p: p.full_name,
    "pid": lambda p: p.pid_number,
    "birth_date": lambda p: p.birth_date.isoformat() if p.birth_date else None,
    "sex": lambda p: p.sex or None,
    "phone": lambda p: p.phone or None,
    "address": _address,
}
#: The provenance entry that vouches for each e-ID attribute.
EID_PROVENANCE = {"address": "commune", "pid": "pid"}


def fill_context(
    spec: FormSpec,
    *,
    user,
    person,
    on_behalf: bool,
    previous: dict | None,
    locked_only: bool = False,
) -> FillContext:
    """Locked and initial values for ``spec`` (``person`` is the applicant when the citizen
    files for themself, None otherwise). ``locked_only``: only the e-ID's locked values (at
    submission), without asking any registry."""
    context = FillContext()
    population = None
    for f in spec.fields():
        source, attribute = f.prefill_source, f.prefill_attribute
        if not source or (locked_only and source != "eid"):
            continue
        if source == "eid" and person is not None and not on_behalf:
            getter = EID_ATTRIBUTES.get(attribute)
            provenance_key = EID_PROVENANCE.get(attribute, attribute)
            value = getter(person) if getter else None
            if value and person.is_verified(provenance_key):
                entry = (person.provenance or {}).get(provenance_key)
                context.locked[f.key] = Locked(value=value, source=describe_source(entry))
        elif source == "profile":
            value = {
                "email": user.email if user.email_verified_at else "",
                "phone": user.phone,
            }.get(attribute)
            if value:
                context.initial[f.key] = value
        elif source == "population" and person is not None and not on_behalf:
            if population is None:
                population = prefill_for(person)
                if population.degraded:
                    context.notices.append(
                        _(
                            "Chưa lấy được thông tin từ Cơ sở dữ liệu quốc gia về dân cư "
                            "(%(reason)s). Bạn vẫn nộp được hồ sơ: hãy tự điền các ô còn trống."
                        )
                        % {"reason": population.reason_vi}
                    )
            record = population.record
            if record is not None and getattr(record, attribute, None):
                value = getattr(record, attribute)
                context.initial[f.key] = value.isoformat() if hasattr(value, "isoformat") else value
        elif source == "previous" and previous and previous.get(attribute or f.key) is not None:
            context.initial[f.key] = previous[attribute or f.key]
    return context
