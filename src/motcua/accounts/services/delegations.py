"""Delegation (ủy quyền): give, revoke, renounce. Each change is audited with the principal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core import audit

from ..models import Delegation, Membership, Organisation, Person, User
from ..models.delegations import today
from .organisations import OrganisationError, person_with_pid

#: The longest a delegation may run; a longer one must be given again.
MAX_YEARS = 5


class DelegationError(OrganisationError):
    """A refused delegation; ``field`` names the form field it is about (or None)."""


def may_delegate_for(user: User, organisation: Organisation) -> bool:
    return (
        Membership.objects.active()
        .filter(organisation=organisation, person__user=user, role__in=("representative", "admin"))
        .exists()
    )


@transaction.atomic
def delegate(
    *,
    actor: User,
    principal: Person | Organisation,
    agent_pid: str,
    procedures: Sequence[Procedure],
    valid_from: date,
    valid_until: date,
    note: str = "",
    request=None,
) -> Delegation:
    """``principal`` lets the holder of ``agent_pid`` act for it for ``procedures``."""
    errors: list[DelegationError] = []
    is_org = isinstance(principal, Organisation)
    if is_org and not may_delegate_for(actor, principal):
        raise DelegationError(
            "forbidden",
            _("Chỉ người đại diện hoặc người quản lý tài khoản tổ chức ủy quyền được."),
        )
    if not is_org and principal.user_id != actor.pk:
        raise DelegationError("forbidden", _("Bạn chỉ ủy quyền được cho việc của chính mình."))
    agent = person_with_pid(agent_pid)
    if agent is None:
        errors.append(
            DelegationError(
                "no_account",
                _(
                    "Chưa có ai dùng số định danh này trên cổng. Hãy đề nghị người được ủy "
                    "quyền đăng nhập bằng VNeID một lần."
                ),
                field="agent_pid",
            )
        )
    elif not is_org and agent.pk == principal.pk:
        errors.append(
            DelegationError("self", _("Bạn không ủy quyền cho chính mình."), field="agent_pid")
        )
    if not procedures:
        errors.append(
            DelegationError(
                "procedures", _("Hãy chọn ít nhất một thủ tục được ủy quyền."), field="procedures"
            )
        )
    if valid_from < today():
        errors.append(
            DelegationError("past", _("Ngày bắt đầu không được trước hôm nay."), field="valid_from")
        )
    if valid_until < valid_from:
        errors.append(
            DelegationError(
                "order", _("Ngày hết hạn phải từ ngày bắt đầu trở đi."), field="valid_until"
            )
        )
    elif valid_until > valid_from + timedelta(days=365 * MAX_YEARS + 1):
        errors.append(
            DelegationError(
                "too_long",
                _("Ủy quyền trên cổng dài nhất %(years)s năm.") % {"years": MAX_YEARS},
                field="valid_until",
            )
        )
    if errors:
        raise DelegationErrors(errors)
    delegation = Delegation.objects.create(
        principal_person=None if is_org else principal,
        principal_organisation=principal if is_org else None,
        agent=agent,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
        created_by=actor,
    )
    delegation.procedures.set(procedures)
    audit.record(
        "delegation_created",
        actor=actor,
        obj=delegation,
        request=request,
        on_behalf_of=None if is_org else actor,
        on_behalf_of_organisation=principal if is_org else None,
        agent_person=agent.pk,
        procedures=[p.code for p in procedures],
        valid_until=valid_until.isoformat(),
    )
    return delegation


class DelegationErrors(DelegationError):
    """Several problems with one delegation form, all reported at once."""

    def __init__(self, errors: list[DelegationError]):
        self.errors = errors
        super().__init__("invalid", "; ".join(e.message_vi for e in errors))


def may_revoke(user: User, delegation: Delegation) -> bool:
    if delegation.principal_person_id:
        return delegation.principal_person.user_id == user.pk
    return may_delegate_for(user, delegation.principal_organisation)


@transaction.atomic
def revoke(*, actor: User, delegation: Delegation, request=None) -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if not may_revoke(actor, delegation):
        raise DelegationError("forbidden", _("Chỉ bên ủy quyền thu hồi được ủy quyền."))
    if delegation.is_ended:
        raise DelegationError("ended", _("Ủy quyền này đã kết thúc."))
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = actor
    delegation.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit.record(
        "delegation_revoked",
        actor=actor,
        obj=delegation,
        request=request,
        on_behalf_of=actor if delegation.principal_person_id else None,
        on_behalf_of_organisation=delegation.principal_organisation,
    )
    return delegation


@transaction.atomic
def renounce(*, actor: User, delegation: Delegation, request=None) -> Delegation:
    """The agent declines the delegation (it ends for good)."""
    delegation = (
        Delegation.objects.select_for_update().select_related("agent").get(pk=delegation.pk)
    )
    if delegation.agent.user_id != actor.pk:
        raise DelegationError("forbidden", _("Chỉ người được ủy quyền từ chối được."))
    if delegation.is_ended:
        raise DelegationError("ended", _("Ủy quyền này đã kết thúc."))
    delegation.renounced_at = timezone.now()
    delegation.save(update_fields=["renounced_at", "updated_at"])
    audit.record("delegation_renounced", actor=actor, obj=delegation, request=request)
    return delegation
