"""Dossiers (hồ sơ): from a draft to a filed dossier with its code, documents and timeline.

Every change goes through ``dossiers.services`` (one transaction with its audit entry and
outbox events). Statuses are the national portal's (TrangThaiHoSo, DOMAIN.md §7) plus 0 for a
draft that has not been filed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import PublicIdModel, TimeStampedModel


class Status(models.IntegerChoices):
    DRAFT = 0, _("Bản nháp")
    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    IN_PROGRESS = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    DONE = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


#: Keys most dossiers leave empty (an organisation's, a delegate's or a desk filing; assigned
#: or handed on): indexed only where set, so that a filing or a status change writes no entry
#: for them. ``key = value`` finds its rows in the partial index all the same.
SPARSE_KEYS = (
    ("applicant_organisation", "organisation"),
    ("delegation", "delegation"),
    ("assisted_by", "assisted_by"),
    ("assigned_to", "assigned_to"),
    ("holding_agency", "holding_agency"),
)

#: Statuses where the agency is working on the dossier: the work queues (partial indexes
#: below cover exactly these, in this order).
OPEN_STATUSES = (1, 2, 4, 5, 6, 7)


class Stage(models.TextChoices):
    """Where a dossier stands within its status (the national status codes are coarse)."""

    NONE = "", _("—")
    AWAITING_FIXES = "awaiting_fixes", _("Chờ người nộp hoàn thiện trước khi tiếp nhận")
    ASSIGNMENT = "assignment", _("Chờ phân công xử lý")
    PROCESSING = "processing", _("Đang thẩm định, xử lý")
    APPROVAL = "approval", _("Chờ lãnh đạo phê duyệt")
    ELSEWHERE = "elsewhere", _("Đang xử lý liên thông tại cơ quan khác")
    WITHDRAWAL = "withdrawal", _("Chờ xác nhận rút hồ sơ")


class Timing(models.TextChoices):
    """How a finished dossier compares with a deadline (DOMAIN.md §8)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Channel(models.IntegerChoices):
    """KenhThucHien of the national portal."""

    DIRECT = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Qua bưu chính")


class ApplicantType(models.IntegerChoices):
    CITIZEN = 1, _("Công dân")
    BUSINESS = 2, _("Doanh nghiệp, tổ chức")
    STATE_BODY = 3, _("Cơ quan nhà nước")
    OTHER = 4, _("Khác")


class DossierQuerySet(models.QuerySet["Dossier"]):
    def filed(self) -> DossierQuerySet:
        return self.exclude(status=Status.DRAFT)

    def drafts(self) -> DossierQuerySet:
        return self.filter(status=Status.DRAFT)


class Dossier(PublicIdModel):
    """One application for one procedure.

    The applicant is a person or an organisation; ``submitted_by`` is the account that filed it
    (the applicant themself, a member of the organisation, a delegate, or a clerk at the desk,
    then also ``assisted_by``). ``data`` holds the e-form's answers (see ``forms.engine``).
    Applicant numbers used to find a dossier are kept only as keyed hashes
    (``applicant_pid_hash``, ``applicant_phone_hash``).
    """

    #: Unique once filed (dossier_code_unique); a draft has none (NULL, not "").
    code = models.CharField(_("mã hồ sơ"), max_length=40, null=True, blank=True)  # noqa: DJ001
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="dossiers"
    )
    form = models.ForeignKey(
        "eforms.FormDefinition", on_delete=models.PROTECT, related_name="dossiers"
    )
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=Status.choices, default=Status.DRAFT
    )
    channel = models.PositiveSmallIntegerField(
        _("kênh nộp"), choices=Channel.choices, default=Channel.ONLINE
    )
    applicant_type = models.PositiveSmallIntegerField(
        choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    applicant_person = models.ForeignKey(
        "accounts.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        db_index=False,  # dossier_person_status_idx leads with it
    )
    applicant_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        db_index=False,  # sparse: SPARSE_KEYS
    )
    applicant_name = models.CharField(_("người nộp"), max_length=255, blank=True)
    applicant_pid_hash = models.CharField(max_length=64, blank=True)
    applicant_phone_hash = models.CharField(max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers_filed",
        db_index=False,  # dossier_owner_status_idx leads with it
    )
    delegation = models.ForeignKey(
        "accounts.Delegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # sparse: SPARSE_KEYS
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ hỗ trợ nộp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_assisted",
        db_index=False,  # sparse: SPARSE_KEYS
    )
    consent_at = models.DateTimeField(_("người dân đồng ý lúc"), null=True, blank=True)
    digitised = models.BooleanField(_("hồ sơ giấy đã số hóa"), default=False)
    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiving_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_received",
    )
    resolving_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_resolved",
    )
    #: The agency path of the resolving agency (scope checks filter on it without a join).
    agency_path = models.CharField(max_length=255, blank=True)
    cross_boundary = models.BooleanField(_("phi địa giới"), default=False)
    data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    current_page = models.CharField(max_length=50, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    #: The legal deadline (the national index) — set at reception by the back office.
    due_at = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # --- Processing (the back office; see dossiers/workflow.py). Database defaults too, so
    # that rows written in SQL (imports, benchmarks) need not name these columns. ---
    stage = models.CharField(
        _("bước"), max_length=20, choices=Stage.choices, blank=True, default="", db_default=""
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên được phân công"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_assigned",
        db_index=False,  # sparse: SPARSE_KEYS
    )
    #: The agency holding the dossier during a hand-off (liên thông); None: the resolving one.
    holding_agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # sparse: SPARSE_KEYS
    )
    holding_due_at = models.DateTimeField(_("hạn xử lý liên thông"), null=True, blank=True)
    #: When the clock started (the first working moment at or after acceptance).
    clock_started_at = models.DateTimeField(null=True, blank=True)
    fixes_requested_at = models.DateTimeField(null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    #: The clock is stopped since then (awaiting the citizen's supplement), or None.
    paused_at = models.DateTimeField(null=True, blank=True)
    #: Working time spent waiting for the citizen, in seconds, over every supplement.
    paused_seconds = models.PositiveIntegerField(default=0, db_default=0)
    apologised_at = models.DateTimeField(null=True, blank=True)
    #: End of processing (DOMAIN.md §8): result ready, refused, stopped or withdrawn.
    finished_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    timing_legal = models.CharField(
        max_length=8, choices=Timing.choices, blank=True, default="", db_default=""
    )
    timing_committed = models.CharField(
        max_length=8, choices=Timing.choices, blank=True, default="", db_default=""
    )
    due_soon_notified_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    return_method = models.CharField(_("cách nhận kết quả"), max_length=10, blank=True)
    expires_at = models.DateTimeField(_("bản nháp hết hạn"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ("-submitted_at", "-created_at")
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        # Each index costs every filing and every status change: only those a query uses.
        indexes = (
            models.Index(fields=("submitted_by", "status"), name="dossier_owner_status_idx"),
            models.Index(fields=("applicant_person", "status"), name="dossier_person_status_idx"),
            models.Index(fields=("agency_path", "status"), name="dossier_agency_status_idx"),
            # An agency and everything under it: ``agency_path LIKE 'prefix%'``.
            models.Index(
                fields=("agency_path",),
                name="dossier_agency_subtree_idx",
                opclasses=("varchar_pattern_ops",),
            ),
            # The work queues: the open dossiers of an agency's subtree, or received or held
            # by given agencies (a few thousand rows out of millions).
            models.Index(
                fields=("agency_path", "appointment_at"),
                name="open_dossier_subtree_idx",
                opclasses=("varchar_pattern_ops", "timestamptz_ops"),
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=("receiving_agency", "appointment_at"),
                name="open_dossier_receiving_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            *(
                models.Index(
                    fields=(key,),
                    name=f"dossier_{name}_idx",
                    condition=Q(**{key + "__isnull": False}),
                )
                for key, name in SPARSE_KEYS
            ),
        )
        constraints = (
            models.UniqueConstraint(fields=("code",), name="dossier_code_unique"),
            models.CheckConstraint(
                condition=Q(status=0) | Q(code__isnull=False),
                name="filed_dossier_has_code",
            ),
        )

    def __str__(self) -> str:
        return self.code or f"Bản nháp {self.public_id}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def may_withdraw(self) -> bool:
        """An applicant may withdraw a filed dossier until the agency received it."""
        return self.status == Status.SUBMITTED


class DossierCodeCounter(models.Model):
    """The last sequence number used by one agency on one day (locked while a code is made)."""

    agency = models.ForeignKey("units.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["agency", "day"], name="unique_code_counter"),
        )

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class DossierDocument(TimeStampedModel):
    """A file attached to a dossier for one slot of its e-form (a checklist item)."""

    class Digitisation(models.IntegerChoices):
        """DOMAIN.md §7 flags sent to the national portal."""

        NOT_DIGITISED = 0, _("Chưa số hóa")
        DIGITISED = 1, _("Đã số hóa")
        REUSED_COMPONENT = 2, _("Dùng lại thành phần hồ sơ khác")
        REUSED_RESULT = 3, _("Dùng lại kết quả hồ sơ khác")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    slot = models.CharField(_("thành phần"), max_length=50)
    label = models.CharField(max_length=255, blank=True)
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", on_delete=models.SET_NULL, null=True, blank=True
    )
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    digitisation = models.PositiveSmallIntegerField(
        choices=Digitisation.choices, default=Digitisation.DIGITISED
    )
    from_store = models.BooleanField(_("lấy từ kho dữ liệu"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("dossier_id", "slot", "created_at")
        indexes = (models.Index(fields=("dossier", "slot"), name="dossier_document_slot_idx"),)

    def __str__(self) -> str:
        return f"{self.dossier} {self.slot}"


class DossierEvent(models.Model):
    """One step of the dossier's history. ``public_text`` is what the citizen and the public
    lookup read (plain Vietnamese, no personal data); ``note`` is for staff only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(choices=Status.choices)
    public_text = models.CharField(max_length=500)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    #: The transition that made this step (dossiers/workflow.py), "" for filing.
    action = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ("dossier_id", "at", "id")

    def __str__(self) -> str:
        return f"{self.dossier} {self.get_status_display()}"


class ProcessingCommitment(models.Model):
    """A province's committed processing time for a procedure, shorter than the legal one
    (provinces commit to 30–70 % less). The appointment given to the citizen comes from it;
    the legal deadline stays the national limit. ``province`` empty: every province."""

    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.CASCADE, related_name="commitments"
    )
    province = models.ForeignKey(
        "units.Province", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    time_value = models.DecimalField(_("thời gian cam kết"), max_digits=8, decimal_places=2)
    time_unit = models.CharField(_("đơn vị thời gian"), max_length=12)

    class Meta:
        verbose_name = _("thời gian giải quyết cam kết")
        verbose_name_plural = _("thời gian giải quyết cam kết")
        constraints = (
            models.UniqueConstraint(
                fields=("procedure", "province"), name="one_commitment_per_province"
            ),
        )

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.province_id or '*'}: {self.time_value} {self.time_unit}"


class StepKind(models.TextChoices):
    RECEPTION = "reception", _("Tiếp nhận")
    PROCESSING = "processing", _("Xử lý")
    APPROVAL = "approval", _("Phê duyệt")
    RETURN = "return", _("Trả kết quả")
    HAND_OFF = "hand_off", _("Phối hợp tại cơ quan khác")


class Process(models.Model):
    """The approved internal process of a procedure (quy trình nội bộ), as data: its ordered
    steps (``ProcessStep``). ``procedure`` and ``province`` empty are fallbacks: a process for
    a procedure and a province beats one for the procedure everywhere, which beats one for
    every procedure of the province, which beats one for everything; with none at all the
    built-in default applies (``processes.DEFAULT_STEPS``)."""

    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(
        "units.Province", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("quy trình giải quyết")
        verbose_name_plural = _("quy trình giải quyết")
        constraints = (
            models.UniqueConstraint(
                fields=("procedure", "province"),
                name="one_process_per_procedure_province",
                nulls_distinct=False,
            ),
        )

    def __str__(self) -> str:
        return f"{self.procedure_id or '*'} {self.province_id or '*'}"


class ProcessStep(models.Model):
    """One step of a process: its kind, the role that performs it, the agency (empty: the
    receiving agency for reception and return, the resolving one otherwise) and its share of
    the legal processing time in percent (the shares of a process sum to 100)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("loại bước"), max_length=12, choices=StepKind.choices)
    role = models.CharField(_("vai trò thực hiện"), max_length=20)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share = models.PositiveSmallIntegerField(_("tỷ lệ thời gian (%)"))

    class Meta:
        ordering = ("process_id", "position")
        constraints = (
            models.UniqueConstraint(fields=("process", "position"), name="one_step_per_position"),
        )

    def __str__(self) -> str:
        return f"{self.process_id} {self.position} {self.kind}"


class DossierStep(models.Model):
    """A dossier's passage through one step of its process: who handed it over to whom, at
    which agency, when it started, its due date (the step's share of the legal time, counted
    on the working calendar from the clock start), when it finished and how (early, on time,
    late). The process-control slip (06) prints these rows."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    timing = models.CharField(max_length=10, choices=Timing.choices, blank=True)

    class Meta:
        ordering = ("dossier_id", "started_at", "id")
        indexes = (
            models.Index(
                fields=("dossier",), name="dossier_open_step", condition=Q(finished_at__isnull=True)
            ),
        )

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"
