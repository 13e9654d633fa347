"""API v1 for client systems: units (public), a dossier's status, submission on behalf of an
applicant, supplements, webhook subscriptions. Views are adapters: reads through the
client's reach (``ClientSystem.dossier_q``), writes through ``api.services``."""

from __future__ import annotations

import re
from types import MappingProxyType

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core import audit
from motcua.dossiers.models import Dossier
from motcua.units.models import Commune, Province

from . import services
from .auth import AUTHENTICATION, ScopeRequired
from .client_serializers import (
    CommuneSerializer,
    DeliverySerializer,
    DossierStatusSerializer,
    FormSerializer,
    ProvinceSerializer,
    SubmissionSerializer,
    SupplementSerializer,
    WebhookCreatedSerializer,
    WebhookInSerializer,
    WebhookSerializer,
)
from .errors import ApiError
from .models import Scope, WebhookSubscription
from .schema import ClientAutoSchema
from .serializers import ErrorEnvelopeSerializer
from .throttling import THROTTLES


def scopes(**by_method: str) -> MappingProxyType:
    """The scope each method needs (a method not named is public)."""
    return MappingProxyType(by_method)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorEnvelopeSerializer, description=description)


AUTH_ERRORS = {
    401: _error("Thiếu hoặc sai thông tin xác thực / missing or invalid credentials."),
    403: _error("Thiếu phạm vi quyền / scope missing."),
    429: _error("Quá nhiều yêu cầu / too many requests."),
}
PUBLIC_ERRORS = {429: AUTH_ERRORS[429]}


class ClientView(APIView):
    """Credentials accepted (API key or OAuth2 token), scopes checked, rate limited."""

    authentication_classes = AUTHENTICATION
    permission_classes = (ScopeRequired,)
    throttle_classes = THROTTLES
    required_scopes = MappingProxyType({})
    schema = ClientAutoSchema()

    @property
    def client(self):
        from rest_framework.exceptions import NotAuthenticated

        from .auth import Credentials

        if not isinstance(self.request.auth, Credentials):
            raise NotAuthenticated()
        return self.request.auth.client


def _invalid(fields: dict[str, list[str]]) -> ApiError:
    return ApiError(
        "invalid", "Dữ liệu gửi lên không hợp lệ.", "The request is not valid.", fields=fields
    )


def _not_found(what_vi: str, what_en: str) -> ApiError:
    return ApiError("not_found", what_vi, what_en, status_code=status.HTTP_404_NOT_FOUND)


# --- Administrative units (public) ------------------------------------------------------------


class ProvinceListView(ClientView):
    @extend_schema(
        operation_id="provinces_list",
        summary="Tỉnh, thành phố / provinces",
        description="34 tỉnh, thành phố từ 01/7/2025 / the 34 provinces in force since 1 July "
        "2025.",
        responses={200: ProvinceSerializer(many=True), **PUBLIC_ERRORS},
        tags=["units"],
    )
    def get(self, request):
        provinces = Province.objects.order_by("sort_key")
        return Response(ProvinceSerializer(provinces, many=True).data)


class CommuneListView(ClientView):
    @extend_schema(
        operation_id="province_communes_list",
        summary="Xã, phường, đặc khu của một tỉnh / communes of a province",
        description="`code`: mã TCTK (68) hoặc QCVN (H36) / statistics or QCVN code.",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={
            200: CommuneSerializer(many=True),
            404: _error("Không có tỉnh này / no such province."),
            **PUBLIC_ERRORS,
        },
        tags=["units"],
    )
    def get(self, request, code: str):
        province = (
            Province.objects.filter(code=code).first()
            or Province.objects.filter(qcvn_code=code.upper()).first()
        )
        if province is None:
            raise _not_found(
                f"Không có tỉnh, thành phố với mã {code[:10]}.", f"No province {code[:10]}."
            )
        communes = (
            Commune.objects.filter(province=province)
            .select_related("province")
            .order_by("sort_key")
        )
        return Response(CommuneSerializer(communes, many=True).data)


# --- E-forms (public) ------------------------------------------------------------------------


class ProcedureFormView(ClientView):
    @extend_schema(
        operation_id="procedures_form_retrieve",
        summary="E-form của thủ tục / a procedure's e-form",
        description="Các trang và trường của e-form đang áp dụng tại tỉnh (`province`: TCTK "
        "hoặc QCVN): khóa, kiểu, bắt buộc, lựa chọn, điều kiện — để điền `answers` và "
        "`documents` khi nộp hồ sơ / the pages and fields of the e-form in force in the "
        "province, to fill `answers` and `documents` of a submission.",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH),
            OpenApiParameter("province", str, OpenApiParameter.QUERY, required=False),
        ],
        responses={
            200: FormSerializer,
            404: _error("Không có thủ tục hoặc tỉnh này / no such procedure or province."),
            **PUBLIC_ERRORS,
        },
        tags=["procedures"],
    )
    def get(self, request, code: str):
        from motcua.catalog.models import Procedure
        from motcua.forms.selectors import form_for

        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise _not_found(f"Không có thủ tục với mã {code[:60]}.", f"No procedure {code[:60]}.")
        wanted = request.query_params.get("province", "")
        province = None
        if wanted:
            province = (
                Province.objects.filter(code=wanted).first()
                or Province.objects.filter(qcvn_code=wanted.upper()).first()
            )
            if province is None:
                raise _not_found(
                    f"Không có tỉnh, thành phố với mã {wanted[:10]}.", f"No province {wanted[:10]}."
                )
        form = form_for(procedure, province)
        return Response(FormSerializer(form).data)


# --- Dossiers ---------------------------------------------------------------------------------


def _dossier_in_reach(client, code: str) -> Dossier:
    """The filed dossier with ``code`` within the client's agencies; another agency's is
    "not found", exactly as one that does not exist."""
    dossier = (
        Dossier.objects.filed()
        .filter(client.dossier_q(), code=code)
        .select_related("procedure", "receiving_agency", "resolving_agency")
        .first()
    )
    if dossier is None:
        raise _not_found(
            "Không tìm thấy hồ sơ với mã này.", "No dossier with this code within your reach."
        )
    return dossier


class DossierStatusView(ClientView):
    required_scopes = scopes(GET=Scope.DOSSIERS_READ)

    @extend_schema(
        operation_id="dossiers_retrieve",
        summary="Tình trạng hồ sơ theo mã / a dossier's status by code",
        description="Trạng thái, các mốc thời gian và tiến trình xử lý bằng lời, cho hồ sơ "
        "thuộc cơ quan trong phạm vi của hệ thống kết nối / status, dates and timeline of a "
        "dossier of an agency within the client's reach (404 otherwise).",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={
            200: DossierStatusSerializer,
            404: _error("Không tìm thấy / not found."),
            **AUTH_ERRORS,
        },
        tags=["dossiers"],
    )
    def get(self, request, code: str):
        dossier = _dossier_in_reach(self.client, code)
        audit.record(
            "api_dossier_viewed", actor=self.client.user, obj=dossier, request=request, code=code
        )
        return Response(DossierStatusSerializer(dossier, context={"client": self.client}).data)


IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{1,255}")
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    pattern=r"^[A-Za-z0-9._:-]{1,255}$",
    description="Khóa do hệ thống kết nối tạo cho mỗi hồ sơ (ví dụ UUID); gửi lại cùng khóa "
    "và cùng nội dung trả về cùng hồ sơ / a key per dossier; resending the same key and body "
    "gives the same dossier, another body with it is a 409.",
)


class DossierSubmitView(ClientView):
    required_scopes = scopes(POST=Scope.DOSSIERS_WRITE)

    @extend_schema(
        operation_id="dossiers_create",
        summary="Nộp hồ sơ thay người dân / file a dossier on behalf of an applicant",
        description="Cùng đường nộp với cổng: kiểm tra e-form, giấy tờ (loại, dung lượng, mã "
        "độc), định tuyến, mã hồ sơ, ngày hẹn / the portal's own filing path. 201 when made, "
        "200 when the same request is repeated.",
        parameters=[IDEMPOTENCY],
        request=SubmissionSerializer,
        responses={
            201: DossierStatusSerializer,
            200: DossierStatusSerializer,
            400: _error("Dữ liệu không hợp lệ, mọi lỗi một lần / every problem at once."),
            409: _error("Khóa đã dùng với nội dung khác / key reused with another body."),
            **AUTH_ERRORS,
        },
        tags=["dossiers"],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        body = SubmissionSerializer(data=request.data)
        problems = {}
        if not IDEMPOTENCY_KEY.fullmatch(key):
            problems["Idempotency-Key"] = [
                "Cần tiêu đề Idempotency-Key cho mỗi hồ sơ: 1–255 chữ cái không dấu, chữ số "
                "hoặc . _ : - (ví dụ một UUID)."
            ]
        if not body.is_valid():
            from .errors import _field_messages

            problems.update(_field_messages(body.errors))
        if problems:
            raise _invalid(problems)
        data = body.validated_data
        uploads, decode_problems = services.decode_documents(data["documents"])
        if decode_problems:
            raise _invalid(decode_problems)
        submission = services.Submission(
            procedure=data["procedure"],
            province=data["province"],
            commune=data["commune"],
            answers=data["answers"],
            documents=uploads,
        )
        try:
            dossier, created = services.submit_on_behalf(
                self.client,
                key=key,
                digest=services.body_digest(request.data),
                submission=submission,
                request=request,
            )
        except services.KeyReused:
            raise ApiError(
                "idempotency_key_reused",
                "Khóa Idempotency-Key này đã được dùng cho một hồ sơ có nội dung khác.",
                "This Idempotency-Key was used before with another request body.",
                status_code=status.HTTP_409_CONFLICT,
            ) from None
        except services.SubmissionRefused as error:
            raise ApiError(
                error.code,
                "Hồ sơ chưa nộp được; xem từng lỗi trong fields.",
                "The dossier was not filed; see each problem in fields.",
                status_code=error.status,
                fields=error.fields,
            ) from None
        dossier = Dossier.objects.select_related(
            "procedure", "receiving_agency", "resolving_agency"
        ).get(pk=dossier.pk)
        data = DossierStatusSerializer(dossier, context={"client": self.client}).data
        headers = {"Location": f"/api/v1/dossiers/{dossier.code}"}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return Response(
            data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK, headers=headers
        )


class SupplementView(ClientView):
    required_scopes = scopes(POST=Scope.SUPPLEMENTS_WRITE)
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(
        operation_id="dossiers_supplements_create",
        summary="Gửi giấy tờ bổ sung / send the supplement asked for",
        description="Cho hồ sơ đang chờ bổ sung mà hệ thống này đã nộp; tệp được kiểm tra và "
        "quét mã độc như trên cổng / for a dossier this client filed that awaits a "
        "supplement; files are checked and scanned as on the portal.",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        request={"multipart/form-data": SupplementSerializer},
        responses={
            200: DossierStatusSerializer,
            400: _error("Tệp bị từ chối / a file was refused."),
            404: _error("Không tìm thấy / not found."),
            409: _error("Hồ sơ không chờ bổ sung / the dossier awaits no supplement."),
            **AUTH_ERRORS,
        },
        tags=["dossiers"],
    )
    def post(self, request, code: str):
        from motcua.documents.checks import UploadError
        from motcua.dossiers.services import DossierError

        dossier = _dossier_in_reach(self.client, code)
        body = SupplementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if dossier.submitted_by_id != self.client.user_id:
            raise ApiError(
                "not_applicant",
                "Chỉ hệ thống đã nộp hồ sơ này mới gửi bổ sung được.",
                "Only the client system that filed this dossier may send its supplement.",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        try:
            services.answer_supplement(
                self.client,
                dossier,
                uploads=body.validated_data["files"],
                note=body.validated_data["note"],
                request=request,
            )
        except UploadError as error:
            raise ApiError(
                error.code,
                error.message_vi,
                "A file was refused.",
                fields={"files": [error.message_vi]},
            ) from None
        except DossierError as error:
            raise ApiError(
                error.code,
                str(error.message_vi),
                "The dossier does not await a supplement.",
                status_code=status.HTTP_409_CONFLICT,
            ) from None
        dossier.refresh_from_db()
        return Response(DossierStatusSerializer(dossier, context={"client": self.client}).data)


# --- Webhooks -----------------------------------------------------------------------------


class WebhookListView(ClientView):
    required_scopes = scopes(GET=Scope.WEBHOOKS_MANAGE, POST=Scope.WEBHOOKS_MANAGE)

    def _subscriptions(self):
        return WebhookSubscription.objects.filter(client=self.client, deleted_at__isnull=True)

    @extend_schema(
        operation_id="webhooks_list",
        summary="Các đăng ký webhook / webhook subscriptions",
        responses={200: WebhookSerializer(many=True), **AUTH_ERRORS},
        tags=["webhooks"],
    )
    def get(self, request):
        rows = self._subscriptions().order_by("created_at")
        return Response(WebhookSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        summary="Đăng ký nhận sự kiện / subscribe",
        description="`secret` chỉ trả về một lần: dùng để kiểm tra chữ ký Motcua-Signature / "
        "the secret is returned once: it verifies the Motcua-Signature header.",
        request=WebhookInSerializer,
        responses={
            201: WebhookCreatedSerializer,
            400: _error("Dữ liệu không hợp lệ / invalid."),
            **AUTH_ERRORS,
        },
        tags=["webhooks"],
    )
    def post(self, request):
        body = WebhookInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = services.subscribe(
            self.client,
            target_url=body.validated_data["target_url"],
            topics=body.validated_data["topics"],
            request=request,
        )
        data = WebhookCreatedSerializer(subscription).data
        return Response(data, status=status.HTTP_201_CREATED)


class WebhookDetailView(ClientView):
    required_scopes = scopes(GET=Scope.WEBHOOKS_MANAGE, DELETE=Scope.WEBHOOKS_MANAGE)

    def _subscription(self, public_id) -> WebhookSubscription:
        found = WebhookSubscription.objects.filter(
            client=self.client, public_id=public_id, deleted_at__isnull=True
        ).first()
        if found is None:
            raise _not_found("Không có đăng ký webhook này.", "No such webhook subscription.")
        return found

    @extend_schema(
        operation_id="webhooks_retrieve",
        summary="Một đăng ký webhook / one subscription",
        responses={200: WebhookSerializer, 404: _error("Không có / not found."), **AUTH_ERRORS},
        tags=["webhooks"],
    )
    def get(self, request, public_id):
        return Response(WebhookSerializer(self._subscription(public_id)).data)

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Hủy đăng ký / unsubscribe",
        responses={204: None, 404: _error("Không có / not found."), **AUTH_ERRORS},
        tags=["webhooks"],
    )
    def delete(self, request, public_id):
        services.unsubscribe(self._subscription(public_id), request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveriesView(WebhookDetailView):
    required_scopes = scopes(GET=Scope.WEBHOOKS_MANAGE)
    http_method_names = ("get", "head", "options")

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        summary="Các lần gửi gần đây / recent deliveries",
        description="50 sự kiện gần nhất với từng lần thử: mã trả lời hoặc lỗi / the last 50 "
        "events with every attempt: status code or error.",
        responses={
            200: DeliverySerializer(many=True),
            404: _error("Không có / not found."),
            **AUTH_ERRORS,
        },
        tags=["webhooks"],
    )
    def get(self, request, public_id):
        subscription = self._subscription(public_id)
        rows = subscription.deliveries.prefetch_related("attempt_rows").order_by("-created_at")
        return Response(DeliverySerializer(rows[:50], many=True).data)
