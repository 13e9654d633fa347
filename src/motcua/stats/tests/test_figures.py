"""Remembered dashboard figures (``stats.figures``): exact while nothing under the unit
changed, recomputed after a change (at most every FRESH seconds while changes keep coming),
the previous figures shown while one request recomputes but never older than STALE seconds,
and every writer of the counters (increments, recount, feedback, rule edits) changing the
tokens in its own transaction."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.caches import redis_cache
from tests.fixtures.dossiers import dossier_in

from motcua.stats import figures, handlers, queries, rollups, services
from motcua.stats.models import FigureVersion, IndicatorSet, SocialCost
from motcua.units.models import Agency

from .test_views_dashboard import PROVINCE, RETURNED, commune, dossiers, leader  # noqa: F401

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    monkeypatch.setattr(figures, "clock", found)
    return found


@pytest.fixture
def counted():
    """A computation that answers how many times it ran."""
    runs = itertools.count(1)
    return lambda: next(runs)


NODE = "000.00.00.H36/"


def test_the_same_token_gives_the_remembered_value_and_a_change_recomputes_it(
    committed, clock, counted
):
    assert figures.remembered("k", NODE, ("p",), counted)[0] == 1
    clock.now += 50
    value, at = figures.remembered("k", NODE, ("p",), counted)
    assert value == 1
    assert at.timestamp() == clock.now - 50  # when it was computed, not now
    # Other parts, another kind or another node are other figures.
    assert figures.remembered("k", NODE, ("q",), counted)[0] == 2
    assert figures.remembered("other", NODE, ("p",), counted)[0] == 3
    with committed():
        figures.touch([NODE])
    assert figures.remembered("k", NODE, ("p",), counted)[0] == 4


def test_figures_that_depend_on_the_clock_are_recomputed_after_cache_seconds(
    settings, clock, counted
):
    settings.MOTCUA_STATS_CACHE_SECONDS = 300
    figures.remembered("k", NODE, (), counted)
    clock.now += 299
    assert figures.remembered("k", NODE, (), counted)[0] == 1
    clock.now += 2
    assert figures.remembered("k", NODE, (), counted)[0] == 2


def test_while_dossiers_keep_changing_a_unit_is_recomputed_at_most_every_fresh_seconds(
    committed, settings, clock, counted
):
    settings.MOTCUA_STATS_FRESH_SECONDS = 10
    figures.remembered("k", NODE, (), counted)
    with committed():
        figures.touch([NODE])
    clock.now += 9
    assert figures.remembered("k", NODE, (), counted)[0] == 1
    clock.now += 2
    assert figures.remembered("k", NODE, (), counted)[0] == 2


def test_an_ancestors_change_is_not_a_change_of_its_children(committed, counted):
    figures.remembered("k", NODE, (), counted)
    with committed():
        figures.touch([""])  # the nation's counters changed (e.g. a ministry's dossier)
    assert figures.remembered("k", NODE, (), counted)[0] == 1
    with committed():
        figures.touch_all()
    assert figures.remembered("k", NODE, (), counted)[0] == 2


def test_while_another_request_recomputes_the_previous_figures_are_shown_until_too_old(
    committed, settings, clock, counted, monkeypatch
):
    settings.MOTCUA_STATS_STALE_SECONDS = 45
    monkeypatch.setattr(figures, "LOCK_SECONDS", 0.3)
    figures.remembered("k", NODE, (), counted)
    with committed():
        figures.touch([NODE])
    lock = f"{figures._key('k', NODE, ())}:lock"
    assert cache.add(lock, "another request", 30)
    clock.now += 44
    assert figures.remembered("k", NODE, (), counted)[0] == 1
    # Too old to be shown: this request waits for the other, which never writes, then
    # computes itself (and leaves the other's lock alone).
    clock.now += 2
    assert figures.remembered("k", NODE, (), counted)[0] == 2
    assert cache.get(lock) == "another request"


def test_a_waiting_request_takes_the_figures_the_other_one_wrote(committed, monkeypatch, counted):
    figures.remembered("k", NODE, (), counted)
    with committed():
        figures.touch([NODE])
    key = figures._key("k", NODE, ())
    cache.add(f"{key}:lock", "another request", 30)
    cache.delete(key)  # nothing to show meanwhile
    written = []

    def sleep(seconds):  # the other request finishes while this one waits
        if not written:
            written.append(True)
            cache.set(key, (figures.version_of(NODE), figures.clock(), "theirs"), 60)

    monkeypatch.setattr(figures.time, "sleep", sleep)
    assert figures.remembered("k", NODE, (), counted)[0] == "theirs"


def test_a_failed_computation_leaves_nothing_behind(counted):
    def broken():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        figures.remembered("k", NODE, (), broken)
    key = figures._key("k", NODE, ())
    assert cache.get(key) is None
    assert cache.get(f"{key}:lock") is None
    assert figures.remembered("k", NODE, (), counted)[0] == 1


def test_nothing_is_remembered_when_cache_seconds_is_zero(settings, counted):
    settings.MOTCUA_STATS_CACHE_SECONDS = 0
    figures.remembered("k", NODE, (), counted)
    assert figures.remembered("k", NODE, (), counted)[0] == 2


def tokens() -> dict[str, str]:
    return dict(FigureVersion.objects.values_list("node", "token"))


def test_increments_change_the_tokens_of_the_dossiers_nodes_only(committed, commune):  # noqa: F811
    dossier = dossier_in(
        RETURNED, here=commune, owner=make_citizen("Lê Văn An"), returned_at=timezone.now()
    )
    before = tokens()
    with committed():
        services.refresh([dossier.pk])
    after = tokens()
    changed = {node for node in after if after[node] != before.get(node)}
    assert changed == set(rollups.nodes_of(commune.path))
    assert figures.EVERY not in changed


def test_a_recount_and_an_edit_of_the_rules_change_every_figure(committed):
    with committed():
        services.rebuild("")
    first = tokens()[figures.EVERY]
    chosen = IndicatorSet.objects.order_by("pk").first()
    with committed():
        chosen.save()
    second = tokens()[figures.EVERY]
    assert second != first
    cost = SocialCost.objects.order_by("pk").first()
    cost.travel += 1000
    with committed():
        cost.save()
    assert tokens()[figures.EVERY] != second


def test_a_feedback_event_changes_the_tokens_of_its_agency(committed, commune):  # noqa: F811
    from motcua.feedback import services as feedback
    from motcua.feedback.models import Kind, Subject

    item = feedback.submit(
        feedback.Submission(
            kind=Kind.REFLECTION,
            subject=Subject.AGENCY,
            content="Cán bộ hẹn trả kết quả nhưng không trả đúng ngày.",
            sender_name="Nguyễn Văn Bình",
            sender_email="binh@example.vn",
            subject_agency=commune,
        ),
        sender=None,
    )
    assert item.agency_path == commune.path
    before = tokens()
    with committed():
        handlers.feedback_changed(SimpleNamespace(payload={"code": item.code}))
    changed = {n for n, t in tokens().items() if before.get(n) != t}
    assert changed == set(rollups.nodes_of(commune.path))

    # Transferred to the province's department of justice: both agencies' figures change.
    justice = Agency.objects.get(code="000.00.04.H36")
    feedback.classify(
        item,
        actor=make_staff("clerk", commune.code),
        decision="transfer",
        reason="Thuộc thẩm quyền Sở Tư pháp.",
        target=justice,
    )
    before = tokens()
    with committed():
        handlers.feedback_changed(SimpleNamespace(payload={"code": item.code}))
    changed = {n for n, t in tokens().items() if before.get(n) != t}
    assert changed == set(rollups.nodes_of(commune.path)) | set(rollups.nodes_of(justice.path))


# --- The data endpoints and the page ----------------------------------------------------------


def test_the_json_figures_are_remembered_until_a_dossier_of_the_unit_changes(
    committed,
    client,
    leader,  # noqa: F811
    dossiers,  # noqa: F811
    commune,  # noqa: F811
):
    url = reverse("stats_staff:data_scorecard")
    params = {"don-vi": PROVINCE}
    first = client.get(url, params).json()
    with CaptureQueriesContext(connection) as asked:
        again = client.get(url, params).json()
    assert again == first
    read = " ".join(q["sql"] for q in asked.captured_queries)
    assert "stats_figureversion" in read  # the token, and not a single counter
    assert "stats_rollup" not in read
    assert "stats_openrollup" not in read
    assert "feedback_feedback" not in read
    assert first["computed_at"]
    assert first["indicators"] == queries_card(PROVINCE)
    on_time = next(i for i in first["indicators"] if i["ident"] == "2.1")

    late = dossier_in(
        RETURNED,
        here=commune,
        owner=make_citizen("Phạm Văn Đức"),
        received_at=timezone.now() - timedelta(hours=1),
    )
    late.finished_at = late.returned_at = timezone.now()
    late.appointment_at = late.due_at = timezone.now() - timedelta(days=1)
    late.save()
    with committed():
        services.refresh([late.pk])
    changed = client.get(url, params).json()
    item = next(i for i in changed["indicators"] if i["ident"] == "2.1")
    assert (item["numerator"], item["denominator"]) == (
        on_time["numerator"],
        on_time["denominator"] + 1,
    )
    assert changed["computed_at"] >= first["computed_at"]
    assert changed["indicators"] == queries_card(PROVINCE)


def queries_card(code: str) -> list[dict]:
    from motcua.stats.views.data import _indicator
    from motcua.units.models import Agency

    card = queries.scorecard(Agency.objects.get(code=code), queries.Period.current_month())
    return json.loads(json.dumps([_indicator(i) for i in card.indicators], cls=DjangoJSONEncoder))


def test_the_page_says_when_its_figures_were_computed(client, leader, dossiers):  # noqa: F811
    response = client.get(reverse("stats_staff:dashboard"), {"don-vi": PROVINCE})
    assert response.status_code == 200
    computed = response.context["computed_at"]
    assert timezone.now() - computed < timedelta(minutes=1)
    html = response.content.decode()
    assert f"Số liệu tính lúc {timezone.localtime(computed):%H:%M:%S %d/%m/%Y}" in html
    again = client.get(reverse("stats_staff:dashboard"), {"don-vi": PROVINCE})
    assert again.context["computed_at"] == computed


def test_figures_are_shared_between_processes_through_redis(committed, settings, counted):
    """Production's cache: what one web process computed, another one shows."""
    from django.core.cache import caches

    with redis_cache(settings, 12):
        assert figures.remembered("k", NODE, (), counted)[0] == 1
        caches["default"].close()  # as another process would: a new connection
        assert figures.remembered("k", NODE, (), counted)[0] == 1
        with committed():
            figures.touch([NODE])
        assert figures.remembered("k", NODE, (), counted)[0] == 2
