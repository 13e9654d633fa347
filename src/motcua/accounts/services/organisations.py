"""Organisations and their members. Every change is audited with who acted for which
organisation; only its representative and account managers change its members."""

from __future__ import annotations

import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.integrations.business import BusinessRegistryUnavailable, get_registry

from ..models import (
    MANAGING_ROLES,
    IdentityDocument,
    MemberRole,
    Membership,
    Organisation,
    Person,
    User,
)
from .eid import resolve_commune

log = structlog.get_logger(__name__)


class OrganisationError(Exception):
    """A refused change; ``field`` names the form field it is about (or None)."""

    def __init__(self, code: str, message_vi: str, *, field: str | None = None):
        self.code = code
        self.message_vi = message_vi
        self.field = field
        super().__init__(code)


def person_with_pid(pid: str) -> Person | None:
    """The portal account holding ``pid`` as its active personal identification number."""
    document = (
        IdentityDocument.objects.select_related("person__user")
        .filter(kind=IdentityDocument.Kind.PID, number=pid, is_active=True)
        .first()
    )
    return document.person if document else None


def register_organisation(*, person: Person, tax_code: str, request=None) -> Organisation:
    """Register the organisation with ``tax_code`` (normalised) with ``person`` as its legal
    representative, as the national business registry confirms."""
    if Organisation.objects.filter(tax_code=tax_code).exists():
        raise OrganisationError(
            "exists",
            _(
                "Tổ chức có mã số thuế này đã có tài khoản trên cổng. Hãy đề nghị người đại "
                "diện theo pháp luật thêm bạn làm thành viên."
            ),
            field="tax_code",
        )
    pid = person.active_pid
    if pid is None:
        raise OrganisationError(
            "no_pid",
            _("Bạn cần đăng nhập bằng VNeID mức 2 để đăng ký tài khoản tổ chức."),
        )
    try:
        record = get_registry().lookup(tax_code)
    except BusinessRegistryUnavailable as error:
        raise OrganisationError(
            "registry_unavailable",
            _(
                "Chưa kiểm tra được mã số thuế với Cơ sở dữ liệu quốc gia về đăng ký doanh "
                "nghiệp (%(reason)s). Bạn chưa mất gì; hãy thử lại sau ít phút."
            )
            % {"reason": error.reason_vi},
        ) from None
    if record is None:
        raise OrganisationError(
            "unknown",
            _("Không có tổ chức nào mang mã số thuế này trong cơ sở dữ liệu đăng ký doanh nghiệp."),
            field="tax_code",
        )
    if not record.is_active:
        raise OrganisationError(
            "inactive",
            _(
                "Tổ chức này không còn hoạt động theo cơ sở dữ liệu đăng ký doanh nghiệp "
                "(tình trạng: %(status)s), nên không đăng ký tài khoản được."
            )
            % {"status": record.status},
            field="tax_code",
        )
    if record.representative_pid != pid.number:
        raise OrganisationError(
            "not_representative",
            _(
                "Theo cơ sở dữ liệu đăng ký doanh nghiệp, bạn không phải người đại diện theo "
                "pháp luật của tổ chức này. Chỉ người đại diện đăng ký được; người đó có thể "
                "thêm bạn làm thành viên."
            ),
            field="tax_code",
        )
    commune, _mapped = resolve_commune(record.commune_code)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            tax_code=tax_code,
            name=record.name,
            kind=record.kind,
            address=record.address,
            commune=commune,
            registry_source=get_registry().id,
            verified_at=timezone.now(),
        )
        membership = Membership.objects.create(
            organisation=organisation,
            person=person,
            role=MemberRole.REPRESENTATIVE,
            added_by=person.user,
        )
        audit.record(
            "organisation_registered",
            actor=person.user,
            obj=organisation,
            request=request,
            on_behalf_of_organisation=organisation,
            membership=membership.pk,
        )
    log.info("accounts.organisation_registered", organisation_id=organisation.pk)
    return organisation


def _require_manager(actor: User, organisation: Organisation) -> Membership:
    membership = (
        Membership.objects.active()
        .filter(organisation=organisation, person__user=actor)
        .select_related("person")
        .first()
    )
    if membership is None or not membership.manages:
        raise OrganisationError(
            "forbidden",
            _("Chỉ người đại diện theo pháp luật hoặc người quản lý tài khoản tổ chức làm được."),
        )
    return membership


@transaction.atomic
def add_member(
    *, actor: User, organisation: Organisation, pid: str, role: str, request=None
) -> Membership:
    _require_manager(actor, organisation)
    if role == MemberRole.REPRESENTATIVE:
        raise OrganisationError(
            "role", _("Người đại diện theo pháp luật chỉ do cơ sở dữ liệu xác định."), field="role"
        )
    person = person_with_pid(pid)
    if person is None:
        raise OrganisationError(
            "no_account",
            _(
                "Chưa có ai dùng số định danh này trên cổng. Hãy đề nghị người đó đăng nhập "
                "bằng VNeID một lần rồi thêm lại."
            ),
            field="pid",
        )
    if Membership.objects.active().filter(organisation=organisation, person=person).exists():
        raise OrganisationError(
            "already_member", _("Người này đã là thành viên của tổ chức."), field="pid"
        )
    membership = Membership.objects.create(
        organisation=organisation, person=person, role=role, added_by=actor
    )
    audit.record(
        "member_added",
        actor=actor,
        obj=organisation,
        request=request,
        on_behalf_of_organisation=organisation,
        membership=membership.pk,
        role=role,
    )
    return membership


@transaction.atomic
def change_member_role(
    *, actor: User, membership: Membership, role: str, request=None
) -> Membership:
    manager = _require_manager(actor, membership.organisation)
    _check_changeable(manager, membership)
    if role not in (MemberRole.ADMIN, MemberRole.MEMBER):
        raise OrganisationError("role", _("Vai trò không hợp lệ."), field="role")
    previous, membership.role = membership.role, role
    membership.save(update_fields=["role", "updated_at"])
    audit.record(
        "member_role_changed",
        actor=actor,
        obj=membership.organisation,
        request=request,
        on_behalf_of_organisation=membership.organisation,
        membership=membership.pk,
        role=role,
        previous_role=previous,
    )
    return membership


@transaction.atomic
def remove_member(*, actor: User, membership: Membership, request=None) -> Membership:
    manager = _require_manager(actor, membership.organisation)
    _check_changeable(manager, membership)
    membership.removed_at = timezone.now()
    membership.removed_by = actor
    membership.save(update_fields=["removed_at", "removed_by", "updated_at"])
    audit.record(
        "member_removed",
        actor=actor,
        obj=membership.organisation,
        request=request,
        on_behalf_of_organisation=membership.organisation,
        membership=membership.pk,
    )
    return membership


def _check_changeable(manager: Membership, membership: Membership) -> None:
    if membership.removed_at is not None:
        raise OrganisationError("removed", _("Người này không còn là thành viên."))
    if membership.role == MemberRole.REPRESENTATIVE:
        raise OrganisationError(
            "representative",
            _("Không thay đổi được người đại diện theo pháp luật trên cổng."),
        )
    if membership.pk == manager.pk:
        raise OrganisationError("self", _("Bạn không tự thay đổi vai trò của mình được."))
    if membership.role in MANAGING_ROLES and manager.role != MemberRole.REPRESENTATIVE:
        raise OrganisationError(
            "forbidden", _("Chỉ người đại diện theo pháp luật thay đổi được người quản lý.")
        )
