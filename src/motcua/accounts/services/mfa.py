"""The staff second factor: a TOTP authenticator app (RFC 6238) and one-time recovery codes,
on django-otp's device models (drift, replay protection and throttling are theirs)."""

from __future__ import annotations

import base64

import segno
import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core import audit

from ..models import User

log = structlog.get_logger(__name__)

DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã dự phòng"
RECOVERY_COUNT = 10


class MfaError(Exception):
    def __init__(self, code: str, message_vi: str):
        self.code = code
        self.message_vi = message_vi
        super().__init__(code)


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_mfa(user: User) -> bool:
    return confirmed_totp(user) is not None


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the ``otpauth://`` URI (drawn here: nothing leaves the site)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4,
        border=2,
        omitsize=True,  # a viewBox: the page sets the size
        title=_("Mã QR để thêm tài khoản vào ứng dụng xác thực"),
    )


def confirm_enrolment(user: User, device: TOTPDevice, token: str, *, request=None) -> list[str]:
    """Check the first code from the app; the device becomes the account's second factor and
    a fresh set of recovery codes is returned (shown once)."""
    token = _clean(token)
    if not (token.isdigit() and len(token) == 6 and device.verify_token(token)):
        audit.record("mfa_enrol_failed", actor=user, obj=user, request=request)
        raise MfaError(
            "invalid",
            _(
                "Mã chưa đúng. Hãy kiểm tra giờ trên điện thoại (tự động) và nhập mã 6 chữ số "
                "đang hiện trong ứng dụng."
            ),
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
        audit.record("mfa_enrolled", actor=user, obj=user, request=request, kind="totp")
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Replace the recovery codes (each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(user: User, token: str, *, request=None):
    """The device that accepts ``token`` (a 6-digit TOTP code or a recovery code), else
    MfaError. Failures are throttled by django-otp and audited."""
    token = _clean(token)
    if token.isdigit():
        device = confirmed_totp(user)
        kind = "totp"
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        kind = "recovery"
    if device is None:
        raise MfaError("no_device", _("Mã không đúng."))
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = _wait_seconds(info)
        audit.record("mfa_throttled", actor=user, obj=user, request=request, kind=kind)
        raise MfaError(
            "throttled",
            _("Bạn đã nhập sai nhiều lần. Hãy chờ %(n)s giây rồi thử lại.") % {"n": wait},
        )
    verified = verify_token(user, device.persistent_id, token)
    if verified is None:
        audit.record("mfa_failed", actor=user, obj=user, request=request, kind=kind)
        raise MfaError("invalid", _("Mã không đúng hoặc đã được dùng."))
    audit.record("mfa_verified", actor=user, obj=user, request=request, kind=kind)
    return verified


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _clean(token: str) -> str:
    return (token or "").strip().replace(" ", "").replace("-", "").lower()


def _wait_seconds(info) -> int:
    if info and info.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        until = info.get("locked_until")
        if until:
            return max(1, int((until - timezone.now()).total_seconds()))
    return 30
