"""Local citizen accounts: a phone number or e-mail address, a password and one-time codes.

The fallback when a citizen cannot use the e-ID. Such an account has no verified identity (its
name is the citizen's own word) and the lowest assurance; linking it to the e-ID later brings
the verified attributes in.

Registration never tells whether a contact already has an account: the page always says a code
was sent; the owner of an existing account receives a note instead of a code.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.notifications.delivery import DeliveryError, send_email, send_sms

from ..backends import contact_condition, find_local_account
from ..contacts import EMAIL, PHONE, Contact
from ..models import AccountType, OneTimeCode, Person, User
from ..models.people import SOURCE_SELF
from .codes import CodeError, issue_code, verify_code

log = structlog.get_logger(__name__)

Purpose = OneTimeCode.Purpose
#: The wording of the consent the registration form asks for (kept with each registration).
CONSENT_VERSION = "account-2026-12"


def _contact_fields(contact: Contact) -> dict[str, str]:
    return {"email": contact.value} if contact.kind == EMAIL else {"phone": contact.value}


def _pending_registration(contact: Contact) -> User | None:
    """An account registered with this contact and never verified (it may be taken over)."""
    return (
        User.objects.citizens()
        .filter(
            contact_condition(contact, verified=False), is_active=False, last_login__isnull=True
        )
        .order_by("-date_joined")
        .first()
    )


def register(*, contact: Contact, full_name: str, password: str, request=None) -> User | None:
    """Start a registration: an inactive account and a code sent to ``contact``.

    Returns the account to verify, or None when the contact already belongs to an account (its
    owner is told so on that contact; the caller shows the same page either way).
    """
    if find_local_account(contact) is not None:
        _tell_already_registered(contact)
        audit.record("registration_duplicate", request=request, channel=contact.channel)
        return None
    with transaction.atomic():
        user = _pending_registration(contact)
        if user is None:
            user = User(
                username=f"local-{uuid.uuid4().hex[:16]}",
                account_type=AccountType.CITIZEN,
                is_active=False,
                **_contact_fields(contact),
            )
        user.first_name, user.last_name = full_name[:150], ""
        user.set_password(password)
        user.save()
        stamp = {"source": SOURCE_SELF, "at": timezone.now().isoformat()}
        Person.objects.update_or_create(
            user=user, defaults={"full_name": full_name, "provenance": {"full_name": stamp}}
        )
        audit.record(
            "registration_started",
            obj=user,
            request=request,
            channel=contact.channel,
            consent=CONSENT_VERSION,
        )
    issue_code(user, Purpose.REGISTER, contact.channel, request=request)
    return user


def issue_registration_code(user: User, *, request=None) -> OneTimeCode:
    """A new code for a registration not yet verified (the first one expired or got lost)."""
    channel = OneTimeCode.Channel.EMAIL if user.email else OneTimeCode.Channel.SMS
    return issue_code(user, Purpose.REGISTER, channel, request=request)


def confirm_registration(user: User, code: str, *, request=None) -> User:
    """Check the registration code; the account becomes active with a verified contact."""
    verify_code(user, Purpose.REGISTER, code, request=request)
    now = timezone.now()
    if user.email:
        user.email_verified_at = now
    else:
        user.phone_verified_at = now
    user.is_active = True
    try:
        with transaction.atomic():
            user.save(update_fields=["is_active", "email_verified_at", "phone_verified_at"])
    except IntegrityError:
        # Someone verified the same contact a moment earlier.
        raise CodeError(
            "contact_taken",
            _("Số điện thoại hoặc e-mail này vừa được dùng cho một tài khoản khác."),
        ) from None
    audit.record("account_registered", actor=user, obj=user, request=request)
    log.info("accounts.local_account_registered")
    return user


def contact_of(user: User) -> Contact:
    return Contact(EMAIL, user.email) if user.email_verified_at else Contact(PHONE, user.phone)


def send_login_code(user: User, *, request=None) -> OneTimeCode:
    """The second step of a local login: a code to the account's verified contact."""
    return issue_code(user, Purpose.LOGIN, contact_of(user).channel, request=request)


def check_login_code(user: User, code: str, *, request=None) -> None:
    verify_code(user, Purpose.LOGIN, code, request=request)


def start_password_reset(contact: Contact, *, request=None) -> User | None:
    """Send a reset code if ``contact`` names an active local account (the caller says the
    same thing either way)."""
    user = find_local_account(contact)
    if user is None or not user.is_active:
        audit.record("password_reset_unknown", request=request, channel=contact.channel)
        return None
    issue_code(user, Purpose.RESET, contact.channel, request=request)
    return user


@transaction.atomic
def finish_password_reset(user: User, code: str, password: str, *, request=None) -> User:
    """Check the reset code, then set the new password (other sessions end with it)."""
    verify_code(user, Purpose.RESET, code, request=request)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("password_reset", actor=user, obj=user, request=request)
    return user


def _tell_already_registered(contact: Contact) -> None:
    text = _(
        "Có người vừa đăng ký tài khoản Cổng dịch vụ công motcua bằng số điện thoại hoặc "
        "e-mail này, nhưng nó đã có tài khoản. Nếu đó là bạn, hãy đăng nhập, hoặc dùng "
        "\u201cQuên mật khẩu\u201d. Nếu không phải bạn, hãy bỏ qua tin này."
    )
    try:
        if contact.kind == EMAIL:
            send_email(contact.value, _("Tài khoản của bạn đã có trên cổng"), text)
        else:
            send_sms(contact.value, text)
    except DeliveryError:
        log.warning("accounts.duplicate_notice_failed")


def purge_unverified_registrations(*, older_than_hours: int = 48) -> int:
    """Delete accounts registered but never verified, with their codes (data minimisation)."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    stale = User.objects.citizens().filter(
        is_active=False,
        last_login__isnull=True,
        email_verified_at__isnull=True,
        phone_verified_at__isnull=True,
        date_joined__lt=cutoff,
    )
    count = 0
    for user in stale.iterator():
        with transaction.atomic():
            Person.objects.filter(user=user).delete()
            user.delete()
        count += 1
    if count:
        log.info("accounts.unverified_registrations_purged", count=count)
    return count
