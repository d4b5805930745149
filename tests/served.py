"""``rota serve`` as users start it: the console script on a free loopback port.

The browser tests, the API fuzz test and the API and soak benchmarks all talk to a real server
process; this starts it, waits until ``/healthz`` answers and stops it again.
"""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_S = 15.0
"""How long ``rota serve`` may take to answer ``/healthz``."""

STOP_S = 20.0
"""How long it may take to shut down after Ctrl-C before it is killed."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rota_command() -> str:
    """The ``rota`` console script next to this interpreter (else the one on ``PATH``)."""
    script = Path(sys.executable).with_name("rota")
    return str(script) if script.exists() else "rota"


@contextmanager
def rota_serve(
    db_url: str, log: Path | None = None, tls: tuple[Path, Path] | None = None
) -> Iterator[str]:
    """Run ``rota serve --db db_url``; yield its base URL, then stop it as Ctrl-C would.

    Its output goes to ``log`` (discarded when None), so callers can read the access log after
    the block. With ``tls`` (certificate, key) it serves HTTPS and the base URL is ``https://``.
    Raises RuntimeError, with the log's tail, when it does not come up.
    """
    port = free_port()
    command = [rota_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if tls is not None:
        command += ["--ssl-certfile", str(tls[0]), "--ssl-keyfile", str(tls[1])]
    sink = log.open("w") if log is not None else subprocess.DEVNULL
    try:
        server = subprocess.Popen([*command, "--db", db_url], stdout=sink, stderr=subprocess.STDOUT)
        try:
            base = f"{'http' if tls is None else 'https'}://127.0.0.1:{port}"
            trust = None if tls is None else ssl.create_default_context(cafile=tls[0])
            _wait_until_healthy(server, base, log, trust)
            yield base
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=STOP_S)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    finally:
        if log is not None and not isinstance(sink, int):
            sink.close()


def _wait_until_healthy(
    server: subprocess.Popen[bytes],
    base: str,
    log: Path | None,
    trust: ssl.SSLContext | None = None,
) -> None:
    deadline = time.monotonic() + STARTUP_S
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1, context=trust):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text()[-3000:] if log is not None else ""
                raise RuntimeError(f"rota serve did not answer {base}/healthz:\n{tail}") from None
            time.sleep(0.05)
