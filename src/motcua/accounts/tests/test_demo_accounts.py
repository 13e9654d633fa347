"""Demo accounts of the embedded installation: staff with roles at real agencies and a TOTP
secret, and one local citizen account."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission, RoleAssignment, User
from motcua.core.demo import DEMO_CITIZEN_PHONE, DEMO_STAFF, create_demo_accounts, demo_staff_codes
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db


def test_demo_staff_are_created_once_with_their_role_agency_and_second_factor(rf):
    create_demo_accounts()
    create_demo_accounts()
    users = User.objects.filter(username__in=[row[0] for row in DEMO_STAFF])
    assert users.count() == len(DEMO_STAFF)
    assert all(u.is_staff_member for u in users)
    clerk = users.get(username="motcua.lamdong")
    assert clerk.agency.code == "000.00.50.H36"
    assert list(
        RoleAssignment.objects.active().filter(user=clerk).values_list("role", flat=True)
    ) == ["clerk"]
    assert not clerk.is_superuser  # no Django admin for a clerk
    assert not clerk.is_staff
    request = rf.post("/can-bo/dang-nhap/")
    assert (
        authenticate(request, username="motcua.lamdong", password="motcua-demo", portal="staff")
        == clerk
    )
    # The same password on the citizens' page is simply wrong.
    assert (
        authenticate(request, username="motcua.lamdong", password="motcua-demo", portal="citizen")
        is None
    )
    assert users.get(username="quantri").is_superuser
    assert scope_of(users.get(username="quantri")).is_system_admin
    # The provincial supervisor reads the whole province, changes nothing.
    supervisor = scope_of(users.get(username="giamsat.lamdong"))
    commune = Agency.objects.filter(code__endswith=".H36", kind="commune_committee").first()
    assert supervisor.allows(Permission.DOSSIER_VIEW, commune)
    assert not supervisor.allows(Permission.STAFF_MANAGE, commune)
    assert TOTPDevice.objects.filter(user__in=users, confirmed=True).count() == len(DEMO_STAFF)


def test_the_demo_mailbox_shows_codes_the_demo_devices_accept(settings):
    settings.MOTCUA_DEMO_MAILBOX = True
    create_demo_accounts()
    codes = {row["username"]: row["code"] for row in demo_staff_codes()}
    device = TOTPDevice.objects.get(user__username="lanhdao.lamdong")
    assert device.verify_token(codes["lanhdao.lamdong"])
    settings.MOTCUA_DEMO_MAILBOX = False
    assert demo_staff_codes() == []
    assert TOTP(device.bin_key).token() >= 0


def test_the_demo_citizen_logs_in_with_phone_and_password(rf):
    create_demo_accounts()
    request = rf.post("/tai-khoan/dang-nhap/")
    user = authenticate(
        request, username=DEMO_CITIZEN_PHONE, password="motcua-demo", portal="citizen"
    )
    assert user is not None
    assert user.is_citizen
