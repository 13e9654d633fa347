"""Staff login: password, then the second factor (set up at the first login), and the
invitation link that sets the password. The session is authenticated only after both steps."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from motcua.accounts import sessions
from motcua.accounts.backends import BACKEND_STAFF, STAFF_PORTAL
from motcua.accounts.decorators import staff_required
from motcua.accounts.models import User
from motcua.accounts.services import mfa
from motcua.accounts.services import staff as staff_services
from motcua.accounts.services.mfa import MfaError
from motcua.accounts.views.eid import safe_next
from motcua.core import audit
from motcua.core.security import address_lockout_response, too_many_failures_from_address

from ..forms import ActivationForm, EnrolForm, SecondFactorForm, StaffLoginForm

KIND = "staff"
RECOVERY_KEY = "motcua_recovery_codes"


def _next(request) -> str:
    return safe_next(request, request.GET.get("next"), default=reverse("backoffice:home"))


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_staff_member:
        return redirect(_next(request))
    if request.method == "POST" and too_many_failures_from_address(request):
        return address_lockout_response(request)
    form = StaffLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            portal=STAFF_PORTAL,
        )
        if user is None:
            form.add_problem(None, _("Tên đăng nhập hoặc mật khẩu chưa đúng."))
            status = 400
        else:
            sessions.begin_pending(request, user, kind=KIND, next_url=_next(request))
            if mfa.has_mfa(user):
                return redirect("backoffice:second_factor")
            return redirect("backoffice:enrol")
    elif request.method == "POST":
        status = 400
    return render(request, "backoffice/login.html", {"form": form}, status=status)


def _expired(request) -> HttpResponse:
    messages.info(request, _("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."))
    return redirect("backoffice:login")


def _finish(request, user: User, device) -> HttpResponse:
    next_url = sessions.pending_next(request)
    sessions.complete_login(
        request, user, backend=BACKEND_STAFF, method=sessions.METHOD_STAFF, level=2
    )
    django_otp.login(request, device)
    return redirect(next_url or "backoffice:home")


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user = sessions.pending_user(request, KIND)
    if user is None:
        return _expired(request)
    if not mfa.has_mfa(user):
        return redirect("backoffice:enrol")
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.verify(user, form.cleaned_data["code"], request=request)
        except MfaError as error:
            form.add_problem("code", error.message_vi)
            status = 400
            if sessions.count_failure(request):
                audit.record("mfa_locked", actor=user, obj=user, request=request)
                messages.error(request, _("Bạn đã nhập sai quá nhiều lần. Hãy đăng nhập lại."))
                return redirect("backoffice:login")
        else:
            return _finish(request, user, device)
    elif request.method == "POST":
        status = 400
    return render(request, "backoffice/second_factor.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First login: add the account to an authenticator app, confirm with its first code."""
    user = sessions.pending_user(request, KIND)
    if user is None:
        return _expired(request)
    if mfa.has_mfa(user):
        return redirect("backoffice:second_factor")
    device = mfa.enrolment_device(user)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.confirm_enrolment(user, device, form.cleaned_data["code"], request=request)
        except MfaError as error:
            form.add_problem("code", error.message_vi)
            status = 400
            if sessions.count_failure(request):
                messages.error(request, _("Bạn đã nhập sai quá nhiều lần. Hãy đăng nhập lại."))
                return redirect("backoffice:login")
        else:
            _finish(request, user, device)
            request.session[RECOVERY_KEY] = codes
            return redirect("backoffice:recovery_codes")
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "qr_svg": mfa.qr_svg(device),
        "secret": mfa.secret_base32(device),
        "username": user.username,
    }
    return render(request, "backoffice/enrol.html", context, status=status)


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once (after enrolment, or when asked for a new set)."""
    if request.method == "POST":
        request.session[RECOVERY_KEY] = mfa.new_recovery_codes(request.user)
        audit.record("mfa_recovery_codes_renewed", obj=request.user, request=request)
        return redirect("backoffice:recovery_codes")
    codes = request.session.pop(RECOVERY_KEY, None)
    context = {"codes": codes, "left": mfa.recovery_codes_left(request.user)}
    return render(request, "backoffice/recovery_codes.html", context)


def _invited_user(uidb64: str, token: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.staff().filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation link: set the password (the link then stops working)."""
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "backoffice/activation_invalid.html", status=400)
    form = ActivationForm(user, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        staff_services.activate(user, form.cleaned_data["password1"], request=request)
        messages.success(
            request,
            _("Đã đặt mật khẩu. Hãy đăng nhập; hệ thống sẽ hướng dẫn cài mã xác thực hai lớp."),
        )
        return redirect("backoffice:login")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "staff": user}
    return render(request, "backoffice/activate.html", context, status=status)
