"""The write path of feedback and ratings: routing, intake, handling, publication with
personal data refused, the sender's reaction, and who may do what (checked over the
feedback's agency)."""

from __future__ import annotations

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from motcua.catalog.models import Listing, Procedure
from motcua.core.models import AuditEntry, OutboxEvent
from motcua.feedback import rules, selectors, services
from motcua.feedback.models import (
    DossierRating,
    Feedback,
    FeedbackClass,
    FollowUp,
    Kind,
    Level,
    Rating,
    State,
    Subject,
)

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _topics(aggregate_id) -> list[str]:
    return list(
        OutboxEvent.objects.filter(aggregate_id=str(aggregate_id))
        .order_by("created_at", "id")
        .values_list("topic", flat=True)
    )


def test_a_feedback_gets_a_code_deadlines_an_audit_entry_and_an_event(send, place):
    received = datetime(2026, 12, 3, 9, 0, tzinfo=HCM)
    with mock.patch("django.utils.timezone.now", return_value=received):
        feedback = send()
    assert feedback.code == "PAKN-261203-0001"
    assert feedback.agency == place["here"]
    assert feedback.agency_path == place["here"].path
    assert feedback.state == State.RECEIVED
    assert feedback.intake_due_at == datetime(2026, 12, 7, 9, 0, tzinfo=HCM)
    assert feedback.answer_due_at == datetime(2026, 12, 24, 9, 0, tzinfo=HCM)
    assert feedback.due_at == feedback.intake_due_at
    entry = AuditEntry.objects.get(action="feedback_sent")
    assert entry.details["code"] == feedback.code
    assert "binh@example.vn" not in str(entry.details)
    assert _topics(feedback.public_id) == ["feedback.received"]


def test_a_feedback_about_a_dossier_goes_to_its_resolving_agency_and_tells_the_index(
    send, returned, place
):
    feedback = send(subject=Subject.DOSSIER, subject_agency=None, dossier=returned)
    assert feedback.agency == returned.resolving_agency
    assert "dossier.feedback_received" in _topics(returned.public_id)


def test_a_feedback_about_a_procedure_goes_to_the_agency_the_province_lists(send, place):
    listing = Listing.objects.filter(province=place["lam_dong"], agency__isnull=False).first()
    feedback = send(
        subject=Subject.PROCEDURE,
        subject_agency=None,
        procedure=listing.procedure,
        province=place["lam_dong"],
    )
    assert feedback.agency == services.route(
        services.Submission("", "", "", "", procedure=listing.procedure, province=place["lam_dong"])
    )
    assert feedback.agency.province_id in (place["lam_dong"].pk, None)


def test_without_a_listed_agency_a_procedure_goes_to_the_ministry(send):
    procedure = Procedure.objects.filter(ministry__isnull=False, listings__isnull=True).first()
    feedback = send(subject=Subject.PROCEDURE, subject_agency=None, procedure=procedure)
    assert feedback.agency == procedure.ministry


def test_staff_conduct_without_an_agency_goes_to_the_province_committee(send, place):
    feedback = send(
        subject=Subject.STAFF,
        subject_agency=None,
        staff_description="Cán bộ tiếp nhận buổi sáng 2/12",
        province=place["lam_dong"],
    )
    assert feedback.agency == place["committee"]


def test_rejecting_needs_a_reason_and_tells_the_sender(send, people):
    feedback = send()
    with pytest.raises(services.FeedbackError) as refused:
        services.classify(feedback, actor=people["clerk"], decision="reject")
    assert refused.value.problems == [("reason", "Hãy ghi lý do.")]
    feedback.refresh_from_db()
    assert feedback.state == State.RECEIVED
    services.classify(
        feedback, actor=people["clerk"], decision="reject", reason="Nội dung là khiếu nại."
    )
    feedback.refresh_from_db()
    assert feedback.state == State.REJECTED
    assert feedback.due_at is None
    assert _topics(feedback.public_id)[-1] == "feedback.rejected"
    assert AuditEntry.objects.filter(action="feedback_rejected", details__late=False).exists()


def test_every_problem_of_an_intake_is_listed_at_once(send, people):
    feedback = send()
    with pytest.raises(services.FeedbackError) as refused:
        services.classify(feedback, actor=people["clerk"], decision="transfer")
    fields = [field for field, _message in refused.value.problems]
    assert fields == ["reason", "target"]


def test_a_transfer_moves_the_item_and_restarts_the_fifteen_days(send, people, place):
    received = datetime(2026, 12, 3, 9, 0, tzinfo=HCM)
    with mock.patch("django.utils.timezone.now", return_value=received):
        feedback = send()
    moved = datetime(2026, 12, 8, 14, 0, tzinfo=HCM)
    with mock.patch("django.utils.timezone.now", return_value=moved):
        services.classify(
            feedback,
            actor=people["clerk"],
            decision="transfer",
            reason="Thuộc thẩm quyền Sở Tư pháp.",
            target=place["justice"],
        )
    feedback.refresh_from_db()
    assert feedback.agency == place["justice"]
    assert feedback.transferred_from == place["here"]
    assert feedback.answer_due_at == datetime(2026, 12, 29, 14, 0, tzinfo=HCM)
    assert feedback.state == State.RECEIVED  # the competent agency classifies it in turn
    # The commune's staff no longer see it; the department's do.
    assert selectors.staff_item(people["clerk"], feedback.public_id) is None
    assert selectors.staff_item(people["justice_specialist"], feedback.public_id) is not None


def test_staff_of_another_agency_can_neither_see_nor_act(send, people):
    feedback = send()
    assert selectors.staff_item(people["other_specialist"], feedback.public_id) is None
    assert feedback not in selectors.queue(people["other_specialist"])
    with pytest.raises(services.FeedbackError):
        services.classify(
            feedback, actor=people["other_specialist"], decision="accept",
            feedback_class=FeedbackClass.REGULATION,
        )  # fmt: skip
    feedback.refresh_from_db()
    assert feedback.state == State.RECEIVED
    # A supervisor of the province sees it but may not classify it.
    assert selectors.staff_item(people["supervisor"], feedback.public_id) is not None
    with pytest.raises(services.FeedbackError):
        services.classify(
            feedback, actor=people["supervisor"], decision="accept",
            feedback_class=FeedbackClass.REGULATION,
        )  # fmt: skip


def _accepted(send, people, **fields) -> Feedback:
    feedback = send(**fields)
    return services.classify(
        feedback, actor=people["clerk"], decision="accept", feedback_class=FeedbackClass.REGULATION
    )


def test_the_queue_lists_open_items_by_their_next_deadline(send, people):
    later = _accepted(send, people)  # due in 15 working days
    sooner = send()  # to classify within 2
    queue = list(selectors.queue(people["specialist"]))
    assert queue.index(sooner) < queue.index(later)


def test_asking_for_information_and_the_sender_answering(send, people):
    feedback = _accepted(send, people)
    with pytest.raises(services.FeedbackError):
        services.request_info(feedback, actor=people["specialist"], text="  ")
    services.request_info(feedback, actor=people["specialist"], text="Cho biết ngày nộp hồ sơ.")
    feedback.refresh_from_db()
    assert feedback.state == State.AWAITING_INFO
    services.give_info(feedback, text="Ngày 01/12/2026.")
    feedback.refresh_from_db()
    assert feedback.state == State.PROCESSING
    assert feedback.info_answer == "Ngày 01/12/2026."


def test_answering_prepares_an_anonymised_text_and_publishing_refuses_personal_data(send, people):
    feedback = _accepted(
        send, people, content="Tôi là Nguyễn Văn Bình, số 0912345678, hỏi về lệ phí khai sinh."
    )
    services.answer(
        feedback,
        actor=people["specialist"],
        text="Đăng ký khai sinh đúng hạn được miễn lệ phí. Liên hệ binh.tp@example.vn.",
    )
    feedback.refresh_from_db()
    assert feedback.state == State.ANSWERED
    assert feedback.publish_due_at is not None
    assert "0912345678" not in feedback.published_question
    assert "binh.tp@example.vn" not in feedback.published_answer
    events = OutboxEvent.objects.filter(topic="feedback.answered")
    assert events.get().payload["path"].startswith("/phan-anh-kien-nghi/theo-doi/")
    assert "recipient" not in events.get().payload  # an anonymous sender

    with pytest.raises(services.FeedbackError) as refused:
        services.publish(
            feedback,
            actor=people["leader"],
            question="Hỏi về lệ phí, gọi 0987 654 321, CCCD 079086123456.",
            answer_text="Liên hệ a@b.vn",
        )
    messages = " ".join(message for _field, message in refused.value.problems)
    assert "số điện thoại" in messages
    assert "số định danh cá nhân" in messages
    assert "địa chỉ e-mail" in messages
    with pytest.raises(services.FeedbackError) as refused:
        services.publish(
            feedback, actor=people["leader"], question=feedback.published_question,
            answer_text="Ông Nguyễn Văn Bình được miễn lệ phí.",
        )  # fmt: skip
    assert "tên người gửi" in refused.value.message_vi
    feedback.refresh_from_db()
    assert feedback.state == State.ANSWERED

    with pytest.raises(services.FeedbackError):  # a specialist does not publish
        services.publish(
            feedback, actor=people["specialist"], question="Hỏi về lệ phí khai sinh.",
            answer_text="Được miễn lệ phí.",
        )  # fmt: skip
    services.publish(
        feedback,
        actor=people["leader"],
        question="Hỏi về lệ phí đăng ký khai sinh.",
        answer_text="Đăng ký khai sinh đúng hạn được miễn lệ phí.",
    )
    feedback.refresh_from_db()
    assert feedback.state == State.PUBLISHED
    assert "le phi" in feedback.search_text
    assert list(selectors.published(q="mien le phi khai sinh")) == [feedback]
    assert list(selectors.published(q="miễn lệ phí")) == [feedback]
    assert list(selectors.published(q="thuế đất")) == []


def test_the_sender_rates_once_and_may_complain_again_once(send, people):
    feedback = _accepted(send, people)
    with pytest.raises(services.FeedbackError):  # nothing to rate yet
        services.rate_answer(feedback, rating=Rating.SATISFIED)
    services.answer(feedback, actor=people["specialist"], text="Đã sửa quy trình.")
    services.rate_answer(feedback, rating=Rating.NOT_SATISFIED)
    with pytest.raises(services.FeedbackError):
        services.rate_answer(feedback, rating=Rating.SATISFIED)
    services.complain_again(feedback, text="Quy trình vẫn như cũ.")
    feedback.refresh_from_db()
    assert feedback.state == State.PROCESSING
    assert feedback.complained_at is not None
    assert feedback.due_at > feedback.complained_at
    with pytest.raises(services.FeedbackError):
        services.complain_again(feedback, text="Lần nữa.")


def test_a_sender_with_an_account_is_named_in_the_answered_event(send, people):
    feedback = _accepted(send, people, sender=people["citizen"])
    services.answer(feedback, actor=people["specialist"], text="Trả lời.")
    event = OutboxEvent.objects.get(topic="feedback.answered")
    assert event.payload["recipient"] == str(people["citizen"].public_id)
    assert event.payload["code"] == feedback.code


# --- Ratings of dossiers -----------------------------------------------------------------------


def test_one_rating_per_returned_dossier_and_a_follow_up_when_not_satisfied(returned, people):
    with pytest.raises(services.FeedbackError) as refused:
        services.rate_dossier(returned, {"ease": Level.SATISFIED})
    assert refused.value.problems[0][0] == "overall"
    rating = services.rate_dossier(
        returned,
        {"overall": Level.SATISFIED, "attitude": Level.NOT_SATISFIED, "unknown": 3},
        user=people["citizen"],
    )
    assert rating.levels == {"overall": 2, "attitude": 1}
    followup = FollowUp.objects.get(rating=rating)
    assert followup.agency == returned.resolving_agency
    assert "dossier.rated" in _topics(returned.public_id)
    with pytest.raises(services.FeedbackError) as again:
        services.rate_dossier(returned, {"overall": Level.VERY_SATISFIED})
    assert "đã được đánh giá" in again.value.message_vi
    assert DossierRating.objects.filter(dossier=returned).count() == 1

    # Staff of the agency close it with a note; another agency does not see it.
    assert selectors.staff_followup(people["other_specialist"], followup.pk) is None
    with pytest.raises(services.FeedbackError):
        services.close_followup(followup, actor=people["specialist"], note="")
    with pytest.raises(services.FeedbackError):
        services.close_followup(followup, actor=people["other_specialist"], note="Xong")
    services.close_followup(followup, actor=people["specialist"], note="Đã nhắc nhở cán bộ.")
    followup.refresh_from_db()
    assert followup.closed_by == people["specialist"]
    assert AuditEntry.objects.filter(action="followup_closed").exists()


def test_a_satisfied_rating_opens_no_follow_up(returned):
    rating = services.rate_dossier(returned, {"overall": Level.VERY_SATISFIED})
    assert not FollowUp.objects.filter(rating=rating).exists()


def test_a_dossier_not_returned_cannot_be_rated(place, people):
    from tests.fixtures.dossiers import dossier_in

    from motcua.dossiers import workflow

    dossier = dossier_in(workflow.PROCESSING, here=place["here"], owner=people["citizen"])
    with pytest.raises(services.FeedbackError):
        services.rate_dossier(dossier, {"overall": Level.SATISFIED})


def test_kinds_of_feedback_are_kept(send):
    feedback = send(kind=Kind.RECOMMENDATION, proposal="Bỏ yêu cầu bản sao.")
    assert feedback.get_kind_display() == "Kiến nghị"
    assert rules.follow_token(feedback)
