"""A dossier across the roles of the back office, in the browser: a citizen files a birth
registration online with the e-ID; the commune's one-stop clerk receives it, the leader assigns
it, the specialist asks for a supplement that the citizen sends from the dossier page, hands
the dossier to the Department of Justice, which hands it back, and proposes; the leader
approves, which issues a signed electronic result. The citizen downloads it and checks it on
the public verification page: the original is valid, a copy with one byte changed is not."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from motcua.core.demo import demo_totp_key
from tests.e2e.filing import BIRTH, PDF, Child, file_birth_registration, submitted_code
from tests.e2e.test_journey import serious_violations
from tests.e2e.test_staff_journey import staff_login, totp

pytestmark = pytest.mark.e2e

PARTNER = "Sở Tư pháp tỉnh Lâm Đồng"
MISSING = "Bản sao giấy chứng nhận kết hôn của cha mẹ trẻ"


def staff_page(browser: Browser, base_url: str, username: str) -> Page:
    """A browser of its own for one demo staff member, logged in with the second factor."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    staff_login(page, base_url, username, "motcua-demo")
    page.wait_for_url(re.compile(r"/can-bo/dang-nhap/ma-xac-thuc/"))
    key = bytes.fromhex(demo_totp_key(username))
    for attempt in range(3):
        page.get_by_label("Mã xác thực").fill(totp(key))
        page.get_by_role("button", name="Đăng nhập").click()
        try:
            page.wait_for_url(re.compile(r"/can-bo/$"), timeout=10_000)
            return page
        except PlaywrightTimeoutError:
            # A code is good once: another journey may have just used this window's code.
            if attempt == 2:
                raise
            time.sleep(30 - time.time() % 30 + 1)
    return page


def open_from_queue(page: Page, base_url: str, code: str) -> None:
    """Find the dossier in the work queue by its code and open its page."""
    page.goto(base_url + "/can-bo/")
    page.get_by_role("link", name="Hồ sơ cần xử lý").click()
    page.get_by_label("Mã hồ sơ, tên hoặc số định danh người nộp").fill(code)
    page.get_by_role("button", name="Lọc", exact=True).click()
    page.get_by_role("link", name=code, exact=True).click()
    page.wait_for_url(re.compile(r"/can-bo/ho-so/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(code)


def summary_value(page: Page, term: str) -> Locator:
    row = page.locator("dl.summary-list > div").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{re.escape(term)}$"))
    )
    return row.locator("dd")


def staff_status(page: Page) -> Locator:
    return summary_value(page, "Trạng thái")


def action(page: Page, name: str) -> Locator:
    """The form of one action on a staff dossier's page, opened."""
    form = page.locator(f"details#thao-tac-{name}")
    form.locator("summary").click()
    return form


def perform(page: Page, name: str, label: str, lands: str = r"/can-bo/ho-so/[0-9a-f-]+/$") -> None:
    """Send one action's form; the page it lands on confirms it was done."""
    page.locator(f"details#thao-tac-{name}").get_by_role("button", name=label).click()
    expect(page.locator(".notice[role=status]")).to_contain_text(
        f"Đã {label.lower()}.", timeout=20_000
    )
    page.wait_for_url(re.compile(lands))


def file_and_follow(page: Page, base_url: str, eid_provider, citizen, commune: str,
                    tmp_path: Path) -> str:  # fmt: skip
    """The citizen files at ``commune`` and opens the dossier's page; the code."""
    file_birth_registration(page, base_url, eid_provider, citizen, tmp_path, commune=commune,
                            child=Child("Võ Gia Hân", "25/11/2026", "Nữ",
                                        "Bệnh viện Đa khoa Bình Thuận"))  # fmt: skip
    code = submitted_code(page)
    page.get_by_role("link", name="Theo dõi hồ sơ").click()
    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
    return code


def citizen_status(page: Page) -> Locator:
    return page.locator(".status-panel__status")


def test_a_birth_registration_goes_through_the_back_office_to_a_verified_signed_result(
    browser, base_url, eid_provider, tmp_path
):
    # A level-2 adult other than the one the filing journey uses, so each keeps its dossiers.
    citizen = next(
        c
        for c in eid_provider.citizens()[1:]
        if c.get("level") == 2 and c.get("birthdate") and c["birthdate"] <= "2007-01-01"
    )
    pages: list[Page] = []
    try:
        # The commune's one-stop clerk: their agency is where the citizen files.
        clerk = staff_page(browser, base_url, "motcua.xa")
        pages.append(clerk)
        agency = clerk.locator(".eyebrow").inner_text().strip()
        assert agency.startswith("Ủy ban nhân dân "), agency

        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        citizen_page = context.new_page()
        pages.append(citizen_page)
        citizen_page.goto(f"{base_url}/ho-so/nop/{BIRTH}/?tinh=H36")
        communes = citizen_page.get_by_label("Xã, phường, đặc khu nơi nộp").locator("option")
        commune = next(
            name
            for name in (o.strip() for o in communes.all_inner_texts())
            if name and agency.casefold().endswith(" " + name.casefold())
        )
        code = file_and_follow(citizen_page, base_url, eid_provider, citizen, commune, tmp_path)
        expect(citizen_status(citizen_page)).to_have_text("Mới đăng ký")

        # Reception: the clerk finds it in the queue, with the document the citizen uploaded.
        open_from_queue(clerk, base_url, code)
        expect(staff_status(clerk)).to_have_text("Mới đăng ký")
        expect(summary_value(clerk, "Người nộp")).to_have_text(citizen["name"])
        expect(summary_value(clerk, "Nơi tiếp nhận")).to_have_text(agency)
        expect(clerk.get_by_role("main")).to_contain_text("giay-chung-sinh.pdf")
        action(clerk, "accept")
        perform(clerk, "accept", "Tiếp nhận hồ sơ")
        expect(staff_status(clerk)).to_have_text("Được tiếp nhận — Chờ phân công xử lý")
        expect(summary_value(clerk, "Ngày hẹn trả (cam kết)")).to_contain_text(
            re.compile(r"\d{2}/\d{2}/\d{4}")
        )
        expect(clerk.get_by_role("link", name="In phiếu số 01 (PDF)")).to_be_visible()
        expect(clerk.locator("details#thao-tac-accept")).to_have_count(0)  # done once

        # Assignment: the leader gives it to the commune's specialist.
        leader = staff_page(browser, base_url, "lanhdao.xa")
        pages.append(leader)
        open_from_queue(leader, base_url, code)
        expect(staff_status(leader)).to_have_text("Được tiếp nhận — Chờ phân công xử lý")
        assign = action(leader, "assign")
        assign.get_by_label("Chuyên viên xử lý").select_option(label="Lý Văn Toàn")
        perform(leader, "assign", "Phân công xử lý")
        expect(staff_status(leader)).to_have_text("Đang xử lý — Đang thẩm định, xử lý")
        expect(summary_value(leader, "Chuyên viên xử lý")).to_have_text("Lý Văn Toàn")

        # The specialist asks for a supplement: the list is required, every problem shown.
        specialist = staff_page(browser, base_url, "chuyenvien.xa")
        pages.append(specialist)
        open_from_queue(specialist, base_url, code)
        expect(staff_status(specialist)).to_have_text("Đang xử lý — Đang thẩm định, xử lý")
        assert serious_violations(specialist) == []
        action(specialist, "request_supplement")
        specialist.locator("details#thao-tac-request_supplement").get_by_role(
            "button", name="Yêu cầu bổ sung hồ sơ"
        ).click()
        refused = specialist.locator("details#thao-tac-request_supplement")
        expect(refused).to_have_attribute("open", "")
        expect(refused).to_contain_text("Hãy liệt kê những gì cần bổ sung.")
        refused.get_by_label("Những giấy tờ, nội dung cần bổ sung (liệt kê đầy đủ một lần)").fill(
            MISSING
        )
        perform(specialist, "request_supplement", "Yêu cầu bổ sung hồ sơ")
        expect(staff_status(specialist)).to_have_text("Yêu cầu bổ sung giấy tờ")
        expect(summary_value(specialist, "Số lần yêu cầu bổ sung")).to_have_text("1")
        expect(specialist.get_by_role("link", name="In phiếu số 02 (PDF)")).to_be_visible()

        # The citizen reads the request on the dossier page and sends the file.
        citizen_page.reload()
        expect(citizen_status(citizen_page)).to_have_text("Yêu cầu bổ sung giấy tờ")
        supplement = citizen_page.get_by_role("region", name="Bổ sung hồ sơ")
        expect(supplement).to_contain_text(f"Cơ quan yêu cầu bổ sung hồ sơ: {MISSING}")
        marriage = tmp_path / "giay-chung-nhan-ket-hon.pdf"
        marriage.write_bytes(PDF)
        supplement.get_by_label(
            "Tệp giấy tờ bổ sung (PDF, ảnh; chọn được nhiều tệp)"
        ).set_input_files(str(marriage))
        supplement.get_by_label("Ghi chú cho cơ quan (không bắt buộc)").fill(
            "Gửi bản sao giấy chứng nhận kết hôn."
        )
        supplement.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
        expect(citizen_page.locator(".notice[role=status]")).to_contain_text(
            "Đã gửi giấy tờ bổ sung cho cơ quan giải quyết."
        )
        expect(citizen_status(citizen_page)).to_have_text("Đang xử lý")
        expect(citizen_page.get_by_role("region", name="Bổ sung hồ sơ")).to_have_count(0)
        expect(citizen_page.get_by_role("main")).to_contain_text("giay-chung-nhan-ket-hon.pdf")

        # The specialist sees the file and hands the dossier to the Department of Justice.
        specialist.reload()
        expect(staff_status(specialist)).to_have_text("Đang xử lý — Đang thẩm định, xử lý")
        expect(specialist.get_by_role("main")).to_contain_text("giay-chung-nhan-ket-hon.pdf")
        hand_off = action(specialist, "hand_off")
        hand_off.get_by_label("Cơ quan phối hợp", exact=True).select_option(label=PARTNER)
        hand_off.get_by_label("Thời hạn của cơ quan phối hợp (ngày làm việc)").fill("2")
        hand_off.get_by_label("Ghi chú nội bộ").fill("Đề nghị xác minh giấy chứng nhận kết hôn.")
        perform(specialist, "hand_off", "Chuyển xử lý liên thông")
        expect(staff_status(specialist)).to_have_text(
            "Đang xử lý — Đang xử lý liên thông tại cơ quan khác"
        )
        expect(summary_value(specialist, "Cơ quan giải quyết")).to_contain_text(f"đang ở {PARTNER}")
        expect(specialist.locator("details#thao-tac-propose")).to_have_count(0)

        # The Department's specialist finds it in their queue and hands it back.
        partner = staff_page(browser, base_url, "chuyenvien.lamdong")
        pages.append(partner)
        open_from_queue(partner, base_url, code)
        expect(staff_status(partner)).to_have_text(
            "Đang xử lý — Đang xử lý liên thông tại cơ quan khác"
        )
        expect(partner.get_by_role("main")).to_contain_text(
            "Đề nghị xác minh giấy chứng nhận kết hôn."
        )
        action(partner, "hand_back").get_by_label("Ghi chú nội bộ").fill(
            "Giấy chứng nhận kết hôn hợp lệ."
        )
        # Handed back, the dossier is out of the Department's reach: its queue, without it.
        perform(partner, "hand_back", "Trả lại kết quả xử lý liên thông", lands=r"/can-bo/ho-so/$")
        expect(partner.get_by_role("heading", level=1)).to_have_text("Hồ sơ cần xử lý")
        expect(partner.get_by_role("link", name=code, exact=True)).to_have_count(0)

        # The specialist proposes, the leader approves: the result is signed.
        specialist.reload()
        expect(staff_status(specialist)).to_have_text("Đang xử lý — Đang thẩm định, xử lý")
        expect(specialist.get_by_role("main")).to_contain_text(
            f"{PARTNER} đã xử lý xong phần việc liên thông."
        )
        expect(specialist.get_by_role("main")).to_contain_text("Giấy chứng nhận kết hôn hợp lệ.")
        action(specialist, "propose").get_by_label("Ghi chú nội bộ").fill(
            "Đủ điều kiện đăng ký khai sinh."
        )
        perform(specialist, "propose", "Trình lãnh đạo phê duyệt")
        expect(staff_status(specialist)).to_have_text("Đang xử lý — Chờ lãnh đạo phê duyệt")

        leader.reload()
        expect(staff_status(leader)).to_have_text("Đang xử lý — Chờ lãnh đạo phê duyệt")
        action(leader, "approve")
        perform(leader, "approve", "Phê duyệt kết quả")
        expect(staff_status(leader)).to_have_text("Đã xử lý xong")
        expect(leader.get_by_role("region", name="Kết quả điện tử")).to_contain_text(f"{code}/KQ")
        expect(leader.locator("details#thao-tac-approve")).to_have_count(0)
        assert serious_violations(leader) == []

        # The citizen downloads the signed result from the dossier page.
        citizen_page.reload()
        expect(citizen_status(citizen_page)).to_have_text("Đã xử lý xong")
        panel = citizen_page.get_by_role("region", name="Kết quả điện tử")
        expect(panel).to_contain_text(f"số {code}/KQ")
        expect(panel).to_contain_text(f"do {agency} ký số lúc")
        with citizen_page.expect_download() as download_info:
            panel.get_by_role("link", name="Tải kết quả (PDF đã ký số)").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
        original = tmp_path / download.suggested_filename
        download.save_as(original)
        signed = original.read_bytes()
        assert signed.startswith(b"%PDF-")
        assert b"/ByteRange" in signed  # a signed PDF

        # The public verification page: the record and the kept original are valid.
        panel.get_by_role("link", name="Xác thực kết quả").click()
        citizen_page.wait_for_url(re.compile(r"/xac-thuc/"))
        expect(citizen_page.get_by_role("heading", level=1)).to_have_text(
            "Xác thực kết quả điện tử"
        )
        record = citizen_page.get_by_role("region", name="Kết quả đã cấp")
        expect(record).to_contain_text(code)
        expect(record.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
        expect(record).to_contain_text("Chữ ký số hợp lệ")
        assert citizen["name"] not in citizen_page.get_by_role("main").inner_text()
        assert serious_violations(citizen_page) == []

        checked = citizen_page.get_by_role("region", name="Kết quả kiểm tra tệp của bạn")
        citizen_page.get_by_label("Tệp kết quả (PDF)").set_input_files(str(original))
        citizen_page.get_by_role("button", name="Kiểm tra", exact=True).click()
        expect(checked).to_contain_text("Tệp bạn gửi đúng là bản gốc của kết quả này.")
        expect(checked.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
        expect(checked).to_contain_text("Tệp trùng khớp từng byte với bản do hệ thống cấp.")
        assert serious_violations(citizen_page) == []

        # One byte changed, in the comment after the header: the file still parses.
        altered = bytearray(signed)
        position = signed.index(b"\n", 5) + 2
        altered[position] ^= 0x01
        copy = tmp_path / "ban-sao.pdf"
        copy.write_bytes(bytes(altered))
        citizen_page.get_by_label("Tệp kết quả (PDF)").set_input_files(str(copy))
        citizen_page.get_by_role("button", name="Kiểm tra", exact=True).click()
        expect(checked).to_contain_text("Tệp bạn gửi không phải bản gốc của kết quả này.")
        expect(checked.locator("[data-verdict]")).to_have_attribute("data-verdict", "invalid")
        expect(checked).to_contain_text("Không hợp lệ")
        # The kept original is still valid beside it.
        expect(record.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
    finally:
        for page in pages:
            page.context.close()
