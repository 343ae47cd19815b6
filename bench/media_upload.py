"""Benchmark of evidence uploads through the gateway (prints numbers; not a test).

    .venv/bin/python -m bench.media_upload [--uploads 20] [--megabytes 5]

Starts the gateway alone (no service answers behind it; embedded policy, decision log on, media on the
filesystem) as its own process, then sends photos of about 5 MB over localhost, one after another: a
12-megapixel JPEG of noise, a different photo each time so none is answered from an earlier one. It times each
POST /media (streamed to disk, kind and size checked, EXIF read, shown copy and thumbnail made, stored,
recorded), then the same for a 5 MB voice note (nothing decoded: the streaming path alone). The gateway's
resident memory (VmRSS) before and after shows whether a file is held whole.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image

from bench.cases import free_port
from gateway.auth import load_or_create_private_key, mint_token
from gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parent.parent
GRID = "110108001001001"


def photo(megabytes: float, seed: int) -> bytes:
    """A JPEG of about ``megabytes`` (noise compresses badly, like a detailed photo)."""
    rng = random.Random(seed)
    side = 4000
    noise = Image.frombytes("RGB", (side, 3000), rng.randbytes(side * 3000 * 3))
    for quality in (90, 80, 70, 60, 50):
        out = io.BytesIO()
        noise.save(out, format="JPEG", quality=quality)
        if out.tell() <= megabytes * 1024 * 1024 * 1.2:
            break
    return out.getvalue()


def voice_note(megabytes: float, seed: int) -> bytes:
    header = b"\xff\xf1\x50\x80\x02\x1f\xfc"
    return header + random.Random(seed).randbytes(int(megabytes * 1024 * 1024) - len(header))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the gateway did not come up")


def timed(client: httpx.Client, url: str, bodies: list[bytes], token: str) -> list[float]:
    times = []
    for body in bodies:
        started = time.perf_counter()
        answer = client.post(f"{url}/media", params={"jurisdiction": GRID}, content=body,
                             headers={"Authorization": f"Bearer {token}"})
        times.append(time.perf_counter() - started)
        if answer.status_code != 201:
            raise RuntimeError(f"upload refused: {answer.status_code} {answer.text}")
    return times


def report(name: str, size: int, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name} ({size / 1024 / 1024:.1f} MiB): min {ms[0]:.0f} ms, median {statistics.median(ms):.0f} ms, "
          f"max {ms[-1]:.0f} ms over {len(ms)} uploads")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--megabytes", type=float, default=5.0)
    options = parser.parse_args()
    photos = [photo(options.megabytes, n) for n in range(options.uploads)]
    notes = [voice_note(options.megabytes, n) for n in range(options.uploads)]
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-media-") as directory:
        port = free_port()
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")},
               "GRIDGOV_DATA_DIR": directory, "GRIDGOV_SERVICES": "", "GRIDGOV_GATEWAY_LISTEN": f"127.0.0.1:{port}"}
        log = Path(directory) / "gateway.log"
        gateway = subprocess.Popen([sys.executable, "-m", "gateway"], cwd=ROOT, env=env, stdout=log.open("wb"),
                                   stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(url)
            settings = GatewaySettings.from_env(env)
            token = mint_token(load_or_create_private_key(settings.jwt_key_file), "bench-worker",
                               [("grid_worker", GRID)], "", 3600, issuer=settings.jwt_issuer,
                               audience=settings.jwt_audience)
            with httpx.Client(timeout=60) as client:
                timed(client, url, [photo(0.2, 999)], token)  # warm: imports, first database write
                before = rss_kib(gateway.pid)
                photo_times = timed(client, url, photos, token)
                after_photos = rss_kib(gateway.pid)
                note_times = timed(client, url, notes, token)
                after_notes = rss_kib(gateway.pid)
            report("photo upload (checked, EXIF read, shown copy and thumbnail made, stored)",
                   int(statistics.mean(len(p) for p in photos)), photo_times)
            report("voice note upload (streamed and stored, nothing decoded)", len(notes[0]), note_times)
            print(f"gateway memory (VmRSS): {before / 1024:.0f} MiB before, {after_photos / 1024:.0f} MiB after the "
                  f"photos, {after_notes / 1024:.0f} MiB after the voice notes")
        finally:
            gateway.terminate()
            gateway.wait(timeout=30)


if __name__ == "__main__":
    main()
