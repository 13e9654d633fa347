"""Online payment end to end through the demo bank: only a verified server-to-server message
marks a payment paid; forged, replayed, wrong-amount, wrong-currency and unknown messages
change nothing and are kept; a lost notification is recovered by QUERY; a fee is never charged
twice; the after-approval fee moves the dossier on; refunds and receipts."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from structlog.testing import capture_logs
from tests.fixtures.accounts import login_citizen, login_staff
from tests.fixtures.dossiers import dossier_in

from motcua.core.models import AuditEntry, OutboxEvent
from motcua.dossiers import processing, workflow
from motcua.dossiers.models import DossierEvent, Status
from motcua.payments import services, tasks
from motcua.payments.models import (
    DemoTransaction,
    FeeRule,
    MessageOutcome,
    Payment,
    PaymentStatus,
    ProviderMessage,
    Timing,
)
from motcua.payments.providers import gateway

pytestmark = pytest.mark.django_db


def start(client, dossier, provider: str) -> str:
    response = client.post(reverse("payments:start", args=[dossier.public_id]), {"kenh": provider})
    assert response.status_code == 302, response.content
    return response["Location"]


def pay(client, url: str, *, decision: str = "pay", notify: str = "delay-0") -> str:
    """Play the citizen on the demo bank page; returns where the bank sends the browser."""
    page = client.get(url)
    assert page.status_code == 200
    assert "8.000 đ" in page.content.decode()
    parts = urlsplit(url)
    form = dict(parse_qsl(parts.query))
    back = client.post(parts.path, {**form, "quyet_dinh": decision, "thong_bao": notify})
    assert back.status_code == 302
    return back["Location"]


@pytest.fixture
def citizen(client, people):
    login_citizen(client, people["owner"])
    return client


def test_the_browser_return_shows_the_result_but_only_the_ipn_marks_the_payment_paid(
    citizen, dossier, bank
):
    back = pay(citizen, start(citizen, dossier, "gateway"))
    assert len(bank.notifications) == 1  # held: not arrived yet
    page = citizen.get(back)
    assert page.status_code == 200
    assert "Đang chờ xác nhận" in page.content.decode()
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PENDING
    assert not OutboxEvent.objects.filter(topic="payment.confirmed").exists()

    [answer] = bank.deliver_all()
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.amount == 8000
    assert payment.confirmed_by == "ipn"
    assert payment.reference.startswith(dossier.code + "-")
    assert payment.receipt_number is not None
    event = OutboxEvent.objects.get(topic="payment.confirmed")
    assert event.aggregate_id == str(dossier.public_id)
    assert event.payload["amount"] == 8000
    assert AuditEntry.objects.filter(action="payment_confirmed").exists()
    page = citizen.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Đã nộp phí, lệ phí." in page
    assert "Thanh toán qua" not in page


def test_a_replayed_ipn_is_answered_already_confirmed_and_changes_nothing(citizen, dossier, bank):
    pay(citizen, start(citizen, dossier, "gateway"))
    [sent] = bank.notifications
    bank.deliver(sent)
    payment = Payment.objects.get(dossier=dossier)
    before = (payment.receipt_number, payment.paid_at, payment.updated_at)
    with capture_logs() as logs:
        assert bank.deliver(sent) == {"RspCode": "02", "Message": "Order already confirmed"}
    payment.refresh_from_db()
    assert (payment.receipt_number, payment.paid_at, payment.updated_at) == before
    assert OutboxEvent.objects.filter(topic="payment.confirmed").count() == 1
    assert ProviderMessage.objects.filter(outcome=MessageOutcome.DUPLICATE).count() == 1
    assert any(entry["event"] == "payments.notice_duplicate" for entry in logs)


def _resigned(payload: dict, **changes) -> dict:
    params = {**payload, **changes}
    params.pop("vnp_SecureHash", None)
    params["vnp_SecureHash"] = gateway.secure_hash(gateway.canonical(params), "demo-gateway-secret")
    return params


@pytest.mark.parametrize(
    ("change", "resign", "code", "reason"),
    [
        ({"vnp_Amount": "100"}, False, "97", "bad_signature"),
        ({"vnp_ResponseCode": "00", "vnp_TxnRef": "X"}, False, "97", "bad_signature"),
        ({"vnp_Amount": "100"}, True, "04", "wrong_amount"),
        ({"vnp_CurrCode": "USD"}, True, "99", "wrong_currency"),
        (
            {"vnp_TxnRef": "000.00.00.H36-261204-9999-20261204000000"},
            True,
            "01",
            "unknown_reference",
        ),
        ({"vnp_TmnCode": "KHAC"}, True, "99", "wrong_merchant"),
    ],
)
def test_forged_or_wrong_ipns_are_refused_logged_and_kept_without_changing_anything(
    citizen, dossier, bank, change, resign, code, reason
):
    pay(citizen, start(citizen, dossier, "gateway"))
    [sent] = bank.notifications
    payload = _resigned(sent.payload, **change) if resign else {**sent.payload, **change}
    with capture_logs() as logs:
        answer = bank.deliver(type(sent)("GET", sent.url, payload))
    assert answer["RspCode"] == code
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.PENDING
    kept = ProviderMessage.objects.get(outcome=MessageOutcome.REJECTED)
    assert kept.reason == reason
    rejected = [e for e in logs if e["event"] == "payments.notice_rejected"]
    assert rejected
    assert rejected[0]["reason"] == reason
    assert "Lê Thị Hạnh" not in str(logs)
    assert bank.deliver(sent)["RspCode"] == "00"  # the genuine one still counts


def test_the_national_platform_confirms_by_its_signed_callback(citizen, dossier, bank):
    url = start(citizen, dossier, "national")
    assert "/thu-nghiem/thanh-toan/quoc-gia/thanh-toan/" in url
    back = pay(citizen, url)
    assert "/thanh-toan/ve/national/" in back
    assert "Đang chờ xác nhận" in citizen.get(back).content.decode()
    [sent] = bank.notifications
    assert sent.method == "POST"
    assert sent.payload["resultCode"] == "00"
    assert bank.deliver(sent) == {"resultCode": "00", "message": "Confirm success"}
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.PAID
    forged = {**sent.payload, "amount": "1"}
    assert bank.deliver(type(sent)("POST", sent.url, forged))["resultCode"] == "97"
    assert bank.deliver(sent)["resultCode"] == "02"


@pytest.mark.parametrize("provider", ["national", "gateway"])
def test_a_lost_notification_is_recovered_by_query_and_charged_once(
    citizen, dossier, bank, provider
):
    pay(citizen, start(citizen, dossier, provider), notify="drop")
    assert bank.notifications == []
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PENDING
    # The citizen comes back: shown the pending payment, not offered a second one.
    page = citizen.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Đang chờ ngân hàng xác nhận" in page
    assert "Thanh toán qua" not in page
    with pytest.raises(services.PaymentError) as refused:
        services.start_payment(
            dossier,
            actor=dossier.submitted_by,
            provider_id=provider,
            return_url="http://testserver/",
            notify_url="http://testserver/",
        )
    assert refused.value.code == "pending"
    assert tasks.query_pending(timezone.now())["paid"] == 0  # too recent to ask about
    counts = tasks.query_pending(timezone.now() + timedelta(minutes=10))
    assert counts["paid"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.confirmed_by == "query"
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert DemoTransaction.objects.filter(reference=payment.reference).count() == 1
    with pytest.raises(services.PaymentError) as again:
        services.start_payment(
            dossier,
            actor=dossier.submitted_by,
            provider_id=provider,
            return_url="http://testserver/",
            notify_url="http://testserver/",
        )
    assert again.value.code == "paid"


def test_a_cancelled_payment_is_closed_and_the_citizen_may_pay_again(citizen, dossier, bank):
    pay(citizen, start(citizen, dossier, "gateway"), decision="cancel")
    assert bank.deliver_all()[0]["RspCode"] == "00"
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.FAILED
    page = citizen.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Thanh toán qua" in page
    pay(citizen, start(citizen, dossier, "gateway"))
    bank.deliver_all()
    assert list(Payment.objects.filter(dossier=dossier).values_list("status", flat=True)) == [
        PaymentStatus.PAID,
        PaymentStatus.FAILED,
    ]


def test_the_citizen_checking_again_asks_the_bank(citizen, dossier, bank):
    pay(citizen, start(citizen, dossier, "national"), notify="drop")
    payment = Payment.objects.get(dossier=dossier)
    response = citizen.post(reverse("payments:check", args=[payment.public_id]))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_an_after_approval_fee_is_asked_for_paid_and_moves_the_dossier_on(
    client, fee, place, people, bank
):
    fee.timing = Timing.AFTER_APPROVAL
    fee.save()
    dossier = dossier_in(
        workflow.PROCESSING,
        here=place["here"],
        owner=people["owner"],
        specialist=people["specialist"],
    )
    login_citizen(client, people["owner"])
    page = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Thanh toán qua" not in page  # not asked for yet
    processing.perform(dossier.public_id, "request_payment", actor=people["specialist"])
    page = client.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    assert "Cơ quan đề nghị bạn nộp phí" in page
    pay(client, start(client, dossier, "gateway"))
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT  # the browser's return changes nothing
    bank.deliver_all()
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.PROCESSING
    event = DossierEvent.objects.get(dossier=dossier, action="confirm_payment")
    assert event.actor_id is None
    assert AuditEntry.objects.filter(action="dossier_confirm_payment", actor=None).exists()


def test_the_system_actor_may_only_confirm_a_payment(place, people, dossier):
    with pytest.raises(processing.NotAllowed):
        processing.perform(dossier.public_id, "accept", actor=services.PAYMENT_PLATFORM)


def test_a_fee_chosen_by_an_answer_in_the_form(fee, dossier):
    fee.kind = "by_answer"
    fee.field = "relation"
    fee.amount = None
    fee.save()
    FeeRule.objects.create(schedule=fee, answer="me", amount=5000, label="Lệ phí (mẹ khai)")
    FeeRule.objects.create(schedule=fee, answer="cha", amount=7000)
    due = services.due_fee(dossier)
    assert due.amount == 5000
    assert due.lines[0]["name"] == "Lệ phí (mẹ khai)"
    dossier.data = {"relation": "ong_ba"}
    assert services.due_fee(dossier) is None  # no rule, no default: the desk decides


def test_refunds_are_recorded_by_staff_of_the_agency_with_a_reason(citizen, dossier, bank, people):
    client = Client()  # the clerk, beside the citizen's own browser
    login_staff(client, people["clerk"])
    staff_page = reverse("backoffice:dossier", args=[dossier.public_id])
    assert "Chưa nộp phí, lệ phí." in client.get(staff_page).content.decode()
    pay(citizen, start(citizen, dossier, "gateway"))
    assert "Người nộp đang thanh toán" in client.get(staff_page).content.decode()
    bank.deliver_all()
    payment = Payment.objects.get(dossier=dossier)
    with pytest.raises(services.PaymentError):
        services.refund(payment.pk, actor=people["other_clerk"], reason="Nhầm")
    with pytest.raises(services.PaymentError) as no_reason:
        services.refund(payment.pk, actor=people["clerk"], reason="  ")
    assert no_reason.value.code == "reason"
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert "Đã nộp phí, lệ phí" in page
    assert "Ghi nhận hoàn tiền" in page
    response = client.post(
        reverse("payments:refund", args=[payment.public_id]),
        {"ly_do": "Hồ sơ không thuộc thẩm quyền"},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_by == people["clerk"]
    assert OutboxEvent.objects.filter(
        topic="payment.refunded", aggregate_id=str(dossier.public_id)
    ).exists()
    assert AuditEntry.objects.filter(action="payment_refunded", actor=people["clerk"]).exists()


def test_the_receipt_is_for_the_payer_and_the_agency_only(client, citizen, dossier, bank, people):
    pay(citizen, start(citizen, dossier, "gateway"))
    bank.deliver_all()
    payment = Payment.objects.get(dossier=dossier)
    url = reverse("payments:receipt", args=[payment.public_id])
    response = citizen.get(url)
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert payment.receipt_label in text
    assert "8.000 đ" in text
    assert dossier.code in text
    client.logout()
    login_citizen(client, people["stranger"])
    assert client.get(url).status_code == 404
    client.logout()
    login_staff(client, people["other_clerk"])
    assert client.get(url).status_code == 404
    client.logout()
    login_staff(client, people["clerk"])
    assert client.get(url).status_code == 200


def test_receipt_numbers_count_per_year_and_restart_on_1_january():
    assert services.take_receipt_number(2039) == 1
    assert services.take_receipt_number(2039) == 2
    assert services.take_receipt_number(2040) == 1


def test_demo_bank_pages_are_refused_when_off_and_flagged_in_production(client, settings):
    from motcua.payments.apps import check_payments_config

    settings.MOTCUA_PAYMENT_DEMO = False
    assert client.get("/thu-nghiem/thanh-toan/cong/").status_code == 404
    assert client.post("/thu-nghiem/thanh-toan/quoc-gia/query").status_code == 404
    settings.MOTCUA_PAYMENT_DEMO = True
    settings.MOTCUA_ENV = "production"
    assert client.get("/thu-nghiem/thanh-toan/cong/").status_code == 404
    ids = {message.id for message in check_payments_config()}
    assert "motcua.payments.E001" in ids
    assert "motcua.payments.W001" in ids  # the demo secrets in production


def test_the_national_platform_gives_its_e_receipt(citizen, dossier, bank):
    from motcua.payments.providers.registry import get_provider

    pay(citizen, start(citizen, dossier, "national"))
    bank.deliver_all()
    payment = Payment.objects.get(dossier=dossier)
    pdf = get_provider("national").get_bill(payment)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert payment.reference in text


def test_an_abandoned_payment_expires_and_a_late_confirmation_is_still_recorded(
    citizen, dossier, bank
):
    start(citizen, dossier, "national")  # the citizen never pays on the bank's page
    payment = Payment.objects.get(dossier=dossier)
    assert services.query_payment(payment).status == PaymentStatus.PENDING
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    payment.refresh_from_db()
    assert services.query_payment(payment).status == PaymentStatus.FAILED
    assert (
        "Thanh toán qua"
        in citizen.get(reverse("portal:dossier", args=[dossier.public_id])).content.decode()
    )
    # The bank completes it after all: the money is recorded, not lost.
    pay(citizen, f"/thu-nghiem/thanh-toan/quoc-gia/thanh-toan/?ref={payment.reference}")
    assert bank.deliver_all()[0]["resultCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_the_database_refuses_a_second_live_payment_of_one_fee(dossier):
    from django.db import IntegrityError, transaction

    fields = {
        "dossier": dossier,
        "timing": Timing.BEFORE_RECEPTION,
        "amount": 8000,
        "provider": "gateway",
    }
    Payment.objects.create(reference="R-1", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(reference="R-2", **fields)
    Payment.objects.create(reference="R-3", status=PaymentStatus.FAILED, **fields)
    Payment.objects.filter(reference="R-1").update(status=PaymentStatus.REFUNDED)
    Payment.objects.create(reference="R-4", **fields)  # a refunded fee may be paid again
