"""Browser journeys: find a procedure from the home page, with and without JavaScript, on a
narrow phone screen, and check each page with axe."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

BIRTH = "1.001193"
BLOCKING_IMPACTS = {"serious", "critical"}
# WCAG 2.2 AA (target size included) and axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


def search_for_birth_registration(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("searchbox", name="Bạn cần làm thủ tục gì?").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"/tim-kiem/\?q=dang\+ky\+khai\+sinh"))
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"Tìm thấy \d+ thủ tục"))
    ).to_be_visible()


def open_birth_registration(page: Page) -> None:
    page.locator(f'a[href="/thu-tuc/{BIRTH}/"]').first.click()
    page.wait_for_url(re.compile(rf"/thu-tuc/{re.escape(BIRTH)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    expect(page.get_by_role("heading", name="Giấy tờ cần chuẩn bị")).to_be_visible()
    expect(page.locator(".checklist__item").first).to_be_visible()


def serious_violations(page: Page) -> list[dict]:
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]][:5]
        impact, rule = violation["impact"], violation["id"]
        print(f"axe {page.url} [{impact}] {rule}: {violation['help']} {targets}")
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def test_find_birth_registration_from_the_home_page(page, base_url):
    search_for_birth_registration(page, base_url)
    expect(
        page.get_by_role("link", name=re.compile("đăng ký khai sinh", re.I)).first
    ).to_be_visible()

    open_birth_registration(page)

    expect(page.get_by_role("table").first).to_contain_text("Miễn phí")


def test_pages_have_no_serious_accessibility_violations(page, base_url):
    found = {}
    page.goto(base_url + "/")
    found["home"] = serious_violations(page)
    search_for_birth_registration(page, base_url)
    found["results"] = serious_violations(page)
    open_birth_registration(page)
    found["procedure"] = serious_violations(page)
    page.goto(f"{base_url}/tim-kiem/?q=khai+sinh&level=nope")
    found["error summary"] = serious_violations(page)
    page.goto(f"{base_url}/ho-so/nop/{BIRTH}/?tinh=H36")
    found["filing"] = serious_violations(page)

    assert found == {name: [] for name in found}, found


def test_online_filing_is_offered_in_lam_dong(page, base_url):
    page.goto(f"{base_url}/thu-tuc/{BIRTH}/")
    page.get_by_label("Bạn nộp hồ sơ ở tỉnh, thành phố nào?").select_option("H36")
    page.get_by_role("button", name="Xem", exact=True).click()

    page.wait_for_url(re.compile(r"\?tinh=H36$"))
    action = page.get_by_role("link", name="Nộp trực tuyến")
    expect(action).to_have_attribute("href", f"/ho-so/nop/{BIRTH}/?tinh=H36")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tim-kiem/?q=dang+ky+khai+sinh",
        f"/thu-tuc/{BIRTH}/?tinh=H36",
        f"/ho-so/nop/{BIRTH}/?tinh=H36",
    ],
)
def test_no_horizontal_scroll_on_a_320_pixel_screen(browser, base_url, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/tim-kiem/?q=khai+sinh&level=nope", f"/thu-tuc/{BIRTH}/"])
def test_text_enlarged_to_200_percent_reflows(browser, base_url, path):
    context = browser.new_context(viewport={"width": 640, "height": 800}, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(base_url + path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("document.documentElement.scrollWidth") <= 640
    finally:
        context.close()


def test_journey_at_320_pixels(browser, base_url):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="vi-VN")
    try:
        page = context.new_page()
        search_for_birth_registration(page, base_url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        open_birth_registration(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_journey_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    try:
        page = context.new_page()
        search_for_birth_registration(page, base_url)
        open_birth_registration(page)
    finally:
        context.close()


def test_filters_work_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(f"{base_url}/tim-kiem/?q=khai+sinh")
        page.locator("summary", has_text="Lọc kết quả").click()
        page.get_by_label("Tỉnh, thành phố").select_option("H36")
        page.get_by_label("Chỉ dịch vụ công trực tuyến toàn trình").check()
        page.get_by_role("button", name="Lọc", exact=True).click()

        page.wait_for_url(re.compile(r"province=H36"))
        expect(page.get_by_label("Tỉnh, thành phố")).to_have_value("H36")
        expect(page.locator(".badge--partial")).to_have_count(0)
        expect(page.locator(".result__title a").first).to_have_attribute(
            "href", re.compile(r"\?tinh=H36$")
        )
    finally:
        context.close()
