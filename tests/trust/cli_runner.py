"""Run the ``rota`` command line in-process (patched argv) or as a subprocess, bounded in time."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from rota.cli import main

ROTA = Path(sys.executable).with_name("rota")


@dataclass(frozen=True, slots=True)
class Result:
    code: int
    out: str
    err: str


class Hang(Exception):
    """The command did not finish within its time budget."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread when the block runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(args: Sequence[str], *, timeout: float = 20.0) -> Result:
    """``rota ARGS`` through ``rota.cli.main`` with captured output.

    An exception escaping ``main`` (what a user would see as a traceback) propagates, so the
    calling test fails with it; :class:`Hang` means the command took longer than ``timeout``.
    """
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with (
        mock.patch.object(sys, "argv", ["rota", *args]),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        deadline(timeout),
    ):
        try:
            main()
        except SystemExit as exc:
            code = exc.code
    if code is None:
        code = 0
    assert isinstance(code, int), f"exit with a message instead of a code: {code!r}"
    return Result(code, out.getvalue(), err.getvalue())


def run_rota(
    args: Sequence[str], *, timeout: float = 60.0, env: dict[str, str] | None = None
) -> Result:
    """``rota ARGS`` as a separate process (the console script of this virtualenv)."""
    done = subprocess.run(
        [str(ROTA), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def assert_clean_failure(result: Result, code: int = 2) -> None:
    """Exit ``code``, something said on stderr, and no traceback."""
    assert result.code == code, (result.code, result.out[-2000:], result.err[-2000:])
    assert result.err.strip(), "failed without saying why"
    assert "Traceback" not in result.err + result.out, result.err[-3000:]
