"""The built-in wording of every kind of message (Vietnamese), written into
``MessageTemplate`` by a data migration and on first use; administrators change it in the admin.

Each entry: what it is for (``label``), who receives it (``audience``), whether SMS goes by
default (``essential``: decisions the citizen must act on or come for), and the texts. The
variables a text may use are those of ``rendering.VARIABLES``.
"""

from __future__ import annotations

from typing import Any

_FOLLOW = "Xem hồ sơ: {{ link }}"

DEFAULTS: dict[str, dict[str, Any]] = {
    "dossier_submitted": {
        "label": "Hồ sơ đã được gửi (mới đăng ký)",
        "essential": False,
        "subject": "Hồ sơ {{ code }} đã được gửi",
        "email_body": (
            "Hồ sơ “{{ procedure }}” của bạn đã được gửi đến {{ agency }} với mã {{ code }}.\n"
            "Ngày hẹn trả kết quả dự kiến: {{ appointment }} (chính thức khi cơ quan tiếp "
            "nhận hồ sơ).\n"
            "Bạn theo dõi hồ sơ tại “Hồ sơ của tôi” hoặc tra cứu bằng mã hồ sơ.\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} da duoc gui den {{ agency }}. Tra cuu: {{ link }}",
        "title": "Hồ sơ {{ code }} đã được gửi",
        "body": (
            "Hồ sơ “{{ procedure }}” của bạn đã được gửi đến {{ agency }} với mã {{ code }}.\n"
            "Ngày hẹn trả kết quả dự kiến: {{ appointment }} (chính thức khi cơ quan tiếp "
            "nhận hồ sơ)."
        ),
    },
    "dossier_fixes_requested": {
        "label": "Cần hoàn thiện hồ sơ trước khi tiếp nhận",
        "essential": True,
        "subject": "Hồ sơ {{ code }} cần hoàn thiện trước khi tiếp nhận",
        "email_body": (
            "{{ agency }} đã xem hồ sơ “{{ procedure }}” (mã {{ code }}) và đề nghị bạn "
            "hoàn thiện những nội dung sau, một lần đầy đủ:\n{{ missing }}\n\n"
            "Hồ sơ sẽ được tiếp nhận khi bạn gửi đủ.\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} can hoan thien truoc khi tiep nhan. Xem: {{ link }}",
        "title": "Hồ sơ {{ code }} cần hoàn thiện",
        "body": "Cần hoàn thiện trước khi tiếp nhận:\n{{ missing }}",
    },
    "dossier_received": {
        "label": "Hồ sơ được tiếp nhận, có ngày hẹn trả kết quả",
        "essential": True,
        "subject": "Hồ sơ {{ code }} đã được tiếp nhận",
        "email_body": (
            "{{ agency }} đã tiếp nhận hồ sơ “{{ procedure }}” của bạn, mã hồ sơ {{ code }}.\n"
            "Ngày hẹn trả kết quả: {{ appointment }}.\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} da duoc tiep nhan. Hen tra ket qua {{ appointment }}.",
        "title": "Hồ sơ {{ code }} đã được tiếp nhận",
        "body": "{{ agency }} đã tiếp nhận hồ sơ. Ngày hẹn trả kết quả: {{ appointment }}.",
    },
    "dossier_refused": {
        "label": "Hồ sơ không được tiếp nhận (từ chối)",
        "essential": True,
        "subject": "Hồ sơ {{ code }} không được tiếp nhận",
        "email_body": (
            "{{ agency }} không tiếp nhận hồ sơ “{{ procedure }}” (mã {{ code }}).\n"
            "Lý do: {{ reasons }}\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} khong duoc tiep nhan. Ly do xem tai: {{ link }}",
        "title": "Hồ sơ {{ code }} không được tiếp nhận",
        "body": "Lý do: {{ reasons }}",
    },
    "dossier_supplement_requested": {
        "label": "Cơ quan yêu cầu bổ sung hồ sơ",
        "essential": True,
        "subject": "Hồ sơ {{ code }} cần bổ sung",
        "email_body": (
            "{{ agency }} đề nghị bạn bổ sung hồ sơ “{{ procedure }}” (mã {{ code }}) với "
            "những nội dung sau:\n{{ missing }}\n\n"
            "Thời gian giải quyết được tính lại khi cơ quan nhận đủ hồ sơ.\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} can bo sung giay to. Xem noi dung: {{ link }}",
        "title": "Hồ sơ {{ code }} cần bổ sung",
        "body": "Nội dung cần bổ sung:\n{{ missing }}",
    },
    "dossier_apology": {
        "label": "Xin lỗi và hẹn lại ngày trả kết quả",
        "essential": True,
        "subject": "Hồ sơ {{ code }}: hẹn lại ngày trả kết quả {{ appointment }}",
        "email_body": (
            "{{ agency }} thành thật xin lỗi vì chưa trả được kết quả hồ sơ “{{ procedure }}” "
            "(mã {{ code }}) đúng hẹn.\nLý do: {{ reasons }}\n"
            "Ngày hẹn trả kết quả mới: {{ appointment }}.\n\n" + _FOLLOW
        ),
        "sms_text": "Xin loi: ho so {{ code }} duoc hen lai ngay tra ket qua {{ appointment }}.",
        "title": "Hồ sơ {{ code }}: hẹn lại ngày {{ appointment }}",
        "body": "Cơ quan xin lỗi vì chậm trả kết quả ({{ reasons }}). Ngày hẹn mới: "
        "{{ appointment }}.",
    },
    "dossier_payment_requested": {
        "label": "Mời nộp phí, lệ phí",
        "essential": True,
        "subject": "Hồ sơ {{ code }}: mời nộp phí, lệ phí",
        "email_body": (
            "Để hồ sơ “{{ procedure }}” (mã {{ code }}) được xử lý tiếp, mời bạn thực hiện "
            "nghĩa vụ tài chính trên trang hồ sơ.\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }}: moi nop phi, le phi tai {{ link }}",
        "title": "Hồ sơ {{ code }}: mời nộp phí, lệ phí",
        "body": "Mời bạn nộp phí, lệ phí để hồ sơ được xử lý tiếp.",
    },
    "payment_confirmed": {
        "label": "Đã ghi nhận thanh toán",
        "essential": False,
        "subject": "Hồ sơ {{ code }}: đã nhận {{ amount }}",
        "email_body": (
            "Cơ quan đã ghi nhận khoản thanh toán {{ amount }} cho hồ sơ “{{ procedure }}” "
            "(mã {{ code }}). Biên lai điện tử có trên trang hồ sơ.\n\n" + _FOLLOW
        ),
        "sms_text": "Da nhan thanh toan {{ amount }} cho ho so {{ code }}.",
        "title": "Đã nhận thanh toán {{ amount }}",
        "body": "Khoản thanh toán {{ amount }} cho hồ sơ {{ code }} đã được ghi nhận.",
    },
    "dossier_result_issued": {
        "label": "Đã có kết quả giải quyết",
        "essential": True,
        "subject": "Hồ sơ {{ code }} đã có kết quả",
        "email_body": (
            "Hồ sơ “{{ procedure }}” (mã {{ code }}) đã có kết quả giải quyết, văn bản điện tử "
            "số {{ result_number }} có chữ ký số của {{ agency }}.\n"
            "Bạn tải kết quả trên trang hồ sơ; kết quả cũng được lưu vào kho dữ liệu của bạn."
            "\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} da co ket qua. Tai ve tai: {{ link }}",
        "title": "Hồ sơ {{ code }} đã có kết quả",
        "body": "Kết quả điện tử số {{ result_number }} đã được ký số; bạn tải về trên trang "
        "hồ sơ.",
    },
    "dossier_result_returned": {
        "label": "Đã trả kết quả",
        "essential": False,
        "subject": "Hồ sơ {{ code }} đã trả kết quả",
        "email_body": (
            "{{ agency }} đã trả kết quả hồ sơ “{{ procedure }}” (mã {{ code }}). Cảm ơn bạn "
            "đã sử dụng dịch vụ; bạn có thể đánh giá mức độ hài lòng trên trang hồ sơ, hoặc "
            "không cần đăng nhập tại: {{ rating_link }}\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} da tra ket qua.",
        "title": "Hồ sơ {{ code }} đã trả kết quả",
        "body": "Cảm ơn bạn đã sử dụng dịch vụ.",
    },
    "dossier_withdrawn": {
        "label": "Hồ sơ đã được rút",
        "essential": False,
        "subject": "Hồ sơ {{ code }} đã được rút",
        "email_body": (
            "Hồ sơ “{{ procedure }}” (mã {{ code }}) đã được rút theo đề nghị của người nộp "
            "và không được giải quyết tiếp.\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} da duoc rut.",
        "title": "Hồ sơ {{ code }} đã được rút",
        "body": "Hồ sơ đã được rút theo đề nghị của người nộp.",
    },
    "dossier_stopped": {
        "label": "Cơ quan dừng giải quyết hồ sơ",
        "essential": True,
        "subject": "Hồ sơ {{ code }}: dừng giải quyết",
        "email_body": (
            "{{ agency }} thông báo dừng giải quyết hồ sơ “{{ procedure }}” (mã {{ code }}).\n"
            "Lý do: {{ reasons }}\n\n" + _FOLLOW
        ),
        "sms_text": "Ho so {{ code }} bi dung giai quyet. Ly do xem tai: {{ link }}",
        "title": "Hồ sơ {{ code }}: dừng giải quyết",
        "body": "Lý do: {{ reasons }}",
    },
    "feedback_answered": {
        "label": "Phản ánh, kiến nghị đã có trả lời",
        "essential": False,
        "subject": "Phản ánh, kiến nghị {{ feedback_code }} đã có trả lời",
        "email_body": (
            "Phản ánh, kiến nghị {{ feedback_code }} của bạn đã được trả lời.\n\n"
            "Xem câu trả lời: {{ link }}"
        ),
        "sms_text": "PAKN {{ feedback_code }} da co tra loi: {{ link }}",
        "title": "Phản ánh, kiến nghị {{ feedback_code }} đã có trả lời",
        "body": "Xem câu trả lời và cho biết bạn có hài lòng không.",
    },
    "feedback_received": {
        "label": "Phản ánh, kiến nghị đã được tiếp nhận",
        "essential": False,
        "subject": "Đã tiếp nhận phản ánh, kiến nghị {{ feedback_code }}",
        "email_body": (
            "Phản ánh, kiến nghị của bạn đã được tiếp nhận với mã {{ feedback_code }} và "
            "chuyển đến {{ agency }}.\n"
            "Cơ quan trả lời trong 15 ngày làm việc. Theo dõi, bổ sung thông tin và đánh giá "
            "câu trả lời tại đường dẫn riêng dưới đây (không chia sẻ cho người khác):\n{{ link }}"
        ),
        "sms_text": "Da tiep nhan PAKN {{ feedback_code }}. Theo doi: {{ link }}",
        "title": "Đã tiếp nhận phản ánh, kiến nghị {{ feedback_code }}",
        "body": "Phản ánh đã được chuyển đến {{ agency }}; cơ quan trả lời trong 15 ngày làm việc.",
    },
    "feedback_rejected": {
        "label": "Phản ánh, kiến nghị không được thụ lý",
        "essential": False,
        "subject": "Phản ánh, kiến nghị {{ feedback_code }} không được thụ lý",
        "email_body": (
            "{{ agency }} không thụ lý phản ánh, kiến nghị {{ feedback_code }} của bạn.\n"
            "Lý do: {{ reasons }}\n\nXem chi tiết: {{ link }}"
        ),
        "sms_text": "PAKN {{ feedback_code }} khong duoc thu ly. Ly do: {{ link }}",
        "title": "Phản ánh, kiến nghị {{ feedback_code }} không được thụ lý",
        "body": "Lý do: {{ reasons }}",
    },
    "feedback_info_requested": {
        "label": "Cơ quan đề nghị bổ sung thông tin phản ánh",
        "essential": True,
        "subject": "Phản ánh, kiến nghị {{ feedback_code }}: cần bổ sung thông tin",
        "email_body": (
            "{{ agency }} đề nghị bạn bổ sung thông tin cho phản ánh, kiến nghị "
            "{{ feedback_code }}:\n{{ missing }}\n\nGửi thông tin bổ sung tại: {{ link }}"
        ),
        "sms_text": "PAKN {{ feedback_code }} can bo sung thong tin: {{ link }}",
        "title": "Phản ánh {{ feedback_code }}: cần bổ sung thông tin",
        "body": "{{ missing }}",
    },
    "feedback_transferred": {
        "label": "Phản ánh, kiến nghị được chuyển cơ quan có thẩm quyền",
        "essential": False,
        "subject": "Phản ánh, kiến nghị {{ feedback_code }} được chuyển đến {{ agency }}",
        "email_body": (
            "Phản ánh, kiến nghị {{ feedback_code }} của bạn được chuyển đến {{ agency }}, "
            "cơ quan có thẩm quyền giải quyết.\nLý do: {{ reasons }}\n\n"
            "Theo dõi tại: {{ link }}"
        ),
        "sms_text": "PAKN {{ feedback_code }} da chuyen co quan co tham quyen: {{ link }}",
        "title": "Phản ánh {{ feedback_code }} được chuyển đến {{ agency }}",
        "body": "Lý do: {{ reasons }}",
    },
    # Staff-facing: the officer handling the dossier, by e-mail (no SMS, no citizen message;
    # the citizen hears of a delay through the agency's apology).
    "dossier_due_soon": {
        "label": "Hồ sơ sắp đến hạn trả kết quả (cho cán bộ)",
        "audience": "staff",
        "essential": False,
        "subject": "Sắp đến hạn: hồ sơ {{ code }} ({{ appointment }})",
        "email_body": (
            "Hồ sơ {{ code }} — “{{ procedure }}” có hẹn trả kết quả {{ appointment }}, còn "
            "dưới 24 giờ. Nếu không kịp, cơ quan phải xin lỗi và hẹn lại chậm nhất 1 ngày làm "
            "việc trước ngày hẹn.\n\n{{ link }}"
        ),
        "sms_text": "",
        "title": "Sắp đến hạn: hồ sơ {{ code }}",
        "body": "Hẹn trả kết quả {{ appointment }}.",
    },
    "dossier_overdue": {
        "label": "Hồ sơ đã quá hạn trả kết quả (cho cán bộ)",
        "audience": "staff",
        "essential": False,
        "subject": "Quá hạn: hồ sơ {{ code }} (hẹn {{ appointment }})",
        "email_body": (
            "Hồ sơ {{ code }} — “{{ procedure }}” đã quá ngày hẹn trả kết quả "
            "{{ appointment }}.\n\n{{ link }}"
        ),
        "sms_text": "",
        "title": "Quá hạn: hồ sơ {{ code }}",
        "body": "Đã quá ngày hẹn trả kết quả {{ appointment }}.",
    },
}

#: The kinds a citizen chooses channels for on the preferences page, in this order.
CITIZEN_KINDS = tuple(k for k, v in DEFAULTS.items() if v.get("audience", "citizen") == "citizen")
