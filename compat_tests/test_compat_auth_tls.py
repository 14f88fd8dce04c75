"""TLS on both ports (`service.enable_tls`, `tls.*`, `service.verify_https_client_certificate`)
with certificates made in the test, through the stock client with `https=True`; and the start-up
refusals: missing or invalid files, a busy port (one line, non-zero exit, never "listening")."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from compat_server import REPO_ROOT, ServerProcess, free_port, start_server
from conftest import memory_mode
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from qdrant_client import QdrantClient, models

pytestmark = pytest.mark.skipif(memory_mode(), reason="TLS needs the real server")


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def make_pki(directory: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate, all PEM."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("quiver test CA")).issuer_name(_name("quiver test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    paths = {"ca": directory / "ca.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for role, san in (("server", True), ("client", False)):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(_name(f"quiver {role}")).issuer_name(ca.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1)))
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        paths[f"{role}_cert"] = directory / f"{role}.pem"
        paths[f"{role}_key"] = directory / f"{role}.key"
        paths[f"{role}_cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, paths[f"{role}_key"])
    return paths


def _tls_env(pki: dict[str, Path], verify_clients: bool = False) -> dict[str, str]:
    return {"QDRANT__SERVICE__ENABLE_TLS": "true", "QDRANT__TLS__CERT": str(pki["server_cert"]),
            "QDRANT__TLS__KEY": str(pki["server_key"]), "QDRANT__TLS__CA_CERT": str(pki["ca"]),
            "QDRANT__SERVICE__VERIFY_HTTPS_CLIENT_CERTIFICATE": "true" if verify_clients else "false"}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory, pki: dict[str, Path]) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path_factory.mktemp("tls-server"), env=_tls_env(pki), tls_ca=pki["ca"])
    try:
        yield proc
    finally:
        proc.stop()


def _client(server: ServerProcess, pki: dict[str, Path], grpc_transport: bool) -> QdrantClient:
    return QdrantClient(host="127.0.0.1", port=server.http_port, grpc_port=server.grpc_port, https=True,
                        prefer_grpc=grpc_transport, verify=str(pki["ca"]), timeout=30,
                        grpc_options={"root_certificates": pki["ca"].read_bytes()})


@pytest.mark.parametrize("transport", ["rest", "grpc"])
def test_round_trip_over_tls(tls_server: ServerProcess, pki: dict[str, Path], transport: str) -> None:
    client = _client(tls_server, pki, transport == "grpc")
    name = f"tls_{transport}"
    try:
        client.create_collection(name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
        client.upsert(name, points=[models.PointStruct(id=1, vector=[1.0, 0.0], payload={"k": "v"})])
        hits = client.query_points(name, query=[1.0, 0.0], limit=1, with_payload=True).points
        assert [(h.id, h.payload) for h in hits] == [(1, {"k": "v"})]
    finally:
        client.delete_collection(name)
        client.close()


def test_plain_text_is_not_served(tls_server: ServerProcess) -> None:
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{tls_server.http_port}/collections", timeout=5)
    with grpc.insecure_channel(f"127.0.0.1:{tls_server.grpc_port}") as channel:
        from qdrant_client.grpc import HealthCheckRequest, QdrantStub
        with pytest.raises(grpc.RpcError):
            QdrantStub(channel).HealthCheck(HealthCheckRequest(), timeout=5)


def test_client_certificates_required(tmp_path: Path, pki: dict[str, Path]) -> None:
    server = _start_expecting_ready_with_client_cert(tmp_path, pki)  # readiness needs a client cert
    try:
        with httpx.Client(verify=_client_context(pki), timeout=30) as http:
            assert http.get(f"{server.url}/collections").status_code == 200
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{server.url}/collections", verify=str(pki["ca"]), timeout=5)
        credentials = grpc.ssl_channel_credentials(pki["ca"].read_bytes(), pki["client_key"].read_bytes(),
                                                   pki["client_cert"].read_bytes())
        with grpc.secure_channel(f"127.0.0.1:{server.grpc_port}", credentials) as channel:
            from qdrant_client.grpc import HealthCheckRequest, QdrantStub
            assert QdrantStub(channel).HealthCheck(HealthCheckRequest(), timeout=30).version
        no_cert = grpc.ssl_channel_credentials(pki["ca"].read_bytes())
        with grpc.secure_channel(f"127.0.0.1:{server.grpc_port}", no_cert) as channel, \
                pytest.raises(grpc.RpcError):
            QdrantStub(channel).HealthCheck(HealthCheckRequest(), timeout=5)
    finally:
        server.stop()


def _client_context(pki: dict[str, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki["ca"]))
    context.load_cert_chain(str(pki["client_cert"]), str(pki["client_key"]))
    return context


def _start_expecting_ready_with_client_cert(workdir: Path, pki: dict[str, Path]) -> ServerProcess:
    import os
    import time
    http_port, grpc_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(_tls_env(pki, verify_clients=True))
    env.update({"QDRANT__SERVICE__HTTP_PORT": str(http_port), "QDRANT__SERVICE__GRPC_PORT": str(grpc_port),
                "QDRANT__STORAGE__STORAGE_PATH": str(workdir / "storage"),
                "QDRANT__STORAGE__SNAPSHOTS_PATH": str(workdir / "snapshots")})
    log_path = workdir / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "server"], cwd=REPO_ROOT, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = ServerProcess(process, http_port, grpc_port, log_path, pki["ca"])
    context = _client_context(pki)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.alive(), server.log_tail()
        try:
            if httpx.get(f"{server.url}/readyz", verify=context, timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.stop()
    raise AssertionError("server with client verification not ready:\n" + server.log_tail())


def _run_expecting_exit(tmp_path: Path, env: dict[str, str]) -> str:
    """Start the server and expect it to exit non-zero quickly; return its output."""
    import os
    full = dict(os.environ)
    full.update({"QDRANT__SERVICE__HTTP_PORT": str(free_port()), "QDRANT__SERVICE__GRPC_PORT": str(free_port()),
                 "QDRANT__STORAGE__STORAGE_PATH": str(tmp_path / "storage"),
                 "QDRANT__STORAGE__SNAPSHOTS_PATH": str(tmp_path / "snapshots")})
    full.update(env)
    done = subprocess.run([sys.executable, "-m", "server"], cwd=REPO_ROOT, env=full, capture_output=True,
                          timeout=60)
    output = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode != 0, output
    assert "listening" not in output, output
    return output


def test_missing_certificate_is_a_start_up_error(tmp_path: Path, pki: dict[str, Path]) -> None:
    env = _tls_env(pki)
    env["QDRANT__TLS__CERT"] = str(tmp_path / "absent.pem")
    output = _run_expecting_exit(tmp_path, env)
    assert f"cannot read tls.cert {tmp_path / 'absent.pem'}" in output


def test_invalid_key_is_a_start_up_error(tmp_path: Path, pki: dict[str, Path]) -> None:
    garbage = tmp_path / "garbage.key"
    garbage.write_text("not a key")
    env = _tls_env(pki)
    env["QDRANT__TLS__KEY"] = str(garbage)
    output = _run_expecting_exit(tmp_path, env)
    assert "not a usable certificate and key" in output


@pytest.mark.parametrize("which", ["HTTP_PORT", "GRPC_PORT"])
def test_busy_port_is_a_start_up_error(tmp_path: Path, which: str) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        output = _run_expecting_exit(tmp_path, {f"QDRANT__SERVICE__{which}": str(port)})
    assert f"cannot listen on 127.0.0.1:{port}" in output
    assert len([line for line in output.splitlines() if "cannot listen" in line]) == 1


def test_second_server_cannot_share_the_grpc_port(tmp_path: Path, server: ServerProcess | None) -> None:
    assert server is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        output = _run_expecting_exit(tmp_path, {"QDRANT__SERVICE__GRPC_PORT": str(server.grpc_port)})
    assert f"cannot listen on 127.0.0.1:{server.grpc_port} for gRPC" in output
