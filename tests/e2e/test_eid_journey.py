"""A citizen logs in with the national e-ID (the bundled test provider, real OpenID Connect),
finds what the state already knows on the profile page, and logs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey import serious_violations

pytestmark = pytest.mark.e2e


def test_a_citizen_logs_in_with_vneid_level_2_and_finds_the_verified_attributes(
    page, base_url, eid_provider
):
    citizen = eid_provider.citizens()[0]
    page.goto(base_url + "/")
    page.get_by_role("link", name="Đăng nhập", exact=True).click()
    # The login page offers the e-ID first, a local account beside it.
    page.wait_for_url(re.compile(r"/tai-khoan/dang-nhap/"))
    assert serious_violations(page) == []
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()

    # The provider's own page: the portal sent the person there with PKCE, state and nonce.
    page.wait_for_url(re.compile(re.escape(eid_provider.base_url)))
    page.get_by_role("button", name=f"Đăng nhập với {citizen['name']}").click()

    page.wait_for_url(re.compile(r"/tai-khoan/ho-so/"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông tin của bạn")
    expect(main).to_contain_text(citizen["name"])
    expect(main).to_contain_text("Mức 2")
    expect(main).to_contain_text(citizen["pid"][-4:])
    assert citizen["pid"] not in main.inner_text()  # the full number is not shown
    assert serious_violations(page) == []

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(re.escape(base_url)))
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()
    # Logged out here and at the provider: the profile asks to log in again, and the e-ID
    # asks who the citizen is again.
    page.goto(base_url + "/tai-khoan/ho-so/")
    page.wait_for_url(re.compile(r"/tai-khoan/dang-nhap/"))
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url(re.compile(re.escape(eid_provider.base_url)))
    expect(page.get_by_role("button", name=f"Đăng nhập với {citizen['name']}")).to_be_visible()
