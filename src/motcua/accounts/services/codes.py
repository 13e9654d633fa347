"""One-time codes for local accounts: issue (with send limits) and verify (with attempt limits).

Limits, all settings (``MOTCUA_OTP_*``): a code lives ``TTL`` seconds and allows
``MAX_ATTEMPTS`` wrong guesses; a new code for the same account and purpose may be asked for
after ``RESEND_SECONDS``, at most ``MAX_PER_HOUR`` an hour; one client address may have at most
``MAX_PER_IP_HOUR`` codes sent an hour, whatever the accounts. Each issue, failure and lockout is
audited; codes are stored only as an HMAC.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core import audit
from motcua.notifications.delivery import DeliveryError, send_email, send_sms

from ..models import OneTimeCode, User

log = structlog.get_logger(__name__)

_SALT = "motcua.accounts.one_time_code"
Purpose = OneTimeCode.Purpose


class CodeError(Exception):
    """Why a code was not sent or not accepted; ``message_vi`` is for the person."""

    def __init__(self, code: str, message_vi: str, *, retry_after: int | None = None):
        self.code = code
        self.message_vi = message_vi
        self.retry_after = retry_after
        super().__init__(code)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, f"MOTCUA_OTP_{name}", default))


def _hash(pk: int, code: str) -> str:
    return salted_hmac(_SALT, f"{pk}:{code}", algorithm="sha256").hexdigest()


def destination(user: User, channel: str) -> str:
    return user.email if channel == OneTimeCode.Channel.EMAIL else user.phone


def _message(purpose: str, code: str, minutes: int) -> tuple[str, str]:
    what = {
        Purpose.REGISTER: _("xác minh tài khoản"),
        Purpose.LOGIN: _("đăng nhập"),
        Purpose.RESET: _("đặt lại mật khẩu"),
    }[purpose]
    subject = _("Mã %(what)s Cổng dịch vụ công motcua") % {"what": what}
    body = _(
        "Mã %(what)s của bạn là %(code)s. Mã có hiệu lực trong %(minutes)s phút và chỉ dùng "
        "được một lần. Không đưa mã này cho bất kỳ ai, kể cả người xưng là cán bộ."
    ) % {"what": what, "code": code, "minutes": minutes}
    return subject, body


def issue_code(user: User, purpose: str, channel: str, *, request=None) -> OneTimeCode:
    """Create a code and send it to the account's contact on ``channel``; raise CodeError
    when a limit forbids it. Earlier unused codes of the same purpose stop working."""
    now = timezone.now()
    ttl = _setting("TTL", 300)
    ip = audit.client_ip(request)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time
        error = _send_limit(user, purpose, ip, now)
        if error is None:
            OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
                expires_at=now
            )
            code = f"{secrets.randbelow(10**6):06d}"
            row = OneTimeCode.objects.create(
                user=user,
                purpose=purpose,
                channel=channel,
                expires_at=now + timedelta(seconds=ttl),
                ip=ip,
            )
            row.code_hash = _hash(row.pk, code)
            row.save(update_fields=["code_hash"])
            audit.record("otp_sent", obj=user, request=request, purpose=purpose, channel=channel)
    if error is not None:
        if error.code != "too_soon":
            audit.record(
                "otp_rate_limited", obj=user, request=request, purpose=purpose, limit=error.code
            )
        raise error
    _send(user, channel, *_message(purpose, code, max(1, ttl // 60)))
    return row


def _send_limit(user: User, purpose: str, ip: str | None, now) -> CodeError | None:
    """The limit that forbids sending a code now, if any."""
    recent = OneTimeCode.objects.filter(user=user, purpose=purpose)
    last = recent.first()
    resend = _setting("RESEND_SECONDS", 60)
    if last is not None and (now - last.created_at).total_seconds() < resend:
        wait = max(1, resend - int((now - last.created_at).total_seconds()))
        return CodeError(
            "too_soon",
            ngettext(
                "Mã vừa được gửi. Hãy chờ %(n)s giây rồi yêu cầu mã mới.",
                "Mã vừa được gửi. Hãy chờ %(n)s giây rồi yêu cầu mã mới.",
                wait,
            )
            % {"n": wait},
            retry_after=wait,
        )
    hour_ago = now - timedelta(hours=1)
    if recent.filter(created_at__gte=hour_ago).count() >= _setting("MAX_PER_HOUR", 5):
        return CodeError(
            "rate_limited",
            _("Bạn đã yêu cầu quá nhiều mã trong một giờ. Hãy thử lại sau."),
            retry_after=3600,
        )
    per_ip = _setting("MAX_PER_IP_HOUR", 20)
    if ip and OneTimeCode.objects.filter(ip=ip, created_at__gte=hour_ago).count() >= per_ip:
        return CodeError(
            "ip_limited",
            _("Có quá nhiều yêu cầu mã từ mạng của bạn trong một giờ. Hãy thử lại sau."),
            retry_after=3600,
        )
    return None


def _send(user: User, channel: str, subject: str, body: str) -> None:
    to = destination(user, channel)
    try:
        if channel == OneTimeCode.Channel.EMAIL:
            send_email(to, subject, body)
        else:
            send_sms(to, body)
    except DeliveryError:
        raise CodeError(
            "delivery",
            _("Chưa gửi được mã (hệ thống gửi thư, tin nhắn đang gặp sự cố). Hãy thử lại sau."),
        ) from None


def verify_code(user: User, purpose: str, code: str, *, request=None) -> None:
    """Accept ``code`` (and use it up) or raise CodeError. A wrong guess is counted even
    though the error is raised: the count is committed before."""
    now = timezone.now()
    error: CodeError | None = None
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True)
            .first()
        )
        max_attempts = _setting("MAX_ATTEMPTS", 5)
        if row is None:
            error = CodeError("no_code", _("Chưa có mã nào đang chờ. Hãy yêu cầu gửi mã."))
        elif row.expires_at <= now:
            error = CodeError("expired", _("Mã đã hết hạn. Hãy yêu cầu gửi mã mới."))
        elif row.attempts >= max_attempts:
            error = CodeError(
                "exhausted", _("Bạn đã nhập sai quá số lần cho phép. Hãy yêu cầu gửi mã mới.")
            )
        elif not (code.isdigit() and constant_time_compare(row.code_hash, _hash(row.pk, code))):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = max_attempts - row.attempts
            audit.record(
                "otp_failed", obj=user, request=request, purpose=purpose, attempts=row.attempts
            )
            if left <= 0:
                error = CodeError(
                    "exhausted",
                    _("Bạn đã nhập sai quá số lần cho phép. Hãy yêu cầu gửi mã mới."),
                )
            else:
                error = CodeError(
                    "invalid",
                    ngettext(
                        "Mã không đúng. Bạn còn %(n)s lần thử.",
                        "Mã không đúng. Bạn còn %(n)s lần thử.",
                        left,
                    )
                    % {"n": left},
                )
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            audit.record("otp_verified", obj=user, request=request, purpose=purpose)
    if error is not None:
        log.info("accounts.otp_refused", code=error.code, purpose=purpose)
        raise error
