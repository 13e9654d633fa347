"""An e-form for every procedure nobody built one for, made from its catalogue checklist.

Three pages: the applicant (prefilled from the e-ID, so a citizen types nothing the state
knows), the request itself, and one upload slot per document of the checklist that must be
submitted. Checklist rows that are notes ("Lưu ý") or documents to *show* rather than submit
("giấy tờ phải xuất trình": the e-ID stands for the identity card online) are listed as notes,
not slots; a document needed only in some cases ("Trường hợp …", "nếu có") is optional.
"""

from __future__ import annotations

import hashlib
import json
import re

from motcua.catalog.models import Procedure

OPTIONAL_RE = re.compile(r"^\W*(trường hợp|trong trường hợp)|\bnếu có\b|\(nếu", re.I)
NOTE_GROUP_RE = re.compile(r"lưu ý|xuất trình", re.I)
MAX_LABEL = 240

APPLICANT_PAGE = {
    "key": "nguoi-nop",
    "title": "Người nộp hồ sơ",
    "intro": "Thông tin đã xác thực qua VNeID được điền sẵn; bạn chỉ khai những gì còn thiếu.",
    "fields": [
        {"key": "applicant_name", "type": "text", "label": "Họ và tên", "required": True,
         "prefill": "eid.full_name"},
        {"key": "applicant_pid", "type": "pid", "label": "Số định danh cá nhân", "required": True,
         "prefill": "eid.pid"},
        {"key": "applicant_birth_date", "type": "date", "label": "Ngày sinh",
         "prefill": "eid.birth_date"},
        {"key": "applicant_address", "type": "address", "label": "Nơi cư trú", "required": True,
         "prefill": "eid.address"},
        {"key": "applicant_phone", "type": "phone", "label": "Số điện thoại di động",
         "required": True, "prefill": "eid.phone",
         "help": "Để nhận thông báo về hồ sơ và tra cứu hồ sơ."},
        {"key": "applicant_email", "type": "email", "label": "E-mail (không bắt buộc)",
         "prefill": "profile.email"},
    ],
}  # fmt: skip

REQUEST_PAGE = {
    "key": "noi-dung",
    "title": "Nội dung đề nghị",
    "fields": [
        {"key": "request_text", "type": "textarea", "label": "Nội dung đề nghị giải quyết",
         "required": True, "max_length": 4000,
         "help": "Ghi ngắn gọn bạn đề nghị cơ quan giải quyết việc gì."},
        {"key": "return_method", "type": "choice", "label": "Cách nhận kết quả", "required": True,
         "choices": [["online", "Nhận bản điện tử trên cổng"],
                     ["desk", "Nhận tại nơi nộp hồ sơ"],
                     ["post", "Nhận qua dịch vụ bưu chính"]]},
        {"key": "postal_address", "type": "address", "label": "Địa chỉ nhận kết quả qua bưu chính",
         "show_if": {"field": "return_method", "equals": "post"}, "required": True},
    ],
}  # fmt: skip


def _label(text: str) -> str:
    text = re.sub(r"^\W+", "", " ".join(text.split()))
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def document_page(procedure: Procedure) -> tuple[dict, list[str]]:
    """The upload page and the notes taken from the checklist."""
    fields, notes = [], []
    for number, document in enumerate(procedure.documents.all(), start=1):
        name = " ".join(document.name.split())
        if not name:
            continue
        if NOTE_GROUP_RE.search(document.group or "") or not (
            document.original_count or document.copy_count
        ):
            notes.append(_label(name))
            continue
        counts = []
        if document.original_count:
            counts.append(f"bản chính: {document.original_count}")
        if document.copy_count:
            counts.append(f"bản sao: {document.copy_count}")
        fields.append(
            {
                "key": f"doc_{number}",
                "type": "file",
                "label": _label(name),
                "required": not OPTIONAL_RE.search(name),
                "document": document.pk,
                "help": "Tải lên bản chụp hoặc bản điện tử (" + ", ".join(counts) + ").",
            }
        )
    if not fields:
        fields.append(
            {
                "key": "doc_other",
                "type": "file",
                "label": "Giấy tờ kèm theo (nếu có)",
                "help": "Tải lên bản chụp các giấy tờ theo thành phần hồ sơ của thủ tục.",
            }
        )
    page = {"key": "giay-to", "title": "Giấy tờ kèm theo", "fields": fields}
    return page, notes


def generated_spec(procedure: Procedure) -> dict:
    page, notes = document_page(procedure)
    return {"pages": [APPLICANT_PAGE, REQUEST_PAGE, page], "notes": notes}


def spec_hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
