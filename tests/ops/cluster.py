"""A throwaway PostgreSQL cluster of a test's own, started as ``.ci/postgres.sh`` does.

The server refuses to run as root, so as root (the CI) it runs as the ``postgres`` user, else as
the current user. It listens on 127.0.0.1 at a free port, so tests may stop and start it without
touching the cluster other tests share.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.served import free_port


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding ``pg_ctl``, or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def can_run_postgres() -> bool:
    """Whether this machine can start a cluster (PostgreSQL installed; as root, a postgres user)."""
    if postgres_bin() is None:
        return False
    if os.geteuid() != 0:
        return True
    return subprocess.run(["id", "postgres"], capture_output=True, check=False).returncode == 0


@dataclass
class Cluster:
    """A running cluster: its database URL, and stop/start of the server."""

    bin: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://rota@127.0.0.1:{self.port}/rota"

    def _run(self, *command: str) -> None:
        line = " ".join(shlex.quote(part) for part in command)
        as_postgres = ["su", "postgres", "-s", "/bin/sh", "-c", line]
        done = subprocess.run(
            as_postgres if os.geteuid() == 0 else command,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{line} failed:\n{done.stdout}{done.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-o", options,
            "-l", str(self.data / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-m", "fast", "-w", "stop")


@contextmanager
def throwaway_postgres() -> Iterator[Cluster]:
    """A new cluster with an empty database ``rota`` (user ``rota``, trust auth); removed after."""
    bin_dir = postgres_bin()
    assert bin_dir is not None
    data = Path(tempfile.mkdtemp(prefix="rota-test-pg."))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = free_port()  # never the shared cluster's port (.ci/postgres.sh: 55432)
    cluster = Cluster(bin_dir, data, port)
    try:
        cluster._run(
            str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "rota", "--auth=trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        cluster.start()
        try:
            cluster._run(
                str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "rota", "rota"
            )
            yield cluster
        finally:
            with suppress(RuntimeError):  # already stopped
                cluster.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)
