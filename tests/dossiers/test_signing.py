"""Signed papers and results (docs/api.md "Signed papers"): every paper and result the portal
serves is signed by its agency (PAdES) and checks out with pyHanko's validator against the
development CA; the verification page reads an uploaded copy's digest and signature."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from dossiers.models import DossierDocument
from dossiers.papers import documents
from dvctt import pades, signing
from tests.dossiers.conftest import PDF, make_submitted, upload
from tests.dossiers.papers import (
    apologize,
    pdf_qr_texts,
    run,
    settle_and_return,
    supplement_then_reject,
    to_appraised,
    to_approved,
)
from tests.procedures.factories import ProcedureFactory
from tests.production import manage, production_env

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def validated(content: bytes):
    """pyHanko's own validation of the (only) signature, against the development CA."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signatures = PdfFileReader(io.BytesIO(content)).embedded_signatures
    assert len(signatures) == 1
    context = ValidationContext(trust_roots=signing.trust_roots(), allow_fetching=False)
    return validate_pdf_signature(signatures[0], context)


def assert_signed_by(content: bytes, agency) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = validated(content)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    subject = status.signing_cert.subject.native
    assert subject["organization_identifier"] == agency.code
    assert subject["organization_name"] == agency.name[:64]
    assert status.signer_reported_dt is not None


def _sig_rect(content: bytes) -> tuple[int, list[float]]:
    """Return (page index, rectangle) of the visible signature's widget."""
    from pypdf import PdfReader

    for index, page in enumerate(PdfReader(io.BytesIO(content)).pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig" or annot.get("/Parent", {}).get("/FT") == "/Sig":
                return index, [float(v) for v in annot["/Rect"]]
    raise AssertionError("no visible signature")


@pytest.fixture
def generated_procedure(agency):
    return ProcedureFactory(agencies=[agency], extra={"result_template": "confirmation"})


@pytest.fixture
def uploaded_result_procedure(agency):
    return ProcedureFactory(agencies=[agency], extra={})


def test_every_paper_and_the_generated_result_is_signed_by_the_issuing_agency(
    agency, citizen, procedure, generated_procedure, reception, leader, clerk, specialist
):
    refused = make_submitted(citizen, procedure)
    supplement_then_reject(
        refused, reception=reception, citizen=citizen, request="Thiếu giấy tờ", refusal="Sai"
    )
    done = run(make_submitted(citizen, generated_procedure), reception, "receive")
    apologize(done, leader, "Phải xác minh thêm")
    to_appraised(done, reception=reception, specialist=specialist)
    run(done, leader, "approve")
    run(done, clerk, "issue_result")
    settle_and_return(done, clerk)
    papers = {
        "supplement-request": refused,
        "rejection": refused,
        "receipt": done,
        "apology": done,
        "control-slip": done,
        "result": done,
    }
    assert set(papers) == set(documents.K.values)
    for kind, dossier in papers.items():
        # Served through the API, as the citizen or the official downloads it.
        r = api_for(clerk).get(f"/api/v1/dossiers/{dossier.pk}/documents/{kind}/")
        assert r.status_code == 200, (kind, r.content[:200])
        content = b"".join(r.streaming_content)
        assert_signed_by(content, agency)
        stored = DossierDocument.objects.filter(dossier=dossier, kind=kind).latest("created_at")
        assert stored.signed_at is not None and r["X-Content-SHA256"] == stored.sha256
        # The visible signature fills the box the paper reserves under the QR code, page 1.
        page, rect = _sig_rect(content)
        assert page == 0 and rect[2] - rect[0] == pytest.approx(pades._pt(pades.BOX_MM[0]))
        assert pades.pdf_check(content).state == pades.VALID


def test_an_uploaded_result_is_kept_as_it_came_and_served_stamped_with_its_qr_and_signed(
    client, agency, citizen, uploaded_result_procedure, reception, specialist, leader, clerk
):
    dossier = to_approved(
        citizen, uploaded_result_procedure, reception=reception, specialist=specialist,
        leader=leader,
    )  # fmt: skip
    original = PDF + b"% quyet dinh so 12/QD\n"
    r = api_for(clerk).post(
        f"/api/v1/dossiers/{dossier.pk}/actions/issue_result/",
        {"file": upload("quyet-dinh.pdf", original)},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    r = api_for(clerk).get(f"/api/v1/dossiers/{dossier.pk}/documents/result/")
    served = b"".join(r.streaming_content)
    assert_signed_by(served, agency)
    stored = DossierDocument.objects.get(dossier=dossier, kind="result")
    # The upload is kept byte for byte; what is served is stamped and signed once.
    assert stored.original_file.read() == original
    assert stored.file.read() == served and served.startswith(original)
    again = b"".join(
        api_for(clerk).get(f"/api/v1/dossiers/{dossier.pk}/documents/result/").streaming_content
    )
    assert again == served
    # The stamp carries the QR code of its verification page.
    assert f"/xac-thuc/{stored.token}/" in " ".join(pdf_qr_texts(served))
    r = client.post(f"/xac-thuc/{stored.token}/", {"file": upload("kq.pdf", served)})
    page = r.content.decode()
    assert 'data-verify-state="match"' in page and agency.name in page
    # The unsigned upload itself is not the paper issued.
    r = client.post(f"/xac-thuc/{stored.token}/", {"file": upload("goc.pdf", original)})
    assert 'data-verify-state="unsigned"' in r.content.decode()


def test_one_flipped_byte_reads_modified_and_names_no_person(client, citizen, procedure, reception):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    stored = documents.document_render(dossier_id=dossier.pk, kind="receipt")
    genuine = bytearray(stored.file.read())
    for offset in (len(genuine) // 5, len(genuine) // 3, 200):
        flipped = bytearray(genuine)
        flipped[offset] ^= 0x01
        r = client.post(f"/xac-thuc/{stored.token}/", {"file": upload("x.pdf", bytes(flipped))})
        page = r.content.decode()
        assert r.status_code == 200, offset
        assert 'data-verify-state="modified"' in page and "Đã bị sửa đổi" in page, offset
        assert dossier.applicant_name not in page  # no personal data on the public page
    r = client.post(f"/xac-thuc/{stored.token}/", {"file": upload("ok.pdf", bytes(genuine))})
    page = r.content.decode()
    assert 'data-verify-state="match"' in page and "Hợp lệ, nội dung nguyên vẹn" in page
    assert dossier.applicant_name not in page


def test_the_verification_page_never_fails_on_a_bad_upload(
    client, settings, citizen, procedure, reception
):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    token = documents.document_render(dossier_id=dossier.pk, kind="receipt").token
    url = f"/xac-thuc/{token}/"
    cases = {
        "garbage": (upload("a.pdf", b"\x00\xff" * 500), 400),
        "png": (upload("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"), 400),
        "broken pdf": (upload("b.pdf", b"%PDF-1.7\n" + b"\x8f" * 4000), 200),
        "truncated": (upload("c.pdf", PDF[: len(PDF) // 2]), 200),
        "empty": (upload("d.pdf", b""), 400),
    }
    for name, (file, status) in cases.items():
        r = client.post(url, {"file": file})
        assert r.status_code == status, (name, r.status_code)
    settings.DOSSIER_UPLOAD_MAX_MB = 1
    huge = upload("huge.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10))
    assert client.post(url, {"file": huge}).status_code == 400
    r = client.post(url, {"file": upload("b.pdf", b"%PDF-1.7\n" + b"\x8f" * 4000)})
    assert 'data-verify-state="unreadable"' in r.content.decode()
    # The public check parses PDFs: a limit per address.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": "1/h"}
    client.post(url, {"file": upload("e.pdf", PDF)})
    r = client.post(url, {"file": upload("e.pdf", PDF)})
    assert r.status_code == 429 and "Quá nhiều yêu cầu" in r.content.decode()


def test_the_code_under_the_qr_opens_its_page_without_javascript(
    client, citizen, procedure, reception
):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    token = documents.document_render(dossier_id=dossier.pk, kind="receipt").token
    page = client.get("/xac-thuc/").content.decode()
    assert 'method="get"' in page and 'name="ma"' in page
    r = client.get("/xac-thuc/", {"ma": f"  {token} "})
    assert r.status_code == 302 and r.url == f"/xac-thuc/{token}/"
    r = client.get("/xac-thuc/", {"ma": f"https://dichvucong.demo.gov.vn/xac-thuc/{token}/"})
    assert r.status_code == 302 and r.url == f"/xac-thuc/{token}/"
    r = client.get("/xac-thuc/", {"ma": "<script>"})
    assert r.status_code == 400 and "Mã xác thực không đúng định dạng" in r.content.decode()
    assert client.get("/xac-thuc/", {"ma": "A" * 40}, follow=True).status_code == 404


def test_without_a_key_no_paper_is_served_unsigned(
    client, settings, agency, citizen, procedure, reception
):
    settings.SIGNING_DEV_PKI = False
    settings.SIGNING_KEYS = {}
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    r = api_for(citizen).get(f"/api/v1/dossiers/{dossier.pk}/documents/receipt/")
    assert r.status_code == 503 and r.json()["code"] == "signing_unavailable"
    client.force_login(citizen)
    r = client.get(f"/ho-so-cua-toi/{dossier.pk}/giay-to/receipt/")
    assert r.status_code == 503 and "chưa có chứng thư số" in r.content.decode()
    assert not DossierDocument.objects.exists()


def test_with_signing_switched_off_papers_are_served_unsigned_and_say_so(
    client, settings, citizen, procedure, reception
):
    settings.SIGNING_ENABLED = False
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    stored = documents.document_render(dossier_id=dossier.pk, kind="receipt")
    content = stored.file.read()
    assert stored.signed_at is None and pades.pdf_check(content).state == pades.UNSIGNED
    r = client.post(f"/xac-thuc/{stored.token}/", {"file": upload("a.pdf", content)})
    assert 'data-verify-state="match_unsigned"' in r.content.decode()
    # Switched on again: the unsigned paper is made anew, signed, under a new token.
    settings.SIGNING_ENABLED = True
    signed = documents.document_render(dossier_id=dossier.pk, kind="receipt")
    assert signed.pk != stored.pk and signed.signed_at is not None


class _Tsa(BaseHTTPRequestHandler):
    """A local RFC 3161 authority: pyHanko's test timestamper answering over HTTP."""

    stamper = None

    def do_POST(self):
        from asn1crypto import tsp

        request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        body = self.stamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tsa_url():
    import datetime as dt

    from asn1crypto import keys, x509
    from cryptography import x509 as c509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = c509.Name([c509.NameAttribute(c509.oid.NameOID.COMMON_NAME, "TSA thử")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        c509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            c509.ExtendedKeyUsage([c509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    _Tsa.stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        fixed_dt=dt.datetime(2026, 12, 1, 1, 2, 3, tzinfo=dt.UTC),
    )
    server = HTTPServer(("127.0.0.1", 0), _Tsa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa"
    server.shutdown()
    server.server_close()


def test_a_configured_timestamp_authority_stamps_the_signature(
    settings, tsa_url, agency, citizen, procedure, reception
):
    import datetime as dt

    settings.SIGNING_TSA_URL = tsa_url
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    content = documents.document_render(dossier_id=dossier.pk, kind="receipt").file.read()
    check = pades.pdf_check(content)
    assert check.timestamped and check.signed_at == dt.datetime(2026, 12, 1, 1, 2, 3, tzinfo=dt.UTC)
    assert validated(content).timestamp_validity is not None
    # An authority that does not answer: no paper, a clear 503, never an untimed signature.
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"
    r = api_for(citizen).get(f"/api/v1/dossiers/{dossier.pk}/documents/control-slip/")
    assert r.status_code == 503 and r.json()["code"] == "signing_unavailable"


def test_make_dev_pki_issues_each_agency_a_certificate_once(settings, tmp_path, agency):
    settings.SIGNING_DIR = tmp_path / "pki"
    call_command("make_dev_pki", stdout=io.StringIO())
    files = sorted((tmp_path / "pki" / "agencies").glob("*.p12"))
    assert (tmp_path / "pki" / "ca.pem").is_file() and len(files) >= 1
    before = {f: f.read_bytes() for f in files}
    out = io.StringIO()
    call_command("make_dev_pki", stdout=out)
    assert "(0 new)" in out.getvalue()
    assert {f: f.read_bytes() for f in files} == before
    signer = signing.signer_for(agency.code, agency_name=agency.name)
    assert signer.cms_signer().signing_cert.subject.native["organization_identifier"] == agency.code
    settings.SIGNING_DEV_PKI = False
    with pytest.raises(CommandError):
        call_command("make_dev_pki", stdout=io.StringIO())


@pytest.mark.parametrize(
    "change",
    [
        {"SIGNING_KEYS": "{}"},
        {"SIGNING_PASS_A": "wrong passphrase"},
        {"SIGNING_TRUST_ROOTS": ""},
        {"SIGNING_DEV_PKI": "true"},
    ],
)
def test_production_refuses_to_start_without_keys_that_open(tmp_path, change):
    result = manage(production_env(tmp_path, **change), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_starts_with_its_keys(tmp_path):
    result = manage(production_env(tmp_path), "check")
    assert result.returncode == 0, result.stderr


def test_an_upload_already_signed_keeps_its_signatures_and_ours_is_checked(agency):
    first = pades.pdf_sign(PDF, agency_code="000.99.99.H99", agency_name="Cơ quan khác")
    served = pades.pdf_sign(
        first,
        agency_code=agency.code,
        agency_name=agency.name,
        verify_url="http://127.0.0.1:8000/xac-thuc/" + "t" * 43 + "/",
    )
    assert served.startswith(first)
    check = pades.pdf_check(served)
    assert check.state == pades.VALID and check.agency_code == agency.code
    # Signing our own served file again (an official re-uploads it) works too.
    again = pades.pdf_sign(served, agency_code=agency.code, agency_name=agency.name)
    assert pades.pdf_check(again).state == pades.VALID


def test_a_request_signs_only_a_paper_not_made_yet(citizen, procedure, reception, monkeypatch):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    made = documents.document_render(dossier_id=dossier.pk, kind="receipt")  # as the worker
    calls = []
    monkeypatch.setattr(pades, "pdf_sign", lambda *a, **k: calls.append(a) or b"")
    r = api_for(citizen).get(f"/api/v1/dossiers/{dossier.pk}/documents/receipt/")
    assert r.status_code == 200 and r["X-Content-SHA256"] == made.sha256
    assert calls == []  # served as stored: not rendered, not signed again
