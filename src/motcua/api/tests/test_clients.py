"""Client systems through the API: both ways to authenticate, scopes and agencies enforced,
structured errors in both languages, rate limits, idempotent submission on behalf of an
applicant, supplements with the portal's checks, webhook subscriptions."""

from __future__ import annotations

import base64
import copy

import pytest
from tests.fixtures.api import birth_registration as api_body
from tests.fixtures.dossiers import dossier_in

from motcua.api import services
from motcua.api.models import ApiKey, IdempotencyRecord, Scope
from motcua.core.models import AuditEntry, OutboxEvent
from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, DossierDocument, Status
from motcua.forms.bundled import install_bundled_forms

from .conftest import EICAR, PDF, b64, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client_system):
    return client_system.user


def filed(state, place, owner, **fields) -> Dossier:
    return dossier_in(state, here=place["here"], owner=owner, **fields)


# --- Authentication ---------------------------------------------------------------------------


def test_an_api_key_authenticates_and_records_when_it_was_last_used(api, place, owner, api_key):
    dossier = filed(workflow.NEW, place, owner)
    response = api.get(f"/api/v1/dossiers/{dossier.code}")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.SUBMITTED
    assert ApiKey.objects.get().last_used_at is not None
    # the key is kept only as its digest
    assert api_key not in str(list(ApiKey.objects.values()))


def test_the_authorization_header_form_of_the_key_works_too(client, place, owner, api_key):
    dossier = filed(workflow.NEW, place, owner)
    response = client.get(
        f"/api/v1/dossiers/{dossier.code}", HTTP_AUTHORIZATION=f"ApiKey {api_key}"
    )
    assert response.status_code == 200


def test_a_revoked_or_wrong_key_is_a_401_with_a_challenge(client, place, owner, api_key):
    dossier = filed(workflow.NEW, place, owner)
    url = f"/api/v1/dossiers/{dossier.code}"
    wrong = client.get(url, HTTP_X_API_KEY=api_key[:-2] + "xx")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert "ApiKey" in wrong["WWW-Authenticate"]
    services.revoke_api_key(ApiKey.objects.get())
    assert client.get(url, HTTP_X_API_KEY=api_key).status_code == 401


def test_no_credentials_on_a_protected_endpoint_is_a_401(client, place, owner):
    dossier = filed(workflow.NEW, place, owner)
    response = client.get(f"/api/v1/dossiers/{dossier.code}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.has_header("WWW-Authenticate")


def test_oauth2_client_credentials_give_a_token_limited_to_the_clients_scopes(
    client, place, owner, client_system
):
    client_system.scopes = [Scope.DOSSIERS_READ]
    client_system.save()
    client_id, secret = services.issue_oauth_credentials(client_system)
    dossier = filed(workflow.NEW, place, owner)

    token = client.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert token.status_code == 200, token.content
    body = token.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "dossiers:read"
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {body['access_token']}"}
    assert client.get(f"/api/v1/dossiers/{dossier.code}", **bearer).status_code == 200
    refused = client.get("/api/v1/webhooks", **bearer)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "scope_missing"

    beyond = client.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
         "scope": "dossiers:write"},
    )  # fmt: skip
    assert beyond.status_code == 400
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    with_basic = client.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert with_basic.status_code == 200
    wrong = client.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"},
    )
    assert wrong.status_code == 401
    assert client.get("/api/v1/webhooks", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_a_deactivated_client_is_refused_with_either_credential(client, client_system, api_key):
    client_id, secret = services.issue_oauth_credentials(client_system)
    token = client.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    ).json()["access_token"]
    client_system.is_active = False
    client_system.save()
    assert client.get("/api/v1/webhooks", HTTP_X_API_KEY=api_key).status_code == 401
    assert client.get("/api/v1/webhooks", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


# --- Scopes and agencies ---------------------------------------------------------------------


def test_a_missing_scope_is_a_403_naming_it(client, place):
    reader = make_client(place["here"], scopes=[Scope.PROCEDURES_READ])
    key, _ = services.issue_api_key(reader)
    dossier = filed(workflow.NEW, place, reader.user)
    response = client.get(f"/api/v1/dossiers/{dossier.code}", HTTP_X_API_KEY=key)
    assert response.status_code == 403
    assert "dossiers:read" in response.json()["error"]["message"]


def test_another_agencys_dossier_is_a_404_exactly_like_one_that_does_not_exist(api, place):
    from tests.fixtures.accounts import make_citizen

    there = dossier_in(workflow.NEW, here=place["elsewhere"], owner=make_citizen("Lê Văn Tú"))
    hidden = api.get(f"/api/v1/dossiers/{there.code}")
    missing = api.get("/api/v1/dossiers/000.00.00.H99-260101-9999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_an_agency_without_its_sub_units_reaches_only_its_own_dossiers(client, place):
    parent = place["here"].parent
    assert parent is not None
    only_parent = make_client(parent, include_subunits=False)
    with_children = make_client(parent, include_subunits=True, name="B")
    dossier = filed(workflow.NEW, place, only_parent.user)
    url = f"/api/v1/dossiers/{dossier.code}"
    key_a, _ = services.issue_api_key(only_parent)
    key_b, _ = services.issue_api_key(with_children)
    assert client.get(url, HTTP_X_API_KEY=key_a).status_code == 404
    assert client.get(url, HTTP_X_API_KEY=key_b).status_code == 200


def test_the_status_shows_the_timeline_and_no_applicant_name_of_anothers_dossier(api, place):
    from tests.fixtures.accounts import make_citizen

    citizen = make_citizen("Phạm Thị Lan")
    dossier = filed(workflow.PROCESSING, place, citizen, applicant_name="Phạm Thị Lan")
    from motcua.dossiers.models import DossierEvent

    DossierEvent.objects.create(
        dossier=dossier, status=Status.IN_PROGRESS, public_text="Đang thẩm định hồ sơ."
    )
    body = api.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert body["status"] == 4
    assert body["status_name"] == "Đang xử lý"
    assert body["timeline"][-1]["text"] == "Đang thẩm định hồ sơ."
    assert body["applicant_name"] is None
    assert "Phạm Thị Lan" not in str(body)
    assert AuditEntry.objects.filter(action="api_dossier_viewed").exists()


# --- Errors ----------------------------------------------------------------------------------


def test_errors_follow_accept_language_with_stable_codes(client):
    vi = client.get("/api/v1/procedures/", {"limit": 0})
    en = client.get("/api/v1/procedures/", {"limit": 0}, HTTP_ACCEPT_LANGUAGE="en")
    assert vi.json()["error"]["code"] == en.json()["error"]["code"] == "invalid"
    assert vi.json()["error"]["message"] == vi.json()["error"]["message_vi"]
    assert en.json()["error"]["message"] == en.json()["error"]["message_en"]
    assert set(vi.json()["error"]["fields"]) == set(en.json()["error"]["fields"]) == {"limit"}
    assert vi.json()["error"]["fields"]["limit"] != en.json()["error"]["fields"]["limit"]


def test_unknown_paths_and_methods_and_media_types_are_structured(api, api_key):
    assert api.get("/api/v1/khong-co").json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/khong-co").status_code == 404
    wrong_method = api.put("/api/v1/webhooks", {}, content_type="application/json")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    wrong_type = api.post("/api/v1/webhooks", "x", content_type="text/plain")
    assert wrong_type.status_code == 415
    assert wrong_type.json()["error"]["code"] == "unsupported_media_type"


def test_a_client_over_its_rate_gets_a_429(api, client_system):
    client_system.rate_per_minute = 3
    client_system.save()
    codes = [api.get("/api/v1/webhooks").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    response = api.get("/api/v1/webhooks")
    assert response.json()["error"]["code"] == "throttled"
    assert response.has_header("Retry-After")


# --- Units -----------------------------------------------------------------------------------


def test_provinces_and_communes_are_public(client):
    provinces = client.get("/api/v1/units/provinces").json()
    assert len(provinces) == 34
    lam_dong = next(p for p in provinces if p["qcvn_code"] == "H36")
    communes = client.get(f"/api/v1/units/provinces/{lam_dong['code']}/communes").json()
    assert communes
    assert all(c["province_code"] == lam_dong["code"] for c in communes)
    same = client.get("/api/v1/units/provinces/H36/communes").json()
    assert same == communes
    assert client.get("/api/v1/units/provinces/99/communes").status_code == 404


# --- Submission ------------------------------------------------------------------------------


def birth_registration(commune) -> dict:
    return api_body(commune.province.code, commune.code)


@pytest.fixture
def birth_form():
    install_bundled_forms()


def post_dossier(api, body, key="khoa-1"):
    return api.post(
        "/api/v1/dossiers", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_client_files_a_dossier_through_the_portals_filing_path(
    api, place, birth_form, client_system
):
    response = post_dossier(api, birth_registration(place["commune"]))
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    dossier = Dossier.objects.get(code=body["code"])
    assert dossier.status == Status.SUBMITTED
    assert dossier.submitted_by == client_system.user
    assert dossier.receiving_agency is not None
    assert client_system.reaches_agency(dossier.receiving_agency)
    assert dossier.appointment_at is not None
    assert dossier.applicant_name == "Nguyễn Thị Hồng Nhung"
    assert body["applicant_name"] == "Nguyễn Thị Hồng Nhung"
    assert dossier.documents.get().file.scan_status == "clean"
    assert OutboxEvent.objects.filter(
        topic="dossier.submitted", aggregate_id=str(dossier.public_id)
    )
    assert AuditEntry.objects.filter(action="dossier_submitted", object_id=str(dossier.pk)).exists()
    assert response["Location"] == f"/api/v1/dossiers/{dossier.code}"


def test_the_same_key_and_body_give_the_same_dossier(api, place, birth_form):
    body = birth_registration(place["commune"])
    first = post_dossier(api, body)
    again = post_dossier(api, copy.deepcopy(body))
    assert first.status_code == 201
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.filed().count() == 1
    assert OutboxEvent.objects.filter(topic="dossier.submitted").count() == 1


def test_the_same_key_with_another_body_is_a_409_and_changes_nothing(api, place, birth_form):
    body = birth_registration(place["commune"])
    assert post_dossier(api, body).status_code == 201
    body["answers"]["child_name"] = "Trần Minh Khang"
    response = post_dossier(api, body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1
    other_key = post_dossier(api, body, key="khoa-2")
    assert other_key.status_code == 201
    assert Dossier.objects.filed().count() == 2


def test_every_problem_of_a_submission_is_listed_at_once_and_nothing_is_kept(
    api, place, birth_form
):
    body = birth_registration(place["commune"])
    body["answers"].update({"child_birth_date": "31/02/2026", "mother_pid": "123", "nope": 1})
    del body["answers"]["child_name"]
    body["documents"] = []
    response = post_dossier(api, body)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {
        "answers.child_birth_date", "answers.mother_pid", "answers.child_name", "answers.nope",
        "documents",
    } <= set(fields), fields  # fmt: skip
    assert not Dossier.objects.exists()
    # a refused request may be corrected and sent again with the same key
    fixed = birth_registration(place["commune"])
    assert post_dossier(api, fixed, key="khoa-3").status_code == 201


def test_a_missing_idempotency_key_is_reported_with_the_other_problems(api):
    response = api.post("/api/v1/dossiers", {"answers": []}, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"Idempotency-Key", "procedure", "answers"} <= set(fields)


def test_an_infected_document_is_refused_and_no_dossier_is_made(api, place, birth_form):
    body = birth_registration(place["commune"])
    body["documents"][0]["content"] = b64(b"%PDF-1.4\n" + EICAR)
    response = post_dossier(api, body)
    assert response.status_code == 400
    assert "mã độc" in response.json()["error"]["fields"]["documents[0]"][0]
    assert not Dossier.objects.exists()
    assert AuditEntry.objects.filter(action="file_refused").exists()
    assert not IdempotencyRecord.objects.filter(dossier__isnull=False).exists()


def test_filing_outside_the_clients_agencies_is_refused(client, place, birth_form):
    far = make_client(place["elsewhere"], name="Xa")
    key, _ = services.issue_api_key(far)
    response = client.post(
        "/api/v1/dossiers",
        birth_registration(place["commune"]),
        content_type="application/json",
        HTTP_X_API_KEY=key,
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "agency_out_of_scope"
    assert not Dossier.objects.exists()


# --- Supplements -----------------------------------------------------------------------------


def test_a_supplement_is_sent_with_the_portals_checks(api, place, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = filed(workflow.SUPPLEMENT, place, owner, status=Status.SUPPLEMENT)
    url = f"/api/v1/dossiers/{dossier.code}/supplements"
    infected = api.post(url, {"files": [SimpleUploadedFile("x.pdf", b"%PDF-1.4\n" + EICAR)]})
    assert infected.status_code == 400
    assert infected.json()["error"]["code"] == "infected"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT

    ok = api.post(
        url,
        {"files": [SimpleUploadedFile("xac-nhan.pdf", PDF)], "note": "Đã bổ sung giấy xác nhận."},
    )
    assert ok.status_code == 200, ok.content.decode()
    dossier.refresh_from_db()
    assert dossier.status != Status.SUPPLEMENT
    assert (
        DossierDocument.objects.filter(dossier=dossier, slot__startswith="supplement").count() == 1
    )
    again = api.post(url, {"files": [SimpleUploadedFile("b.pdf", PDF)]})
    assert again.status_code == 409


def test_only_the_client_that_filed_a_dossier_sends_its_supplement(api, place):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.fixtures.accounts import make_citizen

    dossier = filed(workflow.SUPPLEMENT, place, make_citizen("Võ Thị Sáu"))
    response = api.post(
        f"/api/v1/dossiers/{dossier.code}/supplements",
        {"files": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_applicant"


def test_a_supplement_needs_its_scope(client, place):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reader = make_client(place["here"], scopes=[Scope.DOSSIERS_READ])
    key, _ = services.issue_api_key(reader)
    dossier = filed(workflow.SUPPLEMENT, place, reader.user)
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/supplements",
        {"files": [SimpleUploadedFile("a.pdf", PDF)]},
        HTTP_X_API_KEY=key,
    )
    assert response.status_code == 403


# --- Webhook subscriptions -------------------------------------------------------------------


def test_a_subscription_is_made_listed_and_deleted_with_its_secret_shown_once(api):
    made = api.post(
        "/api/v1/webhooks",
        {"target_url": "https://nhan.example.vn/motcua", "topics": ["dossier.status_changed"]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    assert secret.startswith("whsec_")
    listed = api.get("/api/v1/webhooks").json()
    assert [w["id"] for w in listed] == [made.json()["id"]]
    assert "secret" not in listed[0]
    one = api.get(f"/api/v1/webhooks/{made.json()['id']}")
    assert one.status_code == 200
    assert "secret" not in one.json()
    assert api.delete(f"/api/v1/webhooks/{made.json()['id']}").status_code == 204
    assert api.get("/api/v1/webhooks").json() == []
    assert api.delete(f"/api/v1/webhooks/{made.json()['id']}").status_code == 404


def test_a_subscription_with_bad_input_lists_every_problem(api):
    response = api.post(
        "/api/v1/webhooks",
        {"target_url": "khong-phai-url", "topics": ["dossier.unknown"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"target_url", "topics[0]"}


def test_another_clients_subscription_is_not_found(client, api, place):
    made = api.post(
        "/api/v1/webhooks",
        {"target_url": "https://nhan.example.vn/", "topics": ["*"]},
        content_type="application/json",
    ).json()
    other = make_client(place["here"], name="Khác")
    key, _ = services.issue_api_key(other)
    assert client.get(f"/api/v1/webhooks/{made['id']}", HTTP_X_API_KEY=key).status_code == 404


def test_keys_and_credentials_are_audited(client_system):
    services.issue_api_key(client_system)
    services.issue_oauth_credentials(client_system)
    services.revoke_api_key(ApiKey.objects.get())
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "api_client_created", "api_key_issued", "api_oauth_credentials_issued", "api_key_revoked"
    } <= actions  # fmt: skip


def test_a_procedures_e_form_tells_a_client_what_to_send(client, birth_form):
    response = client.get("/api/v1/procedures/1.001193/form", {"province": "H36"})
    assert response.status_code == 200, response.content
    form = response.json()
    fields = {f["key"]: f for page in form["pages"] for f in page["fields"]}
    assert fields["child_birth_date"]["type"] == "date"
    assert fields["birth_certificate"]["type"] == "file"
    assert fields["father_name"]["show_if"] == {"field": "has_father", "equals": True}
    assert {"value": "me", "label": "Mẹ"} in fields["relation"]["choices"]
    assert client.get("/api/v1/procedures/9.999999/form").status_code == 404
    assert client.get("/api/v1/procedures/1.001193/form", {"province": "H99"}).status_code == 404


def test_production_warns_of_a_per_process_cache_and_private_receivers(settings):
    from motcua.api.apps import check_api_config

    settings.MOTCUA_ENV = "production"
    settings.MOTCUA_WEBHOOK_ALLOW_PRIVATE = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert {w.id for w in check_api_config()} == {"motcua.api.W001", "motcua.api.W002"}
    settings.MOTCUA_WEBHOOK_ALLOW_PRIVATE = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert check_api_config() == []
