"""Demo accounts for the embedded installation (``motcua bootstrap --demo``). Never production.

Staff of Lâm Đồng province, one per role, each with a password and an authenticator (TOTP)
secret derived from its username, so the codes are the same on every machine; the demo mailbox
(``/thu-nghiem/hop-thu/``) shows their current codes. One local citizen account (phone and
password) shows the fallback login.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction

from motcua.core.env import env

#: (username, full name, role, agency code, position)
DEMO_STAFF = [
    ("quantri", "Quản trị hệ thống", "system_admin", "000.00.00.H36", "Quản trị hệ thống"),
    ("motcua.lamdong", "Nguyễn Thị Mai", "clerk", "000.00.50.H36", "Cán bộ tiếp nhận"),
    ("chuyenvien.lamdong", "Trần Văn Hùng", "specialist", "000.00.04.H36", "Chuyên viên"),
    ("lanhdao.lamdong", "Lê Minh Tuấn", "leader", "000.00.04.H36", "Phó Giám đốc Sở"),
    ("quantri.lamdong", "Phạm Thu Hà", "agency_admin", "000.00.00.H36", "Quản trị cơ quan"),
    ("giamsat.lamdong", "Đỗ Quang Vinh", "supervisor", "000.00.00.H36", "Chuyên viên Văn phòng"),
]
#: The demo commune's one-stop staff: (username, full name, role, position); their agency is
#: the demo commune (``dossiers.demo.commune_agency``).
DEMO_COMMUNE_STAFF = [
    ("motcua.xa", "Ngô Thị Hằng", "clerk", "Công chức một cửa"),
    ("chuyenvien.xa", "Lý Văn Toàn", "specialist", "Công chức Tư pháp - Hộ tịch"),
    ("lanhdao.xa", "Đinh Thị Thảo", "leader", "Phó Chủ tịch Ủy ban nhân dân"),
]
DEMO_CITIZEN_PHONE = "0912345678"
DEMO_CITIZEN_NAME = "Hoàng Thị Lan"


def demo_totp_key(username: str) -> str:
    """A stable 20-byte TOTP secret (hex) for a demo account: demo only, never a real secret."""
    return hashlib.sha256(f"motcua-demo-totp:{username}".encode()).hexdigest()[:40]


def create_demo_accounts() -> list[str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import (
        AccountType,
        Person,
        Role,
        RoleAssignment,
        User,
    )
    from motcua.units.models import Agency

    password = env("MOTCUA_DEMO_PASSWORD", "motcua-demo")
    lines = []
    with transaction.atomic():
        for username, full_name, role, agency_code, position in all_demo_staff():
            agency = Agency.objects.get(code=agency_code)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": full_name},
            )
            user.account_type = AccountType.STAFF
            user.agency = agency
            user.position = position
            user.is_superuser = user.is_staff = role == Role.SYSTEM_ADMIN
            user.email = user.email or f"{username}@lamdong.motcua.local"
            if created or not user.has_usable_password():
                user.set_password(password)
            user.save()
            user.groups.clear()
            RoleAssignment.objects.get_or_create(
                user=user,
                role=role,
                agency=None if role == Role.SYSTEM_ADMIN else agency,
                revoked_at=None,
            )
            TOTPDevice.objects.update_or_create(
                user=user,
                name="Ứng dụng xác thực (mẫu)",
                defaults={"key": demo_totp_key(username), "confirmed": True},
            )
            lines.append(f"Cán bộ mẫu: {username} ({Role(role).label}, {agency.name})")
        citizen, created = User.objects.get_or_create(
            username="demo-citizen",
            defaults={
                "first_name": DEMO_CITIZEN_NAME,
                "phone": DEMO_CITIZEN_PHONE,
                "account_type": AccountType.CITIZEN,
            },
        )
        if created:
            from django.utils import timezone

            citizen.phone_verified_at = timezone.now()
            citizen.set_password(password)
            citizen.save()
            Person.objects.get_or_create(
                user=citizen,
                defaults={
                    "full_name": DEMO_CITIZEN_NAME,
                    "provenance": {"full_name": {"source": "self"}},
                },
            )
    lines.append(f"Mật khẩu mẫu: {password}")
    lines.append(
        "Mã xác thực hai lớp của cán bộ mẫu và các mã gửi qua e-mail, SMS: "
        "/thu-nghiem/hop-thu/ (chỉ có ở bản chạy thử)."
    )
    lines.append(f"Công dân mẫu (tài khoản cơ bản): số điện thoại {DEMO_CITIZEN_PHONE}")
    return lines


def all_demo_staff() -> list[tuple[str, str, str, str, str]]:
    from motcua.dossiers.demo import commune_agency

    commune = commune_agency()
    local = [(u, n, r, commune.code, p) for u, n, r, p in DEMO_COMMUNE_STAFF] if commune else []
    return DEMO_STAFF + local


def create_demo_dossiers() -> int:
    from motcua.accounts.models import User
    from motcua.dossiers.demo import create_demo_dossiers as create

    names = {
        "clerk": "motcua.lamdong", "specialist": "chuyenvien.lamdong",
        "leader": "lanhdao.lamdong", "commune_clerk": "motcua.xa",
        "commune_specialist": "chuyenvien.xa", "commune_leader": "lanhdao.xa",
    }  # fmt: skip
    users = {u.username: u for u in User.objects.filter(username__in=names.values())}
    return create({key: users[name] for key, name in names.items()})


def demo_staff_codes() -> list[dict[str, str]]:
    """The current TOTP code of each demo staff account that still has its demo device."""
    if not getattr(settings, "MOTCUA_DEMO_MAILBOX", False):
        return []
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import Role

    rows = []
    for username, _name, role, _agency, _position in all_demo_staff():
        device = TOTPDevice.objects.filter(
            user__username=username, key=demo_totp_key(username), confirmed=True
        ).first()
        if device is None:
            continue
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        rows.append(
            {"username": username, "role": str(Role(role).label), "code": f"{totp.token():06d}"}
        )
    return rows
