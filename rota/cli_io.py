"""What the command line writes besides the store and the terminal: output files (``-o``).

Kept apart from :mod:`rota.cli` so that :mod:`rota.cli_report` can use it without an import cycle.
"""

from __future__ import annotations

from pathlib import Path

from rota.errors import UsageError

ID_MAX = 2**63 - 1
"""Largest version or override id the store can hold (a signed 64-bit integer)."""


def write_output(path: Path, data: str | bytes, option: str = "--output") -> None:
    """Write ``data`` (text as UTF-8) to ``path``.

    Raises:
        UsageError: the file cannot be written (a directory, a missing folder, no permission,
            a full disk); the message names ``option``, the reason and the path.
    """
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            f"{option}: cannot write the file: {reason}. Got value: {str(path)!r}"
        ) from exc
