"""The real platform for the browser tests: `gridgov up --demo-data` on free ports in a directory of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "cases", "fire", "inspection")
READY = "Ctrl-C stops everything"
START_SECONDS = 180


@dataclass(frozen=True)
class Platform:
    url: str
    environ: dict[str, str]
    output: list[str]


def platform_environment(directory: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")}
    environ.update({"GRIDGOV_DATA_DIR": str(directory), "GRIDGOV_SERVICES": ",".join(SERVICES),
                    "GRIDGOV_GATEWAY_LISTEN": f"127.0.0.1:{free_port()}", "PYTHONUNBUFFERED": "1"})
    for name in SERVICES:
        address = f"127.0.0.1:{free_port()}"
        environ[f"GRIDGOV_{name.upper()}_LISTEN"] = address
        environ[f"GRIDGOV_{name.upper()}_ADDRESS"] = address
    environ.update(extra or {})
    return environ


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=,ppid=", "-A"], capture_output=True, text=True).stdout
    return [int(p) for p, pp in (line.split() for line in out.splitlines()) if int(pp) == pid]


@contextmanager
def running_platform(directory: Path, extra: dict[str, str] | None = None) -> Iterator[Platform]:
    """Starts the platform with the demo district loaded (``extra``: settings of its own); stops it (Ctrl-C,
    then kill) when the block ends."""
    environ = platform_environment(directory, extra)
    process = subprocess.Popen([sys.executable, "-m", "launcher.cli", "up", "--demo-data"], env=environ, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        deadline = time.monotonic() + START_SECONDS
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise AssertionError("gridgov up stopped:\n" + "".join(output))
            output.append(line)
            if READY in line:
                break
        else:
            raise AssertionError(f"gridgov up not ready in {START_SECONDS} s:\n" + "".join(output))
        yield Platform(f"http://{environ['GRIDGOV_GATEWAY_LISTEN']}", environ, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                for pid in _children(process.pid):
                    os.kill(pid, signal.SIGKILL)
                process.kill()
                process.communicate()
