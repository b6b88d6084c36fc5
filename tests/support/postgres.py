"""A throwaway PostgreSQL server for the test session, and fresh databases on it.

``CHARGEDESK_TEST_PG_URL`` (``postgresql+psycopg://user@host:port/db``, a role allowed to CREATE
DATABASE) uses an existing server instead. Otherwise ``initdb``/``pg_ctl`` are looked up on PATH, then in
``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu), and a cluster is created in a temporary directory,
listening on 127.0.0.1 on a free port and a socket inside that directory only. PostgreSQL refuses to
run as root, so under euid 0 the cluster belongs to the ``postgres`` system user and the tools run
through ``runuser``/``su``. Durability is switched off: the data is thrown away anyway.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

ENV_TEST_PG_URL = "CHARGEDESK_TEST_PG_URL"
SUPERUSER = "chargedesk"


class PostgresUnavailable(RuntimeError):
    """Why no PostgreSQL server could be had (becomes the skip reason of the pg tests)."""


@dataclass
class PostgresServer:
    """A server we may create databases on; ``stop()`` is a no-op for one we didn't start."""

    url: URL  # of a maintenance database on the server
    _admin: Engine = field(init=False, repr=False)
    _workdir: Path | None = None  # set when we started the server: removed by stop()
    _bindir: Path | None = None
    _as_postgres: bool = False

    def __post_init__(self) -> None:
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def check(self) -> None:
        try:
            with self._admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            first_line = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            where = self.url.render_as_string(hide_password=True)
            raise PostgresUnavailable(f"cannot connect to {where}: {first_line}") from exc

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        """Create an empty database, yield its URL, drop it (kicking out leftover connections)."""
        name = f"t_{uuid.uuid4().hex}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield self.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def stop(self) -> None:
        self._admin.dispose()
        if self._workdir is not None and self._bindir is not None:
            _pg_ctl_stop(self._bindir, self._workdir, as_postgres=self._as_postgres, mode="fast")
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def find_pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then the newest Debian-style install."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent

    def major(path: str) -> int:
        version = Path(path).parent.name
        return int(version) if version.isdigit() else 0

    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True):
        if (Path(bindir) / "initdb").exists() and (Path(bindir) / "pg_ctl").exists():
            return Path(bindir)
    return None


def _scratch_parent() -> str | None:
    """/dev/shm when usable: CREATE DATABASE copies hundreds of small files, ~15x faster in RAM."""
    shm = "/dev/shm"
    try:
        if os.access(shm, os.W_OK | os.X_OK) and shutil.disk_usage(shm).free > 512 * 2**20:
            return shm
    except OSError:
        pass
    return None  # the default temporary directory


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], *, as_postgres: bool, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool, as the postgres system user when we are root."""
    if as_postgres:
        if shutil.which("runuser"):
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        elif shutil.which("su"):
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]
        else:
            raise PostgresUnavailable("running as root, and neither runuser nor su is available")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)


def _pg_ctl_stop(bindir: Path, workdir: Path, *, as_postgres: bool, mode: str) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired, OSError):
        _run([str(bindir / "pg_ctl"), "-D", str(workdir / "data"), "-m", mode, "-w", "stop"],
             as_postgres=as_postgres, cwd=workdir, timeout=60)  # fmt: skip


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def start_local_server() -> PostgresServer:
    """initdb + pg_ctl start in a fresh temporary directory; raises PostgresUnavailable with the reason."""
    bindir = find_pg_bin()
    if bindir is None:
        raise PostgresUnavailable("initdb/pg_ctl not found (PATH, /usr/lib/postgresql/*/bin)")
    as_postgres = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="chargedesk-pg-", dir=_scratch_parent()))
    try:
        if as_postgres:
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root and there is no 'postgres' system user") from exc
            os.chown(workdir, pw.pw_uid, pw.pw_gid)
        datadir, log = workdir / "data", workdir / "server.log"
        init = _run(
            [str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
             "--no-locale", "--no-sync"],
            as_postgres=as_postgres, cwd=workdir, timeout=120,
        )  # fmt: skip
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {(init.stderr or init.stdout).strip()[-500:]}")
        for _attempt in range(3):  # the free port may be taken between probing and binding
            port = _free_port()
            with (datadir / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{workdir}'\n"
                    "fsync = off\nfull_page_writes = off\nautovacuum = off\nmax_connections = 50\n"
                )
            start = _run(
                [str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(log), "-w", "-t", "30", "start"],
                as_postgres=as_postgres, cwd=workdir, timeout=60,
            )  # fmt: skip
            if start.returncode == 0:
                break
            # A start that timed out may still be coming up: make sure nothing is left running.
            _pg_ctl_stop(bindir, workdir, as_postgres=as_postgres, mode="immediate")
        else:
            raise PostgresUnavailable(f"pg_ctl start failed: {start.stderr.strip()[-300:]} {_tail(log)}")
        url = URL.create("postgresql+psycopg", username=SUPERUSER, host="127.0.0.1", port=port,
                         database="postgres")  # fmt: skip
        server = PostgresServer(url, _workdir=workdir, _bindir=bindir, _as_postgres=as_postgres)
        atexit.register(server.stop)  # in case the session ends without running fixture teardown
        try:
            server.check()
        except PostgresUnavailable:
            server.stop()
            raise
        return server
    except BaseException:
        _pg_ctl_stop(bindir, workdir, as_postgres=as_postgres, mode="immediate")
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def acquire_server() -> PostgresServer:
    """The server of ``CHARGEDESK_TEST_PG_URL``, else a freshly started local one."""
    env_url = os.environ.get(ENV_TEST_PG_URL, "").strip()
    if env_url:
        server = PostgresServer(make_url(env_url))
        server.check()
        return server
    return start_local_server()
