"""The rules of feedback as worked examples: time limits (NĐ 20/2008 as the national index
applies them, DOMAIN.md §9), personal data that may not be published, signed links and the
anti-abuse question."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import signing

from motcua.feedback import rules

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_time_limits_are_counted_in_working_days_from_receipt():
    """DOMAIN.md §9: refuse within 2, first request for information within 5, answer within
    15 working days. Received Thursday 3/12/2026 09:00: weekends are skipped."""
    received = datetime(2026, 12, 3, 9, 0, tzinfo=HCM)
    due = rules.deadlines_from(received)
    assert due["intake_due_at"] == datetime(2026, 12, 7, 9, 0, tzinfo=HCM)
    assert due["info_due_at"] == datetime(2026, 12, 10, 9, 0, tzinfo=HCM)
    assert due["answer_due_at"] == datetime(2026, 12, 24, 9, 0, tzinfo=HCM)


def test_after_a_transfer_the_fifteen_days_run_from_the_transfer():
    received = datetime(2026, 12, 3, 9, 0, tzinfo=HCM)
    transferred = datetime(2026, 12, 8, 14, 0, tzinfo=HCM)  # Tuesday afternoon
    due = rules.deadlines_from(received, transferred)
    assert due["intake_due_at"] == datetime(2026, 12, 7, 9, 0, tzinfo=HCM)
    assert due["answer_due_at"] == datetime(2026, 12, 29, 14, 0, tzinfo=HCM)


def test_time_limits_skip_public_holidays():
    """30/4 and 1/5/2026 (Thursday, Friday) are holidays: received Wednesday 29/4 at 10:00,
    the 2 working days end on Tuesday 5/5 at 10:00."""
    received = datetime(2026, 4, 29, 10, 0, tzinfo=HCM)
    assert rules.deadlines_from(received)["intake_due_at"] == datetime(
        2026, 5, 5, 10, 0, tzinfo=HCM
    )


def test_due_soon_is_within_a_day_and_overdue_after_the_deadline():
    now = datetime(2026, 12, 3, 9, 0, tzinfo=HCM)
    assert rules.urgency(now - timedelta(minutes=1), now) == "overdue"
    assert rules.urgency(now + timedelta(hours=23), now) == "soon"
    assert rules.urgency(now + timedelta(hours=25), now) == ""
    assert rules.urgency(None, now) == ""


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Gọi cho tôi số 0912 345 678 nhé", ["số điện thoại"]),
        ("Số +84912345678", ["số điện thoại"]),
        ("Thư gửi binh.nguyen@example.vn", ["địa chỉ e-mail"]),
        ("CCCD 079086123456 của tôi", ["số định danh cá nhân (12 chữ số)"]),
        ("Quyết định số 123/2025/QĐ-UBND ngày 12/5/2025, phí 50.000 đồng", []),
    ],
)
def test_personal_data_is_found_in_text_to_publish(text, kinds):
    assert rules.personal_data_in(text) == kinds
    stripped = rules.strip_personal_data(text)
    assert rules.personal_data_in(stripped) == []
    if kinds:
        assert rules.HIDDEN in stripped


def test_the_challenge_is_a_sum_in_words_checked_with_a_signed_token():
    question, token = rules.new_challenge(random.Random(3))  # noqa: S311
    a, b = signing.loads(token, salt=rules.CHALLENGE_SALT)
    assert question.endswith("bằng mấy? (viết bằng số)")
    assert rules.NUMBER_WORDS[b] in question
    assert rules.challenge_passed(token, str(a + b))
    assert rules.challenge_passed(token, f" {a + b} ")
    assert not rules.challenge_passed(token, str(a + b + 1))
    assert not rules.challenge_passed(token, "tám")
    forged = signing.dumps([1, 1], salt="another salt")
    assert not rules.challenge_passed(forged, "2")
    assert rules.challenge_question(forged) is None


def test_an_old_challenge_is_refused():
    _question, token = rules.new_challenge(random.Random(1))  # noqa: S311
    a, b = signing.loads(token, salt=rules.CHALLENGE_SALT)
    later = datetime.now().timestamp() + rules.CHALLENGE_MAX_AGE.total_seconds() + 60
    with mock.patch("time.time", return_value=later):
        assert not rules.challenge_passed(token, str(a + b))


def test_rating_links_expire_and_forged_ones_are_refused(returned):
    token = rules.rating_token(returned)
    assert rules.read_token(token, rules.RATING_SALT, 90) == str(returned.public_id)
    later = datetime.now().timestamp() + 91 * 86400
    with mock.patch("time.time", return_value=later):
        assert rules.read_token(token, rules.RATING_SALT, 90) is None
    assert rules.read_token(token[:-2] + "xx", rules.RATING_SALT, 90) is None
    # A follow-up link is not a rating link, and the reverse.
    assert rules.read_token(token, rules.FOLLOW_SALT, 365) is None


def test_codes_follow_each_other_per_day():
    day = datetime(2026, 12, 3, 23, 30, tzinfo=HCM)
    first, second = rules.next_code(day), rules.next_code(day)
    assert first == "PAKN-261203-0001"
    assert second == "PAKN-261203-0002"
    assert rules.next_code(day + timedelta(hours=1)) == "PAKN-261204-0001"
