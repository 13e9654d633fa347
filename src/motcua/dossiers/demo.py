"""Demo dossiers for the embedded installation (``motcua bootstrap --demo``). Never production.

300 dossiers of justice procedures in Lâm Đồng, filed over the last two months by demo
citizens and walked through the real lifecycle (``processing.perform``, backdated), so that
they carry true timelines, deadlines, audit entries and outbox events and end in every state:
at the province (received by the service centre, resolved by the Department of Justice, the
demo staff's agencies) and at a commune (its own demo clerk, specialist and leader).
Deterministic: the same dossiers on every machine; created once.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from . import processing, workflow
from .codes import next_code
from .models import Channel, Dossier, Status

COUNT = 300
SEED = 766
CENTRE, DEPARTMENT = "000.00.50.H36", "000.00.04.H36"

#: The actions that lead from filing to each state.
PATHS: dict[tuple[int, str], tuple[str, ...]] = {
    workflow.NEW: (),
    workflow.FIXES: ("request_fixes",),
    (Status.REFUSED, ""): ("refuse",),
    workflow.RECEIVED: ("accept",),
    workflow.PROCESSING: ("accept", "assign"),
    workflow.SUPPLEMENT: ("accept", "assign", "request_supplement"),
    workflow.PAYMENT: ("accept", "assign", "request_payment"),
    workflow.ELSEWHERE: ("accept", "assign", "hand_off"),
    workflow.APPROVAL: ("accept", "assign", "propose"),
    (Status.DONE, ""): ("accept", "assign", "propose", "approve"),
    (Status.RETURNED, ""): ("accept", "assign", "propose", "approve", "return_result"),
    (Status.STOPPED, ""): ("accept", "assign", "stop"),
    workflow.WITHDRAWAL: ("accept", "request_withdrawal"),
    (Status.WITHDRAWN, ""): ("withdraw",),  # before reception (filing's own withdrawal)
}
#: How often each state comes up (most dossiers are finished or in progress).
WEIGHTS = {
    workflow.NEW: 8, workflow.FIXES: 2, (Status.REFUSED, ""): 2, workflow.RECEIVED: 6,
    workflow.PROCESSING: 14, workflow.SUPPLEMENT: 5, workflow.PAYMENT: 2, workflow.ELSEWHERE: 4,
    workflow.APPROVAL: 5, (Status.DONE, ""): 8, (Status.RETURNED, ""): 38,
    (Status.STOPPED, ""): 3, workflow.WITHDRAWAL: 3, (Status.WITHDRAWN, ""): 2,
}  # fmt: skip

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc", "Đức", "Thanh", "Hữu", "Kim")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Nam", "Phúc", "Quân",
         "Sơn", "Trang", "Uyên", "Vy", "Yến")  # fmt: skip


def commune_agency():
    """The demo commune: the first commune People's Committee of Lâm Đồng by code."""
    from motcua.units.models import Agency

    return (
        Agency.objects.active()
        .filter(kind=Agency.Kind.COMMUNE_COMMITTEE, province__qcvn_code="H36")
        .order_by("code")
        .first()
    )


def create_demo_dossiers(staff: dict[str, object]) -> int:
    """Create the demo dossiers unless they exist; returns how many were made. ``staff``
    maps "clerk", "specialist", "leader" and "commune_clerk", "commune_specialist",
    "commune_leader" to the demo users."""
    from motcua.catalog.models import Procedure
    from motcua.units.models import Agency

    if Dossier.objects.filter(submitted_by__username__startswith="demo-applicant-").exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    centre, department = Agency.objects.get(code=CENTRE), Agency.objects.get(code=DEPARTMENT)
    commune = commune_agency()
    justice = Procedure.objects.filter(
        ministry__name__icontains="Tư pháp", is_active=True, has_online_channel=True
    ).order_by("-popularity", "code")
    at_province = [p for p in justice if "province" in (p.levels or "")][:8]
    at_commune = [p for p in justice if "commune" in (p.levels or "")][:6]
    applicants = [_applicant(n, rng, commune) for n in range(40)]
    states, weights = list(WEIGHTS), list(WEIGHTS.values())
    now = timezone.now()
    for index in range(COUNT):
        state = rng.choices(states, weights)[0]
        local = index % 3 == 0
        procedure = rng.choice(at_commune if local else at_province)
        filed = now - timedelta(days=rng.uniform(0.2, 60), minutes=rng.randint(0, 600))
        people = {
            role: staff[f"commune_{role}" if local else role]
            for role in ("clerk", "specialist", "leader")
        }
        with transaction.atomic():
            dossier = _filed(
                procedure,
                applicant=rng.choice(applicants),
                receiving=commune if local else centre,
                resolving=commune if local else department,
                filed=filed,
                online=rng.random() < 0.75,
            )
        _walk(dossier, PATHS[state], people, filed, now, rng, partner=department if local else None)
    return COUNT


def _applicant(number: int, rng: random.Random, commune):
    from motcua.accounts.models import AccountType, Person, User

    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    user = User.objects.create(
        username=f"demo-applicant-{number:03d}",
        first_name=name,
        account_type=AccountType.CITIZEN,
        is_active=False,  # a demo applicant never logs in
    )
    Person.objects.create(
        user=user,
        full_name=name,
        commune=commune.commune,
        phone=f"09{rng.randint(10**7, 10**8 - 1)}",
        provenance={"full_name": {"source": "self"}},
    )
    return user


def _filed(procedure, *, applicant, receiving, resolving, filed, online) -> Dossier:
    from motcua.forms.selectors import form_for

    from .services import lookup_hash

    province = receiving.province or resolving.province
    return Dossier.objects.create(
        procedure=procedure,
        form=form_for(procedure, province),
        status=Status.SUBMITTED,
        channel=Channel.ONLINE if online else Channel.DIRECT,
        applicant_person=applicant.person,
        applicant_name=applicant.person.full_name,
        applicant_phone_hash=lookup_hash(applicant.person.phone),
        submitted_by=applicant,
        province=province,
        commune=receiving.commune,
        receiving_agency=receiving,
        resolving_agency=resolving,
        agency_path=resolving.path,
        submitted_at=filed,
        code=next_code(receiving, filed),
        data={"request": "Hồ sơ mẫu của bản chạy thử"},
        digitised=not online,
        created_at=filed,
    )


def _walk(dossier, actions, people, filed: datetime, now: datetime, rng, partner) -> None:
    """Take ``actions`` in order, each some working hours after the previous one (never
    after ``now``)."""
    moment = filed
    for action in actions:
        # Reception and the first steps come within hours (a supplement may only be asked
        # for in the first working days); the decision may take days.
        quick = action in ("accept", "assign", "request_fixes", "refuse", "request_supplement")
        moment = min(moment + timedelta(hours=rng.uniform(0.5, 6 if quick else 120)), now)
        actor = {
            "request_withdrawal": dossier.submitted_by,
            "assign": people["leader"],
            "propose": people["specialist"],
            "request_supplement": people["specialist"],
            "request_payment": people["specialist"],
            "hand_off": people["specialist"],
            "approve": people["leader"],
            "stop": people["leader"],
        }.get(action, people["clerk"])
        inputs = {
            "request_fixes": {"missing": "Bản chụp giấy tờ tùy thân rõ nét"},
            "refuse": {"reasons": "Thủ tục không thuộc thẩm quyền của cơ quan"},
            "assign": {"assignee": people["specialist"]},
            "request_supplement": {"missing": "Giấy xác nhận thông tin về cư trú"},
            "hand_off": {"agency": partner or _any_partner(dossier), "days": 2},
            "stop": {"reasons": "Người nộp đề nghị dừng để bổ sung điều kiện"},
        }.get(action, {})
        if action == "withdraw":
            from .services import withdraw

            dossier = withdraw(dossier, actor=dossier.submitted_by)
            continue
        dossier = processing.perform(dossier.public_id, action, actor=actor, now=moment, **inputs)


def _any_partner(dossier):
    from motcua.units.models import Agency

    return (
        Agency.objects.active()
        .filter(province_id=dossier.province_id)
        .exclude(pk=dossier.resolving_agency_id)
        .exclude(kind=Agency.Kind.COMMUNE_COMMITTEE)
        .order_by("code")
        .first()
    )
