"""A citizen pays a dossier's fee on the demo card gateway: the browser comes back at once but
the dossier shows the fee paid only after the gateway's server-to-server notification (IPN)
has arrived over HTTP, a few seconds later; the receipt is then downloadable. A forged IPN and
a replayed one are refused in the gateway's convention and logged."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.filing import file_birth_registration

pytestmark = pytest.mark.e2e

FEE = 8000
SET_FEE = """
from motcua.catalog.models import Procedure
from motcua.payments.models import FeeSchedule
FeeSchedule.objects.update_or_create(
    procedure=Procedure.objects.get(code="1.001193"),
    defaults={"kind": "fixed", "timing": "before_reception", "amount": %d,
              "label": "Lệ phí đăng ký khai sinh"},
)
"""
REMOVE_FEE = "from motcua.payments.models import FeeSchedule; FeeSchedule.objects.all().delete()"


def shell(server_env, code: str) -> None:
    motcua = Path(sys.executable).parent / "motcua"
    subprocess.run(  # noqa: S603 (our own command)
        [str(motcua), "shell", "-c", code], env=server_env, check=True, capture_output=True,
        timeout=120,
    )  # fmt: skip


@pytest.fixture
def fee(server_env, base_url):
    shell(server_env, SET_FEE % FEE)
    yield FEE
    shell(server_env, REMOVE_FEE)


def adult_citizen(eid_provider) -> dict:
    """A level-2 adult the other journeys do not use, so each keeps its own dossiers."""
    return [
        c for c in eid_provider.citizens()[1:]
        if c.get("level") == 2 and c.get("birthdate") and c["birthdate"] <= "2007-01-01"
    ][-1]  # fmt: skip


def test_the_fee_shows_paid_only_after_the_gateways_ipn_and_forged_or_replayed_ipns_are_refused(
    page, base_url, eid_provider, tmp_path, server_env, fee
):
    file_birth_registration(page, base_url, eid_provider, adult_citizen(eid_provider), tmp_path)
    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/(da-nop/)?$"))
    if "/da-nop/" in page.url:
        page.get_by_role("link", name=re.compile("Xem hồ sơ|Theo dõi hồ sơ")).first.click()
        page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/$"))
    dossier_url = page.url
    panel = page.locator("#thanh-toan")
    expect(panel).to_contain_text("8.000 đ")

    page.get_by_role("button", name=re.compile("Thanh toán qua Cổng thanh toán thẻ")).click()
    page.wait_for_url(re.compile(r"/thu-nghiem/thanh-toan/cong/\?"))
    expect(page.get_by_role("main")).to_contain_text("8.000 đ")
    page.get_by_label("Gửi chậm (sau 5 giây)").check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    # Back from the gateway at once: the bank says paid, the dossier waits for the IPN.
    page.wait_for_url(re.compile(r"/thanh-toan/ve/gateway/\?"))
    returned = dict(parse_qsl(urlsplit(page.url).query))
    expect(page.locator(".status-panel__status")).to_have_text("Đang chờ xác nhận")
    page.goto(dossier_url)
    expect(panel).to_contain_text("Đang chờ ngân hàng xác nhận")
    expect(page.get_by_role("button", name=re.compile("^Thanh toán qua"))).to_have_count(0)

    # The IPN arrives (5 s later): now, and only now, the fee is paid.
    deadline = time.monotonic() + 30
    while "Đã nộp phí, lệ phí." not in panel.inner_text():
        assert time.monotonic() < deadline, "the IPN never confirmed the payment"
        time.sleep(1)
        page.reload()
    link = page.get_by_role("link", name=re.compile(r"Biên lai số \d{8}"))
    response = page.request.get(base_url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text

    # The same IPN again (a replay) and one with a changed amount (forged), over HTTP.
    ipn = base_url + "/thanh-toan/thong-bao/gateway/"
    replay = requests.get(ipn, params=returned, timeout=10).json()
    assert replay == {"RspCode": "02", "Message": "Order already confirmed"}
    forged = requests.get(ipn, params={**returned, "vnp_Amount": "100"}, timeout=10).json()
    assert forged == {"RspCode": "97", "Message": "Invalid signature"}
    log = (Path(server_env["MOTCUA_VAR_DIR"]) / "gunicorn.log").read_text()
    assert "payments.notice_rejected" in log
    assert "bad_signature" in log
    page.reload()
    expect(panel).to_contain_text("Đã nộp phí, lệ phí.")
    expect(page.get_by_role("link", name=re.compile(r"Biên lai số \d{8}"))).to_have_count(1)
