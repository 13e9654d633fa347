"""A citizen files a birth registration online in the browser: e-ID login, the form prefilled
with what the e-ID vouches for, a PDF uploaded (an EICAR file refused), review, submit; the
dossier code, the confirmation PDF (with the name's diacritics), "Hồ sơ của tôi"; and the
same submit sent twice at once makes one dossier."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.filing import PDF, continue_
from tests.e2e.test_journey import serious_violations

pytestmark = pytest.mark.e2e

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_a_citizen_files_a_birth_registration_end_to_end(page, base_url, eid_provider, tmp_path):
    citizen = eid_provider.citizens()[0]
    page.goto(base_url + "/thu-tuc/1.001193/?tinh=H36")
    page.get_by_role("link", name="Nộp trực tuyến").click()
    page.get_by_label("Xã, phường, đặc khu nơi nộp").select_option(index=3)
    page.get_by_role("button", name="Chọn nơi nộp").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Đăng nhập bằng VNeID để nộp hồ sơ").click()
    page.wait_for_url(re.compile(re.escape(eid_provider.base_url)))
    page.get_by_role("button", name=f"Đăng nhập với {citizen['name']}").click()
    page.wait_for_url(re.compile(r"/ho-so/nop/1\.001193/"))
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()

    # Page 1: what the e-ID vouches for is shown, not asked.
    page.wait_for_url(re.compile(r"/trang/nguoi-yeu-cau/"))
    main = page.get_by_role("main")
    expect(main).to_contain_text(citizen["name"])
    expect(main).to_contain_text("không cần khai lại")
    assert page.get_by_label("Họ và tên người yêu cầu").count() == 0
    assert serious_violations(page) == []
    page.get_by_label("Mẹ", exact=True).check()
    continue_(page)

    page.wait_for_url(re.compile(r"/trang/tre-em/"))
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Trần Minh Khôi")
    page.get_by_label("Ngày, tháng, năm sinh").fill("20/11/2026")
    page.get_by_label("Nam", exact=True).check()
    page.get_by_label("Dân tộc").fill("Kinh")
    page.get_by_label("Nơi sinh (tên cơ sở y tế hoặc địa chỉ)").fill("Bệnh viện Đa khoa Lâm Đồng")
    page.get_by_label("Quê quán").fill("Lâm Đồng")
    continue_(page)

    page.wait_for_url(re.compile(r"/trang/cha-me/"))
    page.get_by_label("Họ tên người mẹ").fill(citizen["name"])
    page.get_by_label("Số định danh cá nhân của người mẹ").fill(citizen["pid"])
    page.get_by_role("group", name="Có thông tin về người cha?").get_by_label("Không").check()
    expect(page.get_by_label("Họ tên người cha")).to_be_hidden()  # its condition does not hold
    continue_(page)

    # Documents: a file carrying the EICAR test signature is refused, plainly.
    page.wait_for_url(re.compile(r"/trang/giay-to/"))
    infected = tmp_path / "giay-chung-sinh.pdf"
    infected.write_bytes(b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n")
    page.get_by_label("Giấy chứng sinh (hoặc văn bản của người làm chứng)").set_input_files(
        str(infected)
    )
    page.get_by_role("group", name="Cách nhận kết quả (Giấy khai sinh)").get_by_label(
        "Nhận bản điện tử trên cổng và tại nơi đăng ký"
    ).check()
    continue_(page)
    expect(page.locator(".error-summary")).to_contain_text("mã độc")
    assert serious_violations(page) == []
    clean = tmp_path / "chung-sinh.pdf"
    clean.write_bytes(PDF)
    page.get_by_label("Giấy chứng sinh (hoặc văn bản của người làm chứng)").set_input_files(
        str(clean)
    )
    continue_(page)

    page.wait_for_url(re.compile(r"/xem-lai/"))
    expect(page.get_by_role("main")).to_contain_text("Trần Minh Khôi")
    expect(page.get_by_role("main")).to_contain_text("chung-sinh.pdf")
    assert serious_violations(page) == []

    # The same submit sent twice at once: one dossier, one code.
    statuses = page.evaluate(
        """() => {
          const form = document.querySelector("form.submit-form");
          const send = () => fetch(form.action, {method: "POST", body: new FormData(form),
                                                  redirect: "manual"});
          return Promise.all([send(), send()]).then(rs => rs.map(r => r.type));
        }"""
    )
    assert len(statuses) == 2
    page.goto(page.url)  # the review of a filed dossier leads to its page
    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/$"))
    code = re.search(r"Hồ sơ (\S+-\d{6}-\d{4})", page.get_by_role("heading", level=1).inner_text())
    assert code is not None
    code = code.group(1)
    assert serious_violations(page) == []

    pdf_link = page.get_by_role("link", name="Xác nhận nộp hồ sơ (PDF)").get_attribute("href")
    response = page.request.get(base_url + pdf_link)
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert citizen["name"] in text
    assert code in text

    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    expect(page.get_by_role("main")).to_contain_text(code)
    links = page.get_by_role("main").locator(".card-list__item a")
    assert links.count() == 1  # one dossier, not two
