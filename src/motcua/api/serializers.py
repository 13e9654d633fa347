"""API representations of the catalogue."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalog.models import (
    Entry,
    LegalBasis,
    Level,
    Listing,
    Procedure,
    RequiredDocument,
    SubmissionChannel,
)

LEVEL_LABELS = dict(Level.choices)


def portal_url(context: dict, code: str) -> str:
    """Absolute URL of a procedure's page on the portal (relative without a request)."""
    path = reverse("portal:procedure", kwargs={"code": code})
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


def level_text(levels: str) -> str:
    return ", ".join(str(LEVEL_LABELS[x]) for x in levels.split(",") if x in LEVEL_LABELS)


class ProcedureQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=100000, default=0)
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    field = serializers.SlugField(required=False, allow_blank=True, max_length=255)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=20)
    province = serializers.CharField(required=False, allow_blank=True, max_length=3)
    online_only = serializers.BooleanField(required=False, default=False)
    audience = serializers.ChoiceField(
        choices=[("citizen", "citizen"), ("business", "business")],
        required=False,
        allow_blank=True,
    )


class EntrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã thủ tục: quốc gia (1.001193) hoặc của tỉnh.")
    name = serializers.CharField()
    level = serializers.SerializerMethodField(help_text="Cấp thực hiện, ví dụ 'Cấp tỉnh, Cấp xã'.")
    levels = serializers.SerializerMethodField()
    field = serializers.SerializerMethodField(help_text="Lĩnh vực.")
    province = serializers.SerializerMethodField(help_text="Tỉnh công bố (thủ tục tại tỉnh).")
    online_level = serializers.CharField(help_text="full | partial | none | unknown")
    national_code = serializers.CharField(source="procedure.code")
    url = serializers.SerializerMethodField(help_text="Trang thủ tục trên cổng.")

    def get_level(self, entry: Entry) -> str:
        return level_text(entry.levels)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_levels(self, entry: Entry) -> list[str]:
        return [x for x in entry.levels.split(",") if x]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_field(self, entry: Entry) -> str | None:
        return entry.field.name if entry.field else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_province(self, entry: Entry) -> str | None:
        return entry.province.name if entry.province else None

    def get_url(self, entry: Entry) -> str:
        return portal_url(self.context, entry.code)


class EntryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = EntrySerializer(many=True)


# Integer fields are declared, not derived from the model: a derived field takes its range
# from the database engine, and the schema must be the same on PostgreSQL and SQLite.
class ChannelSerializer(serializers.ModelSerializer):
    fee_amount = serializers.IntegerField(
        allow_null=True, min_value=0, help_text="Số tiền chính, đồng (VND)."
    )
    time_value = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = SubmissionChannel
        fields = (
            "channel",
            "channel_label",
            "time_value",
            "time_unit",
            "time_text",
            "fee_kind",
            "fee_amount",
            "fee_items",
            "fee_text",
            "description",
        )


class DocumentSerializer(serializers.ModelSerializer):
    original_count = serializers.IntegerField(allow_null=True, min_value=0, help_text="Bản chính")
    copy_count = serializers.IntegerField(allow_null=True, min_value=0, help_text="Bản sao")

    class Meta:
        model = RequiredDocument
        fields = (
            "group",
            "name",
            "template",
            "original_count",
            "copy_count",
            "quantity_text",
        )


class LegalBasisSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = (
            "title",
            "number",
            "issued_on",
            "issuer",
        )


class ListingSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.name")
    province_code = serializers.CharField(source="province.code")
    province_qcvn_code = serializers.CharField(source="province.qcvn_code")

    class Meta:
        model = Listing
        fields = (
            "local_code",
            "name",
            "province",
            "province_code",
            "province_qcvn_code",
            "field_name",
            "agency_text",
            "online_level",
            "online_level_text",
            "decision_number",
        )


class ResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField(allow_blank=True)


class ProcedureDetailSerializer(serializers.ModelSerializer):
    level = serializers.SerializerMethodField()
    levels = serializers.SerializerMethodField()
    field = serializers.SerializerMethodField()
    ministry = serializers.SerializerMethodField()
    channels = ChannelSerializer(many=True)
    documents = DocumentSerializer(many=True)
    legal_bases = LegalBasisSerializer(many=True)
    results = ResultSerializer(many=True)
    listings = ListingSerializer(many=True)
    url = serializers.SerializerMethodField()
    listing = serializers.SerializerMethodField(
        help_text="Thủ tục tại tỉnh khi tra cứu bằng mã của tỉnh; null với mã quốc gia."
    )
    version = serializers.IntegerField(min_value=1, help_text="Tăng mỗi lần nội dung thay đổi.")

    class Meta:
        model = Procedure
        fields = (
            "code",
            "name",
            "level",
            "levels",
            "field",
            "procedure_type",
            "decision_number",
            "subjects",
            "for_citizens",
            "for_businesses",
            "ministry",
            "implementing_agency",
            "competent_authority",
            "authorised_agency",
            "coordinating_agency",
            "receiving_address",
            "steps",
            "conditions",
            "result_text",
            "results",
            "related_procedures",
            "has_online_channel",
            "has_detail",
            "channels",
            "documents",
            "legal_bases",
            "listings",
            "listing",
            "source",
            "source_url",
            "version",
            "updated_at",
            "url",
        )

    @extend_schema_field(ListingSerializer(allow_null=True))
    def get_listing(self, procedure: Procedure) -> dict | None:
        listing = self.context.get("listing")
        return ListingSerializer(listing).data if listing is not None else None

    def get_level(self, procedure: Procedure) -> str:
        return level_text(procedure.levels)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_levels(self, procedure: Procedure) -> list[str]:
        return procedure.level_list

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_field(self, procedure: Procedure) -> str | None:
        return procedure.field.name if procedure.field else None

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_ministry(self, procedure: Procedure) -> dict | None:
        if procedure.ministry is None:
            return None
        return {"code": procedure.ministry.code, "name": procedure.ministry.name}

    def get_url(self, procedure: Procedure) -> str:
        return portal_url(self.context, procedure.code)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField(
        help_text="Theo Accept-Language (mặc định tiếng Việt) / in the requested language."
    )
    message_vi = serializers.CharField(help_text="Tiếng Việt / Vietnamese")
    message_en = serializers.CharField(help_text="English")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorSerializer()
