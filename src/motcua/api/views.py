"""Public API v1: the procedure catalogue."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from motcua.catalog.selectors import Filters, list_entries, procedure_by_code

from .client_views import ClientView
from .errors import ApiError
from .serializers import (
    EntryPageSerializer,
    EntrySerializer,
    ErrorEnvelopeSerializer,
    ProcedureDetailSerializer,
    ProcedureQuerySerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorEnvelopeSerializer, description="Tham số không hợp lệ."),
}


class ProcedureListView(ClientView):
    @extend_schema(
        operation_id="procedures_list",
        summary="Tìm kiếm, liệt kê thủ tục hành chính",
        description=(
            "Các dòng của danh mục (thủ tục quốc gia và thủ tục tại tỉnh), xếp theo mức độ phù "
            "hợp với `q`; không có `q` thì tất cả, theo tên. `q` hiểu tiếng Việt có dấu hoặc "
            "không dấu, lỗi gõ, câu hỏi, từ đồng nghĩa và mã thủ tục."
        ),
        parameters=[ProcedureQuerySerializer],
        responses={200: EntryPageSerializer, **ERRORS},
        tags=["procedures"],
    )
    def get(self, request):
        params = ProcedureQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = Filters(
            level=data.get("level") or "",
            field=data.get("field") or "",
            agency=data.get("agency") or "",
            province=data.get("province") or "",
            online_only=data.get("online_only", False),
            audience=data.get("audience") or "",
        )
        problems = filters.errors()
        if problems:
            raise ApiError(
                "invalid",
                "Tham số lọc không hợp lệ.",
                "Invalid filter parameters.",
                fields={key: [value] for key, value in problems.items()},
            )
        page = list_entries(data["q"], filters, data["limit"], data["offset"])
        results = EntrySerializer(page.entries, many=True, context={"request": request}).data
        return Response({"count": page.count, "results": results})


class ProcedureDetailView(ClientView):
    @extend_schema(
        operation_id="procedures_retrieve",
        summary="Chi tiết một thủ tục hành chính",
        description=(
            "Bản ghi có cấu trúc của thủ tục: cách thức nộp với thời hạn và phí, lệ phí, thành "
            "phần hồ sơ, căn cứ pháp lý, kết quả, các tỉnh công bố. `code` là mã quốc gia "
            "(1.001193) hoặc mã của tỉnh (1.001193.000.00.00.H36)."
        ),
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={
            200: ProcedureDetailSerializer,
            404: OpenApiResponse(ErrorEnvelopeSerializer, description="Không có thủ tục này."),
        },
        tags=["procedures"],
    )
    def get(self, request, code: str):
        found = procedure_by_code(code)
        if found is None:
            raise ApiError(
                "not_found",
                f"Không có thủ tục với mã {code[:60]}.",
                f"No procedure with code {code[:60]}.",
                status_code=status.HTTP_404_NOT_FOUND,
            )
        procedure, listing = found
        context = {"request": request, "listing": listing}
        return Response(ProcedureDetailSerializer(procedure, context=context).data)
