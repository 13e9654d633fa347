"""Reconciliation of a day's statement with our payments (every kind of mismatch), the
``motcua payments`` command, and receipt numbers under concurrency (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from tests.fixtures.accounts import login_citizen

from motcua.payments import demo, services
from motcua.payments.models import (
    DemoTransaction,
    Mismatch,
    MismatchKind,
    Payment,
    PaymentStatus,
    ReceiptCounter,
    ReconciliationRun,
)
from motcua.payments.reconciliation import reconcile

from .test_payments import pay, start

pytestmark = pytest.mark.django_db


def test_a_statement_that_matches_our_records_has_no_mismatch(client, people, dossier, bank):
    login_citizen(client, people["owner"])
    pay(client, start(client, dossier, "gateway"))
    bank.deliver_all()
    today = timezone.localtime().date()
    run = reconcile("gateway", today, demo.statement("gateway", today))
    assert (run.lines, run.matched, run.mismatches_count) == (1, 1, 0)


def test_every_kind_of_mismatch_is_found_and_stored(client, people, dossier, bank, tmp_path):
    login_citizen(client, people["owner"])
    pay(client, start(client, dossier, "national"), notify="drop")  # paid there, pending here
    payment = Payment.objects.get(dossier=dossier)
    now = timezone.now()
    # The bank knows a payment we never recorded, and one for a different amount.
    DemoTransaction.objects.create(
        provider="national",
        reference="KHONG-CO",
        amount=5000,
        transaction_id="900",
        status="paid",
        at=now,
    )
    other = Payment.objects.create(
        dossier=dossier,
        timing="after_approval",
        reference="R-AMOUNT",
        amount=20000,
        provider="national",
        status=PaymentStatus.PAID,
        paid_at=now,
        transaction_id="901",
    )
    DemoTransaction.objects.create(
        provider="national",
        reference="R-AMOUNT",
        amount=2000,
        transaction_id="901",
        status="paid",
        at=now,
    )
    # We recorded one paid that the bank's statement does not have.
    Payment.objects.create(
        dossier=dossier,
        timing="before_reception",
        reference="R-OURS",
        amount=8000,
        provider="national",
        status=PaymentStatus.REFUNDED,
        paid_at=now,
        transaction_id="902",
    )
    today = timezone.localtime(now).date()
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(demo.statement("national", today), encoding="utf-8")
    call_command(
        "payments",
        "reconcile",
        "--provider",
        "national",
        "--date",
        today.isoformat(),
        "--file",
        str(statement),
    )
    run = ReconciliationRun.objects.get()
    found = {(m.kind, m.reference) for m in Mismatch.objects.filter(run=run)}
    assert found == {
        (MismatchKind.STATUS, payment.reference),
        (MismatchKind.MISSING_OURS, "KHONG-CO"),
        (MismatchKind.AMOUNT, "R-AMOUNT"),
        (MismatchKind.MISSING_THEIRS, "R-OURS"),
    }
    status = Mismatch.objects.get(kind=MismatchKind.STATUS)
    assert (status.ours_status, status.theirs_status) == ("pending", "paid")
    amount = Mismatch.objects.get(kind=MismatchKind.AMOUNT)
    assert (amount.ours_amount, amount.theirs_amount, amount.payment) == (20000, 2000, other)


def test_an_unreadable_statement_stores_nothing_and_names_the_line(tmp_path):
    statement = tmp_path / "sai.csv"
    statement.write_text(
        "MaDoiTac;MaThamChieu;MaGiaoDich;SoTien;LoaiTien;TrangThai;ThoiGian\n"
        "MOTCUA;R;1;nhieu;VND;00;20261204\n"
    )
    with pytest.raises(CommandError, match="dòng 2"):
        call_command(
            "payments",
            "reconcile",
            "--provider",
            "national",
            "--date",
            "2026-12-04",
            "--file",
            str(statement),
        )
    assert not ReconciliationRun.objects.exists()
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command(
            "payments",
            "reconcile",
            "--provider",
            "khac",
            "--date",
            "2026-12-04",
            "--file",
            str(statement),
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_concurrent_confirmations_never_share_a_receipt_number():
    year = 2041  # a year no other test uses
    numbers: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def take(count: int) -> None:
        try:
            barrier.wait()
            for _ in range(count):
                with transaction.atomic():
                    numbers.append(services.take_receipt_number(year))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(20,)) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def clean_up():
        ReceiptCounter.objects.filter(year=year).delete()
        connections.close_all()

    cleaner = threading.Thread(target=clean_up)
    cleaner.start()
    cleaner.join()
    assert not errors, errors
    assert sorted(numbers) == list(range(1, 241))


def test_administrators_see_rejected_messages_and_mismatches_in_the_admin(
    client, people, dossier, bank
):
    from tests.fixtures.accounts import login_staff, make_staff

    login_citizen(client, people["owner"])
    pay(client, start(client, dossier, "gateway"))
    [sent] = bank.notifications
    bank.deliver(type(sent)("GET", sent.url, {**sent.payload, "vnp_Amount": "1"}))
    today = timezone.localtime().date()
    run = reconcile("gateway", today, demo.statement("gateway", today))
    client.logout()
    login_staff(client, make_staff("system_admin", None))
    listing = client.get("/quan-tri/payments/providermessage/?outcome=rejected")
    assert listing.status_code == 200
    assert "bad_signature" in listing.content.decode()
    page = client.get(f"/quan-tri/payments/reconciliationrun/{run.pk}/change/")
    assert page.status_code == 200
    assert dossier.code in page.content.decode()  # the payment pending here, paid there
    assert client.get("/quan-tri/payments/payment/").status_code == 200
    assert client.get("/quan-tri/payments/feeschedule/add/").status_code == 200


def test_the_command_queries_pending_payments_and_prints_statements(
    client, people, dossier, bank, capsys
):
    login_citizen(client, people["owner"])
    pay(client, start(client, dossier, "gateway"), notify="drop")
    Payment.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=10))
    call_command("payments", "query")
    assert "paid=1" in capsys.readouterr().out
    today = timezone.localtime().date().isoformat()
    call_command("payments", "statement", "--provider", "gateway", "--date", today)
    out = capsys.readouterr().out
    assert out.startswith("vnp_TmnCode,")
    assert Payment.objects.get().reference in out
