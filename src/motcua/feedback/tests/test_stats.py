"""What the statistics read from feedback (indicators 5.1–5.4, DOMAIN.md §11), as worked
examples: items received in a period by an agency subtree, handled on time within 15
working days of receipt or transfer, not satisfied, complained again, overdue."""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from motcua.feedback import services
from motcua.feedback.models import FeedbackClass, Level, Rating
from motcua.feedback.stats import (
    dossier_flags,
    feedback_counts,
    feedback_counts_many,
    feedback_items,
)

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEC_3 = datetime(2026, 12, 3, 9, 0, tzinfo=HCM)  # answer due 24/12 09:00


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _accept(feedback, people, klass=FeedbackClass.REGULATION):
    return services.classify(
        feedback, actor=people["clerk"], decision="accept", feedback_class=klass
    )


@pytest.fixture
def december(send, people, place):
    """Five items received on 3/12/2026 at the commune, one at another commune:
    on time · late · open and overdue at 28/12 · rejected · answered on time but rated
    "not satisfied" and complained again; the other commune's answered on time."""
    with _at(DEC_3):
        items = {name: send() for name in ("on_time", "late", "open", "rejected", "unhappy")}
        items["elsewhere"] = send(subject_agency=place["other"])
    with _at(datetime(2026, 12, 4, 9, 0, tzinfo=HCM)):
        for name in ("on_time", "late", "open", "unhappy"):
            _accept(items[name], people, FeedbackClass.CONDUCT if name == "late" else
                    FeedbackClass.REGULATION)  # fmt: skip
        services.classify(items["rejected"], actor=people["clerk"], decision="reject",
                          reason="Là khiếu nại")  # fmt: skip
        items["elsewhere"] = services.classify(
            items["elsewhere"], actor=make_clerk(place["other"]), decision="accept",
            feedback_class=FeedbackClass.REGULATION,
        )  # fmt: skip
    with _at(datetime(2026, 12, 10, 9, 0, tzinfo=HCM)):
        for name in ("on_time", "unhappy"):
            services.answer(items[name], actor=people["specialist"], text="Trả lời.")
        services.answer(items["elsewhere"], actor=make_specialist(place["other"]), text="Ừ.")
        services.rate_answer(items["unhappy"], rating=Rating.NOT_SATISFIED)
        services.complain_again(items["unhappy"], text="Chưa đúng.")
    with _at(datetime(2026, 12, 28, 9, 0, tzinfo=HCM)):
        services.answer(items["late"], actor=people["specialist"], text="Trả lời muộn.")
    return items


def make_clerk(agency):
    from tests.fixtures.accounts import make_staff

    return make_staff("clerk", agency.code)


def make_specialist(agency):
    from tests.fixtures.accounts import make_staff

    return make_staff("specialist", agency.code)


def test_counts_of_the_commune_in_december(december, place):
    at = datetime(2026, 12, 31, 17, 0, tzinfo=HCM)
    counts = feedback_counts(place["here"].path, date(2026, 12, 1), date(2026, 12, 31), at)
    assert counts == {
        "received": 4,  # the rejected one is not counted
        "on_time": 2,
        "open_in_time": 0,
        "not_satisfied": 1,
        "complained_again": 1,
        "overdue": 2,  # answered late, and open past 24/12
        "by_class": {"unclassified": 0, "regulation": 3, "conduct": 1},
    }


def test_before_the_deadline_an_open_item_is_in_time(december, place):
    at = datetime(2026, 12, 20, 9, 0, tzinfo=HCM)
    counts = feedback_counts(place["here"].path, date(2026, 12, 1), date(2026, 12, 31), at)
    assert counts["on_time"] == 2
    assert counts["open_in_time"] == 2  # "late" and "open", not answered yet on 20/12
    assert counts["overdue"] == 0


def test_the_whole_nation_and_another_period(december, place):
    at = datetime(2026, 12, 31, 17, 0, tzinfo=HCM)
    assert feedback_counts("", date(2026, 12, 1), date(2026, 12, 31), at)["received"] == 5
    assert feedback_counts("", date(2026, 11, 1), date(2026, 11, 30), at)["received"] == 0
    # By receipt date: the 3rd counts for a period that ends on the 3rd.
    assert feedback_counts("", date(2026, 12, 3), date(2026, 12, 3), at)["received"] == 5


def test_drill_down_rows_carry_a_reason(december, place):
    at = datetime(2026, 12, 31, 17, 0, tzinfo=HCM)
    span = (place["here"].path, date(2026, 12, 1), date(2026, 12, 31), at)
    denominator = feedback_items(*span, "denominator")
    assert len(denominator) == 4
    numerator = {row.code: row.reason for row in feedback_items(*span, "numerator")}
    assert numerator == {
        december["on_time"].code: "Trả lời đúng hạn",
        december[
            "unhappy"
        ].code: "Trả lời đúng hạn (người gửi không hài lòng, người gửi phản ánh lại)",
    }
    satisfied = feedback_items(*span, "numerator", indicator="5.3")
    assert [row.code for row in satisfied] == [december["on_time"].code]
    reasons = {row.code: row.reason for row in denominator}
    assert reasons[december["open"].code] == "Đang xử lý, đã quá hạn"
    assert reasons[december["late"].code] == "Trả lời quá hạn"
    with pytest.raises(ValueError, match="part"):
        feedback_items(*span, "both")


def test_dossier_flags_name_unhappy_ratings_and_feedback(returned, send, place, people):
    from tests.fixtures.dossiers import dossier_in

    from .conftest import RETURNED

    other = dossier_in(RETURNED, here=place["here"], owner=people["citizen"])
    third = dossier_in(RETURNED, here=place["here"], owner=people["citizen"])
    services.rate_dossier(returned, {"overall": Level.NOT_SATISFIED})
    services.rate_dossier(other, {"overall": Level.SATISFIED, "attitude": Level.NOT_SATISFIED})
    send(subject="dossier", subject_agency=None, dossier=other)
    assert dossier_flags([returned.pk, other.pk, third.pk, 0]) == {
        returned.pk: (True, False),
        other.pk: (False, True),  # only the overall criterion counts
        third.pk: (False, False),
        0: (False, False),
    }
    assert dossier_flags([]) == {}


def test_many_counts_at_once_equal_the_counts_one_by_one(
    december, place, django_assert_max_num_queries
):
    at = datetime(2026, 12, 31, 17, 0, tzinfo=HCM)
    dec, nov = (date(2026, 12, 1), date(2026, 12, 31)), (date(2026, 11, 1), date(2026, 11, 30))
    siblings = [
        (place["here"].path, *dec),
        (place["other"].path, *dec),
        (place["justice"].path, *dec),
    ]
    months = [("", *nov), ("", *dec), ("", date(2026, 12, 3), date(2026, 12, 3))]
    one_by_one = [feedback_counts(*key, at) for key in siblings]
    with django_assert_max_num_queries(2):
        assert feedback_counts_many(siblings, at) == one_by_one
    assert [c["received"] for c in one_by_one] == [4, 1, 0]
    # 1/12–31/12 and 3/12 overlap: counted one pair after another, same figures.
    assert feedback_counts_many(months, at) == [feedback_counts(*key, at) for key in months]
    assert feedback_counts_many([], at) == []
