"""Organisation accounts, their members, delegations, and choosing on whose behalf to act.

Every object is looked up through the person asking (``selectors.*_for``): what they may not
see does not exist for them (404). What they may see but not change answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core import audit

from .. import acting, selectors, sessions
from ..decorators import citizen_required
from ..forms import DelegationForm, MemberAddForm, MemberRoleForm, OrganisationRegisterForm
from ..models import Organisation, Person
from ..services import delegations as delegation_services
from ..services import organisations as organisation_services
from ..services.organisations import OrganisationError


def _person(request) -> Person | None:
    return selectors.person_of(request.user)


def _forbidden(request, message: str) -> HttpResponse:
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


@never_cache
@citizen_required
@require_http_methods(["GET"])
def organisations(request: HttpRequest) -> HttpResponse:
    context = {
        "memberships": selectors.memberships_of(request.user),
        "form": OrganisationRegisterForm(),
        "can_register": _may_register(request),
    }
    return render(request, "accounts/organisations.html", context)


def _may_register(request) -> bool:
    level = sessions.assurance(request)
    person = _person(request)
    return bool(level and level.level >= 2 and person and person.active_pid)


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def organisation_register(request: HttpRequest) -> HttpResponse:
    """Register an organisation by tax code: level-2 e-ID, as its legal representative."""
    if not _may_register(request):
        login_url = reverse("accounts:eid_login") + "?muc=2&next=" + request.path
        return render(
            request, "accounts/organisation_needs_level2.html", {"login_url": login_url}, status=403
        )
    form = OrganisationRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_services.register_organisation(
                person=_person(request), tax_code=form.cleaned_data["tax_code"], request=request
            )
        except OrganisationError as error:
            form.add_problem(error.field, error.message_vi)
            status = 400
        else:
            messages.success(
                request, _("Đã đăng ký tài khoản tổ chức %(name)s.") % {"name": organisation.name}
            )
            return redirect("accounts:organisation", public_id=organisation.public_id)
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/organisation_register.html", {"form": form}, status=status)


def _membership_or_404(request, public_id):
    membership = selectors.membership_for(request.user, public_id)
    if membership is None:
        raise Http404
    return membership


@never_cache
@citizen_required
@require_http_methods(["GET"])
def organisation(request: HttpRequest, public_id) -> HttpResponse:
    own = _membership_or_404(request, public_id)
    org = own.organisation
    context = {
        "organisation": org,
        "own": own,
        "members": selectors.members_of(org),
        "delegations": selectors.delegations_given_by(org) if own.manages else [],
        "add_form": MemberAddForm(),
    }
    return render(request, "accounts/organisation.html", context)


@never_cache
@citizen_required
@require_POST
def member_add(request: HttpRequest, public_id) -> HttpResponse:
    own = _membership_or_404(request, public_id)
    org = own.organisation
    if not own.manages:
        return _forbidden(request, _("Chỉ người đại diện hoặc người quản lý thêm thành viên được."))
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            organisation_services.add_member(
                actor=request.user,
                organisation=org,
                pid=form.cleaned_data["pid"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except OrganisationError as error:
            form.add_problem(error.field, error.message_vi)
        else:
            messages.success(request, _("Đã thêm thành viên."))
            return redirect("accounts:organisation", public_id=org.public_id)
    context = {
        "organisation": org,
        "own": own,
        "members": selectors.members_of(org),
        "delegations": selectors.delegations_given_by(org),
        "add_form": form,
    }
    return render(request, "accounts/organisation.html", context, status=400)


@never_cache
@citizen_required
@require_POST
def member_change(request: HttpRequest, public_id, member_id) -> HttpResponse:
    """Change a member's role (``role``) or remove them (``action=remove``)."""
    own = _membership_or_404(request, public_id)
    org = own.organisation
    target = selectors.member_of(org, member_id)
    if target is None:
        raise Http404
    if not own.manages:
        return _forbidden(request, _("Chỉ người đại diện hoặc người quản lý đổi được thành viên."))
    try:
        if request.POST.get("action") == "remove":
            organisation_services.remove_member(
                actor=request.user, membership=target, request=request
            )
            messages.success(
                request, _("Đã bỏ %(name)s khỏi tổ chức.") % {"name": target.person.full_name}
            )
        else:
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                raise OrganisationError("role", _("Vai trò không hợp lệ."))
            organisation_services.change_member_role(
                actor=request.user,
                membership=target,
                role=form.cleaned_data["role"],
                request=request,
            )
            messages.success(
                request, _("Đã đổi vai trò của %(name)s.") % {"name": target.person.full_name}
            )
    except OrganisationError as error:
        if error.code == "forbidden":
            return _forbidden(request, error.message_vi)
        messages.error(request, error.message_vi)
    return redirect("accounts:organisation", public_id=org.public_id)


# --- Delegations ----------------------------------------------------------------------------


@never_cache
@citizen_required
@require_http_methods(["GET"])
def delegations(request: HttpRequest) -> HttpResponse:
    visible = list(selectors.delegations_visible_to(request.user))
    person = _person(request)
    context = {
        "given": [
            d
            for d in visible
            if d.principal_person_id and person and d.principal_person_id == person.pk
        ],
        "received": [d for d in visible if person and d.agent_id == person.pk],
        "by_organisations": [d for d in visible if d.principal_organisation_id],
    }
    return render(request, "accounts/delegations.html", context)


def _principal(request) -> Person | Organisation | None:
    """The person, or the organisation of ``?to_chuc=`` (which the user must manage)."""
    org_id = request.GET.get("to_chuc") or request.POST.get("to_chuc")
    if not org_id:
        return _person(request)
    try:
        membership = selectors.membership_for(request.user, org_id)
    except (ValidationError, ValueError):  # a malformed id is simply not found
        membership = None
    if membership is None:
        raise Http404
    if not membership.manages:
        return None
    return membership.organisation


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def delegation_new(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if principal is None:
        return _forbidden(request, _("Chỉ người đại diện hoặc người quản lý ủy quyền được."))
    initial = {}
    if request.GET.get("thu_tuc"):
        initial["procedures"] = request.GET["thu_tuc"][:200]
    form = DelegationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delegation = delegation_services.delegate(
                actor=request.user,
                principal=principal,
                agent_pid=data["agent_pid"],
                procedures=data["procedures"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                note=data["note"],
                request=request,
            )
        except delegation_services.DelegationErrors as errors:
            for error in errors.errors:
                form.add_problem(error.field, error.message_vi)
            status = 400
        except OrganisationError as error:
            form.add_problem(error.field, error.message_vi)
            status = 400
        else:
            messages.success(
                request, _("Đã ủy quyền cho %(name)s.") % {"name": delegation.agent.full_name}
            )
            return redirect("accounts:delegation", public_id=delegation.public_id)
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "principal": principal,
        "organisation": principal if isinstance(principal, Organisation) else None,
    }
    return render(request, "accounts/delegation_new.html", context, status=status)


def _delegation_or_404(request, public_id):
    delegation = selectors.delegation_for(request.user, public_id)
    if delegation is None:
        raise Http404
    return delegation


@never_cache
@citizen_required
@require_http_methods(["GET"])
def delegation(request: HttpRequest, public_id) -> HttpResponse:
    item = _delegation_or_404(request, public_id)
    person = _person(request)
    context = {
        "delegation": item,
        "is_agent": person is not None and item.agent_id == person.pk,
        "may_revoke": delegation_services.may_revoke(request.user, item),
        "history": audit_history(item),
    }
    return render(request, "accounts/delegation.html", context)


def audit_history(item) -> list:
    from motcua.core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(object_type=item._meta.label_lower, object_id=str(item.pk))
        .select_related("actor")
        .order_by("at")
    )


@never_cache
@citizen_required
@require_POST
def delegation_revoke(request: HttpRequest, public_id) -> HttpResponse:
    item = _delegation_or_404(request, public_id)
    if not delegation_services.may_revoke(request.user, item):
        return _forbidden(request, _("Chỉ bên ủy quyền thu hồi được ủy quyền."))
    try:
        delegation_services.revoke(actor=request.user, delegation=item, request=request)
    except OrganisationError as error:
        messages.error(request, error.message_vi)
    else:
        messages.success(request, _("Đã thu hồi ủy quyền."))
    return redirect("accounts:delegation", public_id=item.public_id)


@never_cache
@citizen_required
@require_POST
def delegation_renounce(request: HttpRequest, public_id) -> HttpResponse:
    item = _delegation_or_404(request, public_id)
    person = _person(request)
    if person is None or item.agent_id != person.pk:
        return _forbidden(request, _("Chỉ người được ủy quyền từ chối được."))
    try:
        delegation_services.renounce(actor=request.user, delegation=item, request=request)
    except OrganisationError as error:
        messages.error(request, error.message_vi)
    else:
        messages.success(request, _("Bạn đã từ chối ủy quyền này."))
    return redirect("accounts:delegation", public_id=item.public_id)


# --- On whose behalf ------------------------------------------------------------------------


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def acting_choose(request: HttpRequest) -> HttpResponse:
    """Choose whether to work for oneself, an organisation, or someone who delegated."""
    choices = acting.options(request.user)
    current = acting.current(request)
    if request.method == "POST":
        chosen = acting.choose(request, request.POST.get("key", ""))
        if chosen is None:
            return _forbidden(request, _("Bạn không thể làm việc thay mặt người hoặc tổ chức này."))
        audit.record(
            "acting_changed",
            actor=request.user,
            obj=request.user,
            request=request,
            key_kind=chosen.key.split(":")[0],
            **chosen.audit_fields(),
        )
        messages.success(
            request, _("Bạn đang làm việc với tư cách: %(label)s.") % {"label": chosen.label}
        )
        return redirect(reverse("accounts:acting"))
    return render(request, "accounts/acting.html", {"choices": choices, "current": current})
