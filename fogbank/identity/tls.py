"""The node's local certificate authority and the certificate of its TLS listener.

Functions reach API Gateway's own names over HTTPS (`https://{apiId}.execute-api.{region}.
amazonaws.com/{stage}` for @connections), so the node serves TLS with a certificate for
those names, signed by a CA it makes once and keeps in its state directory. Functions trust
it through a bundle of the usual public roots plus this CA (`bundle.pem`), so their calls
to real third-party HTTPS services still verify.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_NAME = "Fogbank local CA"
_CA_DAYS = 3650
_LEAF_DAYS = 365
_RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class TlsFiles:
    directory: Path
    ca_cert: Path         # the CA alone (NODE_EXTRA_CA_CERTS, a browser's trust store)
    cert: Path            # the listener's certificate chain
    key: Path             # the listener's private key
    bundle: Path          # public roots + the CA (AWS_CA_BUNDLE, SSL_CERT_FILE …)


def server_names(region: str) -> list[str]:
    """The names the listener answers for: API Gateway's in the node's region, the local
    `*.execute-api.localhost` ones, and localhost."""
    return [f"*.execute-api.{region}.amazonaws.com", "*.execute-api.localhost",
            "localhost", "127.0.0.1", "::1"]


def ensure_certificates(directory: Path, names: Sequence[str],
                        now: dt.datetime | None = None) -> TlsFiles:
    """Makes the CA on first use and a listener certificate whenever the names change or
    it nears expiry; returns the files. The CA is kept, so trusting it once lasts."""
    now = now or dt.datetime.now(dt.timezone.utc)
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(directory, directory / "ca.pem", directory / "server.pem",
                     directory / "server-key.pem", directory / "bundle.pem")
    ca_key, ca_cert = _load_or_make_ca(directory, files.ca_cert, now)
    if not _leaf_is_current(files.cert, names, now):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _leaf(key, ca_key, ca_cert, names, now)
        _write_private(files.key, key)
        files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM)
                               + ca_cert.public_bytes(serialization.Encoding.PEM))
    roots = Path(certifi.where()).read_bytes()
    files.bundle.write_bytes(roots.rstrip(b"\n") + b"\n" + files.ca_cert.read_bytes())
    return files


def _load_or_make_ca(directory: Path, cert_path: Path, now: dt.datetime
                     ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path = directory / "ca-key.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=_CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    _write_private(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _alt_names(names: Sequence[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for name in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            out.append(x509.DNSName(name))
    return out


def _leaf(key: ec.EllipticCurvePrivateKey, ca_key: ec.EllipticCurvePrivateKey,
          ca_cert: x509.Certificate, names: Sequence[str], now: dt.datetime
          ) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fogbank node")])
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=_LEAF_DAYS))
            .add_extension(x509.SubjectAlternativeName(_alt_names(names)), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))


def _leaf_is_current(path: Path, names: Sequence[str], now: dt.datetime) -> bool:
    if not path.exists():
        return False
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    if cert.not_valid_after_utc - _RENEW_BEFORE < now:
        return False
    wanted = {str(n.value) for n in _alt_names(names)}
    present = {str(n.value) for n in
               cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value}
    return wanted == present


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
