"""Signed electronic results: issued when the leader approves, signed with the agency's key,
kept in the applicant's store, and checked by anyone — the file as issued is valid, any
changed copy is not."""

from __future__ import annotations

import hashlib
from io import BytesIO, StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pypdf import PdfReader
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.certificates import Authority, new_key
from tests.fixtures.dossiers import dossier_in

from motcua.core.models import AuditEntry, OutboxEvent
from motcua.core.pdf import Slip, Text, render_slip
from motcua.documents import services as documents
from motcua.documents.models import StoreItem, StoreItemKind
from motcua.dossiers import processing, workflow
from motcua.dossiers.models import Status
from motcua.forms.bundled import install_bundled_forms
from motcua.results import keys, services
from motcua.results.models import DemoKey, KeyKind, ResultDocument, ResultTemplate
from motcua.results.verify import verify_pdf
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    install_bundled_forms()  # the birth registration's hand-built form, with the child's name
    return Agency.objects.filter(kind="commune_committee", code__endswith=".H36").order_by("code")[
        0
    ]


@pytest.fixture
def people(place):
    leader = make_staff("leader", place.code)
    leader.first_name, leader.last_name = "Phạm Văn Đức", ""
    leader.save(update_fields=["first_name", "last_name"])
    return {
        "owner": make_citizen("Lê Thị Hạnh"),
        "leader": leader,
        "specialist": make_staff("specialist", place.code),
    }


def approved(place, people):
    dossier = dossier_in(
        workflow.APPROVAL, here=place, owner=people["owner"], specialist=people["specialist"]
    )
    return processing.approve(dossier.public_id, actor=people["leader"])


def file_bytes(result: ResultDocument) -> bytes:
    with documents.open_file(result.file) as handle:
        return handle.read()


def test_approval_issues_a_signed_result_into_the_applicants_store(place, people):
    dossier = approved(place, people)
    assert dossier.status == Status.DONE
    result = ResultDocument.objects.get(dossier=dossier)
    data = file_bytes(result)
    assert hashlib.sha256(data).hexdigest() == result.sha256
    assert result.key_store == "demo"
    assert place.name[:20] in result.signer_subject
    item = StoreItem.objects.get(file=result.file)
    assert item.kind == StoreItemKind.RESULT
    assert item.owner_person == people["owner"].person
    assert item.source_dossier_code == dossier.code
    assert AuditEntry.objects.filter(action="result_issued").exists()
    assert OutboxEvent.objects.filter(topic="dossier.result_issued").exists()
    assert result.number in dossier.events.get(action="approve").public_text

    verdict = verify_pdf(data)
    assert verdict.valid, verdict.problems
    assert verdict.matches_record
    assert verdict.result == result
    assert place.name[:20] in verdict.signer


def test_the_result_reads_in_vietnamese_with_its_code_and_verification_link(place, people):
    dossier = approved(place, people)
    result = dossier.result
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(file_bytes(result))).pages)
    text = " ".join(text.split())
    assert "Lê Thị Hạnh" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert dossier.code in text
    assert result.verification_code in text
    assert f"/xac-thuc/{result.verification_code}/" in text
    assert "Phạm Văn Đức" in text
    assert "Trần Minh Khôi" in text  # the form's answers


@pytest.mark.parametrize("where", [0.2, 0.5, 0.8, 0.97])
def test_a_copy_changed_by_one_byte_is_invalid(place, people, where):
    result = approved(place, people).result
    data = bytearray(file_bytes(result))
    position = int(len(data) * where)
    data[position] = (data[position] + 1) % 256
    verdict = verify_pdf(bytes(data))
    assert not verdict.valid
    assert verdict.problems
    assert not verdict.matches_record


def test_content_appended_after_signing_is_reported(place, people):
    data = file_bytes(approved(place, people).result)
    assert not verify_pdf(data + "\n% thêm\n".encode()).valid


def test_unsigned_untrusted_and_non_pdf_files_are_invalid(place, people, tmp_path):
    unsigned = render_slip(Slip(agency="UBND xã", title="Giấy giả", body=[Text("Không ký")]))
    assert "Tệp không có chữ ký số." in verify_pdf(unsigned).problems
    assert not verify_pdf(b"not a pdf at all").valid

    self_made = Authority.create("Cơ quan tự xưng", serial=7)  # issued by nobody trusted
    key, certificate = self_made.key, self_made.certificate
    path = tmp_path / "self.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", key, certificate, None, serialization.NoEncryption()
        )
    )
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=None)
    identity = keys.SigningIdentity(signer, signer.signing_cert, "pkcs12")
    forged = services.sign_pdf(unsigned, identity, reason="giả", location="")
    verdict = verify_pdf(forged)
    assert not verdict.valid
    assert any("không thuộc tổ chức chứng thực" in p for p in verdict.problems)


def test_demo_keys_are_made_once_per_agency_under_one_authority(place, people):
    approved(place, people)
    approved(place, people)
    assert DemoKey.objects.filter(kind=KeyKind.AUTHORITY).count() == 1
    assert DemoKey.objects.filter(kind=KeyKind.AGENCY, agency=place).count() == 1
    row = DemoKey.objects.get(agency=place)
    assert b"ENCRYPTED PRIVATE KEY" in bytes(row.encrypted_key_pem)


def test_a_procedure_template_gives_the_wording_and_its_version_is_kept(place, people):
    dossier = dossier_in(
        workflow.APPROVAL, here=place, owner=people["owner"], specialist=people["specialist"]
    )
    ResultTemplate.objects.create(
        procedure=dossier.procedure,
        version=3,
        title="Trích lục khai sinh",
        body="Cấp trích lục cho cháu {{ answers.child_name }}, hồ sơ {{ code }}.",
        signer_title="CHỦ TỊCH",
    )
    result = processing.approve(dossier.public_id, actor=people["leader"]).result
    assert (result.title, result.template_version) == ("Trích lục khai sinh", 3)
    text = " ".join(PdfReader(BytesIO(file_bytes(result))).pages[0].extract_text().split())
    assert "Cấp trích lục cho cháu Trần Minh Khôi" in text
    assert "TRÍCH LỤC KHAI SINH" in text


def test_a_broken_template_refuses_the_approval_and_writes_nothing(place, people):
    dossier = dossier_in(
        workflow.APPROVAL, here=place, owner=people["owner"], specialist=people["specialist"]
    )
    ResultTemplate.objects.create(procedure=dossier.procedure, body="{% for x in %}")
    with pytest.raises(services.ResultError) as refused:
        processing.approve(dossier.public_id, actor=people["leader"])
    assert "Mẫu kết quả" in refused.value.message_vi
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.APPROVAL
    assert not ResultDocument.objects.exists()
    assert not dossier.events.filter(action="approve").exists()


def _agency_p12(tmp_path, agency, passphrase: bytes):
    """A small PKCS#12 hierarchy: a root in a PEM file, the agency's key and certificate."""
    root = Authority.create("Root CA thử nghiệm")
    key = new_key()
    certificate = root.certify(key.public_key(), agency.name, serial=2)
    (tmp_path / f"{agency.code}.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"agency", key, certificate, [root.certificate],
            serialization.BestAvailableEncryption(passphrase),
        )
    )  # fmt: skip
    return root.write_pem(tmp_path / "root.pem")


def test_production_signs_with_the_agencys_pkcs12_file(place, people, tmp_path, settings):
    root = _agency_p12(tmp_path, place, b"mat-khau")
    settings.MOTCUA_SIGNING_KEYS = "pkcs12"
    settings.MOTCUA_SIGNING_PKCS12_DIR = str(tmp_path)
    settings.MOTCUA_SIGNING_PKCS12_PASSPHRASE = "mat-khau"
    settings.MOTCUA_SIGNING_TRUST_ROOTS = [str(root)]
    assert keys.check_config() == []
    result = approved(place, people).result
    assert result.key_store == "pkcs12"
    assert result.certificate_serial == "2"
    assert not DemoKey.objects.exists()
    assert verify_pdf(file_bytes(result)).valid
    settings.MOTCUA_SIGNING_TRUST_ROOTS = []
    assert not verify_pdf(file_bytes(result)).valid  # no longer chains to a trusted root


def test_a_missing_key_refuses_the_approval_with_a_clear_message(place, people, tmp_path, settings):
    settings.MOTCUA_SIGNING_KEYS = "pkcs12"
    settings.MOTCUA_SIGNING_PKCS12_DIR = str(tmp_path)
    assert keys.check_config() == []
    dossier = dossier_in(
        workflow.APPROVAL, here=place, owner=people["owner"], specialist=people["specialist"]
    )
    with pytest.raises(services.ResultError) as refused:
        processing.approve(dossier.public_id, actor=people["leader"])
    assert "chứng thư số" in refused.value.message_vi
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    assert not ResultDocument.objects.exists()
    settings.MOTCUA_SIGNING_PKCS12_PASSPHRASE = "sai"
    _agency_p12(tmp_path, place, b"dung")
    with pytest.raises(services.ResultError):
        processing.approve(dossier.public_id, actor=people["leader"])


def test_pkcs11_without_a_library_is_reported_by_the_checks(settings):
    settings.MOTCUA_SIGNING_KEYS = "pkcs11"
    settings.MOTCUA_SIGNING_PKCS11_LIB = "/nonexistent/libsofthsm2.so"
    problems = keys.check_config()
    assert any("MOTCUA_SIGNING_PKCS11_LIB" in p for p in problems)
    assert any("MOTCUA_SIGNING_PKCS11_TOKEN" in p for p in problems)


def test_the_admin_keeps_each_changed_wording_as_a_new_version(client, place, people):
    from tests.fixtures.accounts import login_staff

    login_staff(client, make_staff("system_admin", None))
    procedure = approved(place, people).procedure
    add = client.post(
        "/quan-tri/results/resulttemplate/add/",
        {"procedure": procedure.pk, "title": "", "body": "Cấp cho {{ applicant }}.",
         "signer_title": "CHỦ TỊCH", "is_active": "on"},
    )  # fmt: skip
    assert add.status_code == 302, add.content.decode()[:2000]
    first = ResultTemplate.objects.get(procedure=procedure)
    assert first.version == 1
    broken = client.post(
        f"/quan-tri/results/resulttemplate/{first.pk}/change/",
        {"procedure": procedure.pk, "title": "", "body": "{% if %}",
         "signer_title": "CHỦ TỊCH", "is_active": "on"},
    )  # fmt: skip
    assert broken.status_code == 200
    assert ResultTemplate.objects.filter(procedure=procedure).count() == 1
    changed = client.post(
        f"/quan-tri/results/resulttemplate/{first.pk}/change/",
        {"procedure": procedure.pk, "title": "Giấy khai sinh", "body": "Cấp lại.",
         "signer_title": "CHỦ TỊCH", "is_active": "on"},
    )  # fmt: skip
    assert changed.status_code == 302
    versions = list(
        ResultTemplate.objects.filter(procedure=procedure).values_list("version", "is_active")
    )
    assert versions == [(2, True), (1, False)]
    first.refresh_from_db()
    assert first.body == "Cấp cho {{ applicant }}."


def test_the_signing_command_checks_an_agencys_key(place, tmp_path, settings):
    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("signing", agency=[place.code], stdout=out)
    assert f"{place.code}: ký được" in out.getvalue()

    settings.MOTCUA_SIGNING_KEYS = "pkcs12"
    settings.MOTCUA_SIGNING_PKCS12_DIR = str(tmp_path)
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("signing", agency=[place.code], stdout=StringIO(), stderr=errors)
    assert place.code in errors.getvalue()


def test_demo_keys_are_flagged_in_production(settings):
    settings.MOTCUA_ENV = "production"
    assert any("no legal value" in problem for problem in keys.check_config())


def test_signing_works_where_an_event_loop_is_running(place, people):
    import asyncio

    page = render_slip(Slip(agency=place.name, title="Kiểm tra", body=[Text("—")]))
    with keys.key_store().signing(place) as identity:

        async def inside_a_loop() -> bytes:
            return services.sign_pdf(page, identity, reason="Kiểm tra", location="")

        signed = asyncio.run(inside_a_loop())
    verdict = verify_pdf(signed, issued_here=False)
    assert verdict.valid, verdict.problems
