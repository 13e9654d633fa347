"""Staff journeys in the browser: an agency administrator logs in with a one-time code (TOTP),
adds a colleague; the invitation arrives by e-mail (a real SMTP server); the colleague sets a
password, sets up the authenticator from the page's secret, keeps the recovery codes and lands
on the staff home page with the role given. A citizen registers with a phone number and reads
the code in the demo mailbox."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from motcua.core.demo import demo_totp_key
from tests.e2e.test_journey import serious_violations

pytestmark = pytest.mark.e2e


def totp(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def staff_login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Tiếp tục").click()


def test_an_agency_admin_logs_in_with_a_code_and_a_new_colleague_joins(page, base_url, smtp_server):
    smtp_server.clear()
    staff_login(page, base_url, "quantri.lamdong", "motcua-demo")
    page.wait_for_url(re.compile(r"/can-bo/dang-nhap/ma-xac-thuc/"))
    assert serious_violations(page) == []
    page.get_by_label("Mã xác thực").fill(totp(bytes.fromhex(demo_totp_key("quantri.lamdong"))))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/can-bo/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phạm Thu Hà")
    expect(page.get_by_role("main")).to_contain_text("Quản trị cơ quan")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Quản lý cán bộ và vai trò").click()
    page.get_by_role("link", name="Thêm cán bộ").click()
    page.get_by_role("button", name="Tạo tài khoản và gửi thư mời").click()
    summary = page.locator(".error-summary")  # every problem at once
    expect(summary).to_contain_text("Hãy nhập họ và tên.")
    expect(summary).to_contain_text("Hãy nhập e-mail để gửi thư mời.")
    assert serious_violations(page) == []
    page.get_by_label("Họ và tên").fill("Đinh Thị Ngọc")
    page.get_by_label("Tên đăng nhập").fill("ngoc.sotuphap")
    page.get_by_label("E-mail công vụ").fill("ngoc@sotuphap.lamdong.gov.vn")
    page.get_by_label("Cơ quan công tác").select_option(label="— Sở Tư pháp tỉnh Lâm Đồng")
    page.get_by_label("Vai trò").select_option(label="Cán bộ một cửa")
    page.get_by_role("button", name="Tạo tài khoản và gửi thư mời").click()
    expect(page.get_by_role("main")).to_contain_text("Đã tạo tài khoản ngoc.sotuphap")
    page.get_by_role("button", name="Đăng xuất").click()

    (invitation,) = smtp_server.wait_for(1)
    assert invitation["To"] == "ngoc@sotuphap.lamdong.gov.vn"
    link = re.search(r"(http://\S+/can-bo/kich-hoat/\S+/)", smtp_server.body(invitation)).group(1)
    page.goto(link)
    page.get_by_label("Mật khẩu", exact=True).fill("Sotuphap-LamDong-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Sotuphap-LamDong-2026")
    page.get_by_role("button", name="Đặt mật khẩu").click()
    page.wait_for_url(re.compile(r"/can-bo/dang-nhap/$"))

    staff_login(page, base_url, "ngoc.sotuphap", "Sotuphap-LamDong-2026")
    page.wait_for_url(re.compile(r"/can-bo/dang-nhap/cai-dat-xac-thuc/"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    assert serious_violations(page) == []
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Mã 6 chữ số đang hiện trong ứng dụng").fill(totp(key))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r"/can-bo/ma-du-phong/"))
    expect(page.locator(".code-list li")).to_have_count(10)
    page.get_by_role("link", name="Tôi đã lưu, tiếp tục").click()
    expect(page.get_by_role("main")).to_contain_text("Cán bộ một cửa")
    expect(page.get_by_role("main")).to_contain_text("Sở Tư pháp tỉnh Lâm Đồng")


def test_the_staff_login_fits_a_320_pixel_screen(browser, base_url):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(base_url + "/can-bo/dang-nhap/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_a_citizen_registers_with_a_phone_and_reads_the_code_in_the_demo_mailbox(page, base_url):
    page.goto(base_url + "/tai-khoan/dang-ky/")
    page.get_by_label("Số điện thoại di động hoặc e-mail").fill("0903 111 222")
    page.get_by_label("Họ và tên").fill("Lý Thị Mỹ")
    page.get_by_label("Mật khẩu", exact=True).fill("Dang-ky-motcua-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Dang-ky-motcua-2026")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".error-summary")).to_contain_text("Hãy đồng ý")
    expect(page.get_by_label("Họ và tên")).to_have_value("Lý Thị Mỹ")  # nothing lost
    page.get_by_label("Mật khẩu", exact=True).fill("Dang-ky-motcua-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Dang-ky-motcua-2026")
    page.get_by_label("Tôi đồng ý", exact=False).check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/tai-khoan/dang-ky/ma/"))
    expect(page.get_by_role("main")).to_contain_text("09••••••22")

    mailbox = page.context.new_page()
    mailbox.goto(base_url + "/thu-nghiem/hop-thu/")
    text = mailbox.locator(".message-list__item").first.inner_text()
    code = re.search(r"\b(\d{6})\b", text).group(1)
    mailbox.close()

    page.get_by_label("Mã xác minh").fill(code)
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r"/tai-khoan/ho-so/"))
    expect(page.get_by_role("main")).to_contain_text("Lý Thị Mỹ")
    expect(page.get_by_role("main")).to_contain_text("chưa được xác thực")
    assert serious_violations(page) == []
