"""A real, throwaway PostgreSQL server for the tests that must hold on both backends.

A chain of kiosks shares one PostgreSQL store, so the store, service and privacy tests run on it
as well as on SQLite. The server is Debian's (``make test`` installs the ``postgresql`` package);
it runs from a temporary directory on a free port, without fsync (a test server need not survive
a power cut), and is stopped at the end of the session. PostgreSQL refuses to run as root: as
root the directory is handed to the ``postgres`` user and the server runs as that user.

Each test gets its own database, cloned from one seeded template (``CREATE DATABASE … TEMPLATE``),
so tests never share state and the demo store is seeded once.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("DESKTOP_APP_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "app"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class PgServer:
    root: Path
    port: int
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, template: str | None = None) -> str:
        name = f"t{next(self._names)}"
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server() -> PgServer:
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL server binaries not found in {PG_BIN}: run `make test`, which installs the "
                    "postgresql package, or set DESKTOP_APP_PG_BIN.", pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="desktop-app-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    subprocess.run(_as_server_user([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", USER, "-N",
                                    "-E", "UTF8", "--locale=C.UTF-8"]), **run)  # type: ignore[call-overload]
    port = _free_port()
    options = (f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200")
    subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                    str(root / "server.log"), "-w", "start"]), **run)  # type: ignore[call-overload]
    return PgServer(root, port)


def stop_server(server: PgServer) -> None:
    subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(server.root / "data"), "-m", "immediate",
                                    "-w", "stop"]), check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)
