"""The two protocols' signatures: the national platform's check value (SHA-256 over the fields
in the message's order, then the secret) and the gateway's HMAC-SHA512 over the sorted,
URL-encoded parameters; any change to a signed field breaks them."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.payments.providers import gateway, national
from motcua.payments.providers.base import Refused

SECRET = "demo-gateway-secret"
values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
)
names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=12
).map(lambda s: "vnp_" + s)


def test_the_national_check_value_is_sha256_of_the_fields_in_order_and_the_secret():
    message = {
        "partnerCode": "MOTCUA",
        "resultCode": "00",
        "reference": "R-1",
        "amount": "8000",
        "currency": "VND",
        "transactionId": "123",
        "bankCode": "VCB",
        "paidAt": "20261204101500",
    }
    expected = hashlib.sha256(b"MOTCUA|00|R-1|8000|VND|123|VCB|20261204101500|s3cret").hexdigest()
    assert national.check_value(message, national.RESULT_FIELDS, "s3cret") == expected


@given(st.dictionaries(st.sampled_from(national.RESULT_FIELDS), values, min_size=1), values)
def test_a_national_message_verifies_until_a_signed_field_changes(message, other):
    signed = national.sign(message, national.RESULT_FIELDS, "s3cret")
    assert national.verified(signed, national.RESULT_FIELDS, "s3cret")
    assert not national.verified(signed, national.RESULT_FIELDS, "another")
    name = sorted(message)[0]
    if other != message[name]:
        assert not national.verified({**signed, name: other}, national.RESULT_FIELDS, "s3cret")


def test_the_gateway_signs_sorted_url_encoded_parameters_with_hmac_sha512():
    params = {
        "vnp_TxnRef": "A B",
        "vnp_Amount": "800000",
        "vnp_OrderInfo": "Nộp phí&x=1",
        "vnp_Empty": "",
        "other": "ignored",
    }
    text = "vnp_Amount=800000&vnp_OrderInfo=N%E1%BB%99p+ph%C3%AD%26x%3D1&vnp_TxnRef=A+B"
    assert gateway.canonical(params) == text
    expected = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    assert gateway.secure_hash(text, SECRET) == expected


@given(st.dictionaries(names, values, min_size=1, max_size=8))
def test_a_signed_redirect_round_trips_and_any_change_breaks_it(params):
    query = gateway.signed_query(params, SECRET)
    received = dict(parse_qsl(query, keep_blank_values=True))
    assert gateway.verified(received, SECRET)
    name = sorted(params)[0]
    assert not gateway.verified({**received, name: params[name] + "x"}, SECRET)
    assert gateway.canonical(received) == "&".join(
        f"{quote_plus(k)}={quote_plus(v)}" for k, v in sorted(params.items())
    )


def test_the_redirect_url_carries_the_order_and_its_hash(settings, db):
    from types import SimpleNamespace

    from django.utils import timezone

    payment = SimpleNamespace(
        amount=8000,
        currency="VND",
        reference="000.00.50.H36-261204-0001-20261204101500000",
        dossier=SimpleNamespace(code="000.00.50.H36-261204-0001"),
        created_at=timezone.now(),
    )
    start = gateway.CardGateway().start(
        payment, return_url="http://x/ve/", notify_url="", client_ip="10.0.0.1"
    )
    params = dict(parse_qsl(urlsplit(start.url).query))
    assert params["vnp_Amount"] == "800000"
    assert params["vnp_CurrCode"] == "VND"
    assert gateway.verified(params, settings.MOTCUA_PAYMENT_GATEWAY_SECRET)


def test_a_gateway_notification_with_a_fraction_of_a_dong_is_refused(settings):
    params = {
        "vnp_TmnCode": settings.MOTCUA_PAYMENT_GATEWAY_TMN_CODE,
        "vnp_Amount": "800050",
        "vnp_TxnRef": "R",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_CurrCode": "VND",
    }
    params["vnp_SecureHash"] = gateway.secure_hash(
        gateway.canonical(params), settings.MOTCUA_PAYMENT_GATEWAY_SECRET
    )
    with pytest.raises(Refused) as refused:
        gateway.CardGateway().verify_notification(params)
    assert refused.value.reason == "wrong_amount"


def test_statements_of_both_providers_are_read_and_bad_lines_named():
    text = national.STATEMENT_HEADER + "\nMOTCUA;R-1;111;8000;VND;00;20261204101500\n"
    [line] = national.NationalPlatform().parse_statement(text)
    assert (line.reference, line.amount, line.status) == ("R-1", 8000, "paid")
    with pytest.raises(ValueError, match="dòng 2"):
        national.NationalPlatform().parse_statement(national.STATEMENT_HEADER + "\nx;y\n")
    text = gateway.STATEMENT_HEADER + "\nMOTCUA01,R-2,222,800000,VND,NCB,20261204101500,05\n"
    [line] = gateway.CardGateway().parse_statement(text)
    assert (line.reference, line.amount, line.status) == ("R-2", 8000, "refunded")
    with pytest.raises(ValueError, match="dòng 1"):
        gateway.CardGateway().parse_statement("sai\n")
