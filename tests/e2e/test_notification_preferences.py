"""A citizen chooses how to be told, in the browser: registers with a phone number, opens
"Nhận thông báo" from the account menu, turns SMS on for one kind and e-mail off for another,
saves, and finds the choice kept; the page passes axe and fits a 320-pixel screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import serious_violations

pytestmark = pytest.mark.e2e


def register(page: Page, base_url: str, phone: str, name: str) -> None:
    page.goto(base_url + "/tai-khoan/dang-ky/")
    page.get_by_label("Số điện thoại di động hoặc e-mail").fill(phone)
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Mật khẩu", exact=True).fill("Dang-ky-motcua-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Dang-ky-motcua-2026")
    page.get_by_label("Tôi đồng ý", exact=False).check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/tai-khoan/dang-ky/ma/"))
    mailbox = page.context.new_page()
    mailbox.goto(base_url + "/thu-nghiem/hop-thu/")
    text = mailbox.locator(".message-list__item").first.inner_text()
    mailbox.close()
    page.get_by_label("Mã xác minh").fill(re.search(r"\b(\d{6})\b", text).group(1))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r"/tai-khoan/ho-so/"))


def test_a_citizen_chooses_the_channels_of_each_kind_of_message(page, base_url):
    register(page, base_url, "0903 444 555", "Đỗ Minh Châu")
    page.get_by_role("link", name="Nhận thông báo").click()
    page.wait_for_url(re.compile(r"/tai-khoan/nhan-thong-bao/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cách nhận thông báo")
    expect(page.get_by_role("main")).to_contain_text("09••••••55")
    assert serious_violations(page) == []

    submitted = page.get_by_role("group", name="Hồ sơ đã được gửi (mới đăng ký)")
    received = page.get_by_role("group", name="Hồ sơ được tiếp nhận, có ngày hẹn trả kết quả")
    expect(received.get_by_label("Tin nhắn SMS")).to_be_checked()  # essential: on by default
    expect(submitted.get_by_label("Tin nhắn SMS")).not_to_be_checked()
    submitted.get_by_label("Tin nhắn SMS").check()
    received.get_by_label("E-mail").uncheck()
    page.get_by_role("button", name="Lưu lựa chọn").click()

    expect(page.get_by_role("status")).to_contain_text("Đã lưu cách nhận thông báo")
    expect(submitted.get_by_label("Tin nhắn SMS")).to_be_checked()
    expect(received.get_by_label("E-mail")).not_to_be_checked()
    assert serious_violations(page) == []


def test_the_preferences_page_fits_a_320_pixel_screen(browser, base_url):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="vi-VN")
    page = context.new_page()
    try:
        register(page, base_url, "0903 666 777", "Vũ Thị Lan")
        page.goto(base_url + "/tai-khoan/nhan-thong-bao/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
