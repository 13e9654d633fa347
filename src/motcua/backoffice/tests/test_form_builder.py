"""Agency administrators build e-forms without code: a draft version edited field by field,
previewed, published for their province; dossiers keep the version they were filed with."""

from __future__ import annotations

import pytest
from tests.fixtures.accounts import login_staff, make_staff

from motcua.catalog.models import Procedure
from motcua.core.models import AuditEntry
from motcua.forms.bundled import install_bundled_forms
from motcua.forms.models import FormDefinition
from motcua.forms.selectors import form_for
from motcua.units.models import Province

pytestmark = pytest.mark.django_db

CODE = "1.001193"


@pytest.fixture
def admin(client):
    install_bundled_forms()
    user = make_staff("agency_admin", "000.00.00.H36")
    login_staff(client, user)
    return user


def _field(prefix, **values):
    return {f"{prefix}-{key}": value for key, value in values.items()}


def test_an_admin_adds_a_field_previews_and_publishes_for_the_province(client, admin):
    lam_dong = Province.objects.get(qcvn_code="H36")
    everywhere = form_for(Procedure.objects.get(code=CODE), None)
    response = client.post(f"/can-bo/bieu-mau/{CODE}/")
    draft = FormDefinition.objects.get(status="draft")
    assert response["Location"] == f"/can-bo/bieu-mau/{CODE}/{draft.pk}/"
    assert draft.province == lam_dong
    assert draft.spec == everywhere.spec

    url = response["Location"]
    page = "tre-em"
    added = client.post(
        url,
        {
            "action": "add_field",
            "page": page,
            "index": "-1",
            **_field(f"f-{page}--1", key="child_nickname", label="Tên gọi khác", type="text"),
        },
    )
    assert added.status_code == 200, added.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.parsed.field("child_nickname").label == "Tên gọi khác"

    broken = client.post(
        url,
        {
            "action": "save_json",
            "spec": '{"pages": [{"key": "a", "title": "A", "fields": [{"key": "x", "type": "text",'
            ' "label": "X", "show_if": {"field": "khong_co", "equals": true}}]}]}',
        },
    )
    assert broken.status_code == 400
    assert "khong_co" in broken.content.decode()
    draft.refresh_from_db()
    assert draft.parsed.field("child_nickname")  # nothing saved from the broken change

    preview = client.get(f"{url}xem-truoc/{page}/")
    assert "Tên gọi khác" in preview.content.decode()

    client.post(url, {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "published"
    procedure = Procedure.objects.get(code=CODE)
    assert form_for(procedure, lam_dong) == draft
    assert form_for(procedure, Province.objects.get(qcvn_code="H37")) == everywhere
    assert AuditEntry.objects.filter(action="form_published", actor=admin).exists()


def test_a_published_version_cannot_be_edited(client, admin):
    published = form_for(Procedure.objects.get(code=CODE), None)
    response = client.post(f"/can-bo/bieu-mau/{CODE}/{published.pk}/", {"action": "publish"})
    assert response.status_code == 404  # not a version of this administrator's province


def test_a_field_used_by_a_condition_cannot_be_deleted(client, admin):
    client.post(f"/can-bo/bieu-mau/{CODE}/")
    draft = FormDefinition.objects.get(status="draft")
    fields = draft.spec["pages"][2]["fields"]
    index = next(i for i, f in enumerate(fields) if f["key"] == "has_father")
    response = client.post(
        f"/can-bo/bieu-mau/{CODE}/{draft.pk}/",
        {"action": "delete_field", "page": "cha-me", "index": str(index)},
    )
    assert response.status_code == 400
    assert "có điều kiện dựa vào trường này" in response.content.decode()


def test_only_administrators_reach_the_builder(client):
    login_staff(client, make_staff("clerk", "000.00.50.H36"))
    assert client.get("/can-bo/bieu-mau/").status_code == 403
