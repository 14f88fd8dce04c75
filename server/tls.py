"""TLS for both ports (`service.enable_tls`, `tls.cert`, `tls.key`, `tls.ca_cert`,
`service.verify_https_client_certificate`), checked before the server starts.

A missing, unreadable or invalid file is a one-line `SystemExit` (non-zero exit) naming the setting
and the file: a server asked to use TLS never starts in plain text. With client verification on,
both REST and gRPC require a client certificate signed by `tls.ca_cert`.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc


@dataclass(frozen=True, slots=True)
class TlsFiles:
    cert: Path
    key: Path
    ca_cert: Path | None
    verify_clients: bool

    def uvicorn_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"ssl_certfile": str(self.cert), "ssl_keyfile": str(self.key)}
        if self.ca_cert is not None:
            options["ssl_ca_certs"] = str(self.ca_cert)
        if self.verify_clients:
            options["ssl_cert_reqs"] = ssl.CERT_REQUIRED
        return options

    def grpc_credentials(self) -> grpc.ServerCredentials:
        root = self.ca_cert.read_bytes() if self.verify_clients and self.ca_cert is not None else None
        return grpc.ssl_server_credentials([(self.key.read_bytes(), self.cert.read_bytes())],
                                           root_certificates=root, require_client_auth=self.verify_clients)


def load_tls(enable_tls: bool, cert: str | None, key: str | None, ca_cert: str | None,
             verify_clients: bool) -> TlsFiles | None:
    """The checked TLS files, or None when TLS is off; `SystemExit` with one line when unusable."""
    if not enable_tls:
        return None
    cert_path = _readable("tls.cert", cert)
    key_path = _readable("tls.key", key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert_path, key_path)
    except (ssl.SSLError, ValueError) as exc:
        raise SystemExit(f"TLS: tls.cert {cert_path} and tls.key {key_path} are not a usable certificate "
                         f"and key: {exc}") from None
    ca_path = None
    if verify_clients and not ca_cert:
        raise SystemExit("TLS: service.verify_https_client_certificate needs tls.ca_cert")
    if ca_cert and (verify_clients or Path(ca_cert).exists()):
        ca_path = _readable("tls.ca_cert", ca_cert)
        try:
            context.load_verify_locations(cafile=ca_path)
        except (ssl.SSLError, ValueError) as exc:
            raise SystemExit(f"TLS: tls.ca_cert {ca_path} is not a usable CA certificate: {exc}") from None
    return TlsFiles(cert_path, key_path, ca_path, verify_clients)


def _readable(setting: str, path: str | None) -> Path:
    if not path:
        raise SystemExit(f"TLS: service.enable_tls is set but {setting} is not")
    file = Path(path)
    try:
        with file.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise SystemExit(f"TLS: cannot read {setting} {file}: {exc.strerror}") from None
    return file
