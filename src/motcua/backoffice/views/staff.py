"""Agency administrators manage their staff here: list, add (an invitation is e-mailed),
roles, lock, reset the second factor. Leaders and supervisors read the same pages.

A staff member outside the reader's reach does not exist for them (404); one they may read
but not change answers 403 to a change.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.access import scope_of
from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission, Role, RoleAssignment, User
from motcua.accounts.services import mfa
from motcua.accounts.services import staff as staff_services
from motcua.accounts.services.staff import StaffError

from .. import selectors
from ..forms import RoleGrantForm, StaffCreateForm


def _forbidden(request, message: str) -> HttpResponse:
    return render(request, "backoffice/forbidden.html", {"message": message}, status=403)


def _member_or_404(request, public_id) -> User:
    member = selectors.staff_member(request.user, public_id)
    if member is None:
        raise Http404
    return member


def _grant_form(request, data=None) -> RoleGrantForm:
    scope = scope_of(request.user)
    return RoleGrantForm(
        data,
        agencies=scope.agencies(Permission.STAFF_MANAGE),
        roles=scope.grantable_roles(),
        prefix="grant",
    )


@never_cache
@staff_required(Permission.STAFF_VIEW)
@require_http_methods(["GET"])
def staff_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("vai_tro", "")
    role = role if role in Role.values else ""
    page = request.GET.get("trang", "1")
    context = {
        "page": selectors.staff_page(request.user, q=q, role=role, page=page),
        "q": q,
        "role": role,
        "roles": Role.choices,
        "can_manage": scope_of(request.user).has(Permission.STAFF_MANAGE),
    }
    return render(request, "backoffice/staff_list.html", context)


@never_cache
@staff_required(Permission.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    form = StaffCreateForm(
        request.POST or None,
        agencies=scope.agencies(Permission.STAFF_MANAGE),
        roles=scope.grantable_roles(),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = staff_services.create_staff(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
                agency=data["agency"],
                role=data["role"],
                request=request,
            )
        except StaffError as error:
            form.add_problem(error.field, error.message_vi)
            status = 400
        else:
            messages.success(
                request,
                _("Đã tạo tài khoản %(username)s và gửi thư mời đến %(email)s.")
                % {"username": member.username, "email": member.email},
            )
            return redirect("backoffice:staff_detail", public_id=member.public_id)
    elif request.method == "POST":
        status = 400
    return render(request, "backoffice/staff_create.html", {"form": form}, status=status)


def _detail(request, member: User, *, grant_form=None, status=200) -> HttpResponse:
    manages = staff_services.manages(request.user, member)
    scope = scope_of(request.user)
    roles = list(selectors.role_history(member))
    context = {
        "member": member,
        "active_roles": [r for r in roles if r.is_active],
        "revoked_roles": [r for r in roles if not r.is_active],
        "revocable": {r.pk for r in roles if r.is_active and scope.may_grant(r.role, r.agency)},
        "manages": manages,
        "grant_form": grant_form or (_grant_form(request) if manages else None),
        "has_mfa": mfa.has_mfa(member),
        "has_password": member.has_usable_password(),
        "events": selectors.audit_about(member),
        "is_self": member.pk == request.user.pk,
    }
    return render(request, "backoffice/staff_detail.html", context, status=status)


@never_cache
@staff_required(Permission.STAFF_VIEW)
@require_http_methods(["GET"])
def staff_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _detail(request, _member_or_404(request, public_id))


def _change(request, public_id, action) -> HttpResponse:
    """Run one change on a visible staff member; 403 when the reader may not change them."""
    member = _member_or_404(request, public_id)
    if not staff_services.manages(request.user, member):
        message = (
            _("Bạn không tự thay đổi tài khoản, vai trò của mình được.")
            if member.pk == request.user.pk
            else _("Bạn chỉ được xem, không được thay đổi cán bộ này.")
        )
        return _forbidden(request, message)
    try:
        result = action(member)
    except StaffError as error:
        if error.code in ("forbidden", "self", "grant_forbidden"):
            return _forbidden(request, error.message_vi)
        messages.error(request, error.message_vi)
        return redirect("backoffice:staff_detail", public_id=member.public_id)
    if isinstance(result, HttpResponse):
        return result
    messages.success(request, result)
    return redirect("backoffice:staff_detail", public_id=member.public_id)


@never_cache
@staff_required(Permission.STAFF_MANAGE)
@require_POST
def role_grant(request: HttpRequest, public_id) -> HttpResponse:
    def action(member):
        form = _grant_form(request, request.POST)
        if not form.is_valid():
            return _detail(request, member, grant_form=form, status=400)
        try:
            staff_services.grant_role(
                actor=request.user,
                user=member,
                role=form.cleaned_data["role"],
                agency=form.cleaned_data.get("agency"),
                procedures=form.cleaned_data.get("procedures") or (),
                request=request,
            )
        except StaffError as error:
            if error.code in ("forbidden", "self"):
                raise
            form.add_problem(error.field, error.message_vi)
            return _detail(request, member, grant_form=form, status=400)
        return _("Đã gán vai trò.")

    return _change(request, public_id, action)


@never_cache
@staff_required(Permission.STAFF_MANAGE)
@require_POST
def role_revoke(request: HttpRequest, public_id, assignment_id: int) -> HttpResponse:
    def action(member):
        assignment = get_object_or_404(RoleAssignment, pk=assignment_id, user=member)
        staff_services.revoke_role(actor=request.user, assignment=assignment, request=request)
        return _("Đã thu hồi vai trò %(role)s.") % {"role": assignment.get_role_display()}

    return _change(request, public_id, action)


@never_cache
@staff_required(Permission.STAFF_MANAGE)
@require_POST
def staff_lock(request: HttpRequest, public_id) -> HttpResponse:
    def action(member):
        active = request.POST.get("action") == "unlock"
        staff_services.set_active(actor=request.user, user=member, active=active, request=request)
        return _("Đã mở khóa tài khoản.") if active else _("Đã khóa tài khoản.")

    return _change(request, public_id, action)


@never_cache
@staff_required(Permission.STAFF_MANAGE)
@require_POST
def staff_reset_mfa(request: HttpRequest, public_id) -> HttpResponse:
    def action(member):
        staff_services.reset_mfa(actor=request.user, user=member, request=request)
        return _("Đã xóa mã xác thực hai lớp; lần đăng nhập tới cán bộ sẽ cài lại.")

    return _change(request, public_id, action)


@never_cache
@staff_required(Permission.STAFF_MANAGE)
@require_POST
def staff_reinvite(request: HttpRequest, public_id) -> HttpResponse:
    def action(member):
        staff_services.reinvite(actor=request.user, user=member, request=request)
        return _("Đã gửi lại thư mời đặt mật khẩu đến %(email)s.") % {"email": member.email}

    return _change(request, public_id, action)
