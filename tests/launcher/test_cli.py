"""The gridgov command: up starts and watches real processes, token, migrate."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.services import free_port
from tests.support.tls import CertificateAuthority

ROOT = Path(__file__).resolve().parents[2]
GRIDGOV = [sys.executable, "-m", "launcher.cli"]


def environment(tmp_path: Path, services: list[str]) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")}
    environ["GRIDGOV_DATA_DIR"] = str(tmp_path)
    environ["GRIDGOV_SERVICES"] = ",".join(services)
    environ["GRIDGOV_GATEWAY_LISTEN"] = f"127.0.0.1:{free_port()}"
    for name in services:
        address = f"127.0.0.1:{free_port()}"
        environ[f"GRIDGOV_{name.upper()}_LISTEN"] = address
        environ[f"GRIDGOV_{name.upper()}_ADDRESS"] = address
    return environ


def read_until(process: subprocess.Popen[str], marker: str, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    seen = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} not printed; output was:\n{''.join(seen)}")


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=,ppid=", "-A"], capture_output=True, text=True).stdout
    return [int(p) for p, pp in (line.split() for line in out.splitlines()) if int(pp) == pid]


def stop(process: subprocess.Popen[str]) -> None:
    """Cleans up after a failed test: the services run in sessions of their own."""
    if process.poll() is None:
        for pid in children_of(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait()


def test_up_serves_reports_a_dead_process_and_stops_the_rest(tmp_path: Path) -> None:
    environ = environment(tmp_path, ["registry"])
    process = subprocess.Popen([*GRIDGOV, "up"], env=environ, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        output = read_until(process, "Ctrl-C stops everything")
        gateway = environ["GRIDGOV_GATEWAY_LISTEN"]
        assert f"GraphQL: http://{gateway}/graphql" in output
        token = output.split("community_staff@110108001001")[1].split()[0]
        answer = httpx.post(f"http://{gateway}/graphql", json={"query": "{ viewer { id } }"},
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert answer.status_code == 200 and answer.json()["data"]["viewer"]["id"] == "demo-community-staff"
        services = children_of(process.pid)
        assert len(services) == 2  # registry and gateway
        os.kill(services[0], signal.SIGKILL)  # the registry dies
        rest = process.communicate(timeout=60)[0]
        assert process.returncode == 1
        assert "registry exited with code -9; stopping the others" in rest
        assert children_of(process.pid) == []
    finally:
        stop(process)


def test_ctrl_c_stops_everything(tmp_path: Path) -> None:
    environ = environment(tmp_path, ["registry"])
    process = subprocess.Popen([*GRIDGOV, "up"], env=environ, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        read_until(process, "Ctrl-C stops everything")
        started = children_of(process.pid)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
        assert process.returncode == 0
        for pid in started:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        stop(process)


def test_a_service_that_cannot_start_is_reported(tmp_path: Path) -> None:
    environ = environment(tmp_path, ["registry"])
    environ["GRIDGOV_REGISTRY_DATABASE_URL"] = "sqlite+aiosqlite:////proc/no-such-dir/registry.db"
    result = subprocess.run([*GRIDGOV, "up"], env=environ, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "registry exited with code" in result.stderr
    assert "No such file or directory: '/proc/no-such-dir'" in result.stderr  # the tail of its log


def test_a_bad_setting_is_named_before_anything_starts(tmp_path: Path) -> None:
    environ = environment(tmp_path, ["registry"])
    environ["GRIDGOV_REGISTRY_DATABASE_URL"] = "mysql://nowhere/db"
    result = subprocess.run([*GRIDGOV, "up"], env=environ, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "GRIDGOV_REGISTRY_DATABASE_URL must start with" in result.stderr
    assert not (tmp_path / "logs").exists()


def test_token_is_accepted_by_the_local_key(tmp_path: Path) -> None:
    environ = environment(tmp_path, ["registry"])
    result = subprocess.run([*GRIDGOV, "token", "--role", "street_staff", "--scope", "110108001"],
                            env=environ, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    claims = jwt.decode(result.stdout.strip(), options={"verify_signature": False})
    assert claims["roles"] == [{"role": "street_staff", "scope": "110108001"}]


def test_migrate_creates_every_database(tmp_path: Path) -> None:
    environ = environment(tmp_path, ["registry", "fire"])
    result = subprocess.run([*GRIDGOV, "migrate"], env=environ, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["registry:", "migrated", "fire:", "migrated", "gateway:", "migrated"]
    assert {p.name for p in tmp_path.glob("*.db")} == {"registry.db", "fire.db", "gateway.db"}


def test_unknown_service_is_refused(tmp_path: Path) -> None:
    environ = environment(tmp_path, ["registry"])
    result = subprocess.run([*GRIDGOV, "migrate", "--services", "forestry"], env=environ, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "service 'forestry' is enabled but no plugin of that name is installed" in result.stderr


@pytest.mark.parametrize("scope", ["", "1", "11A108", "110108000"])
async def test_token_refuses_a_scope_the_gateway_refuses_with_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], scope: str
) -> None:
    from gateway.auth import Authenticator, AuthError, load_or_create_private_key, mint_token
    from launcher.cli import main

    monkeypatch.setenv("GRIDGOV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GRIDGOV_JWT_PRIVATE_KEY_FILE", raising=False)
    monkeypatch.delenv("GRIDGOV_MODE", raising=False)
    assert main(["token", "--role", "street_staff", "--scope", scope]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    key = load_or_create_private_key(tmp_path / "gateway-jwt-key.pem")
    gateway = Authenticator(issuer="gridgov", audience="gridgov", public_key=key.public_key())
    with pytest.raises(AuthError) as refused:
        await gateway.authenticate("Bearer " + mint_token(key, "demo-street_staff", [("street_staff", scope)]))
    assert printed.err.strip() == f"gridgov token: {refused.value.reason}"


@contextlib.contextmanager
def identity_provider(jwks: dict[str, object]) -> Iterator[str]:
    """A JWKS URL served from a thread, as an identity provider would."""
    body = json.dumps(jwks).encode()

    class Keys(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks"
    finally:
        server.shutdown()
        server.server_close()


def production_environment(tmp_path: Path, services: list[str], jwks_url: str) -> dict[str, str]:
    environ = environment(tmp_path, services)
    tls = CertificateAuthority(tmp_path / "tls").issue("gridgov")
    environ.update({
        "GRIDGOV_MODE": "production",
        "GRIDGOV_ACTOR_KEY": "a-production-actor-key-of-forty-characters",
        "GRIDGOV_TLS_CERT": str(tls.cert), "GRIDGOV_TLS_KEY": str(tls.key), "GRIDGOV_TLS_CA": str(tls.ca),
        "GRIDGOV_JWKS_URL": jwks_url, "GRIDGOV_JWT_ISSUER": "https://idp.test",
        "GRIDGOV_POLICY_ENGINE": "embedded",
        "GRIDGOV_GATEWAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
    })
    for name in services:
        environ[f"GRIDGOV_{name.upper()}_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / name}.db"
    return environ


def test_up_in_production_mode_starts_a_production_stack_without_tokens(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    with identity_provider({"keys": [{**jwk, "kid": "idp-1", "use": "sig", "alg": "RS256"}]}) as jwks_url:
        environ = production_environment(tmp_path, ["registry"], jwks_url)
        migrated = subprocess.run([*GRIDGOV, "migrate"], env=environ, cwd=ROOT, capture_output=True, text=True,
                                  timeout=120)
        assert migrated.returncode == 0, migrated.stderr
        process = subprocess.Popen([*GRIDGOV, "up"], env=environ, cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        try:
            output = read_until(process, "Ctrl-C stops everything")
            assert "Production mode: tokens come from the identity provider" in output
            assert "Demo tokens" not in output and "eyJ" not in output
            gateway = environ["GRIDGOV_GATEWAY_LISTEN"]
            assert httpx.get(f"http://{gateway}/healthz", timeout=10).json() == {"status": "ok"}
            assert httpx.get(f"http://{gateway}/graphql", timeout=10).status_code == 405  # no GraphiQL
            now = int(time.time())
            signed = jwt.encode({"sub": "erin", "roles": [{"role": "street_staff", "scope": "110108002"}],
                                 "iss": "https://idp.test", "aud": "gridgov", "iat": now, "exp": now + 300},
                                key, algorithm="RS256", headers={"kid": "idp-1"})
            answer = httpx.post(f"http://{gateway}/graphql", json={"query": "{ viewer { id } }"},
                                headers={"Authorization": f"Bearer {signed}"}, timeout=10)
            assert answer.status_code == 200 and answer.json()["data"] == {"viewer": {"id": "erin"}}
            started = children_of(process.pid)
            assert len(started) == 2  # registry and gateway
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=60)
            assert process.returncode == 0
            for pid in started:
                with pytest.raises(ProcessLookupError):
                    os.kill(pid, 0)
        finally:
            stop(process)


@pytest.mark.parametrize(("change", "message"), [
    ({"GRIDGOV_JWKS_URL": ""}, "GRIDGOV_JWKS_URL must be set"),
    ({"GRIDGOV_TLS_CERT": "", "GRIDGOV_TLS_KEY": "", "GRIDGOV_TLS_CA": ""}, "are required in production"),
    ({"GRIDGOV_REGISTRY_DATABASE_URL": ""}, "GRIDGOV_REGISTRY_DATABASE_URL must be set"),
    ({"GRIDGOV_ACTOR_KEY": "short"}, "GRIDGOV_ACTOR_KEY must be at least 32 characters"),
])
def test_up_in_production_mode_names_a_missing_setting_before_starting_anything(
        tmp_path: Path, change: dict[str, str], message: str) -> None:
    environ = {**production_environment(tmp_path, ["registry"], "http://127.0.0.1:9/jwks"), **change}
    result = subprocess.run([*GRIDGOV, "up"], env=environ, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "gRPC on" not in result.stdout and not (tmp_path / "logs").exists()


def test_up_in_production_mode_refuses_demo_data(tmp_path: Path) -> None:
    environ = production_environment(tmp_path, ["registry"], "http://127.0.0.1:9/jwks")
    result = subprocess.run([*GRIDGOV, "up", "--demo-data"], env=environ, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "--demo-data is for the embedded default" in result.stderr
