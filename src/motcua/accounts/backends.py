"""Authentication backends, one per way in. Each answers only the login page it belongs to
(``portal=`` passed to ``authenticate()``), so a staff password typed on the citizens' page, or
a citizen's on the staff page, is simply wrong.

All subclass Django's ModelBackend for permission checks, through ``AccountBackend`` whose
``get_user`` (on every request of a signed-in session) reads the account with a statement built
once; django-axes' backend comes first in ``AUTHENTICATION_BACKENDS`` and counts every failure.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Q

from motcua.core import rows

from .contacts import EMAIL, parse_contact
from .models import AccountType, User

CITIZEN_PORTAL = "citizen"
STAFF_PORTAL = "staff"


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user = rows.by_pk(User, user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class EidBackend(AccountBackend):
    """The backend an e-ID login is recorded with. It checks no password: the e-ID provider
    authenticated the person, and ``accounts.views`` logs them in after verifying the token."""

    def authenticate(self, request, **kwargs):
        return None


class ContactBackend(AccountBackend):
    """A local citizen account: its verified phone number or e-mail address, and a password."""

    def authenticate(self, request, username=None, password=None, portal=None, **kwargs):
        if portal != CITIZEN_PORTAL or not username or not password:
            return None
        try:
            contact = parse_contact(username)
        except ValidationError:  # a malformed name is a failed login, not an error
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        user = find_local_account(contact)
        if user is None:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class StaffBackend(AccountBackend):
    """A staff account: username and password (the second factor follows in the view)."""

    def authenticate(self, request, username=None, password=None, portal=None, **kwargs):
        if portal != STAFF_PORTAL:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and user.account_type == AccountType.STAFF:
            return user
        return None


def contact_condition(contact, *, verified: bool) -> Q:
    """Accounts registered with this contact, verified or not yet."""
    if contact.kind == EMAIL:
        return Q(email__iexact=contact.value, email_verified_at__isnull=not verified)
    return Q(phone=contact.value, phone_verified_at__isnull=not verified)


def find_local_account(contact) -> User | None:
    """The citizen account whose verified contact this is."""
    return User.objects.citizens().filter(contact_condition(contact, verified=True)).first()


BACKEND_EID = f"{EidBackend.__module__}.{EidBackend.__qualname__}"
BACKEND_CONTACT = f"{ContactBackend.__module__}.{ContactBackend.__qualname__}"
BACKEND_STAFF = f"{StaffBackend.__module__}.{StaffBackend.__qualname__}"
