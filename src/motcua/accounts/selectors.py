"""Reads for account pages: what the portal holds about a person, and where each item came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .contacts import mask
from .models import (
    MANAGING_ROLES,
    Delegation,
    IdentityDocument,
    Membership,
    Organisation,
    Person,
    User,
)
from .models.people import SOURCE_SELF

SOURCE_LABELS = {"vneid": "VNeID"}


@dataclass(frozen=True)
class ProfileRow:
    label: str
    value: str
    #: For numbers: the digits that may be shown (the last four); the rest is masked.
    masked_tail: str = ""
    source: str = ""


def person_of(user: User) -> Person | None:
    if not user.is_authenticated:
        return None
    return (
        Person.objects.select_related("commune__province")
        .prefetch_related("documents")
        .filter(user=user)
        .first()
    )


def describe_source(entry: dict[str, Any] | None) -> str:
    """ "Đã xác thực qua VNeID mức 2, lúc 23/11/2026 15:04" for one provenance entry."""
    if not entry:
        return _("Chưa xác thực")
    if entry.get("source") == SOURCE_SELF:
        return _("Do bạn tự khai khi đăng ký, chưa được xác thực")
    source = SOURCE_LABELS.get(entry.get("source", ""), entry.get("source", ""))
    at = parse_datetime(entry.get("at", "")) if entry.get("at") else None
    when = _local(at).strftime("%d/%m/%Y %H:%M") if at else ""
    text = _("Đã xác thực qua %(source)s mức %(level)s") % {
        "source": source,
        "level": entry.get("level", "?"),
    }
    if when:
        text += _(", lúc %(when)s") % {"when": when}
    if entry.get("mapped_from"):
        text += _(" (mã xã cũ %(code)s, đã chuyển sang đơn vị hành chính mới)") % {
            "code": entry["mapped_from"]
        }
    return text


def profile_rows(person: Person) -> list[ProfileRow]:
    """The verified attributes, in the order a citizen reads a card, numbers masked."""
    provenance = person.provenance or {}
    documents = list(person.documents.all())
    active = {d.kind: d for d in documents if d.is_active}
    rows = [_row(_("Họ và tên"), person.full_name, provenance.get("full_name"))]
    pid = active.get(IdentityDocument.Kind.PID)
    if pid:
        rows.append(_number_row(_("Số định danh cá nhân"), pid, provenance.get("pid")))
    old_id = active.get(IdentityDocument.Kind.OLD_ID)
    if old_id:
        rows.append(_number_row(_("Số chứng minh nhân dân cũ"), old_id, provenance.get("old_id")))
    birth = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else ""
    rows += [
        _row(_("Ngày sinh"), birth, provenance.get("birth_date")),
        _row(_("Giới tính"), person.get_sex_display(), provenance.get("sex")),
    ]
    if person.tax_code and pid and person.tax_code == pid.number:
        rows.append(
            ProfileRow(
                _("Mã số thuế"),
                _("Là số định danh cá nhân"),
                source=describe_source(provenance.get("tax_code")),
            )
        )
    elif person.tax_code:
        rows.append(_row(_("Mã số thuế"), person.tax_code, provenance.get("tax_code")))
    rows += [
        _row(_("Số điện thoại"), person.phone, provenance.get("phone")),
        _row(_("Nơi thường trú"), person.permanent_address, provenance.get("permanent_address")),
    ]
    if person.commune_id:
        rows.append(_row(_("Xã, phường, đặc khu"), str(person.commune), provenance.get("commune")))
    return [row for row in rows if row.value or row.masked_tail]


def number_history(person: Person) -> list[IdentityDocument]:
    """Numbers no longer in force, newest first (only their last four digits are shown)."""
    return sorted(
        (d for d in person.documents.all() if not d.is_active),
        key=lambda d: d.valid_to or d.valid_from,
        reverse=True,
    )


def _row(label: str, value: Any, entry: dict[str, Any] | None) -> ProfileRow:
    return ProfileRow(label, str(value or ""), source=describe_source(entry) if value else "")


def _number_row(label: str, document: IdentityDocument, entry: dict[str, Any] | None) -> ProfileRow:
    return ProfileRow(label, "", masked_tail=document.number[-4:], source=describe_source(entry))


def _local(value: datetime) -> datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return timezone.localtime(value)


def contact_rows(user: User) -> list[ProfileRow]:
    """The account's login contacts (phone, e-mail), partly masked, with when verified."""
    rows = []
    for label, value, verified in (
        (_("Số điện thoại đăng nhập"), user.phone, user.phone_verified_at),
        (_("E-mail đăng nhập"), user.email, user.email_verified_at),
    ):
        if value and verified:
            when = _local(verified).strftime("%d/%m/%Y %H:%M")
            rows.append(
                ProfileRow(
                    label,
                    mask(value),
                    source=_("Đã xác minh bằng mã gửi đến, lúc %(when)s") % {"when": when},
                )
            )
    return rows


# --- Organisations and delegations: always through the person asking --------------------------


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(person__user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_for(user: User, organisation_public_id) -> Membership | None:
    """The user's active membership of that organisation: the only way to reach its page."""
    return memberships_of(user).filter(organisation__public_id=organisation_public_id).first()


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__documents",
                queryset=IdentityDocument.objects.filter(
                    kind=IdentityDocument.Kind.PID, is_active=True
                ),
                to_attr="active_pids",
            )
        )
        .order_by("role", "person__full_name")
    )


def member_of(organisation: Organisation, membership_public_id) -> Membership | None:
    return members_of(organisation).filter(public_id=membership_public_id).first()


def _delegation_reach(user: User) -> Q:
    """Delegations the user may see: given by them, given to them, or given by an
    organisation they manage."""
    managed = Membership.objects.active().filter(person__user=user, role__in=MANAGING_ROLES)
    return (
        Q(principal_person__user=user)
        | Q(agent__user=user)
        | Q(principal_organisation__in=managed.values("organisation"))
    )


def delegations_visible_to(user: User) -> QuerySet[Delegation]:
    return (
        Delegation.objects.filter(_delegation_reach(user))
        .select_related("principal_person", "principal_organisation", "agent")
        .prefetch_related("procedures")
        .distinct()
    )


def delegation_for(user: User, public_id) -> Delegation | None:
    return delegations_visible_to(user).filter(public_id=public_id).first()


def delegations_given_by(organisation: Organisation) -> QuerySet[Delegation]:
    return (
        Delegation.objects.filter(principal_organisation=organisation)
        .select_related("agent")
        .prefetch_related("procedures")
    )
