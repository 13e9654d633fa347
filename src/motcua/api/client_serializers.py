"""API representations for client systems: units, dossiers, supplements, webhooks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.dossiers.models import Status

from .services import TOPICS


class ProvinceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã tỉnh (TCTK), ví dụ 68 / statistics office code.")
    qcvn_code = serializers.CharField(help_text="Mã QCVN 102:2016, ví dụ H36.")
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField(help_text="province | city")


class CommuneSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã xã (TCTK) / commune code.")
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField(help_text="xa | phuong | dac_khu")
    province_code = serializers.CharField(source="province.code")


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã định danh QCVN 102:2016.")
    name = serializers.CharField()


class TimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.IntegerField(min_value=0, max_value=10)
    status_name = serializers.SerializerMethodField()
    text = serializers.CharField(source="public_text", help_text="Diễn giải bằng tiếng Việt.")

    def get_status_name(self, event) -> str:
        return str(Status(event.status).label)


class DossierStatusSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã hồ sơ / dossier code.")
    status = serializers.IntegerField(
        min_value=0, max_value=10, help_text="Mã trạng thái (TrangThaiHoSo) 1–10."
    )
    status_name = serializers.SerializerMethodField()
    procedure_code = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    receiving_agency = AgencyRefSerializer(allow_null=True)
    resolving_agency = AgencyRefSerializer(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    appointment_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn trả kết quả.")
    due_at = serializers.DateTimeField(allow_null=True, help_text="Hạn giải quyết theo luật.")
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    applicant_name = serializers.SerializerMethodField(
        help_text="Chỉ với hồ sơ do chính hệ thống này nộp / only for dossiers this client filed."
    )
    timeline = serializers.SerializerMethodField()

    def get_status_name(self, dossier) -> str:
        return str(Status(dossier.status).label)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_applicant_name(self, dossier) -> str | None:
        client = self.context["client"]
        return dossier.applicant_name if dossier.submitted_by_id == client.user_id else None

    @extend_schema_field(TimelineSerializer(many=True))
    def get_timeline(self, dossier) -> list[dict]:
        events = dossier.events.order_by("at", "id")
        return TimelineSerializer(events, many=True).data


class DocumentInSerializer(serializers.Serializer):
    slot = serializers.CharField(max_length=50, help_text="Khóa thành phần hồ sơ trong e-form.")
    name = serializers.CharField(max_length=255, help_text="Tên tệp, ví dụ giay-chung-sinh.pdf.")
    content = serializers.CharField(help_text="Nội dung tệp, base64.")


class SubmissionSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=40, help_text="Mã thủ tục, ví dụ 1.001193.")
    province = serializers.CharField(
        max_length=3, required=False, allow_blank=True, default="",
        help_text="Tỉnh nơi nộp: mã TCTK (68) hoặc QCVN (H36).",
    )  # fmt: skip
    commune = serializers.CharField(
        max_length=5, required=False, allow_blank=True, default="",
        help_text="Xã nơi nộp (mã TCTK), khi thủ tục cấp xã.",
    )  # fmt: skip
    answers = serializers.DictField(
        required=False, default=dict,
        help_text="Câu trả lời e-form theo khóa trường, như cổng lưu: văn bản, ngày ISO, "
        "true/false, địa chỉ {province, commune, detail}.",
    )  # fmt: skip
    documents = DocumentInSerializer(many=True, required=False, default=list, max_length=20)


class SupplementSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=20,
        help_text="Các tệp giấy tờ bổ sung (multipart).",
    )  # fmt: skip
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


TOPIC_CHOICES = [*TOPICS, "*"]


class WebhookInSerializer(serializers.Serializer):
    target_url = serializers.URLField(max_length=500, help_text="Địa chỉ nhận (https).")
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=TOPIC_CHOICES), min_length=1, max_length=10,
        help_text="Sự kiện muốn nhận; * là tất cả.",
    )  # fmt: skip


class WebhookSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    target_url = serializers.URLField()
    topics = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Chỉ hiện một lần / shown once.")


class AttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, min_value=0, max_value=999)
    error = serializers.CharField(allow_blank=True)


class DeliverySerializer(serializers.Serializer):
    event_id = serializers.UUIDField()
    topic = serializers.CharField()
    state = serializers.CharField(help_text="pending | delivered | failed")
    attempts = serializers.IntegerField(min_value=0)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    attempt_log = AttemptSerializer(many=True, source="attempt_rows.all")


class ConditionSerializer(serializers.Serializer):
    field = serializers.CharField()
    equals = serializers.JSONField(help_text="Giá trị (hoặc danh sách giá trị) của trường kia.")


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FormFieldBaseSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Khóa trong `answers` (hoặc `slot` của tệp).")
    type = serializers.CharField(
        help_text="text | textarea | number | money | date | choice | yesno | pid | phone | "
        "email | tax_code | address | group | file"
    )
    label = serializers.CharField()
    required = serializers.BooleanField()
    help = serializers.CharField(allow_blank=True)
    choices = serializers.SerializerMethodField()
    show_if = ConditionSerializer(allow_null=True, help_text="Chỉ hỏi khi điều kiện đúng.")
    require_if = ConditionSerializer(allow_null=True, help_text="Bắt buộc khi điều kiện đúng.")
    max_length = serializers.IntegerField(min_value=0)

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_choices(self, spec) -> list[dict]:
        return [{"value": value, "label": label} for value, label in spec.choices]


class FormFieldSerializer(FormFieldBaseSerializer):
    fields = FormFieldBaseSerializer(many=True, help_text="Các cột của một dòng (group).")
    min_rows = serializers.IntegerField(min_value=0)
    max_rows = serializers.IntegerField(min_value=0)


class FormPageSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    fields = FormFieldSerializer(many=True)


class FormSerializer(serializers.Serializer):
    procedure = serializers.CharField(source="procedure.code")
    province = serializers.CharField(source="province.qcvn_code", allow_null=True)
    version = serializers.IntegerField(min_value=1)
    generated = serializers.BooleanField(help_text="Tạo tự động từ danh mục giấy tờ.")
    pages = serializers.SerializerMethodField()

    @extend_schema_field(FormPageSerializer(many=True))
    def get_pages(self, form) -> list[dict]:
        return FormPageSerializer(form.parsed.pages, many=True).data
