"""Runs the services and the gateway as separate processes and watches them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.kit.tls import TLSConfig


class StartError(Exception):
    """A process did not come up healthy; everything started so far has been stopped."""


@dataclass
class Process:
    name: str
    argv: list[str]
    popen: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


@dataclass
class Supervisor:
    """Starts processes in order, waits for each to be healthy, stops all together."""

    environ: Mapping[str, str]
    log_dir: Path
    processes: list[Process] = field(default_factory=list)
    # Mutual TLS for the health checks when the services require it.
    tls: TLSConfig | None = None

    def start(self, name: str, module: str) -> Process:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        process = Process(name, [sys.executable, "-m", module], log_path=log_path)
        log = open(log_path, "ab")
        process.popen = subprocess.Popen(
            process.argv, env=dict(self.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.processes.append(process)
        return process

    def wait_grpc_healthy(self, process: Process, address: str, timeout: float = 60.0) -> None:
        """Waits for the standard gRPC health check to answer SERVING; raises StartError otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive(process)
            with (grpc.insecure_channel(address) if self.tls is None
                  else grpc.secure_channel(address, self.tls.channel_credentials())) as channel:
                try:
                    response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if response.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
            time.sleep(0.2)
        raise StartError(f"{process.name} did not become healthy at {address} within {timeout:.0f}s "
                         f"(see {process.log_path})")

    def wait_http_ready(self, process: Process, url: str, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive(process)
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise StartError(f"{process.name} did not answer {url} within {timeout:.0f}s (see {process.log_path})")

    def _check_alive(self, process: Process) -> None:
        if not process.alive:
            code = process.popen.returncode if process.popen else None
            raise StartError(f"{process.name} exited with code {code} while starting (see {process.log_path})")

    def watch(self) -> Process | None:
        """Blocks until a process dies (returned) or Ctrl-C or SIGTERM arrives (None)."""
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            while True:
                for process in self.processes:
                    if not process.alive:
                        return process
                time.sleep(0.5)
        except KeyboardInterrupt:
            return None

    def stop_all(self, grace: float = 10.0) -> None:
        """SIGTERM to every process, newest first; SIGKILL to any still running after ``grace``.

        A second Ctrl-C while stopping is ignored, so no process is left behind half-stopped.
        """
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for process in reversed(self.processes):
            if process.alive and process.popen is not None:
                os.killpg(process.popen.pid, signal.SIGTERM)
        self._reap(grace)
        self.processes.clear()

    def _reap(self, grace: float) -> None:
        deadline = time.monotonic() + grace
        for process in reversed(self.processes):
            if process.popen is None:
                continue
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def tail(path: Path | None, lines: int = 20) -> Sequence[str]:
    if path is None or not path.exists():
        return []
    return path.read_text(errors="replace").splitlines()[-lines:]
