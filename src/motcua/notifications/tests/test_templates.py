"""Message templates are data: built in for every kind, edited by administrators, rendered
with a small set of variables and nothing else."""

from __future__ import annotations

import pytest
from django.core import mail
from tests.fixtures.accounts import login_staff

from motcua.dossiers import processing, workflow
from motcua.notifications.defaults import DEFAULTS
from motcua.notifications.models import Message, MessageTemplate
from motcua.notifications.rendering import VARIABLES, TemplateProblem, check, render
from motcua.notifications.services import template_for

pytestmark = pytest.mark.django_db

FIELDS = ("subject", "email_body", "sms_text", "title", "body")


def test_every_kind_has_its_built_in_template_using_known_variables_only():
    templates = {t.key: t for t in MessageTemplate.objects.all()}
    assert set(templates) == set(DEFAULTS)
    context = dict.fromkeys(VARIABLES, "x")
    for template in templates.values():
        for field in FIELDS:
            check(getattr(template, field))
            assert "{{" not in render(getattr(template, field), context)
        assert len(render(template.sms_text, {**context, "code": "0" * 25})) <= 160


def test_a_deleted_template_comes_back_on_first_use():
    MessageTemplate.objects.filter(key="dossier_received").delete()
    assert template_for("dossier_received").subject == DEFAULTS["dossier_received"]["subject"]


def test_rendering_places_known_variables_and_nothing_else():
    text = "{{ code }}|{{code}}|{{ secret }}|{{ code.__class__ }}|{% if x %}y{% endif %}"
    assert render(text, {"code": "H36-1", "secret": "no"}) == "H36-1|H36-1|||{% if x %}y{% endif %}"
    with pytest.raises(TemplateProblem, match="secret"):
        check("{{ secret }}")
    with pytest.raises(TemplateProblem, match=r"code\.__class__"):
        check("{{ code.__class__ }}")


def _form(template, **changes):
    data = {f: getattr(template, f) for f in ("label", *FIELDS)}
    data.update(essential="on", is_active="on")
    data.update(changes)
    return data


def test_an_administrator_edits_a_template_and_the_next_message_reads_it(
    client, make_dossier, staff, deliver
):
    template = MessageTemplate.objects.get(key="dossier_received")
    login_staff(client, staff["admin"])
    url = f"/quan-tri/notifications/messagetemplate/{template.pk}/change/"

    refused = client.post(url, _form(template, subject="Hồ sơ {{ ma_ho_so }}"))
    assert refused.status_code == 200
    assert "Biến không có: ma_ho_so" in refused.content.decode()
    template.refresh_from_db()
    assert template.subject == DEFAULTS["dossier_received"]["subject"]

    saved = client.post(
        url, _form(template, subject="Đã nhận hồ sơ {{ code }} ngày hẹn {{ appointment }}")
    )
    assert saved.status_code == 302
    dossier = make_dossier(workflow.NEW)
    received = processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    from motcua.core.pdf import format_date_vi

    (email,) = mail.outbox
    assert email.subject == (
        f"Đã nhận hồ sơ {dossier.code} ngày hẹn {format_date_vi(received.appointment_at)}"
    )


def test_a_template_switched_off_sends_nothing_of_its_kind(make_dossier, staff, deliver):
    MessageTemplate.objects.filter(key="dossier_received").update(is_active=False)
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    assert not Message.objects.filter(kind="dossier_received").exists()
