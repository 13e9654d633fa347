"""Login, logout, failed login and lockout into the audit log. Connected in CoreConfig.ready()."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from . import audit


def _path(request) -> str:
    return getattr(request, "path", "") if request is not None else ""


def _known_user(username: str | None):
    """The account a login name names: a staff username, or a citizen's verified contact."""
    if not username:
        return None
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
    if user is None:
        from django.core.exceptions import ValidationError

        from motcua.accounts.backends import find_local_account
        from motcua.accounts.contacts import parse_contact

        try:
            user = find_local_account(parse_contact(username))
        except ValidationError:
            return None
    return user


def on_logged_in(sender, request, user, **kwargs):
    audit.record(
        "login",
        actor=user,
        obj=user,
        request=request,
        backend=getattr(user, "backend", ""),
        path=_path(request),
    )


def on_logged_out(sender, request, user, **kwargs):
    audit.record("logout", actor=user, obj=user, request=request, path=_path(request))


def on_login_failed(sender, credentials, request=None, **kwargs):
    """Django has already masked the password in ``credentials``; none of it is kept anyway.

    The account aimed at is the entry's object when it exists; the name typed is kept only as
    a keyed hash. The actor is unknown: whoever typed it is not known to be the account holder.
    """
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    target = _known_user(username)
    audit.record(
        "login_failed",
        obj=target,
        request=request,
        username_hash=audit.username_hash(username or ""),
        known_user=target is not None,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
        path=_path(request),
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes locked a username + address out after too many failures."""
    target = _known_user(username)
    audit.record(
        "lockout",
        obj=target,
        request=request,
        username_hash=audit.username_hash(username or ""),
        known_user=target is not None,
        failures=getattr(request, "axes_failures_since_start", None),
        path=_path(request),
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="motcua.core.audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="motcua.core.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="motcua.core.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="motcua.core.audit.lockout")
