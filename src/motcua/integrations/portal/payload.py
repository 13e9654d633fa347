"""What the national portal is told about a dossier: the record of ``DongBoHoSoMC`` and the
progress entry of ``CapNhatTienDoHoSoMC``, built here and nowhere else (DOMAIN.md §7).

The record is the dossier *as it is now* (so a push that arrives late never takes the portal
back); the progress entry is the step an outbox event reports (so the portal's history keeps
the order of the steps). Dates are ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, "" when unknown;
codes and flags are strings, as the portal expects. Personal data goes only where the
protocol asks for it and is never logged.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import IdentityDocument, RoleAssignment
from motcua.core.models import OutboxEvent
from motcua.dossiers.models import (
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Status,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")

SUMMARY_MAX = 1000
HANDLER_MAX = 50

#: NoiNopHoSo: where the dossier was filed — 1 the national portal, 2 this provincial system.
FILED_HERE = "2"
#: HinhThucTra: how the result is handed over.
RETURN_METHODS = {"desk": "0", "post": "1", "online": "2"}
#: DuocThanhToanTrucTuyen: 0 not paid online, 1 through the national portal, 2 through the
#: provincial payment gateway (ours).
PAID_HERE = "2"
#: LoaiDinhDanh of an identity: 1 the 12-digit personal number, 2 the old 9-digit card.
IDENTITY_TYPES = {IdentityDocument.Kind.PID: "1", IdentityDocument.Kind.OLD_ID: "2"}
#: The catalogue's submission channel for each dossier channel (fees differ by channel).
CATALOG_CHANNELS = {Channel.DIRECT: "direct", Channel.ONLINE: "online", Channel.POSTAL: "postal"}

SUPPLEMENT_REQUEST = "request_supplement"
SUPPLEMENT_ARRIVALS = ("receive_supplement", "answer_supplement")


def portal_date(value: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam's time, "" for no date."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, VN)
    return value.astimezone(VN).strftime("%Y%m%d%H%M%S")


def load(public_id) -> Dossier | None:
    """The filed dossier with what the record reads of it."""
    return (
        Dossier.objects.filed()
        .select_related(
            "procedure__field",
            "receiving_agency",
            "resolving_agency",
            "applicant_person",
            "applicant_organisation",
            "submitted_by",
        )
        .filter(public_id=public_id)
        .first()
    )


# --- The dossier record (DongBoHoSoMC) ------------------------------------------------------


def dossier_record(dossier: Dossier) -> dict:
    data = dossier.data or {}
    procedure = dossier.procedure
    documents = list(
        dossier.documents.select_related("file", "required_document").order_by("created_at")
    )
    events = _history(dossier)
    paid_online = _paid_online(events)
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "TenLinhVuc": procedure.field.name if procedure.field_id else "",
        "KenhThucHien": str(dossier.channel),
        "MaDonViXuLy": dossier.resolving_agency.code if dossier.resolving_agency_id else "",
        "DonViXuLy": dossier.resolving_agency.name if dossier.resolving_agency_id else "",
        "MaNoiTiepNhan": dossier.receiving_agency.code if dossier.receiving_agency_id else "",
        "NoiNopHoSo": FILED_HERE,
        **_applicant(dossier, data),
        "NgayNopHoSo": portal_date(dossier.submitted_at),
        "NgayTiepNhan": portal_date(dossier.received_at),
        "NgayHenTra": portal_date(dossier.appointment_at),
        "NgayTra": portal_date(dossier.returned_at),
        "NgayKetThucXuLy": portal_date(dossier.finished_at),
        "NgayTuChoi": portal_date(dossier.finished_at) if dossier.status == Status.REFUSED else "",
        "TrangThaiHoSo": str(dossier.status),
        "HinhThucTra": RETURN_METHODS.get(dossier.return_method, ""),
        "TrichYeuHoSo": _summary(dossier, data),
        "HoSoCoThanhPhanSoHoa": "1" if _digitised(documents) else "0",
        "TaiKhoanDuocXacThucVoiVNeID": "1" if _eid_authenticated(dossier) else "0",
        "DuocThanhToanTrucTuyen": PAID_HERE if paid_online else "0",
        "TaiLieuNop": [_document(d) for d in documents],
        "DanhSachGiayToKetQua": _results(dossier),
        "DanhSachLePhi": _fees(dossier, paid_online),
        "DanhSachHoSoBoSung": _supplements(dossier, events),
    }


def _applicant(dossier: Dossier, data: dict) -> dict:
    person, organisation = dossier.applicant_person, dossier.applicant_organisation
    identities = []
    if person is not None:
        for document in person.documents.filter(is_active=True).order_by("kind", "id"):
            identities.append(
                {"LoaiDinhDanh": IDENTITY_TYPES[document.kind], "SoDinhDanh": document.number}
            )
    typed = "".join(ch for ch in str(data.get("applicant_pid") or "") if ch.isdigit())
    if typed and all(i["SoDinhDanh"] != typed for i in identities):
        identities.append({"LoaiDinhDanh": "1" if len(typed) == 12 else "2", "SoDinhDanh": typed})
    if organisation is not None:
        number = organisation.tax_code
    else:
        number = typed or (identities[0]["SoDinhDanh"] if identities else "")
    user = dossier.submitted_by
    email = str(data.get("applicant_email") or "")
    if not email and person is not None and person.user_id == user.pk and user.email_verified_at:
        email = user.email
    phone = str(data.get("applicant_phone") or (person.phone if person is not None else ""))
    return {
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": str(dossier.applicant_type),
        "SoGiayToChuHoSo": number,
        "EmailChuHoSo": email,
        "SoDienThoaiChuHoSo": phone,
        "DinhDanhCHS": identities,
    }


def _summary(dossier: Dossier, data: dict) -> str:
    text = str(data.get("request_text") or "").strip()
    summary = f"{dossier.procedure.name}: {text}" if text else dossier.procedure.name
    return " ".join(summary.split())[:SUMMARY_MAX]


def _digitised(documents: list[DossierDocument]) -> bool:
    """Every component has a digitised file (DOMAIN.md §7); a dossier without any has none."""
    live = [d for d in documents if d.removed_at is None]
    not_digitised = DossierDocument.Digitisation.NOT_DIGITISED
    return bool(live) and all(d.digitisation != not_digitised for d in live)


def _eid_authenticated(dossier: Dossier) -> bool:
    """Filed by the applicant themself, logged in with VNeID."""
    person = dossier.applicant_person
    return (
        person is not None
        and bool(person.eid_subject)
        and person.user_id == dossier.submitted_by_id
        and dossier.assisted_by_id is None
    )


def _url(name: str, **kwargs) -> str:
    return settings.MOTCUA_SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _document(document: DossierDocument) -> dict:
    kinds = DossierDocument.Digitisation
    reused = {kinds.REUSED_COMPONENT: "1", kinds.REUSED_RESULT: "2"}.get(document.digitisation)
    return {
        "TepDinhKemId": str(document.file.public_id),
        "TenTepDinhKem": document.label or document.file.original_name,
        "MaThanhPhanHoSo": document.slot,
        "DuongDanTaiTepTin": _url("documents:download", public_id=document.file.public_id),
        "IsDeleted": "1" if document.removed_at else "0",
        "DuocSoHoa": "0" if document.digitisation == kinds.NOT_DIGITISED else "1",
        "DuocTaiSuDung": reused or "0",
        "DuocLayTuKhoDMQG": "1" if document.from_store else "0",
    }


def _results(dossier: Dossier) -> list[dict]:
    from motcua.results.models import ResultDocument

    result = ResultDocument.objects.filter(dossier=dossier).first()
    if result is None:
        return []
    return [
        {
            "TenGiayTo": result.title,
            "MaGiayToKetQua": result.number,
            "DuongDanTepTinKetQua": _url("results:verify_code", code=result.verification_code),
        }
    ]


def _fees(dossier: Dossier, paid_online: bool) -> list[dict]:
    from motcua.catalog.models import SubmissionChannel

    channels = list(SubmissionChannel.objects.filter(procedure_id=dossier.procedure_id))
    wanted = CATALOG_CHANNELS.get(dossier.channel)
    channel = next((c for c in channels if c.channel == wanted), None) or next(iter(channels), None)
    if channel is None or channel.fee_kind != "amount":
        return []
    items = channel.fee_items or [{"label": "", "amount": channel.fee_amount, "currency": "VND"}]
    fees = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("amount") in (None, ""):
            continue
        label = str(item.get("label") or "").strip() or "Phí, lệ phí"
        fees.append(
            {
                "TenPhiLePhi": label,
                "MaPhiLePhi": f"{dossier.procedure.code}-{number}",
                "HinhThucThu": "2" if paid_online else "1",
                "Gia": str(item["amount"]),
                "LoaiPhiLePhi": "2" if label.lower().startswith("lệ phí") else "1",
            }
        )
    return fees


def _history(dossier: Dossier) -> list[OutboxEvent]:
    """The dossier's recorded events (supplements, payments), oldest first."""
    return list(
        OutboxEvent.objects.filter(
            aggregate_type=Dossier._meta.label_lower, aggregate_id=str(dossier.public_id)
        )
        .filter(topic__in=("dossier.status_changed", "payment.confirmed", "payment.refunded"))
        .order_by("created_at")
    )


def _paid_online(events: list[OutboxEvent]) -> bool:
    payments = [e.topic for e in events if e.topic.startswith("payment.")]
    return bool(payments) and payments[-1] == "payment.confirmed"


def _supplements(dossier: Dossier, events: list[OutboxEvent]) -> list[dict]:
    """Each supplement request with its answer: asked when, what, received when, and the
    appointment before and after (read from the events of the two transitions)."""
    requested = list(
        DossierEvent.objects.filter(dossier=dossier, action=SUPPLEMENT_REQUEST).order_by("at", "id")
    )
    arrived = list(
        DossierEvent.objects.filter(dossier=dossier, action__in=SUPPLEMENT_ARRIVALS).order_by(
            "at", "id"
        )
    )
    changes = [e.payload for e in events if e.topic == "dossier.status_changed"]
    before = [p.get("appointment_at") for p in changes if p.get("action") == SUPPLEMENT_REQUEST]
    after = [p.get("appointment_at") for p in changes if p.get("action") in SUPPLEMENT_ARRIVALS]
    history = []
    for number, request in enumerate(requested):
        answer = arrived[number] if number < len(arrived) else None
        history.append(
            {
                "HoSoBoSungId": f"{dossier.code}-BS{number + 1}",
                "NoiDungBoSung": request.public_text,
                "NgayBoSung": portal_date(request.at),
                "NgayTiepNhanBoSung": portal_date(answer.at) if answer else "",
                "TrangThaiBoSung": "1" if answer else "0",
                "NgayHenTraTruoc": _iso_date(before, number),
                "NgayHenTraMoi": _iso_date(after, number) if answer else "",
            }
        )
    return history


def _iso_date(values: list, index: int) -> str:
    if index >= len(values) or not values[index]:
        return ""
    try:
        return portal_date(datetime.fromisoformat(values[index]))
    except ValueError:
        return ""


# --- The progress entry (CapNhatTienDoHoSoMC) -----------------------------------------------


def progress_entry(dossier: Dossier, event) -> dict | None:
    """The step ``event`` reports, or None when it reports no step of its own (a result
    issued is reported by the approval that follows it in the same transaction)."""
    topic = event.topic
    if topic == "dossier.result_issued":
        return None
    if topic.startswith("payment."):
        content = (
            "Đã ghi nhận thanh toán phí, lệ phí trực tuyến."
            if topic == "payment.confirmed"
            else "Đã hoàn trả phí, lệ phí đã thanh toán trực tuyến."
        )
        return _entry(dossier, at=event.created_at, status=dossier.status, content=content)
    step = _timeline_step(dossier, event)
    status = event.payload.get("status", dossier.status)
    if step is None:
        return _entry(dossier, at=event.created_at, status=status, content="")
    return _entry(
        dossier,
        at=step.at,
        status=status,
        content=step.public_text,
        actor=step.actor,
        agency=step.agency,
    )


def _timeline_step(dossier: Dossier, event) -> DossierEvent | None:
    steps = DossierEvent.objects.filter(dossier=dossier).select_related("actor", "agency")
    if event.topic == "dossier.status_changed":
        steps = steps.filter(action=event.payload.get("action", ""))
    elif event.topic == "dossier.submitted":
        steps = steps.filter(action="", status=Status.SUBMITTED)
    elif event.topic == "dossier.withdrawn":
        steps = steps.filter(action="", status=Status.WITHDRAWN)
    steps = steps.order_by("-at", "-id")
    return steps.filter(at__lte=event.created_at).first() or steps.first()


def _entry(dossier: Dossier, *, at, status, content, actor=None, agency=None) -> dict:
    step = (
        DossierStep.objects.filter(dossier=dossier, started_at__lte=at)
        .order_by("-started_at", "-id")
        .first()
    )
    agency = agency or dossier.resolving_agency
    due = dossier.due_at
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": _handler_name(actor, agency)[:HANDLER_MAX],
        "ChucDanh": _title(actor, dossier),
        "ThoiDiemXuLy": portal_date(at),
        "PhongBanXuLy": agency.name if agency is not None else "",
        "NoiDungXuLy": content,
        "TrangThai": str(status),
        "NgayBatDau": portal_date(step.started_at if step else at),
        "NgayKetThucTheoQuyDinh": portal_date(step.due_at if step and step.due_at else due),
    }


def _handler_name(actor, agency) -> str:
    if actor is not None:
        return actor.get_full_name() or actor.get_username()
    return agency.name if agency is not None else "Hệ thống"


def _title(actor, dossier: Dossier) -> str:
    if actor is None:
        return ""
    if not actor.is_staff_member:
        return "Người nộp hồ sơ"
    role = RoleAssignment.objects.active().filter(user=actor).order_by("id").first()
    return str(role.get_role_display()) if role is not None else ""
