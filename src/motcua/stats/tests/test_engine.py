"""Worked examples through the real lifecycle: dossiers filed and processed with
``processing.perform`` (backdated), the outbox's events handed to the ``stats.refresh``
subscriber, the scorecard read from the counters. Rules: DOMAIN.md §8 (on time, early, late;
supplements; open dossiers judged at the period's end or now) and §11 (2.1, 5.4, 1.4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from motcua.core.models import Delivery
from motcua.dossiers.models import Status
from motcua.stats import queries, raw, rollups, services
from motcua.stats.handlers import SUBSCRIBER
from motcua.stats.models import DossierFact, OpenRollup, Rollup
from motcua.stats.queries import Period

from .conftest import at, deliver

pytestmark = pytest.mark.django_db

MARCH = Period.month(2026, 3)
# Monday 9 March 2026, a working week without holidays. Birth registration: 1 working day.
MON, TUE, WED, THU, FRI = (f"2026-03-{d:02d}" for d in range(9, 14))


def fact(dossier) -> DossierFact:
    return DossierFact.objects.get(pk=dossier.pk)


def test_early_on_time_and_late_by_the_day_of_the_end(desk):
    early = desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(MON, 15))
    on_time = desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(TUE, 16))
    late = desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(WED, 8))
    deliver()
    assert [fact(d).state for d in (early, on_time, late)] == ["early", "on_time", "late"]
    assert fact(on_time).due_day == date(2026, 3, 10)

    card = queries.scorecard(desk.here, MARCH)
    # 2.1: (2 done in time + 0 open) ÷ 3 = 66.67 % → 20 × 0.6667 = 13.33 points.
    assert (card["2.1"].numerator, card["2.1"].denominator) == (2, 3)
    assert card["2.1"].ratio == Decimal("66.67")
    assert card["2.1"].points == Decimal("13.33")
    # 5.4: 100 % − 1/3 late = 66.67 % with T = 90 → min(6, 6 × 66.67 / 90) = 4.44.
    assert card["5.4"].ratio == Decimal("66.67")
    assert card["5.4"].points == Decimal("4.44")
    # The same figures for the province above and for the nation.
    assert queries.scorecard(None, MARCH)["2.1"].ratio == Decimal("66.67")
    reasons = {
        r.code: r.reason for r in queries.drilldown(desk.here, MARCH, "2.1", "denominator").rows
    }
    assert reasons[early.code] == "Đúng hạn: kết thúc 09/03/2026 ≤ hạn 10/03/2026"
    assert reasons[late.code] == "Quá hạn: ngày kết thúc 11/03 > ngày hẹn trả 10/03"
    numerator = queries.drilldown(desk.here, MARCH, "2.1", "numerator")
    assert {r.code for r in numerator.rows} == {early.code, on_time.code}


def _supplemented(desk, answered, finished):
    """Accepted Monday 09:00, a supplement asked Tuesday 08:00 (1 working hour before the
    deadline), answered at ``answered``, approved at ``finished``."""
    dossier = desk.walk(
        desk.file(at(MON, 8)),
        ("accept", at(MON, 9)),
        ("assign", at(MON, 9)),
        ("request_supplement", at(TUE, 8)),
        ("answer_supplement", answered),
    )
    return desk.walk(dossier, ("propose", finished), ("approve", finished))


def test_one_supplement_resumes_the_clock_without_its_waiting_time(desk, settings):
    settings.MOTCUA_SUPPLEMENT_CLOCK = "resume"
    # Waited Tue 08:00 → Thu 08:00 (2 working days): the deadline moves Tue 09:00 → Thu 09:00.
    on_time = _supplemented(desk, at(THU, 8), at(THU, 16))
    late = _supplemented(desk, at(THU, 8), at(FRI, 8, 30))
    deliver()
    assert fact(on_time).state == "on_time"
    assert fact(on_time).supplement_count == 1
    assert fact(late).state == "late"
    assert fact(late).due_day == date(2026, 3, 12)


def test_one_supplement_restarts_the_clock_when_the_province_says_so(desk, settings):
    settings.MOTCUA_SUPPLEMENT_CLOCK = "restart"
    # Restarted Thu 08:00 with the full working day: due Fri 08:00.
    dossier = _supplemented(desk, at(THU, 8), at(FRI, 8, 30))
    deliver()
    assert fact(dossier).due_day == date(2026, 3, 13)
    assert fact(dossier).state == "on_time"


def test_a_second_supplement_request_makes_the_dossier_late(desk):
    dossier = desk.walk(
        desk.file(at(MON, 8)),
        ("accept", at(MON, 9)),
        ("assign", at(MON, 9)),
        ("request_supplement", at(MON, 10)),
        ("answer_supplement", at(MON, 11)),
        ("request_supplement", at(MON, 14)),
        ("answer_supplement", at(MON, 15)),
        ("propose", at(MON, 16)),
        ("approve", at(MON, 16)),
    )
    deliver()
    assert fact(dossier).state == "late"
    row = queries.drilldown(desk.here, MARCH, "2.1", "denominator").rows[0]
    assert row.reason == "Quá hạn: 2 lần yêu cầu bổ sung"


def test_a_dossier_waiting_after_one_supplement_request_ends_at_the_request(desk):
    dossier = desk.walk(
        desk.file(at(MON, 8)),
        ("accept", at(MON, 9)),
        ("assign", at(MON, 9)),
        ("request_supplement", at(MON, 10)),
    )
    deliver()
    assert dossier.status == Status.SUPPLEMENT
    assert (fact(dossier).state, fact(dossier).end_day) == ("early", date(2026, 3, 9))
    assert not fact(dossier).finished


def test_an_open_dossier_is_judged_at_the_end_of_a_past_period_or_on_the_given_day(desk):
    desk.walk(desk.file(at(MON, 8)), ("accept", at(MON, 9)))  # due Tue 10 March, still open
    deliver()
    at_end = queries.scorecard(desk.here, MARCH)
    assert at_end.judged_on == date(2026, 3, 31)
    assert (at_end["2.1"].numerator, at_end["2.1"].denominator) == (0, 1)
    on_monday = queries.scorecard(desk.here, MARCH, at=date(2026, 3, 9))
    assert (on_monday["2.1"].numerator, on_monday["2.1"].denominator) == (1, 1)
    row = queries.drilldown(desk.here, MARCH, "2.1", "denominator").rows[0]
    assert row.reason == "Đang giải quyết, đã quá hạn (hạn 10/03)"
    row = queries.drilldown(desk.here, MARCH, "2.1", "denominator", at=date(2026, 3, 9)).rows[0]
    assert row.reason == "Đang giải quyết, còn hạn (hạn 10/03)"


def test_an_open_dossier_of_the_current_period_is_judged_now(desk):
    now = timezone.localtime()
    this_month = Period.month(now.year, now.month)
    fresh = desk.file(now - timedelta(minutes=5))
    desk.do(fresh, "accept", now - timedelta(minutes=4))  # due in a working day or so
    deliver()
    card = queries.scorecard(desk.here, this_month)
    assert card.judged_on == timezone.localdate()
    assert card["2.1"].numerator == 1
    # Judged a month later, the same open dossier is overdue.
    later = queries.scorecard(desk.here, this_month, at=now + timedelta(days=40))
    assert later["2.1"].numerator == 0
    assert queries.volumes(desk.here, this_month)["open_in_time"] == 1


def test_zero_denominators_no_data_six_if_none_and_zero_for_5_4(desk, place):
    card = queries.scorecard(desk.here, MARCH)
    assert card["2.1"].ratio is None
    assert card["2.1"].points is None
    assert card["5.2"].points == Decimal("6.00")  # no feedback: 6 points
    assert card["5.4"].points == Decimal("0.00")  # no dossiers: 0
    assert card.get("1.1") is None  # publication on time is not a commune's indicator
    province = queries.scorecard(place["province"], MARCH)
    assert province["1.1"].points is None
    assert "Danh mục" in province["1.1"].note


def test_synced_share_falls_back_to_last_years_monthly_average(desk):
    for month in (1, 2, 3):
        dossier = desk.file(at(f"2025-{month:02d}-10", 8))
        desk.do(dossier, "accept", at(f"2025-{month:02d}-10", 9))
    deliver()
    card = queries.scorecard(desk.here, MARCH)  # March 2026: no dossiers
    sync = card["1.4"]
    assert sync.denominator == Decimal("0.25")  # 3 last year ÷ 12
    assert sync.ratio == Decimal("0.00")
    assert sync.points == Decimal("0.00")


def test_the_subscriber_is_idempotent_and_a_rebuild_equals_the_increments(desk):
    desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(TUE, 10))
    desk.walk(desk.file(at(TUE, 8), online=False), ("accept", at(TUE, 9)))
    desk.walk(desk.file(at(WED, 8)), ("refuse", at(WED, 9)))
    desk.file(at("2026-04-01", 8))
    deliver()
    before = rollups.snapshot(Rollup), rollups.snapshot(OpenRollup)
    assert before[0]
    assert before[1]
    # Every delivery again (a worker died after the handler ran, say): nothing changes.
    Delivery.objects.filter(subscriber=SUBSCRIBER).update(delivered_at=None)
    assert deliver() > 0
    assert (rollups.snapshot(Rollup), rollups.snapshot(OpenRollup)) == before
    services.rebuild()
    assert (rollups.snapshot(Rollup), rollups.snapshot(OpenRollup)) == before
    services.rebuild(desk.here.path)
    assert (rollups.snapshot(Rollup), rollups.snapshot(OpenRollup)) == before


def test_a_payment_event_refreshes_the_dossier(desk):
    from motcua.payments.models import Payment, PaymentStatus

    dossier = desk.walk(desk.file(at(MON, 8)), ("accept", at(MON, 9)))
    deliver()
    assert not fact(dossier).paid_online
    Payment.objects.create(
        dossier=dossier, payer=desk.owner, timing="after_approval", reference="R-1",
        amount=50000, lines=[], provider="demo", status=PaymentStatus.PAID, paid_at=at(MON, 10),
    )  # fmt: skip
    from motcua.core import outbox

    outbox.emit("payment.confirmed", aggregate=dossier, code=dossier.code)
    deliver()
    assert fact(dossier).paid_online


def test_a_not_satisfied_rating_counts_against_5_4(desk):
    from motcua.feedback import services as feedback

    dossier = desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(MON, 15))
    dossier = desk.do(dossier, "return_result", at(MON, 16))
    deliver()
    assert queries.scorecard(desk.here, MARCH)["5.4"].ratio == Decimal("100.00")
    feedback.rate_dossier(dossier, {"overall": 1})
    deliver()
    assert fact(dossier).not_satisfied
    assert fact(dossier).unsatisfying
    card = queries.scorecard(desk.here, MARCH)
    assert card["5.4"].ratio == Decimal("0.00")
    row = queries.drilldown(desk.here, MARCH, "5.4", "denominator").rows[0]
    assert row.reason == "Bị đánh giá không hài lòng"


def test_the_counters_agree_with_the_dossiers_recounted(desk, place):
    desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(TUE, 10))
    desk.finish(desk.file(at(MON, 8), here=place["other"]), at(MON, 9), at(THU, 10))
    desk.walk(desk.file(at(FRI, 8)), ("accept", at(FRI, 9)))
    deliver()
    found = raw.all_facts()
    for node in (None, place["province"], desk.here, place["other"]):
        assert _figures(queries.scorecard(node, MARCH)) == _figures(
            raw.scorecard_from_dossiers(node, MARCH, found=found)
        )


def _figures(card):
    return [(i.ident, i.numerator, i.denominator, i.ratio, i.points) for i in card.indicators] + [
        card.total, card.max_total, card.band,
    ]  # fmt: skip


def test_staff_see_the_nodes_they_hold_stats_view_over(place):
    from tests.fixtures.accounts import make_staff

    leader = make_staff("leader", place["here"].code)
    clerk = make_staff("clerk", place["here"].code)
    admin = make_staff("system_admin", None)
    supervisor = make_staff("supervisor", place["province"].code)
    assert queries.visible_nodes(leader) == [place["here"]]
    assert queries.may_view(leader, place["here"])
    assert not queries.may_view(leader, place["other"])
    assert not queries.may_view(leader, None)
    assert queries.visible_nodes(clerk) == []
    assert not queries.may_view(clerk, place["here"])
    assert queries.visible_nodes(admin)[0] is None
    assert queries.may_view(admin, None)
    assert queries.may_view(supervisor, place["here"])
    assert not queries.may_view(supervisor, None)


def test_a_push_to_the_national_portal_is_caught_up_for_1_4(desk):
    from motcua.integrations.portal.models import DossierSync
    from motcua.stats import services as stats

    dossier = desk.walk(desk.file(at(MON, 8)), ("accept", at(MON, 9)))
    deliver()
    assert queries.scorecard(desk.here, MARCH)["1.4"].ratio == Decimal("0.00")
    DossierSync.objects.create(dossier=dossier, last_status=2, last_pushed_at=at(MON, 9, 1))
    assert stats.refresh_synced() == 1
    assert stats.refresh_synced() == 0
    assert queries.scorecard(desk.here, MARCH)["1.4"].ratio == Decimal("100.00")


def test_one_procedure_and_the_commands(desk):
    from django.core.management import call_command

    desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(MON, 15))
    deliver()
    card = queries.scorecard(desk.here, MARCH, procedure=desk.procedure)
    assert card["2.1"].ratio == Decimal("100.00")
    assert card["3.1"].denominator == 1  # the procedure is listed in Lâm Đồng
    other = queries.scorecard(desk.here, MARCH, procedure=desk.procedure.pk + 1)
    assert other["2.1"].ratio is None
    before = rollups.snapshot(Rollup)
    call_command("stats_backfill", "--missing")
    call_command("stats_rebuild", "--node", desk.here.code)
    call_command("stats_load_indicators")
    assert rollups.snapshot(Rollup) == before


def test_fee_dossiers_paid_online_and_the_fee_procedure_indicators(desk):
    from motcua.core import memo
    from motcua.core import outbox as events
    from motcua.payments.models import FeeSchedule, Payment, PaymentStatus

    FeeSchedule.objects.create(procedure=desk.procedure, kind="fixed", timing="after_approval",
                               amount=50000)  # fmt: skip
    memo.clear_all()
    paid = desk.walk(desk.file(at(MON, 8)), ("accept", at(MON, 9)))
    desk.walk(desk.file(at(MON, 8)), ("accept", at(MON, 9)))
    Payment.objects.create(
        dossier=paid, payer=desk.owner, timing="after_approval", reference="R-2",
        amount=50000, lines=[], provider="demo", status=PaymentStatus.PAID, paid_at=at(MON, 10),
    )  # fmt: skip
    events.emit("payment.confirmed", aggregate=paid, code=paid.code)
    deliver()
    card = queries.scorecard(desk.here, MARCH, procedure=desk.procedure)
    assert (card["3.6"].numerator, card["3.6"].denominator) == (1, 2)
    assert card["3.6"].points == Decimal("3.00")
    assert (card["3.5"].numerator, card["3.5"].denominator) == (1, 1)
    assert (card["3.5b"].numerator, card["3.5b"].denominator) == (1, 1)
    rows = queries.drilldown(desk.here, MARCH, "3.6", "numerator").rows
    assert [r.code for r in rows] == [paid.code]
    assert rows[0].reason == "Đã thanh toán trực tuyến"


def test_the_figures_are_read_from_the_counters_never_from_the_dossiers(desk, place):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def read() -> list[str]:
        with CaptureQueriesContext(connection) as seen:
            queries.scorecard(place["province"], Period.year(2026))
            queries.volumes(desk.here, Period.range(date(2026, 2, 20), date(2026, 4, 3)))
            queries.online_shares(None, MARCH)
            queries.ranking(None, Period.quarter(2026, 1))
        return [q["sql"] for q in seen.captured_queries]

    desk.finish(desk.file(at(MON, 8)), at(MON, 9), at(TUE, 10))
    deliver()
    read()  # the catalogue's sets are held per process from now on
    few = read()
    for day in (MON, TUE, WED, THU):
        desk.finish(desk.file(at(day, 8), here=place["other"]), at(day, 9), at(FRI, 10))
        desk.walk(desk.file(at(day, 8)), ("accept", at(day, 9)))
    deliver()
    more = read()
    assert len(more) == len(few)  # as many statements whatever the number of dossiers
    assert not [sql for sql in more if "dossiers_dossier" in sql or "stats_dossierfact" in sql]
