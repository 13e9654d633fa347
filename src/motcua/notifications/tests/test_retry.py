"""A channel that fails is tried again without sending the others twice: by the scheduled
resend when its time comes, by the event's handler run again, or by an administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.fixtures.accounts import login_staff

from motcua.core.models import AuditEntry, OutboxEvent
from motcua.dossiers import processing, workflow
from motcua.dossiers.handlers import tell_the_applicant_of_a_decision
from motcua.notifications.models import DemoMessage, Message, Notification
from motcua.notifications.services import resend_due

pytestmark = pytest.mark.django_db


def _by_channel(user) -> dict[str, Message]:
    return {m.channel: m for m in Message.objects.filter(user=user)}


def test_a_failing_email_is_retried_without_resending_the_sms_or_the_in_app_notice(
    make_dossier, citizen, staff, deliver, smtp, settings
):
    settings.EMAIL_PORT = 9  # nothing listens: the SMTP server is down
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    messages = _by_channel(citizen)
    email = messages["email"]
    assert (email.state, email.attempts) == ("failed", 1)
    assert email.last_error == "ConnectionRefusedError"
    assert email.next_attempt_at > timezone.now()
    assert messages["sms"].state == messages["inapp"].state == "sent"

    # the outbox delivers the event again (a worker died after sending, say)
    tell_the_applicant_of_a_decision(OutboxEvent.objects.get(topic="dossier.status_changed"))
    assert Message.objects.get(pk=email.pk).attempts == 2
    assert DemoMessage.objects.filter(channel="sms").count() == 1

    # not yet its time: nothing is tried
    assert resend_due() == (0, 0)
    settings.EMAIL_PORT = smtp.port  # the server is back
    assert resend_due(now=timezone.now() + timedelta(hours=1)) == (1, 0)
    (received,) = smtp.wait_for(1)
    assert dossier.code in received["Subject"]
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == ("sent", 3, "")
    assert DemoMessage.objects.filter(channel="sms").count() == 1
    assert Notification.objects.filter(user=citizen).count() == 1
    assert resend_due(now=timezone.now() + timedelta(days=1)) == (0, 0)


def test_a_message_that_keeps_failing_waits_for_an_administrator(
    make_dossier, citizen, staff, deliver, smtp_down, settings
):
    settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 2
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    assert resend_due(now=timezone.now() + timedelta(hours=1)) == (0, 1)
    email = Message.objects.get(user=citizen, channel="email")
    assert (email.state, email.attempts, email.next_attempt_at) == ("failed", 2, None)
    assert resend_due(now=timezone.now() + timedelta(days=2)) == (0, 0)


def test_an_administrator_sends_a_failed_message_again_from_the_admin(
    client, make_dossier, citizen, staff, deliver, smtp, settings
):
    settings.EMAIL_PORT = 9
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    failed = Message.objects.get(user=citizen, channel="email")
    login_staff(client, staff["admin"])

    listing = client.get("/quan-tri/notifications/message/?state=failed")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "ha•••@example.vn" in html
    assert "hanh@example.vn" not in html
    assert "0912345678" not in html
    assert "ConnectionRefusedError" in html
    detail = client.get(f"/quan-tri/notifications/message/{failed.pk}/change/").content.decode()
    assert "ha•••@example.vn" in detail
    assert "hanh@example.vn" not in detail

    settings.EMAIL_PORT = smtp.port
    response = client.post(
        "/quan-tri/notifications/message/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "Đã gửi lại 1 tin; 0 tin vẫn chưa gửi được." in response.content.decode()
    (received,) = smtp.wait_for(1)
    assert received["To"] == "hanh@example.vn"
    failed.refresh_from_db()
    assert failed.state == "sent"
    assert AuditEntry.objects.filter(action="notification_resend", actor=staff["admin"]).exists()
    assert DemoMessage.objects.filter(channel="sms").count() == 1


def test_the_message_admin_is_for_system_administrators_only(client, staff):
    login_staff(client, staff["clerk"])
    assert client.get("/quan-tri/notifications/message/").status_code == 302


def test_beat_runs_the_resend_every_minute(make_dossier, citizen, staff, deliver, smtp_down):
    from motcua.celery import beat_schedule
    from motcua.notifications.tasks import resend_due as task

    entry = beat_schedule(smtp_down)["notifications"]
    assert (entry["task"], entry["schedule"]) == (task.name, 60.0)
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    Message.objects.filter(state="failed").update(next_attempt_at=timezone.now())
    assert tuple(task.apply().get()) == (0, 1)
    assert Message.objects.get(user=citizen, channel="email").attempts == 2
