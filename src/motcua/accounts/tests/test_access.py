"""Staff scope: a role reaches its agency's subtree (and only some procedures when narrowed);
the same rule filters querysets and answers single checks. Contacts as people type them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from tests.fixtures.accounts import make_citizen, make_staff

from motcua.accounts.access import StaffScope, _outermost, scope_of
from motcua.accounts.contacts import mask, normalise_phone, parse_contact
from motcua.accounts.models import Permission, RoleAssignment
from motcua.catalog.models import Procedure
from motcua.units.models import Agency

PROVINCE, JUSTICE, FINANCE = "000.00.00.H36", "000.00.04.H36", "000.00.03.H36"


@pytest.mark.django_db
def test_a_role_reaches_its_agency_and_everything_below_nothing_beside():
    leader = scope_of(make_staff("leader", PROVINCE))
    province = Agency.objects.get(code=PROVINCE)
    commune = province.subtree().filter(kind="commune_committee").first()
    other_province = Agency.objects.get(code="000.00.00.H37")
    assert leader.allows(Permission.DOSSIER_DECIDE, province)
    assert leader.allows(Permission.DOSSIER_DECIDE, commune)
    assert not leader.allows(Permission.DOSSIER_DECIDE, other_province)
    assert not leader.allows(Permission.DOSSIER_RECEIVE, province)  # not a leader's right
    reached = leader.agencies(Permission.DOSSIER_VIEW)
    assert reached.count() == province.subtree().count()
    assert not reached.filter(code__endswith=".H37").exists()


@pytest.mark.django_db
def test_a_role_narrowed_to_procedures_allows_only_those():
    specialist = make_staff("specialist", JUSTICE)
    first, second = Procedure.objects.order_by("code")[:2]
    RoleAssignment.objects.get(user=specialist).procedures.set([first])
    scope = StaffScope(specialist)
    justice = Agency.objects.get(code=JUSTICE)
    assert scope.allows(Permission.DOSSIER_PROCESS, justice, procedure_id=first.pk)
    assert not scope.allows(Permission.DOSSIER_PROCESS, justice, procedure_id=second.pk)


@pytest.mark.django_db
def test_revoked_roles_inactive_agencies_citizens_and_locked_staff_reach_nothing():
    clerk = make_staff("clerk", JUSTICE)
    justice = Agency.objects.get(code=JUSTICE)
    RoleAssignment.objects.filter(user=clerk).update(revoked_at="2026-01-01T00:00:00Z")
    assert not StaffScope(clerk).is_staff
    assert not StaffScope(make_citizen()).is_staff
    locked = make_staff("clerk", JUSTICE)
    locked.is_active = False
    assert not StaffScope(locked).allows(Permission.DOSSIER_VIEW, justice)
    inactive = make_staff("clerk", FINANCE)
    Agency.objects.filter(code=FINANCE).update(is_active=False)
    assert not StaffScope(inactive).is_staff


@pytest.mark.django_db
def test_a_queryset_filtered_by_scope_holds_what_single_checks_allow():
    scope = scope_of(make_staff("supervisor", PROVINCE))
    filtered = set(scope.filter(Agency.objects.all(), Permission.DOSSIER_VIEW))
    sample = Agency.objects.filter(code__regex=r"H3[67]$")[:300]
    for agency in sample:
        assert (agency in filtered) == scope.allows(Permission.DOSSIER_VIEW, agency)
    assert scope.q(Permission.STAFF_MANAGE) is None  # a supervisor manages nobody


@pytest.mark.django_db
def test_a_system_admin_reaches_everything_and_grants_what_others_cannot():
    root = scope_of(make_staff("system_admin", None))
    admin = scope_of(make_staff("agency_admin", JUSTICE))
    province = Agency.objects.get(code=PROVINCE)
    justice = Agency.objects.get(code=JUSTICE)
    assert root.allows(Permission.STAFF_MANAGE, Agency.objects.get(code="000.00.00.H37"))
    assert root.may_grant("supervisor", province)
    assert not root.may_grant("supervisor", justice)
    assert root.may_grant("system_admin", None)
    assert admin.may_grant("clerk", justice)
    assert not admin.may_grant("clerk", province)  # above its agency
    assert not admin.may_grant("supervisor", justice)
    assert not admin.may_grant("system_admin", None)


def test_outermost_paths_drop_the_ones_inside_another():
    assert _outermost(["a/b/", "a/", "c/", "a/b/c/"]) == ["a/", "c/"]


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("0912 345 678", "phone", "0912345678"),
        ("+84912345678", "phone", "0912345678"),
        ("84-912-345-678", "phone", "0912345678"),
        ("(091) 234.5678", "phone", "0912345678"),
        (" Ten.Ho@Example.VN ", "email", "ten.ho@example.vn"),
    ],
)
def test_contacts_are_read_the_way_people_type_them(typed, kind, value):
    contact = parse_contact(typed)
    assert (contact.kind, contact.value) == (kind, value)


@pytest.mark.parametrize("typed", ["", "0212345678", "091234567", "abc@", "12345678901"])
def test_contacts_that_are_neither_a_mobile_nor_an_address_are_refused(typed):
    with pytest.raises(ValidationError):
        parse_contact(typed)


@given(st.sampled_from("35789"), st.integers(min_value=0, max_value=10**8 - 1))
def test_every_ten_digit_mobile_number_survives_its_international_form(prefix, rest):
    number = f"0{prefix}{rest:08d}"
    assert normalise_phone(number) == number
    assert normalise_phone("+84" + number[1:]) == number
    masked = mask(number)
    assert masked.startswith(number[:2])
    assert masked.endswith(number[-2:])
    assert number[2:-2] not in masked
