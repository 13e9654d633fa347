"""Steps the browser journeys share: a citizen files the birth registration (1.001193) in Lâm
Đồng with the e-ID, from the procedure page to the submit button."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

BIRTH = "1.001193"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


@dataclass(frozen=True)
class Child:
    name: str = "Trần Minh Khôi"
    born: str = "20/11/2026"
    sex: str = "Nam"
    birthplace: str = "Bệnh viện Đa khoa Lâm Đồng"


def continue_(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^(Tiếp tục|Xem lại hồ sơ)$")).click()


def file_birth_registration(
    page: Page,
    base_url: str,
    eid_provider,
    citizen: dict,
    tmp_path: Path,
    *,
    commune: str | None = None,
    child: Child = Child(),
    document: str = "giay-chung-sinh.pdf",
) -> None:
    """The citizen, not yet logged in, files at ``commune`` (its name as the filing page lists
    it; else the third one listed) and presses "Nộp hồ sơ" on the review page."""
    page.goto(f"{base_url}/thu-tuc/{BIRTH}/?tinh=H36")
    page.get_by_role("link", name="Nộp trực tuyến").click()
    place = page.get_by_label("Xã, phường, đặc khu nơi nộp")
    place.select_option(label=commune) if commune else place.select_option(index=3)
    page.get_by_role("button", name="Chọn nơi nộp").click()
    page.get_by_role("link", name="Đăng nhập bằng VNeID để nộp hồ sơ").click()
    page.wait_for_url(re.compile(re.escape(eid_provider.base_url)))
    page.get_by_role("button", name=f"Đăng nhập với {citizen['name']}").click()
    page.wait_for_url(re.compile(rf"/ho-so/nop/{re.escape(BIRTH)}/"))
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()

    page.wait_for_url(re.compile(r"/trang/nguoi-yeu-cau/"))
    page.get_by_label("Mẹ", exact=True).check()
    continue_(page)
    page.wait_for_url(re.compile(r"/trang/tre-em/"))
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill(child.name)
    page.get_by_label("Ngày, tháng, năm sinh").fill(child.born)
    page.get_by_label(child.sex, exact=True).check()
    page.get_by_label("Dân tộc").fill("Kinh")
    page.get_by_label("Nơi sinh (tên cơ sở y tế hoặc địa chỉ)").fill(child.birthplace)
    page.get_by_label("Quê quán").fill("Lâm Đồng")
    continue_(page)
    page.wait_for_url(re.compile(r"/trang/cha-me/"))
    page.get_by_label("Họ tên người mẹ").fill(citizen["name"])
    page.get_by_label("Số định danh cá nhân của người mẹ").fill(citizen["pid"])
    page.get_by_role("group", name="Có thông tin về người cha?").get_by_label("Không").check()
    continue_(page)
    page.wait_for_url(re.compile(r"/trang/giay-to/"))
    certificate = tmp_path / document
    certificate.write_bytes(PDF)
    page.get_by_label("Giấy chứng sinh (hoặc văn bản của người làm chứng)").set_input_files(
        str(certificate)
    )
    page.get_by_role("group", name="Cách nhận kết quả (Giấy khai sinh)").get_by_label(
        "Nhận bản điện tử trên cổng và tại nơi đăng ký"
    ).check()
    continue_(page)
    page.wait_for_url(re.compile(r"/xem-lai/"))
    expect(page.get_by_role("main")).to_contain_text(document)
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()


def submitted_code(page: Page) -> str:
    """On the confirmation page after submitting: the dossier code."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    code = page.locator(".confirmation__code").inner_text().strip()
    assert re.fullmatch(r"\S+-\d{6}-\d{4}", code), code
    return code
