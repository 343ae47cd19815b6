"""Benchmark: a small query's latency on an idle gateway and while another client sends abusive documents.

The gateway runs as its own process (dev mode, SQLite decision log, no service called). One client sends
``{ viewer { id } }`` one request at a time (policy and decision log on) and records each latency: first
on the idle gateway, then while a second client (its own process) sends an abusive document in a loop:

- ``repeated``: the 140 KB document repeating ``viewer { id }`` 10,000 times, its operation named anew
  each time so that no cache answers it (refused by its size);
- ``within-limits``: the costliest kind of document found that the default limits let through (8
  fragments of the same selection, compared pairwise), made unique each time so that none is answered
  from the cache and every one is parsed and validated (in the gateway's worker thread);
- ``repeated, limits off`` (``--unbounded``, a second gateway): the same 140 KB document with the document
  limits raised out of its way, as before they existed (the worker thread still validates it).

Prints idle and under-attack p50/p99 and the ratio of the p99s (target: within 2x). A benchmark prints
numbers; it asserts nothing.

    python -m bench.gateway_abuse [--seconds 10] [--unbounded] [--data-dir var/bench/gateway_abuse]
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import httpx

from bench.households import cpu_seconds, free_port, percentile, start, stop, wait_http

SMALL = json.dumps({"query": "{ viewer { id } }"})
REPEATED = "viewer { id } " * 10_000


def repeated(serial: int) -> str:
    """The 140 KB document, different each time (as an attacker would make it) so no cache answers it."""
    return f"query R{serial} {{ {REPEATED}}}"
FRAGMENTS = 8  # the default GRIDGOV_MAX_FIELD_REPEATS


def within_limits(serial: int) -> str:
    """Fragments selecting the same field as often as allowed (their pairs compared); one unknown field,
    so the document is validated in full and never executed."""
    spreads = " ".join(f"...F{i}" for i in range(FRAGMENTS))
    fragments = "\n".join(f"fragment F{i} on Query {{ accessDecisions(first: 5) {{ nodes {{ action allow reasons "
                          "subject } } }" for i in range(FRAGMENTS))
    return f"query Q{serial} {{ {spreads} unknownField }}\n{fragments}"


def attack(url: str, bearer: str, kind: str, stop_at: float, counter: multiprocessing.Value) -> None:  # type: ignore[valid-type]
    """Sends the abusive document in a loop until ``stop_at`` (time.time()); counts the answers."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    with httpx.Client(timeout=60) as client:
        for serial in itertools.count():
            if time.time() >= stop_at:
                return
            query = within_limits(serial) if kind == "within-limits" else repeated(serial)
            client.post(url, content=json.dumps({"query": query}), headers=headers)
            with counter.get_lock():
                counter.value += 1


def measure(url: str, bearer: str, seconds: float) -> list[float]:
    """Latencies (ms) of the small query sent one at a time for ``seconds``."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    latencies = []
    with httpx.Client(timeout=60) as client:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            began = time.perf_counter()
            answer = client.post(url, content=SMALL, headers=headers)
            latencies.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, answer.text
    return latencies


def scenario(url: str, bearer: str, kind: str, seconds: float) -> tuple[list[float], int, int]:
    """The small query's latencies while ``kind`` is sent, the attacker's answers and its statuses' sample."""
    counter = multiprocessing.Value("i", 0)
    stop_at = time.time() + seconds + 1.0
    attacker = multiprocessing.Process(target=attack, args=(url, bearer, kind, stop_at, counter))
    attacker.start()
    time.sleep(1.0)  # the attack under way
    latencies = measure(url, bearer, seconds)
    attacker.join(timeout=120)
    if attacker.is_alive():
        attacker.terminate()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    query = within_limits(-1) if kind == "within-limits" else repeated(-1)
    status = httpx.post(url, content=json.dumps({"query": query}), headers=headers, timeout=60).status_code
    return latencies, counter.value, status


def gateway(data_dir: Path, name: str, extra: dict[str, str]):  # type: ignore[no-untyped-def]
    listen = f"127.0.0.1:{free_port()}"
    environ = {
        **os.environ, "GRIDGOV_DATA_DIR": str(data_dir), "GRIDGOV_GATEWAY_LISTEN": listen,
        # The registry plugin is loaded, but nothing here calls it: the viewer is the gateway's own field.
        "GRIDGOV_SERVICES": "registry", "GRIDGOV_REGISTRY_ADDRESS": f"127.0.0.1:{free_port()}",
        "GRIDGOV_GATEWAY_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / (name + '.db')}", **extra,
    }
    process = start("gateway", environ, data_dir / f"{name}.log")
    wait_http(f"http://{listen}/healthz", process)
    return process, f"http://{listen}/graphql"


def figures(label: str, latencies: list[float], idle_p99: float, extra: str = "") -> str:
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    ratio = f"{p99 / idle_p99:>7.2f}x" if idle_p99 else ""
    return f"{label:<28}{p50:>9.2f}{p99:>9.2f}{ratio:>9}{len(latencies):>10}  {extra}"


def run(args: argparse.Namespace) -> None:
    data_dir = Path(args.data_dir).resolve()
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    os.environ["GRIDGOV_DATA_DIR"] = str(data_dir)
    from gateway.auth import mint_demo_token

    bearer = mint_demo_token("bench-auditor", [("auditor", "110108")])
    rows = []
    process, url = gateway(data_dir, "gateway", {})
    try:
        measure(url, bearer, 1.0)  # warm up
        idle = measure(url, bearer, args.seconds)
        idle_p99 = percentile(idle, 0.99)
        rows.append(figures("idle", idle, 0))
        for kind in ("repeated", "within-limits"):
            before = cpu_seconds(process)
            latencies, sent, status = scenario(url, bearer, kind, args.seconds)
            cpu = cpu_seconds(process) - before
            rows.append(figures(f"under attack: {kind}", latencies, idle_p99,
                                f"{sent} abusive requests (HTTP {status}), gateway CPU {cpu:.1f} s"))
    finally:
        stop(process)
    if args.unbounded:
        off = {"GRIDGOV_MAX_BODY_BYTES": str(4 << 20), "GRIDGOV_MAX_DOCUMENT_BYTES": str(4 << 20),
               "GRIDGOV_MAX_DOCUMENT_TOKENS": "1000000", "GRIDGOV_MAX_SELECTIONS": "1000000",
               "GRIDGOV_MAX_FIELD_REPEATS": "1000000", "GRIDGOV_MAX_FRAGMENTS": "1000000"}
        process, url = gateway(data_dir, "unbounded", off)
        try:
            measure(url, bearer, 1.0)
            latencies, sent, status = scenario(url, bearer, "repeated", args.seconds)
            rows.append(figures("under attack: limits off", latencies, idle_p99,
                                f"{sent} abusive requests (HTTP {status})"))
        finally:
            stop(process)
    print()
    print(f"small query {{ viewer {{ id }} }}, one client, {args.seconds} s per row, {os.cpu_count()} cores")
    print(f"{'':<28}{'p50 ms':>9}{'p99 ms':>9}{'p99/idle':>9}{'requests':>10}")
    for row in rows:
        print(row)
    print("target: p99 under attack within 2x of idle")
    load = os.getloadavg()
    print(f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--unbounded", action="store_true",
                        help="also run a gateway with the document limits raised out of the way")
    parser.add_argument("--data-dir", default="var/bench/gateway_abuse")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
