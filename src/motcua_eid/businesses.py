"""Deterministic synthetic organisations for the demo business registry. Everything is FAKE.

Each organisation has a valid-looking tax code (10 digits with its check digit; a branch adds
``-001``), a Vietnamese name, a head office in a real post-2025 commune, and a legal
representative who is one of the synthetic citizens (level 2, adult). The first citizen
represents the first two (one active enterprise and its branch); one organisation is dissolved,
so that the portal's refusal can be seen.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from stdnum.vn import mst

SEED = 20250702
COUNT = 12
# Tax authority prefixes seen on real codes (01 Hà Nội, 03 Hồ Chí Minh, 58 Ninh Thuận …).
PREFIXES = ("01", "03", "04", "05", "34", "42", "49", "58", "59", "60")
FORMS = [
    ("enterprise", "Công ty TNHH {a} {b}"),
    ("enterprise", "Công ty Cổ phần {a} {b}"),
    ("enterprise", "Doanh nghiệp tư nhân {a}"),
    ("cooperative", "Hợp tác xã {b} {a}"),
    ("household", "Hộ kinh doanh {a}"),
]
NAMES_A = ["Phú Hòa", "An Khang", "Thành Đạt", "Minh Long", "Hưng Thịnh", "Đại Việt",
           "Tân Phát", "Bảo An", "Hoàng Gia", "Sao Mai", "Đồng Tâm", "Lâm Viên"]  # fmt: skip
NAMES_B = ["Thương mại", "Xây dựng", "Nông sản", "Cà phê", "Du lịch", "Vận tải", "Dệt may",
           "Thủy sản", "Chè", "Dịch vụ"]  # fmt: skip


def _tax_code(rng: random.Random, used: set[str]) -> str:
    while True:
        body = rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}"
        check = mst.calc_check_digit(body)
        code = body + check
        if len(check) == 1 and code not in used:
            used.add(code)
            return code


def generate(citizens: Sequence[dict]) -> list[dict]:
    """The organisations, for the given citizens (``Citizen.claims()`` in login-page order)."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible fake data, not security
    adults = [
        c
        for c in citizens
        if c.get("level") == 2 and c.get("birthdate") and c["birthdate"] <= "2007-01-01"
    ]
    used: set[str] = set()
    businesses: list[dict] = []
    for index in range(min(COUNT, len(adults) + 1)):
        representative = adults[0] if index <= 1 else adults[index - 1]
        if index == 1:  # a branch of the first enterprise
            parent = businesses[0]
            businesses.append(
                {
                    **parent,
                    "tax_code": parent["tax_code"] + "-001",
                    "name": parent["name"] + " – Chi nhánh Lâm Đồng",
                    "kind": "branch",
                }
            )
            continue
        kind, pattern = FORMS[index % len(FORMS)] if index else FORMS[0]
        name = pattern.format(a=rng.choice(NAMES_A), b=rng.choice(NAMES_B))
        if kind == "household":
            name = f"Hộ kinh doanh {representative['name']}"
        address = representative.get("address") or {}
        businesses.append(
            {
                "tax_code": _tax_code(rng, used),
                "name": name,
                "kind": kind,
                "status": "dissolved" if index == 5 else "active",
                "registered_on": date(2010 + index, 1 + index % 12, 10).isoformat(),
                "address": {
                    "formatted": address.get("formatted", ""),
                    "commune_code": address.get("commune_code", ""),
                },
                "representative_pid": representative["pid"],
                "representative_name": representative["name"],
            }
        )
    return businesses
