"""The agencies' signing keys: a small signer interface, PKCS#12 files, and the development PKI.

Every paper and result is signed by the agency that issues it (docs/api.md "Signed papers").
A key is reached only through `signer_for(agency_code)`, which answers a `Signer`: anything
that hands pyHanko a CMS signer — a PKCS#12 file here, an HSM over PKCS#11 tomorrow (pyHanko's
`PKCS11Signer` fits the same hole) — so nothing else knows where keys live.

- Production reads each agency's PKCS#12 file and passphrase from `SIGNING_KEYS` (JSON; the
  passphrase inline or named by an environment variable); no key is ever in the repository.
- Development and tests (`SIGNING_DEV_PKI`) keep a CA of their own in `SIGNING_DIR`
  (git-ignored) and issue an agency its certificate the first time it signs;
  `manage.py make_dev_pki` makes them all ahead (`make run` calls it).

The PDF side (stamp, PAdES, validation) is `dvctt/pades.py`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Nothing here imports DRF or the error classes at import time: settings/production.py calls
# check_production_keys while the settings are still being read.
if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import Signer as CmsSigner

# The development PKCS#12 passphrase: the dev keys are throwaway, kept out of git by SIGNING_DIR.
DEV_PASSPHRASE = b"dvctt-dev-only"
DEV_CA_NAME = "DVCTT CA phát triển (không dùng thật)"
CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
CERT_DAYS = 3650


class Signer(Protocol):
    """One agency's signing key, as pyHanko uses it (a PKCS#12 file, an HSM…)."""

    @property
    def agency_code(self) -> str: ...

    def cms_signer(self) -> CmsSigner:
        """Return the pyHanko signer holding the key and its certificate chain."""
        ...


@dataclass(frozen=True)
class Pkcs12Signer:
    """An agency key in a PKCS#12 file (loaded once per process, again when the file changes)."""

    agency_code: str
    path: Path
    passphrase: bytes

    def cms_signer(self) -> CmsSigner:
        from dvctt.errors import SigningUnavailable

        try:
            return _load_pkcs12(str(self.path), self.passphrase, self.path.stat().st_mtime_ns)
        except (OSError, ValueError) as exc:
            raise SigningUnavailable() from exc


@lru_cache(maxsize=128)
def _load_pkcs12(path: str, passphrase: bytes, _mtime: int) -> CmsSigner:
    from pyhanko.sign import signers

    signer: CmsSigner | None = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        path, passphrase=passphrase
    )
    if signer is None:  # pyHanko logs why (a wrong passphrase, a damaged file)
        raise ValueError(f"the PKCS#12 file {path} cannot be opened")
    return signer


def _configured(agency_code: str, keys: dict[str, Any] | None = None) -> Pkcs12Signer | None:
    entry: Any = (settings.SIGNING_KEYS if keys is None else keys).get(agency_code)
    if not entry:
        return None
    if not isinstance(entry, dict) or not entry.get("pkcs12"):
        raise ImproperlyConfigured(f"SIGNING_KEYS[{agency_code!r}] needs a 'pkcs12' file path.")
    passphrase = entry.get("passphrase")
    if passphrase is None and entry.get("passphrase_env"):
        passphrase = os.environ.get(str(entry["passphrase_env"]))
    return Pkcs12Signer(agency_code, Path(entry["pkcs12"]), str(passphrase or "").encode())


def signer_for(agency_code: str, *, agency_name: str = "") -> Signer:
    """Return the key the agency signs with; SigningUnavailable when it has none."""
    configured = _configured(agency_code)
    if configured is not None:
        return configured
    if settings.SIGNING_DEV_PKI:
        path = dev_agency_pkcs12(agency_code, agency_name or agency_code)
        return Pkcs12Signer(agency_code, path, DEV_PASSPHRASE)
    from dvctt.errors import SigningUnavailable

    raise SigningUnavailable()


def trust_roots() -> list[asn1_x509.Certificate]:
    """Return the CA certificates a signature must chain to (the development CA in dev)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    paths = [Path(p) for p in settings.SIGNING_TRUST_ROOTS]
    if not paths and settings.SIGNING_DEV_PKI:
        paths = [dev_ca_path()]
    roots = []
    for path in paths:
        if not path.is_file():
            continue
        data = path.read_bytes()
        if pem.detect(data):
            roots += [asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, True)]
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def check_production_keys(
    *, enabled: bool, dev_pki: bool, keys: dict[str, Any], roots: list[str]
) -> None:
    """Refuse to start production without keys that open (settings/production.py calls it)."""
    if not enabled or dev_pki:
        raise ImproperlyConfigured(
            "Production signs every paper: SIGNING_ENABLED must be true and SIGNING_DEV_PKI false."
        )
    if not isinstance(keys, dict) or not keys or not roots:
        raise ImproperlyConfigured(
            "SIGNING_KEYS (each agency's PKCS#12 file and passphrase) and SIGNING_TRUST_ROOTS "
            "must be set in production."
        )
    for code in keys:
        signer = _configured(code, keys)
        assert signer is not None
        try:
            _load_pkcs12(str(signer.path), signer.passphrase, signer.path.stat().st_mtime_ns)
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"The signing key of agency {code} ({signer.path}) cannot be opened."
            ) from exc


# --- the development PKI ------------------------------------------------------------------------


def _dir() -> Path:
    return Path(settings.SIGNING_DIR)


def dev_ca_path() -> Path:
    return _dir() / CA_FILE


def _file_name(agency_code: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", agency_code) + ".p12"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    # Web processes, the worker and test processes may share SIGNING_DIR: one makes each file.
    _dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(_dir() / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def _name(common_name: str, agency_code: str = "") -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ]
    if agency_code:
        # The agency's electronic identifier (mã định danh): what a verifier matches.
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, agency_code))
    return x509.Name(attrs)


def make_ca(name: str) -> tuple[Any, Any]:
    """Return a new self-signed CA (EC P-256 key, certificate) named `name`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    subject = _name(name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=CERT_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_pkcs12(
    ca: tuple[Any, Any], *, agency_code: str, agency_name: str, passphrase: bytes
) -> bytes:
    """Return a PKCS#12 file with a new key and certificate of the agency, issued by `ca`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12

    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(agency_name, agency_code))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=CERT_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        agency_code.encode(),
        key,
        cert,
        [ca_cert],
        serialization.BestAvailableEncryption(passphrase),
    )


def pem_certificate(cert: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(cert.public_bytes(serialization.Encoding.PEM))


def _dev_ca() -> tuple[Any, Any]:
    """Return the development CA's (key, certificate), making them the first time."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert_path, key_path = dev_ca_path(), _dir() / CA_KEY_FILE
    if cert_path.is_file() and key_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key, cert = make_ca(DEV_CA_NAME)
    _write(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    _write(cert_path, pem_certificate(cert))
    return key, cert


def _key_usage(*, ca: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def dev_agency_pkcs12(agency_code: str, agency_name: str) -> Path:
    """Return the agency's development PKCS#12 file, issuing it from the dev CA if missing."""
    path = _dir() / "agencies" / _file_name(agency_code)
    if path.is_file():
        return path
    with _locked():
        if path.is_file():
            return path
        content = issue_pkcs12(
            _dev_ca(), agency_code=agency_code, agency_name=agency_name, passphrase=DEV_PASSPHRASE
        )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write(path, content)
    return path


def dev_pki_make(agencies: list[tuple[str, str]]) -> list[Path]:
    """Make the development CA and a certificate for each (code, name); keep what exists."""
    with _locked():
        _dev_ca()
    return [dev_agency_pkcs12(code, name) for code, name in agencies]
