"""The login page (e-ID first, a local account beside it), registration with a one-time code,
the code step of a local login, and password reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.security import address_lockout_response, too_many_failures_from_address

from .. import sessions
from ..backends import BACKEND_CONTACT, CITIZEN_PORTAL
from ..contacts import mask
from ..forms import (
    CodeForm,
    LocalLoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegistrationForm,
)
from ..models import User
from ..services import local
from ..services.codes import CodeError
from .eid import safe_next

REGISTRATION_KEY = "motcua_registration"
RESET_KEY = "motcua_password_reset"
LOCAL_KIND = "local"


def _code_error(response_form, error: CodeError) -> None:
    response_form.add_problem("code" if "code" in response_form.fields else None, error.message_vi)


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1 of a local login (password); the e-ID button is on the same page."""
    next_url = safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if request.user.is_authenticated and request.user.is_citizen:
        return redirect(next_url)
    if request.method == "POST" and too_many_failures_from_address(request):
        return address_lockout_response(request)
    form = LocalLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["username"]
        user = authenticate(
            request,
            username=contact.value,
            password=form.cleaned_data["password"],
            portal=CITIZEN_PORTAL,
        )
        if user is None:
            form.add_problem(
                None,
                _("Số điện thoại/e-mail hoặc mật khẩu chưa đúng. Hãy kiểm tra rồi thử lại."),
            )
            status = 400
        else:
            sessions.begin_pending(request, user, kind=LOCAL_KIND, next_url=next_url)
            try:
                local.send_login_code(user, request=request)
            except CodeError as error:
                if error.code != "too_soon":  # a code sent a moment ago still works
                    sessions.drop_pending(request)
                    form.add_problem(None, error.message_vi)
                    return _login_page(request, form, next_url, status=429)
            return redirect("accounts:login_code")
    elif request.method == "POST":
        status = 400
    return _login_page(request, form, next_url, status=status)


def _login_page(request, form, next_url, *, status=200):
    context = {"form": form, "next": next_url, "eid_url": reverse("accounts:eid_login")}
    return render(request, "accounts/login.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2 of a local login: the code sent to the account's phone or e-mail."""
    user = sessions.pending_user(request, LOCAL_KIND)
    if user is None:
        messages.info(request, _("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            local.check_login_code(user, form.cleaned_data["code"], request=request)
        except CodeError as error:
            _code_error(form, error)
            status = 400
            if sessions.count_failure(request):
                messages.error(request, _("Bạn đã nhập sai quá nhiều lần. Hãy đăng nhập lại."))
                return redirect("accounts:login")
        else:
            next_url = sessions.pending_next(request)
            sessions.complete_login(
                request, user, backend=BACKEND_CONTACT, method=sessions.METHOD_LOCAL, level=0
            )
            return redirect(next_url or "accounts:profile")
    elif request.method == "POST":
        status = 400
    contact = local.contact_of(user)
    context = {
        "form": form,
        "destination": contact.masked,
        "channel": contact.channel,
        "resend_url": reverse("accounts:login_code_resend"),
        "purpose": "login",
    }
    return render(request, "accounts/code.html", context, status=status)


@never_cache
@require_POST
def login_code_resend(request: HttpRequest) -> HttpResponse:
    user = sessions.pending_user(request, LOCAL_KIND)
    if user is None:
        return redirect("accounts:login")
    try:
        local.send_login_code(user, request=request)
    except CodeError as error:
        messages.error(request, error.message_vi)
    else:
        messages.success(request, _("Đã gửi mã mới."))
    return redirect("accounts:login_code")


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_citizen:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        try:
            user = local.register(
                contact=contact,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except CodeError as error:
            form.add_problem("contact", error.message_vi)
            status = 429 if error.retry_after else 400
        else:
            request.session.cycle_key()
            request.session[REGISTRATION_KEY] = {
                "user": user.pk if user else None,
                "to": contact.masked,
                "channel": contact.channel,
            }
            return redirect("accounts:register_code")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/register.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def register_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(REGISTRATION_KEY)
    if not pending:
        return redirect("accounts:register")
    user = (
        User.objects.filter(pk=pending["user"], is_active=False).first()
        if pending.get("user")
        else None
    )
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if user is None:  # the contact had an account already: no code was sent
                raise CodeError("invalid", _("Mã không đúng."))
            local.confirm_registration(user, form.cleaned_data["code"], request=request)
        except CodeError as error:
            _code_error(form, error)
            status = 400
        else:
            request.session.pop(REGISTRATION_KEY, None)
            sessions.complete_login(
                request, user, backend=BACKEND_CONTACT, method=sessions.METHOD_LOCAL, level=0
            )
            messages.success(
                request,
                _(
                    "Đã tạo tài khoản. Bạn có thể liên kết với VNeID để thông tin được xác "
                    "thực và không phải khai lại."
                ),
            )
            return redirect("accounts:profile")
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "destination": pending["to"],
        "channel": pending["channel"],
        "resend_url": reverse("accounts:register_code_resend"),
        "purpose": "register",
    }
    return render(request, "accounts/code.html", context, status=status)


@never_cache
@require_POST
def register_code_resend(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(REGISTRATION_KEY) or {}
    user = User.objects.filter(pk=pending.get("user"), is_active=False).first()
    if user is not None:
        try:
            local.issue_registration_code(user, request=request)
        except CodeError as error:
            messages.error(request, error.message_vi)
            return redirect("accounts:register_code")
    if pending:
        messages.success(request, _("Đã gửi mã mới."))
    return redirect("accounts:register_code")


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        try:
            user = local.start_password_reset(contact, request=request)
        except CodeError as error:
            form.add_problem("contact", error.message_vi)
            status = 429 if error.retry_after else 400
        else:
            request.session.cycle_key()
            request.session[RESET_KEY] = {
                "user": user.pk if user else None,
                "to": mask(contact.value),
                "channel": contact.channel,
            }
            return redirect("accounts:password_reset_confirm")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(RESET_KEY)
    if not pending:
        return redirect("accounts:password_reset")
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    form = PasswordResetForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if user is None:
                raise CodeError("invalid", _("Mã không đúng."))
            local.finish_password_reset(
                user, form.cleaned_data["code"], form.cleaned_data["password1"], request=request
            )
        except CodeError as error:
            _code_error(form, error)
            status = 400
        else:
            request.session.pop(RESET_KEY, None)
            messages.success(request, _("Đã đặt mật khẩu mới. Hãy đăng nhập."))
            return redirect("accounts:login")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "destination": pending["to"], "channel": pending["channel"]}
    return render(request, "accounts/password_reset_confirm.html", context, status=status)
