"""Which channels an account gets for a kind of message.

In-app is always on. Without a choice saved by the person (``Preference``), e-mail is on for
every kind and SMS for the essential ones (``MessageTemplate.essential``: decisions to act on
or come for); a channel without an address for the recipient sends nothing either way.
Staff messages go by e-mail only.
"""

from __future__ import annotations

from .defaults import CITIZEN_KINDS, DEFAULTS
from .models import MessageTemplate, Preference


def _essential() -> dict[str, bool]:
    found = dict(
        MessageTemplate.objects.filter(key__in=CITIZEN_KINDS).values_list("key", "essential")
    )
    return {k: found.get(k, bool(DEFAULTS[k].get("essential"))) for k in CITIZEN_KINDS}


def choices(user) -> dict[str, dict[str, bool]]:
    """Every citizen kind with its e-mail and SMS choice (saved, else the default)."""
    saved = {p.kind: p for p in Preference.objects.filter(user=user)}
    essential = _essential()
    result = {}
    for kind in CITIZEN_KINDS:
        preference = saved.get(kind)
        result[kind] = (
            {"email": preference.email, "sms": preference.sms}
            if preference
            else {"email": True, "sms": essential[kind]}
        )
    return result


def channels_for(user, template, available: list[str]) -> list[str]:
    if template.audience == "staff":
        return [c for c in ("email",) if c in available]
    preference = Preference.objects.filter(user=user, kind=template.key).first()
    if preference is not None:
        wanted = {"email": preference.email, "sms": preference.sms}
    else:
        wanted = {"email": True, "sms": template.essential}
    wanted["inapp"] = True
    return [c for c in available if wanted.get(c)]
