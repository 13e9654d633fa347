"""Feedback and recommendations (PAKN, DOMAIN.md §9) and satisfaction ratings (§10).

Every change goes through ``feedback.services`` (one transaction with its audit entry and
outbox events). A feedback's sender may have no account: they follow it with a signed link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import PublicIdModel, TimeStampedModel


class Kind(models.TextChoices):
    REFLECTION = "reflection", _("Phản ánh")
    RECOMMENDATION = "recommendation", _("Kiến nghị")


class Subject(models.TextChoices):
    PROCEDURE = "procedure", _("Một thủ tục hành chính")
    AGENCY = "agency", _("Một cơ quan")
    STAFF = "staff", _("Thái độ, hành vi của cán bộ")
    DOSSIER = "dossier", _("Một hồ sơ tôi đã nộp")


class FeedbackClass(models.TextChoices):
    """The classes of the national index (indicator 5.1)."""

    UNCLASSIFIED = "", _("Chưa phân loại")
    REGULATION = "regulation", _("Về quy định hành chính, thủ tục")
    CONDUCT = "conduct", _("Về hành vi, thái độ của cán bộ")


class State(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ phân loại")
    REJECTED = "rejected", _("Không được thụ lý")
    PROCESSING = "processing", _("Đang xử lý")
    AWAITING_INFO = "awaiting_info", _("Chờ người gửi bổ sung thông tin")
    ANSWERED = "answered", _("Đã có trả lời, chờ công khai")
    PUBLISHED = "published", _("Đã trả lời và công khai")


#: States in which the agency still has work to do (the staff queue's default).
OPEN_STATES = (State.RECEIVED, State.PROCESSING, State.AWAITING_INFO, State.ANSWERED)


class Rating(models.TextChoices):
    NONE = "", _("Chưa đánh giá")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


class FeedbackCodeCounter(models.Model):
    """The last sequence number of feedback codes used on one day (locked while taken)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} {self.last}"


class Feedback(PublicIdModel):
    """One feedback (phản ánh) or recommendation (kiến nghị), from intake to publication."""

    code = models.CharField(_("mã phản ánh"), max_length=20, unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("về"), max_length=12, choices=Subject.choices)
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff_description = models.TextField(_("cán bộ được phản ánh"), blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field = models.ForeignKey(
        "catalog.Field", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.TextField(_("nội dung"))
    proposal = models.TextField(_("giải pháp đề xuất"), blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_sent",
    )
    sender_name = models.CharField(_("người gửi"), max_length=120)
    sender_email = models.CharField(_("e-mail"), max_length=254, blank=True)
    sender_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    #: Keyed hash of the contact (for the per-contact rate limit), never the contact itself.
    contact_hash = models.CharField(max_length=64, db_index=True)
    consent_publish = models.BooleanField(_("đồng ý công khai ẩn danh"), default=False)

    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, related_name="feedback_items"
    )
    agency_path = models.CharField(max_length=255, db_index=True)
    state = models.CharField(
        _("tình trạng"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    feedback_class = models.CharField(
        _("phân loại"), max_length=12, choices=FeedbackClass.choices, blank=True, default=""
    )

    received_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now, db_index=True)
    #: Where the 15 working days run from: the receipt, or the last transfer.
    clock_from = models.DateTimeField(default=timezone.now)
    intake_due_at = models.DateTimeField(_("hạn phân loại"))
    info_due_at = models.DateTimeField(_("hạn yêu cầu bổ sung thông tin"))
    answer_due_at = models.DateTimeField(_("hạn trả lời"))
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    #: The deadline the queue orders by (what is due next for the agency).
    due_at = models.DateTimeField(_("hạn tiếp theo"), null=True, blank=True, db_index=True)

    classified_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)
    transferred_at = models.DateTimeField(null=True, blank=True)
    transferred_from = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transfer_reason = models.TextField(blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    info_request = models.TextField(blank=True)
    info_answered_at = models.DateTimeField(null=True, blank=True)
    info_answer = models.TextField(blank=True)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    #: The first answer: what "handled on time" is measured by.
    first_answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_question = models.TextField(_("nội dung công khai"), blank=True)
    published_answer = models.TextField(_("trả lời công khai"), blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: Folded (no diacritics, lower case) question, answer and agency of a published item.
    search_text = models.TextField(blank=True, editable=False)
    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    complaint = models.TextField(blank=True)

    class Meta:
        ordering = ("-received_at",)
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = (
            models.Index(
                fields=("agency_path",),
                name="feedback_agency_subtree_idx",
                opclasses=("varchar_pattern_ops",),
            ),
            models.Index(fields=("state", "published_at"), name="feedback_state_idx"),
        )

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_anonymous(self) -> bool:
        return self.sender_id is None


class Attachment(TimeStampedModel):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.file_id}"


class SentMail(models.Model):
    """One e-mail sent to an anonymous sender for one outbox event: never sent twice."""

    event_id = models.UUIDField(unique=True)
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


# --- Satisfaction -----------------------------------------------------------------------------


class Level(models.IntegerChoices):
    NOT_SATISFIED = 1, _("Không hài lòng")
    SATISFIED = 2, _("Hài lòng")
    VERY_SATISFIED = 3, _("Rất hài lòng")


class DossierRating(TimeStampedModel):
    """The applicant's rating of a returned dossier, one per dossier, on the 12 criteria of
    DOMAIN.md §10 (``levels``: criterion code → level; "overall" always present)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="rating"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overall = models.PositiveSmallIntegerField(_("mức độ hài lòng chung"), choices=Level.choices)
    levels = models.JSONField(default=dict)
    comment = models.TextField(_("góp ý"), blank=True)
    via_link = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("đánh giá hồ sơ")
        verbose_name_plural = _("đánh giá hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.overall}"

    @property
    def not_satisfied(self) -> list[str]:
        return [code for code, level in self.levels.items() if level == Level.NOT_SATISFIED]


class FollowUp(TimeStampedModel):
    """A task for the resolving agency after a "not satisfied" rating, closed with a note."""

    rating = models.OneToOneField(DossierRating, on_delete=models.CASCADE, related_name="followup")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    agency_path = models.CharField(max_length=255, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ("closed_at", "-created_at")
        verbose_name = _("việc theo dõi sau đánh giá")
        verbose_name_plural = _("việc theo dõi sau đánh giá")

    def __str__(self) -> str:
        return f"{self.dossier_id}"
