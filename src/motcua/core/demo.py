"""Demo staff accounts for the embedded installation. Never used in production."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from motcua.core.env import env

#: Role groups; permissions scoped to agencies arrive with the accounts app.
ROLES = {
    "clerk": "Cán bộ một cửa",
    "specialist": "Chuyên viên",
    "leader": "Lãnh đạo",
    "agency_admin": "Quản trị cơ quan",
    "supervisor": "Giám sát",
    "system_admin": "Quản trị hệ thống",
}

DEMO_ACCOUNTS = [
    ("quantri", "Quản trị hệ thống", "system_admin"),
    ("motcua.lamdong", "Nguyễn Thị Mai", "clerk"),
    ("chuyenvien.lamdong", "Trần Văn Hùng", "specialist"),
    ("lanhdao.lamdong", "Lê Minh Tuấn", "leader"),
    ("quantri.lamdong", "Phạm Thu Hà", "agency_admin"),
    ("giamsat.lamdong", "Đỗ Quang Vinh", "supervisor"),
]


def create_demo_accounts() -> list[str]:
    password = env("MOTCUA_DEMO_PASSWORD", "motcua-demo")
    user_model = get_user_model()
    lines = []
    for label in ROLES.values():
        Group.objects.get_or_create(name=label)
    for username, full_name, role in DEMO_ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": full_name,
                "is_staff": True,
                "is_superuser": role == "system_admin",
            },
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=ROLES[role]))
        lines.append(f"Tài khoản mẫu: {username} ({ROLES[role]})")
    lines.append(f"Mật khẩu mẫu: {password}")
    return lines
