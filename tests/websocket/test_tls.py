"""The node's local CA: a certificate that clients trusting the bundle accept for API
Gateway's names, kept across restarts."""
from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading

import pytest

from fogbank.identity.tls import ensure_certificates, server_names


def handshake(files, name: str) -> str:
    """TLS handshake against a server with the node's certificate, as a client that
    trusts only the bundle; returns the server certificate's subject common name."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(files.cert, files.key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        try:
            with server_ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except (ssl.SSLError, OSError):
            pass
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client_ctx = ssl.create_default_context(cafile=str(files.bundle))
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            with client_ctx.wrap_socket(raw, server_hostname=name) as tls:
                subject = dict(item[0] for item in tls.getpeercert()["subject"])
                return subject["commonName"]
    finally:
        thread.join(30)
        listener.close()


@pytest.mark.parametrize("name", ["abc123.execute-api.eu-west-1.amazonaws.com",
                                  "abc123.execute-api.localhost", "localhost"])
def test_certificate_is_trusted_for_api_names(tmp_path, name):
    files = ensure_certificates(tmp_path, server_names("eu-west-1"))
    assert handshake(files, name) == "Fogbank node"


def test_other_names_are_not_covered(tmp_path):
    files = ensure_certificates(tmp_path, server_names("eu-west-1"))
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(files, "abc123.execute-api.us-east-1.amazonaws.com")


def test_bundle_keeps_the_public_roots(tmp_path):
    files = ensure_certificates(tmp_path, server_names("us-east-1"))
    context = ssl.create_default_context(cafile=str(files.bundle))
    assert len(context.get_ca_certs()) > 50


def test_ca_survives_restarts_and_name_changes_renew_the_certificate(tmp_path):
    first = ensure_certificates(tmp_path, server_names("us-east-1"))
    ca, cert = first.ca_cert.read_bytes(), first.cert.read_bytes()
    again = ensure_certificates(tmp_path, server_names("us-east-1"))
    assert again.ca_cert.read_bytes() == ca and again.cert.read_bytes() == cert
    moved = ensure_certificates(tmp_path, server_names("ap-south-1"))
    assert moved.ca_cert.read_bytes() == ca and moved.cert.read_bytes() != cert
    assert handshake(moved, "x1.execute-api.ap-south-1.amazonaws.com") == "Fogbank node"


def test_certificate_near_expiry_is_renewed(tmp_path):
    names = server_names("us-east-1")
    first = ensure_certificates(tmp_path, names).cert.read_bytes()
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=340)
    assert ensure_certificates(tmp_path, names, now=later).cert.read_bytes() != first


def test_private_keys_are_private(tmp_path):
    files = ensure_certificates(tmp_path, server_names("us-east-1"))
    assert files.key.stat().st_mode & 0o077 == 0
    assert (tmp_path / "ca-key.pem").stat().st_mode & 0o077 == 0
