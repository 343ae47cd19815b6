"""Local stand-ins for the providers, started by the tests: an SMS API over HTTP and a real SMTP server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.services import free_port


@dataclass
class SmsProvider:
    """Speaks the adapter's request shape. ``script`` answers the next requests in turn ("ok", "500", "timeout",
    "refuse"; then "ok"); a repeated out_id gets the first answer and is not a second message, as providers that
    take an idempotency key do. ``hold`` keeps the next request unanswered until ``release`` is set."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    script: list[str] = field(default_factory=list)
    timeout_seconds: float = 2.0
    hold: bool = False
    received: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append(body)
            out_id = body.get("out_id", "")
            if out_id in self.messages:
                return 200, {"code": "OK", "biz_id": self.messages[out_id]["biz_id"]}
            step = self.script.pop(0) if self.script else "ok"
            if step == "ok":
                self.messages[out_id] = {**body, "biz_id": f"biz-{len(self.messages) + 1}"}
        if step == "500":
            return 500, {"code": "ServiceUnavailable"}
        if step == "timeout":
            time.sleep(self.timeout_seconds)
            return 200, {"code": "OK", "biz_id": "late"}
        if step == "refuse":
            return 200, {"code": "isv.MOBILE_NUMBER_ILLEGAL"}
        return 200, {"code": "OK", "biz_id": self.messages[out_id]["biz_id"]}


@contextmanager
def sms_provider(port: int | None = None) -> Iterator[SmsProvider]:
    provider = SmsProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if provider.hold:
                provider.hold = False
                with provider.lock:
                    provider.messages.setdefault(body["out_id"], {**body, "biz_id": "biz-held"})
                provider.received.set()
                provider.release.wait(30)
            status, answer = provider.answer(body)
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the caller is gone (killed, or timed out)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port or 0), Handler)
    server.daemon_threads = True
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.release.set()
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    port: int = 0
    mails: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
