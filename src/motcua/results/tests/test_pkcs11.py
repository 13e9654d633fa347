"""Signing with a key that never leaves a token: a SoftHSM2 token (Debian's ``softhsm2``, the
same PKCS#11 interface as a hardware token or HSM) holds the agency's key, generated inside
it, and the certificate a test authority issued for it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.certificates import Authority
from tests.fixtures.dossiers import dossier_in

from motcua.documents import services as documents
from motcua.dossiers import processing, workflow
from motcua.dossiers.models import Status
from motcua.results import keys, services
from motcua.results.models import ResultDocument
from motcua.results.verify import verify_pdf
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db

LIBRARY = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, PIN = "motcua-test", "246810"


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    if not LIBRARY.is_file():
        pytest.fail(f"{LIBRARY} is missing: install Debian's softhsm2 (make browser does)")
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read when the library is first loaded
    subprocess.run(  # noqa: S603 (fixed arguments)
        ["/usr/bin/softhsm2-util", "--init-token", "--free", "--label", TOKEN,
         "--pin", PIN, "--so-pin", "13579"],
        check=True, capture_output=True,
    )  # fmt: skip
    return home


def _enrol(home: Path, agency) -> Path:
    """Generate the agency's key pair in the token, have a test authority certify its public
    key, store the certificate beside the key; return the authority's certificate file."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    library = pkcs11.lib(str(LIBRARY))
    with library.get_token(token_label=TOKEN).open(user_pin=PIN, rw=True) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, label=agency.code, id=b"\x01", store=True
        )
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        )
        root = Authority.create("CA thử nghiệm token", serial=11)
        certificate = root.certify(numbers.public_key(), agency.name, serial=12)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: agency.code,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
            }
        )
    return root.write_pem(home / f"root-{agency.code}.pem")


def test_an_agency_signs_with_its_token(token, settings):
    agency = Agency.objects.filter(kind="commune_committee", code__endswith=".H36").order_by(
        "code"
    )[2]
    root = _enrol(token, agency)
    settings.MOTCUA_SIGNING_KEYS = "pkcs11"
    settings.MOTCUA_SIGNING_PKCS11_LIB = str(LIBRARY)
    settings.MOTCUA_SIGNING_PKCS11_TOKEN = TOKEN
    settings.MOTCUA_SIGNING_PKCS11_PIN = PIN
    settings.MOTCUA_SIGNING_TRUST_ROOTS = [str(root)]
    assert keys.check_config() == []

    owner, leader = make_citizen("Vũ Minh Châu"), make_staff("leader", agency.code)
    dossier = dossier_in(
        workflow.APPROVAL,
        here=agency,
        owner=owner,
        specialist=make_staff("specialist", agency.code),
    )
    result = processing.approve(dossier.public_id, actor=leader).result
    assert result.key_store == "pkcs11"
    assert result.certificate_serial == format(12, "x")
    with documents.open_file(result.file) as handle:
        data = handle.read()
    verdict = verify_pdf(data)
    assert verdict.valid, verdict.problems
    assert agency.name[:20] in verdict.signer

    settings.MOTCUA_SIGNING_PKCS11_PIN = "000000"
    other = dossier_in(
        workflow.APPROVAL,
        here=agency,
        owner=owner,
        specialist=make_staff("specialist", agency.code),
    )
    with pytest.raises(services.ResultError):  # a wrong PIN: refused, nothing written
        processing.approve(other.public_id, actor=leader)
    settings.MOTCUA_SIGNING_PKCS11_PIN = PIN
    settings.MOTCUA_SIGNING_PKCS11_KEY_LABEL = "khong-co-{code}"
    with pytest.raises(services.ResultError):  # no such key in the token
        processing.approve(other.public_id, actor=leader)
    other.refresh_from_db()
    assert other.status == Status.IN_PROGRESS
    assert not ResultDocument.objects.filter(dossier=other).exists()
