"""The service index (QĐ 766) as data, one fact row per filed dossier, and the counters the
dashboards read (see docs/statistics.md).

- ``IndicatorSet`` / ``Indicator``: the indicators of one version of the rules, loaded from
  ``stats/indicators/<code>-v<version>.toml``; a period uses the set valid at its start.
- ``DossierFact``: what the indicators need to know of one dossier, computed by
  ``stats.facts.fact_for`` and kept up to date by the outbox subscriber ``stats.refresh``.
- ``Rollup`` / ``OpenRollup``: counters per (node, procedure, grain, period start), changed
  by increments only; a node is an agency path prefix ("" = the nation).
- ``SocialCost``: what one dossier filed in person costs its applicant, per procedure.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Default classification (DOMAIN.md §11, *unconfirmed*, editable per set in the admin).
DEFAULT_BANDS = [
    {"min": 90, "label": "Xuất sắc"},
    {"min": 80, "label": "Tốt"},
    {"min": 70, "label": "Khá"},
    {"min": 50, "label": "Trung bình"},
    {"min": 0, "label": "Yếu"},
]


def default_bands() -> list[dict]:
    return [dict(band) for band in DEFAULT_BANDS]


class IndicatorSet(models.Model):
    """One version of an index's rules; a new version is a new set with a later start."""

    code = models.CharField(_("mã bộ chỉ số"), max_length=20)
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    valid_from = models.DateField(_("áp dụng từ ngày"))
    name = models.CharField(_("tên"), max_length=255)
    bands = models.JSONField(
        _("xếp loại"),
        default=default_bands,
        help_text=_(
            'Danh sách {"min": điểm tối thiểu, "label": tên xếp loại}, từ cao xuống thấp '
            "(chưa được xác nhận chính thức)."
        ),
    )
    source = models.CharField(_("văn bản"), max_length=255, blank=True)

    class Meta:
        ordering = ("code", "-valid_from")
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        constraints = (
            models.UniqueConstraint(fields=("code", "version"), name="one_indicator_set_version"),
        )

    def __str__(self) -> str:
        return f"{self.name} (v{self.version}, từ {self.valid_from:%d/%m/%Y})"


class ZeroRule(models.TextChoices):
    """What an indicator scores when its denominator is zero."""

    NO_DATA = "no_data", _("Không có dữ liệu (không tính điểm)")
    FULL = "full", _("Đủ điểm")
    ZERO = "zero", _("0 điểm")
    LAST_YEAR = "last_year", _("Mẫu số lấy tổng năm trước chia đều")


class IndicatorKind(models.TextChoices):
    DOSSIER = "dossier", _("Theo hồ sơ")
    PROCEDURE = "procedure", _("Theo thủ tục")
    FEEDBACK = "feedback", _("Theo phản ánh, kiến nghị")


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators"
    )
    ident = models.CharField(_("mã chỉ số"), max_length=10)
    name = models.CharField(_("tên chỉ số"), max_length=255)
    group = models.CharField(_("nhóm"), max_length=100)
    numerator_label = models.TextField(_("tử số"))
    denominator_label = models.TextField(_("mẫu số"))
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=5, decimal_places=2)
    threshold = models.DecimalField(
        _("ngưỡng (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Có ngưỡng T: điểm = min(tối đa, tối đa × R / T)."),
    )
    zero_rule = models.CharField(
        _("khi mẫu số bằng 0"), max_length=10, choices=ZeroRule.choices, default=ZeroRule.NO_DATA
    )
    scored = models.BooleanField(_("tính điểm"), default=True)
    scopes = models.JSONField(
        _("phạm vi"), default=list, help_text=_("Các cấp áp dụng: province, commune, ministry.")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=IndicatorKind.choices)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ("indicator_set_id", "position")
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        constraints = (
            models.UniqueConstraint(
                fields=("indicator_set", "ident"), name="one_indicator_per_set"
            ),
        )

    def __str__(self) -> str:
        return f"{self.ident} {self.name}"


class State(models.TextChoices):
    """A dossier against its legal deadline (DOMAIN.md §8)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")
    OPEN = "open", _("Đang giải quyết")


class DossierFact(models.Model):
    """What the indicators count of one filed dossier (``stats.facts.FactValues``)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", primary_key=True, on_delete=models.CASCADE, related_name="stat_fact"
    )
    agency_path = models.CharField(max_length=255)
    province_id = models.IntegerField(null=True)
    procedure_id = models.IntegerField()
    period_day = models.DateField()
    status = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=8, choices=State.choices)
    finished = models.BooleanField(default=False)
    end_day = models.DateField(null=True)
    due_day = models.DateField(null=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    elapsed_seconds = models.BigIntegerField(default=0)
    online = models.BooleanField(default=False)
    fully_online = models.BooleanField(default=False)
    eligible_full_online = models.BooleanField(default=False)
    fee_procedure = models.BooleanField(default=False)
    fee_nonzero = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    result_required = models.BooleanField(default=False)
    result_file = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    store_linked = models.BooleanField(default=False)
    population_data = models.BooleanField(default=False)
    not_satisfied = models.BooleanField(default=False)
    has_feedback = models.BooleanField(default=False)
    unsatisfying = models.BooleanField(default=False)
    synced = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số liệu hồ sơ")
        verbose_name_plural = _("số liệu hồ sơ")
        indexes = (
            # The drill-down: a subtree's dossiers of a period.
            models.Index(
                fields=("agency_path", "period_day"),
                name="stats_fact_subtree_day_idx",
                opclasses=("varchar_pattern_ops", "date_ops"),
            ),
            models.Index(fields=("period_day",), name="stats_fact_day_idx"),
        )

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.state}"


class Grain(models.TextChoices):
    DAY = "d", _("Ngày")
    MONTH = "m", _("Tháng")


#: The counters of a ``Rollup`` row, in order (each a sum over facts; see stats.facts).
COUNTERS = (
    "received",
    "early",
    "on_time",
    "late",
    "open",
    "finished",
    "elapsed_seconds",
    "online",
    "fully_online",
    "eligible_full_online",
    "fee_dossiers",
    "paid_online",
    "result_required",
    "result_file",
    "digitised",
    "reused",
    "store_linked",
    "population_data",
    "not_satisfied",
    "has_feedback",
    "unsatisfying",
    "synced",
)


class Rollup(models.Model):
    """Counters of the dossiers that entered one period (by receipt day) at one node, for one
    procedure (0: all procedures). Changed by increments (``stats.rollups``), never recounted
    except by ``motcua stats_rebuild``."""

    node = models.CharField(max_length=255)
    procedure_id = models.IntegerField()
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()
    received = models.BigIntegerField(default=0)
    early = models.BigIntegerField(default=0)
    on_time = models.BigIntegerField(default=0)
    late = models.BigIntegerField(default=0)
    open = models.BigIntegerField(default=0)
    finished = models.BigIntegerField(default=0)
    elapsed_seconds = models.BigIntegerField(default=0)
    online = models.BigIntegerField(default=0)
    fully_online = models.BigIntegerField(default=0)
    eligible_full_online = models.BigIntegerField(default=0)
    fee_dossiers = models.BigIntegerField(default=0)
    paid_online = models.BigIntegerField(default=0)
    result_required = models.BigIntegerField(default=0)
    result_file = models.BigIntegerField(default=0)
    digitised = models.BigIntegerField(default=0)
    reused = models.BigIntegerField(default=0)
    store_linked = models.BigIntegerField(default=0)
    population_data = models.BigIntegerField(default=0)
    not_satisfied = models.BigIntegerField(default=0)
    has_feedback = models.BigIntegerField(default=0)
    unsatisfying = models.BigIntegerField(default=0)
    synced = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = (
            models.UniqueConstraint(
                fields=("node", "procedure_id", "grain", "start"), name="stats_rollup_key"
            ),
        )
        indexes = (
            # The per-procedure rows of a node and period (procedures_with, social_cost,
            # per_procedure): the key narrows on the node only when procedure_id <> 0.
            models.Index(
                fields=("node", "grain", "start", "procedure_id"),
                include=("online", "paid_online", "population_data"),
                condition=~models.Q(procedure_id=0),
                name="stats_rollup_per_procedure",
            ),
        )

    def __str__(self) -> str:
        return f"{self.node or '*'} {self.procedure_id} {self.grain}{self.start}"


#: The due day of an open dossier that has no deadline at all (never overdue).
NO_DUE_DAY = "9999-12-31"


class OpenRollup(models.Model):
    """Open dossiers by due day, so that "open and overdue at T" = Σ rows with due_day < T."""

    node = models.CharField(max_length=255)
    procedure_id = models.IntegerField()
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()
    due_day = models.DateField()
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("hồ sơ đang giải quyết theo hạn")
        verbose_name_plural = _("hồ sơ đang giải quyết theo hạn")
        constraints = (
            models.UniqueConstraint(
                fields=("node", "procedure_id", "grain", "start", "due_day"),
                name="stats_open_rollup_key",
            ),
        )

    def __str__(self) -> str:
        return f"{self.node or '*'} {self.procedure_id} {self.grain}{self.start} {self.due_day}"


class SocialCost(models.Model):
    """What one dossier done in person costs its applicant, in đồng (travel, time waiting,
    paper and copies); ``procedure`` empty: the default for every procedure."""

    procedure = models.OneToOneField(
        "catalog.Procedure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="social_cost",
    )
    travel = models.BigIntegerField(_("đi lại (đồng/hồ sơ)"))
    waiting = models.BigIntegerField(_("thời gian chờ đợi (đồng/hồ sơ)"))
    paper = models.BigIntegerField(_("giấy tờ, sao chụp (đồng/hồ sơ)"))
    assumptions = models.TextField(_("giả định"))

    class Meta:
        verbose_name = _("chi phí xã hội")
        verbose_name_plural = _("chi phí xã hội")
        constraints = (
            models.UniqueConstraint(
                fields=("procedure",), name="one_social_cost_per_procedure", nulls_distinct=False
            ),
        )

    def __str__(self) -> str:
        return f"{self.procedure_id or '*'}: {self.total} đ"

    @property
    def total(self) -> int:
        return self.travel + self.waiting + self.paper


class RollupNode(models.Model):
    """Each agency path of the facts with each of its nodes (its prefixes and ""): the join
    table of the set-based rebuild, refilled by every ``motcua stats_rebuild``."""

    path = models.CharField(max_length=255)
    node = models.CharField(max_length=255)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("path", "node"), name="stats_rollup_node_key"),
        )

    def __str__(self) -> str:
        return f"{self.path} → {self.node or '*'}"


class FigureVersion(models.Model):
    """A token that changes, in the same transaction, whenever the counters of a node change
    (node "*": every node, after a recount or an edit of the rules). Figures remembered under
    one token stay exact while it does not change (``stats.figures``)."""

    node = models.CharField(max_length=255, primary_key=True)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("phiên bản số liệu")
        verbose_name_plural = _("phiên bản số liệu")

    def __str__(self) -> str:
        return f"{self.node or '(cả nước)'} {self.token}"
