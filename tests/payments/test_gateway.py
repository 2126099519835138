"""The VNPay 2.1.0 signature: a known answer, and sign/verify invariants."""

from __future__ import annotations

import datetime as dt

import pytest
import responses
from hypothesis import given
from hypothesis import strategies as st

from payments.gateways import vnpay

SECRET = "KAT-SECRET-0123456789ABCDEF"
PARAMS = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "DVCTT001",
    "vnp_Amount": "4000000",
    "vnp_CurrCode": "VND",
    "vnp_TxnRef": "261201ABC123",
    "vnp_OrderInfo": "Thanh toan phi le phi ho so H01-261201-0001",
    "vnp_OrderType": "other",
    "vnp_Locale": "vn",
    "vnp_ReturnUrl": "https://dvc.example.vn/payments/vnpay/return/",
    "vnp_IpAddr": "203.0.113.7",
    "vnp_CreateDate": "20261201103000",
}
# Written out by hand from docs/api.md §7 (sorted, quote_plus-encoded, k=v&k=v) and signed with
# `openssl dgst -sha512 -hmac KAT-SECRET-0123456789ABCDEF`, independently of our code.
EXPECTED_DATA = (
    "vnp_Amount=4000000&vnp_Command=pay&vnp_CreateDate=20261201103000&vnp_CurrCode=VND"
    "&vnp_IpAddr=203.0.113.7&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+phi+le+phi+ho+so+H01-261201-0001&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdvc.example.vn%2Fpayments%2Fvnpay%2Freturn%2F"
    "&vnp_TmnCode=DVCTT001&vnp_TxnRef=261201ABC123&vnp_Version=2.1.0"
)
EXPECTED_HASH = (
    "4615def733bb8487acde29954d610bfc3f2b3ba5d013835db94a2383994f0e5a"
    "8a1e211e2089c5ab459c126f1fb3a5f3b7e0234588720f0eb092a75a2ef9a24d"
)


def test_known_answer_signature():
    assert vnpay.hash_data(PARAMS) == EXPECTED_DATA
    assert vnpay.sign(PARAMS, SECRET) == EXPECTED_HASH
    # The hash fields themselves are never part of what is signed.
    signed = {**PARAMS, "vnp_SecureHashType": "HmacSHA512", "vnp_SecureHash": EXPECTED_HASH}
    assert vnpay.sign(signed, SECRET) == EXPECTED_HASH
    assert vnpay.verify(signed, SECRET)
    assert vnpay.verify({**signed, "vnp_SecureHash": EXPECTED_HASH.upper()}, SECRET)


def _gateway(api_url: str = "") -> vnpay.VnpayGateway:
    return vnpay.VnpayGateway(
        tmn_code="DVCTT001",
        hash_secret=SECRET,
        payment_url="https://pay.example/vpcpay.html",
        api_url=api_url,
        timeout=1,
    )


def test_redirect_url_carries_every_parameter_of_api_md():
    gateway = _gateway()
    import datetime as dt
    from urllib.parse import parse_qsl, urlsplit

    from dvctt import workdays

    url = gateway.redirect_url(
        txn_ref="261201ABC123",
        amount=40_000,
        order_info="Thanh toan phi le phi ho so H01-261201-0001",
        return_url="https://dvc.example.vn/payments/vnpay/return/",
        ip="203.0.113.7",
        created_at=dt.datetime(2026, 12, 1, 10, 30, tzinfo=workdays.VN_TZ),
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://pay.example/vpcpay.html"
    params = dict(parse_qsl(parts.query))
    assert {k: params[k] for k in PARAMS} == PARAMS  # đồng × 100, Vietnam time
    assert params["vnp_ExpireDate"] == "20261201104500"
    assert vnpay.verify(params, SECRET)


values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
)


@given(
    params=st.dictionaries(
        st.from_regex(r"vnp_[A-Za-z]{1,12}", fullmatch=True), values, min_size=1, max_size=12
    ),
    key=st.sampled_from(sorted(PARAMS)),
    tamper=values,
)
def test_any_signed_query_verifies_and_any_change_breaks_it(params, key, tamper):
    params = {k: v for k, v in params.items() if k not in vnpay.HASH_FIELDS}
    signed = {**params, "vnp_SecureHash": vnpay.sign(params, SECRET)}
    assert vnpay.verify(signed, SECRET)
    assert not vnpay.verify(signed, SECRET + "x")
    changed = {**signed, key: tamper}
    if changed.get(key) != signed.get(key):
        assert not vnpay.verify(changed, SECRET)


@responses.activate
@pytest.mark.parametrize("body", [[], ["vnp_ResponseCode", "00"], "00", 42])
def test_merchant_api_answering_json_that_is_not_an_object_is_unavailable(body):
    # Valid JSON, but not VNPay's object: a gateway we cannot trust, not a crash (the return
    # page and reconciliation catch GatewayUnavailable only).
    api_url = "https://api.example/merchant_webapi/api/transaction"
    responses.post(api_url, json=body)
    with pytest.raises(vnpay.GatewayUnavailable):
        _gateway(api_url).query(
            txn_ref="261201ABC123", created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        )
