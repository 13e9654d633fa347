"""Where the agencies' signing keys come from: key stores as plugins, ``MOTCUA_SIGNING_KEYS``
chooses one.

- ``demo`` (the embedded installation and tests): a demo certificate authority and one
  certificate per agency, generated on first use and kept in the database (``DemoKey``), the
  private keys encrypted with a key derived from ``SECRET_KEY``. Nothing signed with them has
  legal value; the authority's name says so.
- ``pkcs12``: one PKCS#12 file per agency in ``MOTCUA_SIGNING_PKCS12_DIR``, named after the
  agency's code (``000.00.50.H36.p12``), or ``default.p12`` for every agency without its own;
  passphrase in ``MOTCUA_SIGNING_PKCS12_PASSPHRASE``.
- ``pkcs11``: a hardware token or HSM through its PKCS#11 library
  (``MOTCUA_SIGNING_PKCS11_LIB``, ``…_TOKEN``, ``…_PIN``), the key and certificate labelled
  ``MOTCUA_SIGNING_PKCS11_KEY_LABEL`` (``{code}`` is replaced by the agency's code), through
  python-pkcs11.

Verification trusts the roots in ``MOTCUA_SIGNING_TRUST_ROOTS`` (PEM or DER files, e.g. the
national root CA of the Government's specialised signature service) and, with the demo store,
the demo authority.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import structlog
from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.core.plugins import PluginRegistry

log = structlog.get_logger(__name__)

DEMO_AUTHORITY_NAME = "CA thử nghiệm motcua - không có giá trị pháp lý"
DEMO_AUTHORITY_YEARS = 20
DEMO_AGENCY_YEARS = 5
KEY_BITS = 2048


class SigningUnavailable(Exception):
    """No key could be had for the agency (missing file, wrong passphrase, token absent)."""


@dataclass(frozen=True)
class SigningIdentity:
    """What signs for one agency: a pyHanko signer and its certificate."""

    signer: signers.Signer
    certificate: asn1_x509.Certificate
    store: str

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly[:255]

    @property
    def serial(self) -> str:
        return format(self.certificate.serial_number, "x")[:64]

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.certificate.dump()).hexdigest()


class KeyStore(ABC):
    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def signing(self, agency) -> contextlib.AbstractContextManager[SigningIdentity]:
        """The agency's signing identity for the duration of a ``with`` block (a token's
        session is opened and closed around it)."""

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        """Roots this store adds to ``MOTCUA_SIGNING_TRUST_ROOTS``."""
        return []

    def check_config(self) -> list[str]:
        return []


registry: PluginRegistry[KeyStore] = PluginRegistry(
    "key store",
    setting="MOTCUA_SIGNING_KEYS",
    default="demo",
    builtins=(__name__,),
    unknown=lambda plugin_id: SigningUnavailable(f"unknown key store {plugin_id!r}"),
)


def key_store() -> KeyStore:
    return registry.get()


def check_config() -> list[str]:
    try:
        store = key_store()
    except SigningUnavailable as error:
        return [f"MOTCUA_SIGNING_KEYS: {error}"]
    problems = store.check_config()
    for path in settings.MOTCUA_SIGNING_TRUST_ROOTS:
        if not Path(path).is_file():
            problems.append(f"MOTCUA_SIGNING_TRUST_ROOTS: no file at {path}")
    return problems


def trust_roots() -> list[asn1_x509.Certificate]:
    """Every root a result's signature may chain to."""
    roots = [load_certificate(Path(path).read_bytes()) for path in _root_files()]
    return roots + key_store().trust_roots()


def _root_files() -> list[str]:
    return [path for path in settings.MOTCUA_SIGNING_TRUST_ROOTS if Path(path).is_file()]


def load_certificate(data: bytes) -> asn1_x509.Certificate:
    """A certificate from PEM or DER bytes."""
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


# --- demo ------------------------------------------------------------------------------------


def _demo_passphrase() -> bytes:
    digest = hashlib.sha256(b"motcua-demo-signing-keys:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _name(common_name: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(parts)


def _build(subject, issuer, public_key, signing_key, *, years: int, authority: bool, extra=()):
    now = datetime.now(UTC) - timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=authority, path_length=0 if authority else None),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )  # fmt: skip
    if authority:
        usage = {"key_cert_sign": True, "crl_sign": True}
    else:
        usage = {"digital_signature": True, "content_commitment": True}
    flags = dict.fromkeys(
        ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
         "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"),
        False,
    )  # fmt: skip
    builder = builder.add_extension(x509.KeyUsage(**(flags | usage)), critical=True)
    for extension, critical in extra:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signing_key, hashes.SHA256())


def _keep_demo(kind: str, agency, certificate: x509.Certificate, key) -> None:
    from .models import DemoKey

    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_demo_passphrase()),
    )
    DemoKey.objects.create(
        kind=kind,
        agency=agency,
        subject=certificate.subject.rfc4514_string()[:255],
        serial=format(certificate.serial_number, "x")[:64],
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        not_after=certificate.not_valid_after_utc,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key_pem=encrypted,
    )


def _open_demo(row) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    key = serialization.load_pem_private_key(bytes(row.encrypted_key_pem), _demo_passphrase())
    return certificate, key


def _get_or_make(lookup: dict, make) -> object:
    """The demo key row matching ``lookup``, made by ``make()`` when there is none; two
    processes making it at once keep the first one."""
    from .models import DemoKey

    row = DemoKey.objects.filter(**lookup).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        pass
    return DemoKey.objects.get(**lookup)


def demo_authority():
    """The demo authority's row, generated on first use."""
    from .models import KeyKind

    def make():
        key = _new_key()
        name = _name(DEMO_AUTHORITY_NAME, "motcua")
        certificate = _build(
            name, name, key.public_key(), key, years=DEMO_AUTHORITY_YEARS, authority=True
        )
        _keep_demo(KeyKind.AUTHORITY, None, certificate, key)
        log.info("results.demo_authority_created")

    return _get_or_make({"kind": KeyKind.AUTHORITY}, make)


def demo_agency_key(agency):
    """The agency's demo row, its certificate issued by the demo authority on first use."""
    from .models import KeyKind

    authority = demo_authority()

    def make():
        ca_certificate, ca_key = _open_demo(authority)
        key = _new_key()
        subject = _name(agency.name, agency.name)
        extra = (
            (x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False),
        )
        certificate = _build(
            subject, ca_certificate.subject, key.public_key(), ca_key,
            years=DEMO_AGENCY_YEARS, authority=False, extra=extra,
        )  # fmt: skip
        _keep_demo(KeyKind.AGENCY, agency, certificate, key)
        log.info("results.demo_agency_key_created", agency=agency.code)

    return _get_or_make({"kind": KeyKind.AGENCY, "agency": agency}, make)


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


@registry.register
class DemoKeys(KeyStore):
    id = "demo"
    label = "Khóa thử nghiệm (không có giá trị pháp lý)"

    @contextlib.contextmanager
    def signing(self, agency) -> Iterator[SigningIdentity]:
        row = demo_agency_key(agency)
        certificate, key = _open_demo(row)
        authority, _key = _open_demo(demo_authority())
        chain = SimpleCertificateStore.from_certs([_asn1_certificate(authority)])
        signer = signers.SimpleSigner(
            signing_cert=_asn1_certificate(certificate),
            signing_key=_asn1_key(key),
            cert_registry=chain,
        )
        yield SigningIdentity(signer, signer.signing_cert, self.id)

    def check_config(self) -> list[str]:
        if settings.MOTCUA_ENV == "production":
            return [
                "MOTCUA_SIGNING_KEYS=demo signs results with keys of no legal value: "
                "use pkcs12 or pkcs11 in production"
            ]
        return []

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        certificate, _key = _open_demo(demo_authority())
        return [_asn1_certificate(certificate)]


# --- PKCS#12 files -------------------------------------------------------------------------


@registry.register
class Pkcs12Keys(KeyStore):
    id = "pkcs12"
    label = "Tệp PKCS#12 của từng cơ quan"

    def _path(self, agency) -> Path:
        directory = Path(settings.MOTCUA_SIGNING_PKCS12_DIR)
        own = directory / f"{agency.code}.p12"
        return own if own.is_file() else directory / "default.p12"

    @contextlib.contextmanager
    def signing(self, agency) -> Iterator[SigningIdentity]:
        path = self._path(agency)
        if not path.is_file():
            raise SigningUnavailable(f"no PKCS#12 file for agency {agency.code} in {path.parent}")
        passphrase = settings.MOTCUA_SIGNING_PKCS12_PASSPHRASE.encode() or None
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
        if signer is None:
            raise SigningUnavailable(f"{path.name}: unreadable or wrong passphrase")
        yield SigningIdentity(signer, signer.signing_cert, self.id)

    def check_config(self) -> list[str]:
        directory = Path(settings.MOTCUA_SIGNING_PKCS12_DIR or ".")
        if not settings.MOTCUA_SIGNING_PKCS12_DIR or not directory.is_dir():
            return [f"MOTCUA_SIGNING_PKCS12_DIR: no folder at {directory}"]
        return []


# --- PKCS#11 tokens ------------------------------------------------------------------------


@registry.register
class Pkcs11Keys(KeyStore):
    id = "pkcs11"
    label = "Thiết bị ký số (token, HSM) qua PKCS#11"

    @contextlib.contextmanager
    def signing(self, agency) -> Iterator[SigningIdentity]:
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign import pkcs11
        except ImportError as error:  # python-pkcs11 missing from the installation
            raise SigningUnavailable("python-pkcs11 is not installed") from error
        label = settings.MOTCUA_SIGNING_PKCS11_KEY_LABEL.format(code=agency.code)
        try:
            session = pkcs11.open_pkcs11_session(
                settings.MOTCUA_SIGNING_PKCS11_LIB,
                token_criteria=TokenCriteria(label=settings.MOTCUA_SIGNING_PKCS11_TOKEN),
                user_pin=settings.MOTCUA_SIGNING_PKCS11_PIN,
            )
        except Exception as error:  # the library raises its own hierarchy
            raise SigningUnavailable(f"PKCS#11 token not available: {error}") from error
        try:
            try:
                signer = pkcs11.PKCS11Signer(session, key_label=label, cert_label=label)
                certificate = signer.signing_cert  # loads the key and certificate now
            except Exception as error:
                raise SigningUnavailable(
                    f"PKCS#11 token has no key and certificate labelled {label!r}: {error}"
                ) from error
            yield SigningIdentity(signer, certificate, self.id)
        finally:
            session.close()

    def check_config(self) -> list[str]:
        problems = []
        if not Path(settings.MOTCUA_SIGNING_PKCS11_LIB or "/nonexistent").is_file():
            problems.append(
                f"MOTCUA_SIGNING_PKCS11_LIB: no library at {settings.MOTCUA_SIGNING_PKCS11_LIB!r}"
            )
        if not settings.MOTCUA_SIGNING_PKCS11_TOKEN:
            problems.append("MOTCUA_SIGNING_PKCS11_TOKEN: the token's label is not set")
        return problems
