"""Every change to accounts, people and their identity documents; one transaction each."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone

from motcua.units.models import Commune, CommuneSuccession

from ..eid.base import EidError, EidIdentity
from ..models import IdentityDocument, Person, User
from ..models.people import SOURCE_VNEID

log = structlog.get_logger(__name__)


@transaction.atomic
def login_with_eid(identity: EidIdentity) -> User:
    """The account of the person the e-ID vouched for, created on the first login.

    The person's verified attributes and identity numbers are brought up to date. A number
    that changed for the same e-ID subject is kept in the history, inactive. If the number is
    already the active number of someone with another e-ID subject, nothing is changed and the
    login is refused (``identity_conflict``): a help desk must look at it.
    """
    person = (
        Person.objects.select_for_update()
        .select_related("user")
        .filter(eid_subject=identity.subject)
        .first()
    )
    holder = (
        IdentityDocument.objects.select_related("person")
        .filter(kind=IdentityDocument.Kind.PID, number=identity.pid, is_active=True)
        .first()
    )
    if holder is not None and (person is None or holder.person_id != person.pk):
        if person is not None or holder.person.eid_subject not in (None, identity.subject):
            log.warning("accounts.identity_conflict", person_id=holder.person_id)
            raise EidError("identity_conflict")
        # Known before without an e-ID (e.g. received at a desk): now verified.
        person = Person.objects.select_for_update().select_related("user").get(pk=holder.person_id)
        person.eid_subject = identity.subject
    if person is None:
        user = User(username=f"vneid-{uuid.uuid4().hex[:16]}")
        user.set_unusable_password()
        user.save()
        person = Person(user=user, eid_subject=identity.subject)
        log.info("accounts.person_created", level=identity.level)
    refresh_verified_attributes(person, identity)
    return person.user


@transaction.atomic
def link_eid(user: User, identity: EidIdentity) -> User:
    """Attach an e-ID to a local account: the account keeps its contact and password and
    gains the verified attributes (the citizen's own name is replaced by the e-ID's)."""
    person = Person.objects.select_for_update().select_related("user").get(user=user)
    if person.eid_subject:
        if person.eid_subject != identity.subject:
            raise EidError("already_linked")
        return refresh_verified_attributes(person, identity).user
    if Person.objects.filter(eid_subject=identity.subject).exists():
        raise EidError("eid_has_account")
    taken = (
        IdentityDocument.objects.filter(
            kind=IdentityDocument.Kind.PID, number=identity.pid, is_active=True
        )
        .exclude(person=person)
        .exists()
    )
    if taken:
        log.warning("accounts.identity_conflict", person_id=person.pk)
        raise EidError("identity_conflict")
    person.eid_subject = identity.subject
    refresh_verified_attributes(person, identity)
    log.info("accounts.eid_linked", level=identity.level)
    return person.user


@transaction.atomic
def refresh_verified_attributes(person: Person, identity: EidIdentity) -> Person:
    """Overwrite the person's verified attributes with what the e-ID just returned.

    This is the only way those attributes change: the citizen cannot edit them. An attribute
    the provider did not send keeps its previous value and provenance.
    """
    if person.eid_subject != identity.subject:
        raise EidError("wrong_account")
    now = timezone.now()
    stamp = {"source": SOURCE_VNEID, "level": identity.level, "at": now.isoformat()}
    commune, mapped_from = resolve_commune(identity.commune_code)
    values: dict[str, Any] = {
        "full_name": identity.full_name,
        "birth_date": identity.birth_date,
        "sex": identity.sex,
        "phone": identity.phone,
        "tax_code": identity.tax_code,
        "permanent_address": identity.address_text,
        "commune": commune,
    }
    provenance = dict(person.provenance or {})
    for name, value in values.items():
        if value in ("", None):
            continue
        setattr(person, name, value)
        provenance[name] = dict(stamp)
    if mapped_from:
        provenance["commune"]["mapped_from"] = mapped_from
    provenance["pid"] = dict(stamp)
    if identity.old_id:
        provenance["old_id"] = dict(stamp)
    person.provenance = provenance
    person.assurance_level = identity.level
    person.verified_at = now
    person.save()
    _sync_number(person, IdentityDocument.Kind.PID, identity.pid, now)
    if identity.old_id:
        _sync_number(person, IdentityDocument.Kind.OLD_ID, identity.old_id, now)
    user = person.user
    if person.full_name and user.first_name != person.full_name[:150]:
        user.first_name, user.last_name = person.full_name[:150], ""
        user.save(update_fields=["first_name", "last_name"])
    return person


def resolve_commune(code: str) -> tuple[Commune | None, str]:
    """The commune in force for an NSO code, and the pre-2025 code it was mapped from (if so).

    A code that is not a current commune is looked up among the pre-2025 communes and taken to
    its default successor.
    """
    if not code:
        return None, ""
    commune = Commune.objects.filter(code=code).first()
    if commune is not None:
        return commune, ""
    succession = (
        CommuneSuccession.objects.filter(legacy__code=code)
        .select_related("commune")
        .order_by("-is_default", "commune__code")
        .first()
    )
    if succession is None:
        log.info("accounts.commune_unknown")
        return None, ""
    return succession.commune, code


def _sync_number(person: Person, kind: str, number: str, now: datetime) -> None:
    """Make ``number`` the person's active number of ``kind``, keeping a replaced one."""
    current = (
        IdentityDocument.objects.select_for_update().filter(
            person=person, kind=kind, is_active=True
        )
    ).first()
    if current is not None and current.number == number:
        return
    taken = (
        IdentityDocument.objects.filter(kind=kind, number=number, is_active=True)
        .exclude(person=person)
        .exists()
    )
    if taken:
        if kind == IdentityDocument.Kind.PID:
            raise EidError("identity_conflict")
        # An old card number held by someone else is not worth refusing a login over.
        log.warning("accounts.old_id_conflict", person_id=person.pk)
        return
    if current is not None:
        current.is_active = False
        current.valid_to = now
        current.save(update_fields=["is_active", "valid_to", "updated_at"])
        log.info("accounts.identity_number_replaced", person_id=person.pk, kind=kind)
    document = IdentityDocument(
        person=person, kind=kind, number=number, valid_from=now, source=SOURCE_VNEID
    )
    document.full_clean()
    document.save()
