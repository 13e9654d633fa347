"""The monthly report over a real SMTP listener: one mail per leader and supervisor with an
address (the unit's scorecard in the body, the Excel table attached), none to those without
``stats.view`` or an address; a second run sends nothing; a failed send is tried again."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from tests.fixtures.accounts import make_staff
from tests.fixtures.smtp import smtp_server  # noqa: F401 (fixture)

from motcua.core.models import AuditEntry
from motcua.stats import queries, reports
from motcua.stats.exports import XLSX_TYPE

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H36"
TODAY = date(2026, 12, 1)


@pytest.fixture
def smtp(settings, smtp_server):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        smtp_server.host,
        smtp_server.port,
        5,
    )
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def people():
    def staff(role, code, email):
        user = make_staff(role, code)
        user.email = email
        user.save(update_fields=["email"])
        return user

    return {
        "leader": staff("leader", "000.00.04.H36", "lanhdao@sotuphap.lamdong.gov.vn"),
        "supervisor": staff("supervisor", PROVINCE, "giamsat@lamdong.gov.vn"),
        "clerk": staff("clerk", PROVINCE, "motcua@lamdong.gov.vn"),
        "no_address": staff("leader", PROVINCE, ""),
    }


def test_each_leader_and_supervisor_gets_last_months_scorecard_once(smtp, people):
    counts = reports.send_monthly_reports(TODAY)
    assert counts == {"sent": 2, "skipped": 0, "failed": 0}
    mails = smtp.wait_for(2)
    by_address = {m["To"]: m for m in mails}
    assert set(by_address) == {"lanhdao@sotuphap.lamdong.gov.vn", "giamsat@lamdong.gov.vn"}

    mail = by_address["lanhdao@sotuphap.lamdong.gov.vn"]
    assert "tháng 11/2026" in mail["Subject"]
    assert "Sở Tư pháp" in mail["Subject"]
    body = smtp.body(mail)
    agency = people["leader"].agency
    card = queries.scorecard(agency, queries.Period.month(2026, 11))
    assert "Tổng điểm:" in body
    assert "- 2.1 " in body
    assert "/can-bo/chi-so/" in body
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(attachment.get_content())).active
    idents = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert idents == [i.ident for i in card.indicators]
    assert agency.name in sheet["A2"].value

    # What was sent is recorded; a second run sends nothing.
    assert AuditEntry.objects.filter(action=reports.ACTION).count() == 2
    smtp.clear()
    assert reports.send_monthly_reports(TODAY) == {"sent": 0, "skipped": 2, "failed": 0}
    assert smtp.messages == []


def test_a_failed_send_is_tried_again_by_the_next_run(settings, smtp, people):
    settings.EMAIL_PORT = 9  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    assert reports.send_monthly_reports(TODAY) == {"sent": 0, "skipped": 0, "failed": 2}
    assert not AuditEntry.objects.filter(action=reports.ACTION).exists()
    settings.EMAIL_PORT = smtp.port
    assert reports.send_monthly_reports(TODAY)["sent"] == 2
    assert len(smtp.wait_for(2)) == 2


def test_the_beat_runs_it_on_the_first_of_each_month(settings):
    from motcua.celery import app, beat_schedule

    app.loader.import_default_modules()
    entry = beat_schedule(settings)["monthly-report"]
    assert entry["task"] == "motcua.stats.send_monthly_reports"
    assert entry["schedule"].day_of_month == {1}
    assert entry["task"] in app.tasks
