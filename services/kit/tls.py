"""Mutual TLS between gridgov processes: each presents its certificate, and trusts only the deployment's CA."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from services.kit.config import ConfigError, Env, Mode

CERT, KEY, CA = "GRIDGOV_TLS_CERT", "GRIDGOV_TLS_KEY", "GRIDGOV_TLS_CA"
# Where a service mesh (sidecars) already provides mutual TLS between the pods, production may run without ours.
MESH = "GRIDGOV_TLS_BY_MESH"


@dataclass(frozen=True)
class TLSConfig:
    """This process's certificate chain and private key, and the CA certificate every peer must be signed by
    (PEM files). A service requires its clients' certificates; a client checks the service's."""

    cert: Path
    key: Path
    ca: Path

    def _read(self) -> tuple[bytes, bytes, bytes]:
        contents = []
        for variable, path in ((CERT, self.cert), (KEY, self.key), (CA, self.ca)):
            try:
                contents.append(path.read_bytes())
            except OSError as error:
                raise ConfigError(f"{variable}: cannot read {path}: {error.strerror}") from None
        return contents[0], contents[1], contents[2]

    def server_credentials(self) -> grpc.ServerCredentials:
        cert, key, ca = self._read()
        return grpc.ssl_server_credentials([(key, cert)], root_certificates=ca, require_client_auth=True)

    def channel_credentials(self) -> grpc.ChannelCredentials:
        cert, key, ca = self._read()
        return grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=cert)


def tls_config(env: Env, mode: Mode) -> TLSConfig | None:
    """GRIDGOV_TLS_CERT, GRIDGOV_TLS_KEY and GRIDGOV_TLS_CA (file paths), all three or none.

    Production requires them, unless GRIDGOV_TLS_BY_MESH says a service mesh encrypts and authenticates the
    traffic between the processes instead; in dev they are optional (plain localhost traffic).
    """
    values = {name: env.text(name, "") for name in (CERT, KEY, CA)}
    missing = [name for name, value in values.items() if not value]
    if len(missing) == 3:
        if mode is Mode.PRODUCTION and not env.flag(MESH, False):
            raise ConfigError(f"{CERT}, {KEY} and {CA} are required in production (mutual TLS between the "
                              f"gridgov processes), or set {MESH}=1 where a service mesh provides it")
        return None
    if missing:
        raise ConfigError(f"{', '.join(missing)} must be set too: mutual TLS needs {CERT}, {KEY} and {CA}")
    return TLSConfig(Path(values[CERT]), Path(values[KEY]), Path(values[CA]))
