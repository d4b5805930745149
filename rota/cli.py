"""The `rota` command line (placeholder until the commands land)."""

from __future__ import annotations


def main() -> None:
    raise SystemExit(0)
