"""Property: whatever happens to dossiers (filed, received, refused, supplements asked and
answered, paid, finished on various days, withdrawn, stopped, returned, rated), the scorecard
read from the counter tables equals the scorecard recomputed from the raw dossiers
(``stats.raw``), for the nation, a province and a commune, over random periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core import outbox
from motcua.dossiers import processing
from motcua.dossiers.services import withdraw
from motcua.stats import queries, raw
from motcua.stats.periods import Period

from .conftest import deliver

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 1, 5, 7, 30, tzinfo=VN)

#: The paths a dossier may take; a step the lifecycle refuses at that moment is skipped.
PATHS = [
    (),
    ("refuse",),
    ("withdraw",),
    ("accept",),
    ("accept", "assign"),
    ("accept", "assign", "request_supplement"),
    ("accept", "assign", "request_supplement", "answer_supplement", "propose", "approve"),
    ("accept", "assign", "request_supplement", "answer_supplement", "request_supplement"),
    ("accept", "assign", "request_payment", "pay", "confirm_payment", "propose", "approve"),
    ("accept", "assign", "propose", "approve"),
    ("accept", "assign", "propose", "approve", "return_result"),
    ("accept", "assign", "propose", "approve", "return_result", "rate"),
    ("accept", "request_withdrawal", "confirm_withdrawal"),
    ("accept", "assign", "stop"),
]

plans = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # where: commune, other commune, department
        st.integers(min_value=0, max_value=80),  # day of filing after 5 January 2026
        st.booleans(),  # online
        st.sampled_from(range(len(PATHS))),
        st.lists(st.floats(min_value=0.2, max_value=70), min_size=8, max_size=8),  # hours
        st.booleans(),  # rated not satisfied
    ),
    min_size=1,
    max_size=6,
)
periods = st.one_of(
    st.sampled_from(
        [
            Period.month(2026, 1),
            Period.month(2026, 2),
            Period.month(2026, 3),
            Period.quarter(2026, 1),
            Period.year(2026),
            Period.month(2025, 12),
        ]
    ),
    st.tuples(
        st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 4, 30)),
        st.integers(min_value=0, max_value=90),
    ).map(lambda t: Period.range(t[0], t[0] + timedelta(days=t[1]))),
)
judged = st.one_of(st.none(), st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 5, 31)))


def _take(desk, dossier, step, when, not_satisfied):
    from motcua.feedback import services as feedback
    from motcua.payments.models import Payment, PaymentStatus

    if step == "withdraw":
        return withdraw(dossier, actor=desk.owner)
    if step == "pay":
        with transaction.atomic():
            Payment.objects.create(
                dossier=dossier, payer=desk.owner, timing="after_approval",
                reference=f"{dossier.code}-{when:%H%M%S}", amount=30000, lines=[],
                provider="demo", status=PaymentStatus.PAID, paid_at=when,
            )  # fmt: skip
            outbox.emit("payment.confirmed", aggregate=dossier, code=dossier.code)
        return dossier
    if step == "rate":
        feedback.rate_dossier(dossier, {"overall": 1 if not_satisfied else 3})
        return dossier
    return desk.do(dossier, step, when)


def _figures(card):
    return [(i.ident, i.numerator, i.denominator, i.ratio, i.points) for i in card.indicators] + [
        card.total, card.max_total, card.band,
    ]  # fmt: skip


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=plans, period=periods, judged_on=judged)
def test_the_counters_always_agree_with_the_raw_dossiers(desk, place, plans, period, judged_on):
    agencies = [place["here"], place["other"], place["justice"]]
    with transaction.atomic():
        for where, day, online, path, hours, not_satisfied in plans:
            here = agencies[where]
            when = START + timedelta(days=day)
            dossier = desk.file(when, online=online, here=here)
            for step, gap in zip(PATHS[path], hours, strict=False):
                when += timedelta(hours=gap)
                try:
                    dossier = _take(desk, dossier, step, when, not_satisfied)
                except processing.NotAllowed:
                    continue
                except Exception as error:  # the rating or withdrawal refused in this state
                    if type(error).__name__ in ("FeedbackError", "DossierError"):
                        continue
                    raise
        deliver()
        found = raw.all_facts()
        for node in (None, place["province"], place["here"], place["justice"]):
            assert _figures(queries.scorecard(node, period, at=judged_on)) == _figures(
                raw.scorecard_from_dossiers(node, period, at=judged_on, found=found)
            ), (node, period)
        transaction.set_rollback(True)
