"""Each dossier event becomes the right messages, on the channels its kind and the person's
choices call for, to the person who filed and the applicant; the deadline events go to the
officer; nothing is sent twice for one event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from tests.fixtures.accounts import make_citizen

from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.core.pdf import format_date_vi
from motcua.dossiers import processing, workflow
from motcua.dossiers.handlers import tell_the_applicant_of_a_decision
from motcua.notifications.models import DemoMessage, Message, Notification
from motcua.notifications.services import save_preferences

pytestmark = pytest.mark.django_db

LATER = timezone.now() + timedelta(days=30)

DECISIONS = [
    # state, action, inputs, kind, SMS by default, words the e-mail must carry
    (workflow.NEW, "accept", {}, "dossier_received", True, "Ngày hẹn trả kết quả"),
    (workflow.NEW, "refuse", {"reasons": "Không thuộc thẩm quyền"}, "dossier_refused", True,
     "Lý do: Không thuộc thẩm quyền"),
    (workflow.NEW, "request_fixes", {"missing": "Bản sao giấy chứng sinh rõ nét"},
     "dossier_fixes_requested", True, "Bản sao giấy chứng sinh rõ nét"),
    (workflow.PROCESSING, "request_supplement", {"missing": "Giấy xác nhận nơi cư trú"},
     "dossier_supplement_requested", True, "Giấy xác nhận nơi cư trú"),
    (workflow.PROCESSING, "apologise", {"reasons": "Chờ xác minh", "new_date": LATER},
     "dossier_apology", True, format_date_vi(LATER)),
    (workflow.PROCESSING, "request_payment", {}, "dossier_payment_requested", True,
     "nghĩa vụ tài chính"),
    (workflow.PROCESSING, "stop", {"reasons": "Người nộp không đủ điều kiện"},
     "dossier_stopped", True, "Người nộp không đủ điều kiện"),
    (workflow.WITHDRAWAL, "confirm_withdrawal", {}, "dossier_withdrawn", False, "đã được rút"),
    ((9, ""), "return_result", {}, "dossier_result_returned", False, "đã trả kết quả"),
]  # fmt: skip


def _channels(**filters) -> set[str]:
    return set(Message.objects.filter(**filters).values_list("channel", flat=True))


@pytest.mark.parametrize(("state", "action", "inputs", "kind", "sms", "words"), DECISIONS,
                         ids=[d[1] for d in DECISIONS])  # fmt: skip
def test_each_decision_reaches_the_applicant_on_the_channels_of_its_kind(
    make_dossier, citizen, staff, deliver, state, action, inputs, kind, sms, words
):
    dossier = make_dossier(state)
    processing.perform(dossier.public_id, action, actor=staff["admin"], **inputs)
    deliver()
    expected = {"email", "inapp"} | ({"sms"} if sms else set())
    assert _channels(user=citizen, kind=kind) == expected
    assert set(Message.objects.filter(user=citizen).values_list("state", flat=True)) == {"sent"}
    (email,) = mail.outbox
    assert email.to == ["hanh@example.vn"]
    assert dossier.code in email.subject
    assert words in email.body
    assert f"/ho-so/{dossier.public_id}/" in email.body
    notice = Notification.objects.get(user=citizen)
    assert dossier.code in notice.title
    assert notice.url == f"/ho-so/{dossier.public_id}/"
    texts = list(DemoMessage.objects.filter(channel="sms").values_list("recipient", "body"))
    assert [r for r, _ in texts] == (["0912345678"] if sms else [])
    assert all(dossier.code in body for _, body in texts)


def test_a_real_smtp_server_receives_the_receipt_notice_in_vietnamese(
    make_dossier, staff, deliver, smtp
):
    dossier = make_dossier(workflow.NEW)
    received = processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    (message,) = smtp.wait_for(1)
    assert message["To"] == "hanh@example.vn"
    assert str(message["Subject"]).strip() == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    body = smtp.body(message)
    assert f"Ngày hẹn trả kết quả: {format_date_vi(received.appointment_at)}." in body
    assert "đã tiếp nhận hồ sơ “" in body
    assert f"http://127.0.0.1:8000/ho-so/{dossier.public_id}/" in body


def _emit(topic, dossier, **payload):
    with transaction.atomic():
        return outbox.emit(topic, aggregate=dossier, code=dossier.code, **payload)


def test_a_result_issued_and_a_payment_confirmed_are_announced_with_their_facts(
    make_dossier, citizen, deliver
):
    dossier = make_dossier((9, ""))
    _emit("dossier.result_issued", dossier, number="12/QĐ-UBND")
    _emit("payment.confirmed", dossier, amount=150000)
    deliver()
    result = Notification.objects.get(user=citizen, title__contains="kết quả")
    assert "12/QĐ-UBND" in result.body
    payment = Message.objects.get(user=citizen, kind="payment_confirmed", channel="email")
    assert "150.000 đ" in payment.subject
    # SMS: essential for the result, not for a payment receipt
    assert _channels(user=citizen, kind="dossier_result_issued") == {"email", "sms", "inapp"}
    assert _channels(user=citizen, kind="payment_confirmed") == {"email", "inapp"}


def test_the_deadline_events_go_to_the_officer_by_email_and_not_to_the_citizen(
    make_dossier, citizen, staff, deliver
):
    officer = staff["specialist"]
    officer.email = "chuyenvien@ubnd.example.vn"
    officer.save()
    dossier = make_dossier(workflow.PROCESSING)
    processing.flag_deadlines(now=dossier.appointment_at - timedelta(hours=12))
    processing.flag_deadlines(now=dossier.appointment_at + timedelta(hours=1))
    deliver()
    assert not Message.objects.filter(user=citizen).exists()
    kinds = set(Message.objects.filter(user=officer).values_list("kind", "channel"))
    assert kinds == {("dossier_due_soon", "email"), ("dossier_overdue", "email")}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects[0].startswith("Quá hạn: hồ sơ")
    assert subjects[1].startswith("Sắp đến hạn")
    assert all(m.to == ["chuyenvien@ubnd.example.vn"] for m in mail.outbox)
    assert "/can-bo/ho-so/" in mail.outbox[0].body


def test_a_person_who_turned_a_channel_off_gets_the_rest(make_dossier, citizen, staff, deliver):
    save_preferences(citizen, {"dossier_received": {"email": False, "sms": False}})
    save_preferences(citizen, {"dossier_refused": {"email": True, "sms": False}})
    first, second = make_dossier(workflow.NEW), make_dossier(workflow.NEW)
    processing.accept(first.public_id, actor=staff["clerk"])
    processing.refuse(second.public_id, actor=staff["clerk"], reasons="Sai thẩm quyền")
    deliver()
    assert _channels(kind="dossier_received") == {"inapp"}
    assert _channels(kind="dossier_refused") == {"email", "inapp"}
    assert not DemoMessage.objects.exists()


def test_without_addresses_only_the_in_app_notice_is_made(make_dossier, citizen, staff, deliver):
    citizen.email_verified_at = citizen.phone_verified_at = None
    citizen.save()
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    assert _channels(user=citizen) == {"inapp"}
    assert not mail.outbox


def test_the_applicant_and_the_person_who_filed_for_them_both_hear(here, citizen, staff, deliver):
    from tests.fixtures.dossiers import dossier_in

    helper = make_citizen("Phạm Văn Tâm")
    dossier = dossier_in(workflow.NEW, here=here, owner=helper)
    dossier.applicant_person = citizen.person
    dossier.data = {**dossier.data, "applicant_email": "tam@example.vn"}
    dossier.save()
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    assert _channels(user=helper) == {"email", "inapp"}  # the address they typed in the form
    assert _channels(user=citizen) == {"email", "sms", "inapp"}
    assert sorted(m.to[0] for m in mail.outbox) == ["hanh@example.vn", "tam@example.vn"]


def test_a_desk_dossier_tells_the_applicant_and_not_the_clerk(here, citizen, staff, deliver):
    from tests.fixtures.dossiers import dossier_in

    dossier = dossier_in(workflow.NEW, here=here, owner=staff["clerk"])
    dossier.applicant_person = citizen.person
    dossier.save()
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    assert not Message.objects.filter(user=staff["clerk"]).exists()
    assert _channels(user=citizen) == {"email", "sms", "inapp"}


def test_an_event_handled_twice_sends_nothing_twice(make_dossier, citizen, staff, deliver):
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    event = OutboxEvent.objects.get(topic="dossier.status_changed")
    tell_the_applicant_of_a_decision(event)
    tell_the_applicant_of_a_decision(event)
    assert Message.objects.filter(user=citizen).count() == 3
    assert len(mail.outbox) == 1
    assert DemoMessage.objects.filter(channel="sms").count() == 1
    assert Notification.objects.filter(user=citizen).count() == 1
