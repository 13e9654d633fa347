"""The procedure catalogue: national records, provincial listings, and the search index."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class Level(models.TextChoices):
    """Level of government that carries out a procedure (cấp thực hiện)."""

    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


class OnlineLevel(models.TextChoices):
    """Online service level of a procedure in a province (NĐ 224/2026)."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")
    UNKNOWN = "unknown", _("Chưa công bố")


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("ngày làm việc")
    DAY = "day", _("ngày")
    HOUR = "hour", _("giờ")
    MONTH = "month", _("tháng")


class Channel(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")
    OTHER = "other", _("Khác")


class FeeKind(models.TextChoices):
    AMOUNT = "amount", _("Có phí, lệ phí")
    FREE = "free", _("Miễn phí")
    UNKNOWN = "unknown", _("Chưa có thông tin")


class Source(models.TextChoices):
    NATIONAL = "national", _("Cơ sở dữ liệu quốc gia về TTHC")
    DEFENCE = "defence", _("Bộ Quốc phòng")
    PROVINCIAL = "provincial", _("Danh mục của tỉnh")


class Field(models.Model):
    """Field of activity (lĩnh vực)."""

    name = models.CharField(_("tên"), max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        ordering = ("sort_key",)
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    """A procedure identified by its national code (mã thủ tục, e.g. 1.001193).

    Records from the national database carry the full description; a procedure known only from
    a provincial list has ``has_detail`` false and only what the list says.
    """

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.TextField(_("tên thủ tục"))
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, null=True, blank=True, related_name="procedures"
    )
    levels = models.CharField(
        _("cấp thực hiện"),
        max_length=60,
        blank=True,
        help_text=_("Danh sách, cách nhau bởi dấu phẩy."),
    )
    procedure_type = models.CharField(_("loại thủ tục"), max_length=255, blank=True)
    decision_number = models.CharField(_("số quyết định công bố"), max_length=255, blank=True)
    subjects = models.TextField(_("đối tượng thực hiện"), blank=True)
    for_citizens = models.BooleanField(_("dành cho công dân"), default=False)
    for_businesses = models.BooleanField(_("dành cho doanh nghiệp, tổ chức"), default=False)
    ministry = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_procedures",
        verbose_name=_("bộ, ngành công bố"),
    )
    agencies = models.ManyToManyField(
        "units.Agency", blank=True, related_name="procedures", verbose_name=_("cơ quan thực hiện")
    )
    implementing_agency = models.TextField(_("cơ quan thực hiện"), blank=True)
    competent_authority = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    authorised_agency = models.TextField(_("cơ quan được ủy quyền"), blank=True)
    coordinating_agency = models.TextField(_("cơ quan phối hợp"), blank=True)
    receiving_address = models.TextField(_("địa chỉ tiếp nhận hồ sơ"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    result_text = models.TextField(_("kết quả thực hiện"), blank=True)
    results = models.JSONField(_("kết quả"), default=list, blank=True)
    related_procedures = models.TextField(_("thủ tục liên quan"), blank=True)
    has_online_channel = models.BooleanField(_("có kênh trực tuyến"), default=False)
    has_detail = models.BooleanField(default=True)
    is_active = models.BooleanField(
        _("đang áp dụng"),
        default=True,
        help_text=_("Sai khi thủ tục không còn trong nguồn dữ liệu."),
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    source_url = models.URLField(max_length=500, blank=True)
    source_data = models.JSONField(default=dict, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    popularity = models.PositiveSmallIntegerField(
        default=0, help_text=_("Ưu tiên khi xếp hạng tìm kiếm (dịch vụ thiết yếu, phổ biến).")
    )

    class Meta:
        ordering = ("sort_key",)
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]

    @property
    def level_labels(self) -> list[str]:
        labels = dict(Level.choices)
        return [str(labels[level]) for level in self.level_list if level in labels]


class SubmissionChannel(models.Model):
    """One way of submitting (trực tiếp, trực tuyến, bưu chính) with its time and fee."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="channels")
    position = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    channel_label = models.CharField(max_length=100, blank=True)
    time_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    time_unit = models.CharField(
        _("đơn vị thời gian"), max_length=12, choices=TimeUnit.choices, blank=True
    )
    time_text = models.TextField(blank=True)
    fee_kind = models.CharField(_("phí, lệ phí"), max_length=8, choices=FeeKind.choices)
    fee_amount = models.BigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    fee_items = models.JSONField(default=list, blank=True)
    fee_text = models.TextField(blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering = (
            "procedure",
            "position",
        )

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.channel_label or self.channel}"


class RequiredDocument(models.Model):
    """One item of the dossier checklist (thành phần hồ sơ)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    group = models.TextField(_("trường hợp"), blank=True)
    name = models.TextField(_("tên giấy tờ"))
    template = models.CharField(_("mẫu đơn, tờ khai"), max_length=255, blank=True)
    original_count = models.PositiveSmallIntegerField(_("bản chính"), null=True, blank=True)
    copy_count = models.PositiveSmallIntegerField(_("bản sao"), null=True, blank=True)
    quantity_text = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = (
            "procedure",
            "position",
        )

    def __str__(self) -> str:
        return self.name[:80]


class LegalBasis(models.Model):
    """A legal text the procedure rests on (căn cứ pháp lý)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="legal_bases")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.TextField(_("tên văn bản"))
    number = models.CharField(_("số hiệu"), max_length=120, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)

    class Meta:
        ordering = (
            "procedure",
            "position",
        )

    def __str__(self) -> str:
        return self.number or self.title[:80]


class Listing(models.Model):
    """A province's listing of a procedure, with its local code and online level."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="listings")
    province = models.ForeignKey(
        "units.Province", on_delete=models.PROTECT, related_name="listings"
    )
    local_code = models.CharField(_("mã thủ tục tại tỉnh"), max_length=60)
    name = models.TextField(_("tên tại tỉnh"))
    field_name = models.CharField(_("lĩnh vực tại tỉnh"), max_length=255, blank=True)
    agency_text = models.CharField(_("cơ quan thực hiện tại tỉnh"), max_length=255, blank=True)
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"), max_length=8, choices=OnlineLevel.choices
    )
    online_level_text = models.CharField(max_length=60, blank=True)
    decision_number = models.CharField(_("quyết định công bố"), max_length=255, blank=True)
    source_row = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = (
            "province__sort_key",
            "local_code",
        )
        constraints = (
            models.UniqueConstraint(
                fields=["local_code", "agency_text"], name="unique_listing_code_agency"
            ),
        )
        verbose_name = _("thủ tục tại tỉnh")
        verbose_name_plural = _("thủ tục tại tỉnh")

    def __str__(self) -> str:
        return f"{self.local_code} {self.name}"


class Entry(models.Model):
    """One line of the public catalogue: a national record or a provincial listing.

    Denormalised from Procedure and Listing so that browsing and filtering is one indexed
    query whatever the size of the catalogue.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Thủ tục quốc gia")
        PROVINCIAL = "provincial", _("Thủ tục tại tỉnh")

    code = models.CharField(max_length=60, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="entries")
    listing = models.OneToOneField(
        Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="entry"
    )
    name = models.TextField()
    sort_key = models.CharField(max_length=400, db_index=True)
    levels = models.CharField(max_length=60, blank=True)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, null=True, blank=True)
    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, null=True, blank=True)
    agency_path = models.CharField(max_length=255, blank=True, db_index=True)
    online_level = models.CharField(max_length=8, choices=OnlineLevel.choices)
    for_citizens = models.BooleanField(default=False)
    for_businesses = models.BooleanField(default=False)
    rank = models.PositiveSmallIntegerField(
        default=0, help_text="national record first, then provinces in name order"
    )

    class Meta:
        ordering = (
            "sort_key",
            "rank",
        )
        constraints = (
            models.UniqueConstraint(fields=["code", "listing"], name="unique_entry_code_listing"),
        )
        indexes = (
            models.Index(fields=["procedure", "rank"]),
            models.Index(fields=["province", "sort_key"]),
            models.Index(fields=["field", "sort_key"]),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SearchDocument(models.Model):
    """Folded text of one procedure for full-text search (one row per national code).

    PostgreSQL indexes it with ``tsvector`` over ``unaccent`` and trigrams; SQLite mirrors it
    into an FTS5 table. See docs/search.md.
    """

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    name = models.TextField(help_text="national name, lower case")
    names = models.TextField(help_text="all names of the procedure, national and provincial")
    keywords = models.TextField(blank=True, help_text="field, agencies, results")
    codes = models.TextField(blank=True, help_text="national and local codes")
    name_folded = models.TextField()
    names_folded = models.TextField()
    keywords_folded = models.TextField(blank=True)
    popularity = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """A life event (sự kiện) grouping the procedures people need around it."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=255, blank=True)
    audience = models.CharField(
        max_length=10, choices=[("citizen", _("Công dân")), ("business", _("Doanh nghiệp"))]
    )
    position = models.PositiveSmallIntegerField(default=0)
    procedures = models.ManyToManyField(Procedure, blank=True, related_name="life_events")

    class Meta:
        ordering = ("position",)

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    checksum = models.CharField(max_length=64, db_index=True)
    summary = models.JSONField(default=dict)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ("-started_at",)
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


class ProcedureChange(models.Model):
    """What an import changed in a procedure (created, updated fields, withdrawn)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Thêm mới")
        UPDATED = "updated", _("Cập nhật")
        REMOVED = "removed", _("Bãi bỏ khỏi nguồn")

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    code = models.CharField(max_length=60, db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    fields = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = (
            "run",
            "code",
        )

    def __str__(self) -> str:
        return f"{self.action} {self.code}"
