"""Every change to a dossier: one transaction each, with its audit entry and outbox events.

Filing: ``start_draft`` → ``save_page`` (any number of times, any order) → ``attach_upload`` /
``attach_from_store`` / ``detach`` → ``submit``. ``submit`` is idempotent: the draft row is
locked, and a dossier already filed is returned as it is, so a double click, a resent request
or a retry after a timeout make one dossier with one code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from motcua.accounts.models import IdentityDocument, Person
from motcua.core import audit, outbox, rows
from motcua.core.memo import held
from motcua.forms.engine import Problem, problems
from motcua.forms.selectors import form_for
from motcua.units import selectors as units

from . import routing
from .codes import next_code, write_with_code
from .models import ApplicantType, Channel, Dossier, DossierDocument, DossierEvent, Status

log = structlog.get_logger(__name__)

_LOOKUP_SALT = "motcua.dossiers.lookup"


class DossierError(Exception):
    def __init__(self, code: str, message_vi: str):
        self.code = code
        self.message_vi = message_vi
        super().__init__(code)


class SubmissionIncomplete(DossierError):
    """What is still missing, all of it (the review page lists every problem)."""

    def __init__(self, found: list[Problem]):
        self.problems = found
        super().__init__("incomplete", _("Hồ sơ chưa đủ thông tin hoặc giấy tờ."))


def lookup_hash(value: str) -> str:
    """A keyed hash of a personal identification number or phone number: enough to match what
    someone types at the public lookup, nothing to read back."""
    text = "".join(ch for ch in (value or "") if ch.isdigit())
    if text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    return salted_hmac(_LOOKUP_SALT, text, algorithm="sha256").hexdigest() if text else ""


def draft_days() -> int:
    return int(getattr(settings, "MOTCUA_DRAFT_DAYS", 30))


# --- Drafts -----------------------------------------------------------------------------------


@transaction.atomic
def start_draft(*, user, acting, procedure, province=None, commune=None, request=None) -> Dossier:
    """A new draft for ``procedure``, for whoever ``acting`` says the citizen works for."""
    form = form_for(procedure, province)
    dossier = Dossier.objects.create(
        procedure=procedure,
        form=form,
        submitted_by=user,
        applicant_person=None if acting.on_behalf else acting.person,
        applicant_organisation=acting.organisation,
        applicant_type=ApplicantType.BUSINESS if acting.organisation else ApplicantType.CITIZEN,
        delegation=acting.delegation,
        province=province or (commune.province if commune else None),
        commune=commune,
        current_page=form.parsed.pages[0].key,
        expires_at=timezone.now() + timedelta(days=draft_days()),
    )
    if acting.principal_person is not None:
        dossier.applicant_person = acting.principal_person
        dossier.save(update_fields=["applicant_person"])
    audit.record("dossier_draft_started", obj=dossier, request=request, **acting.audit_fields())
    return dossier


@transaction.atomic
def save_page(
    dossier: Dossier, *, page: str, values: dict, next_page: str | None = None
) -> Dossier:
    """Keep a page's answers (already cleaned by the page form) and where the citizen is."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require_draft(dossier)
    dossier.data = {**(dossier.data or {}), **values}
    dossier.current_page = next_page or page
    dossier.expires_at = timezone.now() + timedelta(days=draft_days())
    dossier.reminder_sent_at = None
    dossier.save(
        update_fields=["data", "current_page", "expires_at", "reminder_sent_at", "updated_at"]
    )
    return dossier


def _require_draft(dossier: Dossier) -> None:
    if not dossier.is_draft:
        raise DossierError("filed", _("Hồ sơ đã nộp, không sửa được nữa."))


def attached_sizes(dossier: Dossier) -> list[int]:
    return list(
        dossier.documents.filter(removed_at__isnull=True).values_list("file__size", flat=True)
    )


def attach_upload(dossier: Dossier, *, actor, slot: str, upload, request=None) -> DossierDocument:
    """Check, scan and store an uploaded file for ``slot`` (raises documents' UploadError).

    Not one transaction on purpose: a refused file leaves its audit entry (``file_refused``)
    in the log; the attachment itself is written in one transaction."""
    from motcua.documents.checks import check_total
    from motcua.documents.services import store_upload

    _require_draft(dossier)
    check_total(attached_sizes(dossier), upload.size, name=upload.name)
    stored = store_upload(upload, owner=actor, request=request)
    with transaction.atomic():
        return _attach(dossier, actor=actor, slot=slot, stored=stored, from_store=False)


@transaction.atomic
def attach_from_store(dossier: Dossier, *, actor, slot: str, item, request=None) -> DossierDocument:
    """Attach a document the citizen already has in their store (kho dữ liệu), in one click."""
    _require_draft(dossier)
    return _attach(
        dossier,
        actor=actor,
        slot=slot,
        stored=item.file,
        from_store=True,
        digitisation=(
            DossierDocument.Digitisation.REUSED_RESULT
            if item.kind == "result"
            else DossierDocument.Digitisation.REUSED_COMPONENT
        ),
    )


#: The slot of documents a citizen sends in answer to a supplement request (not a form field).
SUPPLEMENT_SLOT = "supplement"


def answer_supplement(dossier: Dossier, *, actor, uploads, note: str = "", request=None) -> Dossier:
    """The applicant sends what the agency asked for: the files are checked, scanned and
    stored first (a refused file leaves its audit entry, as at filing), then attached and the
    answer recorded in one transaction (``processing.answer_supplement``: the clock runs
    again). Raises documents' UploadError or a DossierError."""
    from motcua.documents.checks import check_total
    from motcua.documents.services import store_upload

    from . import processing, workflow

    if not workflow.allowed(workflow.state_of(dossier), "answer_supplement"):
        raise processing.NotAllowed(
            "wrong_state", _("Hồ sơ không ở bước bổ sung giấy tờ nên không gửi bổ sung được.")
        )
    if not uploads:
        raise DossierError("files", _("Hãy chọn ít nhất một tệp giấy tờ bổ sung."))
    sizes = attached_sizes(dossier)
    stored = []
    for upload in uploads:
        check_total(sizes, upload.size, name=upload.name)
        sizes.append(upload.size)
        stored.append(store_upload(upload, owner=actor, request=request))
    with transaction.atomic():
        for number, item in enumerate(stored, start=1):
            DossierDocument.objects.create(
                dossier=dossier,
                slot=f"{SUPPLEMENT_SLOT}-{dossier.supplement_count}-{number}",
                label=_("Giấy tờ bổ sung lần %(n)s") % {"n": dossier.supplement_count},
                file=item,
                added_by=actor,
            )
        return processing.answer_supplement(
            dossier.public_id, actor=actor, request=request, note=note[:1000]
        )


def _attach(dossier, *, actor, slot, stored, from_store, digitisation=None) -> DossierDocument:
    spec = dossier.form.parsed.field(slot)
    if spec is None or spec.type != "file":
        raise DossierError("slot", _("Thành phần hồ sơ này không có trong biểu mẫu."))
    DossierDocument.objects.filter(dossier=dossier, slot=slot, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    document = DossierDocument.objects.create(
        dossier=dossier,
        slot=slot,
        label=spec.label[:255],
        required_document_id=spec.document,
        file=stored,
        from_store=from_store,
        digitisation=digitisation or DossierDocument.Digitisation.DIGITISED,
        added_by=actor,
    )
    audit.record("dossier_document_attached", actor=actor, obj=dossier, slot=slot, store=from_store)
    return document


@transaction.atomic
def detach(dossier: Dossier, *, actor, document: DossierDocument) -> None:
    _require_draft(dossier)
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at", "updated_at"])
    audit.record("dossier_document_removed", actor=actor, obj=dossier, slot=document.slot)


@transaction.atomic
def discard_draft(dossier: Dossier, *, actor, request=None) -> None:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require_draft(dossier)
    audit.record("dossier_draft_discarded", actor=actor, obj=dossier, request=request)
    dossier.delete()


# --- Submission -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    problems: list[Problem]
    attached: dict[str, DossierDocument]


def review(dossier: Dossier, *, locked) -> Review:
    """Everything missing before the dossier can be filed (locked: the prefilled values), with
    the documents attached (for the review page)."""
    attached = {
        d.slot: d
        for d in dossier.documents.filter(removed_at__isnull=True).select_related("file").order_by()
    }
    states = {slot: (d.file.scan_status, d.file.original_name) for slot, d in attached.items()}
    return Review(problems=_problems(dossier, locked, states), attached=attached)


def _problems(dossier: Dossier, locked, states: dict[str, tuple[str, str]]) -> list[Problem]:
    """The form's problems and the attachments not yet usable (``states``: slot → (scan
    status, file name))."""
    usable = {slot for slot, (scan, _name) in states.items() if scan == "clean"}
    found = problems(dossier.form.parsed, dossier.data or {}, attached_slots=usable, locked=locked)
    for slot, (scan, name) in states.items():
        if scan != "clean":
            found.append(
                Problem(
                    _page_of(dossier, slot),
                    slot,
                    _(
                        "Tệp “%(name)s” đang chờ kiểm tra mã độc nên chưa dùng được; hãy thử "
                        "lại sau ít phút hoặc tải tệp khác."
                    )
                    % {"name": name},
                )
            )
    return found


def _attachments_column() -> str:
    """A scalar subquery: the JSON list of [slot, scan status, file name] of what is attached
    to the dossier of the row (the submission needs no more of them)."""
    aggregate, array = (
        ("json_agg", "json_build_array")
        if connection.vendor == "postgresql"
        else ("json_group_array", "json_array")
    )
    # Only the vendor's function names are written in.
    return (
        f"(SELECT {aggregate}({array}(d.slot, f.scan_status, f.original_name)) "  # noqa: S608
        "FROM dossiers_dossierdocument d JOIN documents_storedfile f ON f.id = d.file_id "
        "WHERE d.dossier_id = dossiers_dossier.id AND d.removed_at IS NULL)"
    )


def _attachment_states(value) -> dict[str, tuple[str, str]]:
    """Slot → (scan status, file name), from the column above."""
    if isinstance(value, str):
        value = json.loads(value)
    return {slot: (scan, name) for slot, scan, name in value or []}


def _page_of(dossier: Dossier, key: str) -> str:
    spec = dossier.form.parsed
    return next((p.key for p in spec.pages for f in p.fields if f.key == key), spec.pages[-1].key)


def lock_own_draft(public_id, *, owner) -> Dossier | None:
    """The dossier ``owner`` started, row-locked until the transaction ends, with what filing
    reads of it attached: its e-form version, the procedure's facts and its place (reference
    data held per process, see ``motcua.core.memo``), the applicant with their number, and
    ``attachment_states`` (slot → (scan status, file name)). None when it is not theirs.

    One statement, written out (filing runs it on every submission, and compiling the ORM's
    query costs more than the database's work): the row found by its unique public id alone
    (with the owner in the condition the planner may walk the owner's every dossier), the
    owner checked after: another's row is released when the transaction fails."""
    sql, dossiers, people = _locking_statement()
    key = Dossier._meta.get_field("public_id").get_db_prep_value(public_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [IdentityDocument.Kind.PID, True, key])
        row = cursor.fetchone()
    if row is None:
        return None
    dossier = dossiers.build(row)
    if dossier.submitted_by_id != owner.pk:
        return None
    from .selectors import attach_reference_data

    attach_reference_data(dossier)
    number, attachments = row[dossiers.width + people.width :]
    if dossier.applicant_person_id:
        person = people.build(row, dossiers.width)
        person.active_pid_number = number
        if person.commune_id:
            person.commune = units.commune(person.commune_id)
        dossier.applicant_person = person
    dossier.attachment_states = _attachment_states(attachments)
    return dossier


@functools.cache
def _locking_statement() -> tuple[str, rows.Reader, rows.Reader]:
    """The dossier locked, its applicant (if a person) with their active personal number, and
    its attachments (parameters: the number's kind, active, the public id); built once."""
    dossiers, people = rows.reader(Dossier), rows.reader(Person)
    number = (
        "(SELECT i.number FROM accounts_identitydocument i WHERE i.person_id = accounts_person.id "
        "AND i.kind = %s AND i.is_active = %s ORDER BY i.id LIMIT 1)"
    )
    sql = (  # every value a parameter
        f"SELECT {dossiers.columns}, {people.columns}, {number}, "  # noqa: S608
        f"{_attachments_column()} FROM dossiers_dossier LEFT JOIN accounts_person "
        "ON accounts_person.id = dossiers_dossier.applicant_person_id "
        "WHERE dossiers_dossier.public_id = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF dossiers_dossier"
    return sql, dossiers, people


def locked_values(dossier: Dossier, *, actor) -> dict:
    """The values the state vouches for (the e-ID), taken again from the applicant at
    submission: what the citizen may not change."""
    from motcua.forms.prefill import fill_context

    person = dossier.applicant_person if dossier.applicant_person_id else None
    on_behalf = person is None or person.user_id != actor.pk
    return fill_context(
        dossier.form.parsed, user=actor, person=person, on_behalf=on_behalf, previous=None,
        locked_only=True,
    ).locked  # fmt: skip


@transaction.atomic
def submit(public_id, *, actor, request=None) -> Dossier:
    """File the draft ``actor`` started: check everything, route it, give it its code and
    expected appointment, record it. Idempotent: the row is locked first, and a dossier already
    filed is returned unchanged. Raises Dossier.DoesNotExist when it is not the actor's."""
    dossier = lock_own_draft(public_id, owner=actor)
    if dossier is None:
        raise Dossier.DoesNotExist
    if not dossier.is_draft:
        return dossier
    locked = locked_values(dossier, actor=actor)
    found = _problems(dossier, locked, dossier.attachment_states)
    if found:
        raise SubmissionIncomplete(found)
    person = dossier.applicant_person if dossier.applicant_person_id else None
    try:
        route = routing.route(
            dossier.procedure,
            province=dossier.province,
            commune=dossier.commune,
            residence=person.commune if person is not None else None,
        )
    except routing.RoutingError as error:
        raise DossierError("routing", error.message_vi) from None
    now = timezone.now()
    answers = {**(dossier.data or {}), **{k: v.value for k, v in locked.items()}}
    dossier.data = answers
    dossier.status = Status.SUBMITTED
    dossier.channel = Channel.ONLINE
    dossier.submitted_at = now
    dossier.receiving_agency, dossier.resolving_agency = route.receiving, route.resolving
    dossier.agency_path = route.resolving.path
    dossier.province, dossier.commune = route.province or dossier.province, route.commune
    dossier.cross_boundary = route.cross_boundary
    dossier.appointment_at = expected_appointment(dossier.procedure, now)
    dossier.applicant_name = _applicant_name(dossier, answers)
    dossier.applicant_pid_hash = lookup_hash(str(answers.get("applicant_pid") or ""))
    dossier.applicant_phone_hash = lookup_hash(str(answers.get("applicant_phone") or ""))
    dossier.return_method = str(answers.get("return_method") or "")[:10]
    dossier.expires_at = None
    # The number last: the agency's counter row stays locked only for the writes below.
    write_with_code(dossier, route.receiving, now, SUBMITTED_FIELDS)
    with rows.together():  # the timeline, audit and outbox rows in one statement
        _timeline(
            dossier=dossier,
            status=Status.SUBMITTED,
            public_text=_("Đã nộp hồ sơ trực tuyến; chờ %(agency)s tiếp nhận.")
            % {"agency": route.receiving.name},
            actor=actor,
            agency=route.receiving,
        )
        audit.record(
            "dossier_submitted",
            actor=actor,
            obj=dossier,
            request=request,
            code=dossier.code,
            **on_behalf_fields(dossier, actor),
        )
        outbox.emit(
            "dossier.submitted",
            aggregate=dossier,
            code=dossier.code,
            status=Status.SUBMITTED,
            receiving_agency=route.receiving.code,
        )
    log.info("dossiers.submitted", code=dossier.code, procedure=dossier.procedure.code)
    return dossier


SUBMITTED_FIELDS = [
    "data", "status", "channel", "submitted_at", "receiving_agency", "resolving_agency",
    "agency_path", "province", "commune", "cross_boundary", "appointment_at", "applicant_name",
    "applicant_pid_hash", "applicant_phone_hash", "return_method", "expires_at", "updated_at",
]  # fmt: skip


def on_behalf_fields(dossier: Dossier, actor) -> dict:
    """For the audit log: for whom the actor filed (the dossier says; not the session)."""
    fields: dict = {}
    if dossier.applicant_organisation_id:
        fields["on_behalf_of_organisation"] = dossier.applicant_organisation
    elif dossier.applicant_person_id and dossier.applicant_person.user_id != actor.pk:
        fields["on_behalf_of"] = dossier.applicant_person.user
    if dossier.delegation_id:
        fields["delegation"] = dossier.delegation_id
    return fields


def _timeline(**fields) -> DossierEvent:
    """One step of the dossier's timeline."""
    return rows.insert(DossierEvent(**fields))


def _applicant_name(dossier: Dossier, answers: dict) -> str:
    if dossier.applicant_organisation_id:
        return dossier.applicant_organisation.name[:255]
    name = answers.get("applicant_name") or (
        dossier.applicant_person.full_name if dossier.applicant_person_id else ""
    )
    return str(name)[:255]


def expected_appointment(procedure, start):
    """The appointment date given at filing (DOMAIN.md §4), from the online channel's time —
    the same calculator the back office uses when it accepts the dossier."""
    from motcua.core.calendar import WorkingCalendar

    value, unit = processing_time(procedure.pk, procedure.version)
    if value is None:
        return None
    return WorkingCalendar.current().due(start, value, unit)


@held(3600)
def processing_time(procedure_id: int, version: int) -> tuple:
    """(value, unit) of a procedure version's processing time, online channel first. Cached per
    process: a catalogue change makes a new version. Some records give a bare number, taken as
    working days, the usual unit (the clerk sets the formal appointment at reception)."""
    from motcua.catalog.models import SubmissionChannel

    channels = {c.channel: c for c in SubmissionChannel.objects.filter(procedure_id=procedure_id)}
    channel = (
        channels.get("online") or channels.get("direct") or next(iter(channels.values()), None)
    )
    if channel is None or not channel.time_value:
        return None, None
    unit = channel.time_unit or getattr(settings, "MOTCUA_DEFAULT_TIME_UNIT", "working_day")
    return channel.time_value, unit


@transaction.atomic
def withdraw(dossier: Dossier, *, actor, reason: str = "", request=None) -> Dossier:
    """The applicant takes back a dossier the agency has not received yet."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not dossier.may_withdraw:
        raise DossierError(
            "not_withdrawable",
            _("Hồ sơ đã được tiếp nhận nên không rút trực tuyến được; hãy liên hệ nơi tiếp nhận."),
        )
    dossier.status = Status.WITHDRAWN
    dossier.withdrawn_at = timezone.now()
    dossier.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _timeline(
        dossier=dossier,
        status=Status.WITHDRAWN,
        public_text=_("Người nộp đã rút hồ sơ trước khi cơ quan tiếp nhận."),
        note=reason[:1000],
        actor=actor,
    )
    audit.record("dossier_withdrawn", actor=actor, obj=dossier, request=request)
    outbox.emit("dossier.withdrawn", aggregate=dossier, code=dossier.code, status=Status.WITHDRAWN)
    return dossier


# --- Drafts that were left -------------------------------------------------------------------


def remind_and_expire_drafts(now=None) -> tuple[int, int]:
    """Remind the citizen of a draft about to expire (once), and delete expired drafts.
    Returns (reminded, deleted). Run daily (``motcua drafts``)."""
    import uuid

    from django.urls import reverse

    from motcua.notifications.services import notify

    now = now or timezone.now()
    soon = now + timedelta(days=int(getattr(settings, "MOTCUA_DRAFT_REMINDER_DAYS", 3)))
    reminded = 0
    due = Dossier.objects.drafts().filter(
        expires_at__gt=now, expires_at__lte=soon, reminder_sent_at__isnull=True
    )
    for draft in due.select_related("procedure", "submitted_by"):
        user = draft.submitted_by
        email = user.email if user.email and user.email_verified_at else ""
        notify(
            user,
            event_id=uuid.uuid5(
                uuid.NAMESPACE_URL, f"draft-reminder:{draft.public_id}:{draft.expires_at}"
            ),
            title=_("Bản nháp hồ sơ sắp bị xóa"),
            body=_(
                "Bản nháp hồ sơ “%(procedure)s” của bạn chưa được nộp và sẽ bị xóa vào ngày "
                "%(when)s. Hãy khai tiếp và nộp nếu bạn vẫn cần."
            )
            % {
                "procedure": draft.procedure.name,
                "when": timezone.localtime(draft.expires_at).strftime("%d/%m/%Y"),
            },
            url=reverse(
                "portal:filing_page",
                kwargs={"public_id": draft.public_id, "page": draft.current_page},
            ),
            email=email,
        )
        Dossier.objects.filter(pk=draft.pk).update(reminder_sent_at=now)
        reminded += 1
    deleted = 0
    for draft in Dossier.objects.drafts().filter(expires_at__lte=now):
        with transaction.atomic():
            audit.record("dossier_draft_expired", obj=draft)
            draft.delete()
        deleted += 1
    return reminded, deleted


# --- At the desk ------------------------------------------------------------------------------


@transaction.atomic
def file_at_desk(
    *,
    clerk,
    procedure,
    applicant: dict,
    uploads: dict,
    consent: bool,
    digitised: bool,
    commune=None,
    request=None,
) -> Dossier:
    """A clerk files a walk-in citizen's paper dossier: the scans attached, the citizen's
    consent recorded, the clerk shown as the one who assisted. The dossier gets its code now
    (a desk dossier is coded at reception) at the clerk's agency."""
    from motcua.accounts.access import scope_of
    from motcua.accounts.models import Permission
    from motcua.accounts.services.organisations import person_with_pid
    from motcua.documents.services import store_upload

    if not consent:
        raise DossierError("consent", _("Cần người dân đồng ý cho cán bộ nộp hồ sơ thay."))
    agency = clerk.agency
    if agency is None or not scope_of(clerk).allows(Permission.DOSSIER_FILE_ASSISTED, agency):
        raise DossierError("forbidden", _("Bạn không được nhận hồ sơ tại quầy của cơ quan này."))
    province = agency.province or (commune.province if commune else None)
    form = form_for(procedure, province)
    person = person_with_pid(applicant.get("applicant_pid") or "")
    now = timezone.now()
    try:
        route = routing.route(
            procedure, province=province, commune=commune or agency.commune, residence=None
        )
    except routing.RoutingError as error:
        raise DossierError("routing", error.message_vi) from None
    dossier = Dossier.objects.create(
        procedure=procedure,
        form=form,
        status=Status.SUBMITTED,
        channel=Channel.DIRECT,
        applicant_person=person,
        applicant_name=str(applicant.get("applicant_name") or "")[:255],
        applicant_pid_hash=lookup_hash(str(applicant.get("applicant_pid") or "")),
        applicant_phone_hash=lookup_hash(str(applicant.get("applicant_phone") or "")),
        submitted_by=clerk,
        assisted_by=clerk,
        consent_at=now,
        digitised=digitised,
        province=province,
        commune=route.commune,
        receiving_agency=agency,
        resolving_agency=route.resolving,
        agency_path=route.resolving.path,
        data=applicant,
        code=next_code(agency, now),
        submitted_at=now,
        appointment_at=expected_appointment(procedure, now),
        return_method=str(applicant.get("return_method") or "desk")[:10],
    )
    spec = form.parsed
    for slot, upload in uploads.items():
        stored = store_upload(upload, owner=clerk, request=request)
        field = spec.field(slot)
        DossierDocument.objects.create(
            dossier=dossier,
            slot=slot,
            label=(field.label if field else slot)[:255],
            required_document_id=field.document if field else None,
            file=stored,
            digitisation=DossierDocument.Digitisation.DIGITISED,
            added_by=clerk,
        )
    _timeline(
        dossier=dossier,
        status=Status.SUBMITTED,
        public_text=_("Đã nộp hồ sơ tại Bộ phận Một cửa của %(agency)s.") % {"agency": agency.name},
        actor=clerk,
        agency=agency,
    )
    audit.record(
        "dossier_filed_at_desk",
        actor=clerk,
        obj=dossier,
        request=request,
        code=dossier.code,
        consent=True,
        digitised=digitised,
    )
    outbox.emit(
        "dossier.submitted",
        aggregate=dossier,
        code=dossier.code,
        status=Status.SUBMITTED,
        receiving_agency=agency.code,
        channel=Channel.DIRECT,
    )
    return dossier
