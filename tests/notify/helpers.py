"""What the notice tests share: the ``ops`` team with a ``notify:`` section, a clock the test
moves, and a local webhook receiver (``http.server`` in a thread) that can fail on purpose."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rota.notify.payloads import NOTICE_ID_HEADER, SIGNATURE_HEADER, verify
from rota.store import Store
from tests.ops_team import TEAM_FILE, ops_schedule

SECRET = "test-notify-secret-0123456789abcdef"

NOTIFY = """
notify:
  webhooks:
    - {url_env: OPS_JSON_URL, format: json}
    - {url_env: OPS_SLACK_URL, format: slack, before_minutes: 30}
"""

TEAM_TEXT = TEAM_FILE.read_text() + NOTIFY
"""The hand-made ``ops`` team (tests/ops_team.py) with two webhooks: JSON 60 minutes before a
block starts, Slack 30 minutes before."""

EXPECTED_NOTICES = 14
"""8 "starts soon" blocks and 6 handoffs (5 of primary, 1 of secondary) in the ops week."""


def save_ops(store: Store) -> None:
    store.save_schedule(ops_schedule(), config_text=TEAM_TEXT, config_name="ops.yaml", meta={})


@dataclass
class Clock:
    """A clock the test moves by hand."""

    at: datetime = datetime(2027, 1, 3, 22, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, step: timedelta) -> None:
        self.at += step


@dataclass(frozen=True)
class Received:
    path: str
    notice_id: str | None
    signature: str | None
    body: bytes
    answered: int

    @property
    def signed(self) -> bool:
        return verify(self.body, self.signature, SECRET)

    def document(self) -> dict[str, object]:
        loaded = json.loads(self.body)
        assert isinstance(loaded, dict)
        return loaded


@dataclass
class Receiver:
    """Records every request; answers 500 to the first ``fail_first`` ones, then 200."""

    fail_first: int = 0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def environ(self) -> dict[str, str]:
        return {"OPS_JSON_URL": self.url("/json"), "OPS_SLACK_URL": self.url("/slack")}

    def delivered(self) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.answered == 200]

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            code = 500 if len(self.requests) < self.fail_first else 200
            self.requests.append(
                Received(
                    path, headers.get(NOTICE_ID_HEADER), headers.get(SIGNATURE_HEADER), body, code
                )
            )
            return code


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    """Serve ``receiver`` on a free local port for the duration."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            code = receiver.answer(self.path, dict(self.headers.items()), body)
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
