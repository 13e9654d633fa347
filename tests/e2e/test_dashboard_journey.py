"""The leader's dashboard in the browser, over the demo installation's dossiers: the leader of
the Department of Justice logs in with the second factor, opens the service index from the
staff home page, chooses this year, clicks the on-time figure of 2.1 and sees the dossiers
behind it with their reasons, downloads the indicators as Excel (it opens with openpyxl and
holds the page's figures); axe finds nothing serious; on a 360 px phone (the province's
supervisor) nothing is wider than the screen."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_backoffice_journey import staff_page
from tests.e2e.test_journey import serious_violations

pytestmark = pytest.mark.e2e

LEADER = "lanhdao.lamdong"
#: A second account for the phone (a one-time code is accepted once).
SUPERVISOR = "giamsat.lamdong"


@pytest.fixture(scope="module")
def figures(base_url, server_env) -> str:
    """The demo dossiers' figures, computed as the outbox subscriber would (the journeys'
    server runs no worker)."""
    command = [str(Path(sys.executable).parent / "motcua"), "stats_backfill"]
    done = subprocess.run(  # noqa: S603 (our own command)
        command, env=server_env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return base_url


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def figure(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def shown_figure(text: str) -> Decimal | None:
    """A figure as the page writes it (1.234,5 — or "—" for no data)."""
    text = text.strip()
    return None if text in ("", "—") else Decimal(text.replace(".", "").replace(",", "."))


def table_downloads(page: Page, name: str):
    """The download links next to one table."""
    return page.locator(f"#table-{name}").locator("xpath=../following-sibling::ul[1]")


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_dashboard_for_this_year(page: Page, base_url: str) -> None:
    page.goto(base_url + "/can-bo/")
    page.get_by_role("link", name="Chỉ số phục vụ người dân, doanh nghiệp").click()
    page.wait_for_url(re.compile(r"/can-bo/chi-so/"))
    page.get_by_label("Kỳ", exact=True).select_option(label="Năm")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_url(re.compile(r"ky=nam"))


def test_a_leader_follows_a_figure_to_its_dossiers_and_downloads_the_table(
    browser: Browser, figures: str
):
    base_url = figures
    page = staff_page(browser, base_url, LEADER)
    open_dashboard_for_this_year(page, base_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Chỉ số phục vụ người dân, doanh nghiệp"
    )
    expect(page.locator(".eyebrow")).to_contain_text("Sở Tư pháp")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert serious_violations(page) == []

    # The Excel download of the indicators holds what the page shows.
    table = page.locator("#table-chi-so")
    shown = {}
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        if cells[0]:
            shown[cells[0]] = cells
    assert "2.1" in shown
    with page.expect_download() as download_info:
        table_downloads(page, "chi-so").get_by_text("Tải Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert "Sở Tư pháp" in sheet["A2"].value
    in_file = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert list(in_file) == list(shown)
    for ident, cells in shown.items():
        for column in (3, 4):  # numerator, denominator
            assert figure(in_file[ident][column]) == shown_figure(cells[column]), (ident, column)

    # The on-time figure of 2.1 leads to its dossiers, each with its reason.
    on_time = page.locator("#so-dung-han")
    expected = number(on_time.inner_text())
    assert expected > 0
    on_time.click()
    page.wait_for_url(re.compile(r"/can-bo/chi-so/chi-tiet/\?.*chi-so=2\.1"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ số 2.1")
    expect(page.locator(".lead")).to_contain_text(f"Tử số: {expected:,}".replace(",", "."))
    rows = page.locator("#table-chi-tiet tbody tr")
    expect(rows).to_have_count(min(expected, 50))
    headers = page.locator("#table-chi-tiet thead th").all_inner_texts()
    assert headers[0] == "Mã hồ sơ"
    assert headers[-1] == "Lý do"
    reasons = page.locator("#table-chi-tiet tbody tr td:last-child").all_inner_texts()
    assert all(r.startswith(("Đúng hạn", "Đang giải quyết, còn hạn")) for r in reasons)
    assert serious_violations(page) == []

    with page.expect_download() as download_info:
        table_downloads(page, "chi-tiet").get_by_text("Tải Excel").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    codes = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert len(codes) == expected  # every row, not only the page
    first_page = page.locator("#table-chi-tiet tbody tr td:first-child").all_inner_texts()
    assert codes[: len(first_page)] == first_page
    page.context.close()


def test_the_dashboard_fits_a_360_pixel_phone(browser: Browser, figures: str):
    base_url = figures
    desktop = staff_page(browser, base_url, SUPERVISOR)
    state = desktop.context.storage_state()
    desktop.context.close()
    phone = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", storage_state=state
    )
    page = phone.new_page()
    open_dashboard_for_this_year(page, base_url)
    expect(page.locator("svg.chart").first).to_be_visible()
    assert fits_the_screen(page)
    page.locator("#so-dung-han").click()
    page.wait_for_url(re.compile(r"/chi-tiet/"))
    assert fits_the_screen(page)
    page.goto(base_url + "/thong-ke/")
    assert fits_the_screen(page)
    assert serious_violations(page) == []
    phone.close()
