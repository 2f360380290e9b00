"""A real, throw-away PostgreSQL server on loopback: the local stand-in for a JDBC source.

Tests and demos read a real PostgreSQL over JDBC rather than a mock, so the queries the engine
sends (watermark filters, type mapping) run against the database engine they target. The
server listens only on 127.0.0.1 at a free port; its cluster, socket and log live under the
caller's data directory. It needs the Debian package ``postgresql`` (Spark also needs
``libpostgresql-jdbc-java``). Standard library only.

Host connections use password authentication (SCRAM), so the JDBC url, user and password
are checked exactly as a real source would check them.
"""

from __future__ import annotations

import contextlib
import io
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from lakehouse_domain.dataset_rules import canonical_type, decimal_parts, type_problem
from lakehouse_domain.sql import postgres_identifier, postgres_string

INSTALL_HINT = "apt-get install postgresql libpostgresql-jdbc-java"
SERVER_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
SERVICE_USER = "postgres"
HOST = "127.0.0.1"
READY_SECONDS = 30
# sockaddr_un.sun_path holds 108 bytes, and the socket file name ".s.PGSQL.<port>" needs ~16.
MAX_SOCKET_DIR_BYTES = 90
TEMP_AREA_PREFIX = "local-postgres-"
# In the data directory: where the cluster lives when the service user cannot reach it here.
POINTER_FILE = "cluster-location"
# In a temporary area: the data directory it belongs to, so stale areas can be recognised.
OWNER_FILE = "data-dir"

PG_TYPES = {
    "string": "text",
    "int": "integer",
    "bigint": "bigint",
    "double": "double precision",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}
DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class PostgresUnavailable(RuntimeError):
    """Server binaries or the JDBC driver are missing; message says what to install
    (apt-get install postgresql libpostgresql-jdbc-java)."""


def server_binaries() -> Path | None:
    """The newest PostgreSQL server bin directory (with initdb, pg_ctl, postgres), or None."""

    def complete(bin_dir: Path) -> bool:
        return all(os.access(bin_dir / name, os.X_OK) for name in SERVER_PROGRAMS)

    def version(bin_dir: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name))

    found = sorted(
        (path for path in Path("/").glob(SERVER_BIN_GLOB.lstrip("/")) if complete(path)),
        key=version,
    )
    if found:
        return found[-1]
    # Not Debian's layout (e.g. Homebrew): the server programs next to a pg_ctl on PATH.
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl and complete(Path(pg_ctl).resolve().parent):
        return Path(pg_ctl).resolve().parent
    return None


def postgres_type(databricks_type: str) -> str:
    """The PostgreSQL column type for a Databricks SQL type of the contract."""
    column_type = canonical_type(databricks_type.strip())
    # The contract's own grammar and Databricks' limits: a column that works here also works
    # on Databricks.
    problem = type_problem(column_type)
    if problem:
        raise ValueError(problem)
    if column_type in PG_TYPES:
        return PG_TYPES[column_type]
    precision, scale = decimal_parts(column_type)
    return f"numeric({precision},{scale})"


def qualified_table(table: str) -> tuple[str | None, str]:
    """``schema.table`` or ``table`` as (quoted schema or None, quoted qualified name).

    Names keep their case, as the engine quotes them when it reads the source.
    """
    parts = table.split(".")
    if len(parts) > 2 or not all(parts):
        raise ValueError(f"{table!r}: expected 'table' or 'schema.table'")
    quoted = [postgres_identifier(part) for part in parts]
    return (quoted[0] if len(quoted) == 2 else None), ".".join(quoted)


def conf_string(value: str) -> str:
    """A postgresql.conf string value: quotes doubled, backslashes escaped (the GUC file
    parser reads backslash escapes)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def csv_field(value: Any) -> str:
    """One COPY CSV field: NULL as an unquoted empty field, every value quoted.

    COPY's CSV NULL marker (the unquoted empty string) can never match a quoted field, so
    None and "" stay distinct whatever the data holds.
    """
    if value is None:
        return ""
    return '"' + str(value).replace('"', '""') + '"'


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs; a killed server not yet collected by its parent does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True  # no procfs (macOS): the signal check is all there is
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


class LocalPostgres:
    """A PostgreSQL cluster under ``data_dir``, started on demand; a context manager.

    The cluster persists between runs (``start`` re-uses it); ``stop`` shuts the server down
    and leaves the data; ``remove`` also deletes it. ``port`` is 0 while the server is not
    started.
    """

    def __init__(self, data_dir: Path, database: str = "source"):
        if not DATABASE_NAME.match(database):
            raise ValueError(f"{database!r}: database names are letters, digits and '_'")
        self.data_dir = Path(data_dir).absolute()
        self.database = database
        self.user = "lakehouse"
        # Fixed, so a cluster re-used across runs keeps accepting it; loopback only.
        self.password = "lakehouse-local"
        self.port = 0
        # PostgreSQL refuses to run as root, so a root process runs it as the service user.
        self._as_root = os.geteuid() == 0
        self._service: pwd.struct_passwd | None = None
        if self._as_root:
            with contextlib.suppress(KeyError):  # reported by start(), with what to install
                self._service = pwd.getpwnam(SERVICE_USER)
        self._area: Path | None = None

    def start(self) -> LocalPostgres:
        """Create the cluster if needed, start the server unless it runs, create the database."""
        bin_dir = self._binaries()
        if self._area is None:
            self._area = self._prepare_area()
        if self._running(bin_dir):
            self.port = self._pid_file_port()
        else:
            if not (self.cluster_dir / "PG_VERSION").exists():
                self._initdb(bin_dir)
            self._launch(bin_dir)
        self._wait_ready(bin_dir)
        self._ensure_database()
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown); does nothing when it is not running."""
        area = self._area or self._existing_area()
        if area is None:
            return
        cluster = area / "cluster"
        pid_file = cluster / "postmaster.pid"
        if not pid_file.exists():
            self.port = 0
            return
        bin_dir = self._binaries()
        pid, port = self._pid_file_pid(cluster), self._pid_file_port(cluster)
        for mode in ("fast", "immediate"):
            self._run(
                [bin_dir / "pg_ctl", "stop", "-D", cluster, "-m", mode, "-w", "-t", "30"],
                as_service=True,
                timeout=60,
            )
            if not self._running(bin_dir, cluster):
                break
        else:
            raise RuntimeError(f"PostgreSQL in {cluster} did not stop:\n{self._log_tail()}")
        self._reap(pid)
        deadline = time.monotonic() + 10
        while port and port_open(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.port = 0

    def remove(self) -> None:
        """Stop the server and delete the cluster and its log, wherever they were put."""
        self.stop()
        area = self._area or self._existing_area()
        if area == self.data_dir:
            shutil.rmtree(area / "cluster", ignore_errors=True)
            (area / "postgres.log").unlink(missing_ok=True)
        elif area is not None:
            shutil.rmtree(area, ignore_errors=True)
            (self.data_dir / POINTER_FILE).unlink(missing_ok=True)
        self._area = None

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def cluster_dir(self) -> Path:
        """The PostgreSQL data directory (under ``data_dir``, or a temporary area for root)."""
        return (self._area or self._existing_area() or self.data_dir) / "cluster"

    @property
    def log_file(self) -> Path:
        return self.cluster_dir.parent / "postgres.log"

    def jdbc_url(self) -> str:
        self._require_started()
        return f"jdbc:postgresql://{HOST}:{self.port}/{self.database}"

    def psql(self, sql: str, *, stdin: str | None = None) -> str:
        """Run ``sql`` with psql (unaligned, tuples only, ``|`` between fields); its stdout.

        ``stdin`` feeds ``COPY ... FROM STDIN``. Raises RuntimeError with psql's stderr.
        """
        return self._psql(sql, stdin=stdin)

    def create_table(self, table: str, columns: list[tuple[str, str]]) -> None:
        """Create ``table`` (and its schema) unless it exists; column types are Databricks'."""
        if not columns:
            raise ValueError(f"{table}: a table needs at least one column")
        schema, qualified = qualified_table(table)
        definitions = ", ".join(
            f"{postgres_identifier(name)} {postgres_type(kind)}" for name, kind in columns
        )
        statements = [f"CREATE TABLE IF NOT EXISTS {qualified} ({definitions})"]
        if schema:
            statements.insert(0, f"CREATE SCHEMA IF NOT EXISTS {schema}")
        self._psql(";\n".join(statements))

    def insert_rows(self, table: str, columns: list[str], rows: list[dict[str, str | None]]) -> int:
        """Bulk-load ``rows`` (values as text, None for NULL) with COPY; the rows loaded."""
        if not columns:
            raise ValueError(f"{table}: no columns to load")
        if not rows:
            return 0
        _, qualified = qualified_table(table)
        payload = io.StringIO()
        for number, row in enumerate(rows, start=1):
            missing = [column for column in columns if column not in row]
            if missing:
                raise ValueError(f"{table}: row {number} has no value for {', '.join(missing)}")
            payload.write(",".join(csv_field(row[column]) for column in columns) + "\n")
        data = payload.getvalue()
        # psql ends COPY data at any line that is exactly "\.", even inside a quoted CSV
        # value; COPY would then fail with a puzzling "unterminated CSV quoted field".
        if any(line.rstrip("\r") == "\\." for line in data.split("\n")):
            raise ValueError(
                f"{table}: a value holds a line that is just '\\.'; COPY cannot load it"
            )
        names = ", ".join(postgres_identifier(column) for column in columns)
        output = self._psql(
            f"COPY {qualified} ({names}) FROM STDIN (FORMAT csv, NULL '')",
            stdin=data,
            quiet=False,
        )
        match = re.search(r"^COPY (\d+)$", output, re.MULTILINE)
        return int(match[1]) if match else len(rows)

    def _binaries(self) -> Path:
        bin_dir = server_binaries()
        if bin_dir is None:
            raise PostgresUnavailable(
                f"PostgreSQL server binaries not found in {SERVER_BIN_GLOB} or on PATH; "
                f"install them: {INSTALL_HINT}"
            )
        if self._as_root and self._service is None:
            raise PostgresUnavailable(
                f"running as root needs the '{SERVICE_USER}' user to run the server; the "
                f"package creates it: {INSTALL_HINT}"
            )
        return bin_dir

    def _require_started(self) -> None:
        if not self.port:
            raise RuntimeError("the local PostgreSQL is not started; call start() first")

    def _existing_area(self) -> Path | None:
        """Where an earlier run put the cluster, without creating anything."""
        pointer = self.data_dir / POINTER_FILE
        if self._service and pointer.is_file():
            area = Path(pointer.read_text(encoding="utf-8").strip())
            if self._owned_temp_area(area):
                return area
        return self.data_dir if (self.data_dir / "cluster").is_dir() else None

    def _owned_temp_area(self, area: Path) -> bool:
        # /tmp is shared: only trust a directory the service user owns and that names us.
        assert self._service is not None
        try:
            info = area.lstat()
            owner = (area / OWNER_FILE).read_text(encoding="utf-8")
        except OSError:
            return False
        return (
            area.is_dir()
            and not area.is_symlink()
            and info.st_uid == self._service.pw_uid
            and owner == str(self.data_dir)
        )

    def _prepare_area(self) -> Path:
        """The directory holding cluster/ and postgres.log, reachable by the server's user."""
        self._make_dirs(self.data_dir)
        if self._service is None or self._service_can_enter(self.data_dir):
            area = self.data_dir
        else:
            area = self._temp_area()
        cluster = area / "cluster"
        if cluster.exists() and not (cluster / "PG_VERSION").exists() and any(cluster.iterdir()):
            raise RuntimeError(
                f"{cluster} holds files but no PostgreSQL cluster; remove it and start again"
            )
        cluster.mkdir(mode=0o700, exist_ok=True)
        cluster.chmod(0o700)  # mkdir's mode is reduced by the umask; PostgreSQL wants 0700
        log = area / "postgres.log"
        log.touch()
        if self._service:
            for path in (cluster, log):
                os.chown(path, self._service.pw_uid, self._service.pw_gid)
        return area

    def _make_dirs(self, path: Path) -> None:
        missing = []
        while not path.exists():
            missing.append(path)
            path = path.parent
        for directory in reversed(missing):
            directory.mkdir(exist_ok=True)
            if self._service:
                # A root umask of 077 would otherwise lock the service user out.
                directory.chmod(0o755)

    def _service_can_enter(self, directory: Path) -> bool:
        test = shutil.which("test") or "/usr/bin/test"
        return self._run([test, "-x", directory], as_service=True, cwd=Path("/")).returncode == 0

    def _temp_area(self) -> Path:
        """A cluster area in the temp dir, for a data_dir the service user cannot reach.

        Root's data dirs often sit under /root (mode 0700), which the ``postgres`` user cannot
        traverse, and opening up a home directory is not this module's call. So the cluster
        goes to a mkdtemp() directory; a pointer file in data_dir finds it again on the next
        run, and areas whose data_dir no longer points at them are removed when a new one is
        made, so repeated test runs do not fill the temp dir.
        """
        assert self._service is not None
        existing = self._existing_area()
        if existing is not None and existing != self.data_dir:
            return existing
        self._remove_stale_temp_areas()
        area = Path(tempfile.mkdtemp(prefix=TEMP_AREA_PREFIX))
        (area / OWNER_FILE).write_text(str(self.data_dir), encoding="utf-8")
        (self.data_dir / POINTER_FILE).write_text(f"{area}\n", encoding="utf-8")
        # Handed over last: until then the area is root's, which the stale-area sweep of a
        # concurrent process skips.
        os.chown(area, self._service.pw_uid, self._service.pw_gid)
        return area

    def _remove_stale_temp_areas(self) -> None:
        assert self._service is not None
        for area in Path(tempfile.gettempdir()).glob(f"{TEMP_AREA_PREFIX}*"):
            try:
                if area.is_symlink() or area.lstat().st_uid != self._service.pw_uid:
                    continue
                owner = Path((area / OWNER_FILE).read_text(encoding="utf-8"))
                pointer = (owner / POINTER_FILE).read_text(encoding="utf-8").strip()
            except OSError:
                pointer = None
                if not (area / OWNER_FILE).is_file():
                    continue  # not one of ours
            if pointer == str(area):
                continue
            pid_file = area / "cluster" / "postmaster.pid"
            if pid_file.exists() and process_alive(self._pid_file_pid(area / "cluster")):
                continue
            shutil.rmtree(area, ignore_errors=True)

    def _initdb(self, bin_dir: Path) -> None:
        cluster = self.cluster_dir
        password_file = cluster.parent / ".initdb-password"
        password_file.unlink(missing_ok=True)
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(self.password + "\n")
        if self._service:
            os.chown(password_file, self._service.pw_uid, self._service.pw_gid)
        try:
            result = self._run(
                [
                    bin_dir / "initdb",
                    "-D",
                    cluster,
                    "--username",
                    self.user,
                    f"--pwfile={password_file}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--no-locale",
                    # A throw-away cluster: skipping fsync makes it seconds faster to create.
                    "--no-sync",
                ],
                as_service=True,
                timeout=180,
            )
        finally:
            password_file.unlink(missing_ok=True)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed for {cluster}:\n{result.stderr or result.stdout}")
        socket_dir = str(cluster)
        if len(socket_dir.encode()) > MAX_SOCKET_DIR_BYTES:
            socket_dir = ""  # too long for a socket path; every client here uses TCP anyway
        settings = {
            "listen_addresses": HOST,
            "unix_socket_directories": socket_dir,
            "timezone": "UTC",
            # Durability is not worth the wait for data that can be recreated at any time.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        with (cluster / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# lakehouse_local/postgres.py: a throw-away server on loopback only.\n")
            for name, value in settings.items():
                conf.write(f"{name} = {conf_string(value)}\n")

    def _launch(self, bin_dir: Path) -> None:
        log = self.log_file
        for _ in range(3):
            port = free_port()
            log_start = log.stat().st_size if log.exists() else 0
            result = self._run(
                [
                    bin_dir / "pg_ctl",
                    "start",
                    "-D",
                    self.cluster_dir,
                    "-l",
                    log,
                    "-w",
                    "-t",
                    str(READY_SECONDS),
                    "-o",
                    f"-p {port}",
                ],
                as_service=True,
                timeout=READY_SECONDS + 30,
            )
            if result.returncode == 0:
                self.port = port
                return
            # Another process may take the free port between probe and bind: try another.
            if "already in use" not in self._log_tail(log_start):
                break
        raise RuntimeError(
            f"PostgreSQL did not start ({self.cluster_dir}): {result.stderr.strip()}\n"
            f"{self._log_tail()}"
        )

    def _wait_ready(self, bin_dir: Path) -> None:
        pg_isready = bin_dir / "pg_isready"
        command = [
            pg_isready if pg_isready.exists() else shutil.which("pg_isready") or "pg_isready",
            *("-h", HOST, "-p", str(self.port), "-U", self.user, "-d", "postgres", "-t", "2"),
        ]
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if self._run(command, as_service=True, timeout=10).returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"PostgreSQL on port {self.port} not ready after {READY_SECONDS} s\n"
                    f"{self._log_tail()}"
                )
            time.sleep(0.2)

    def _ensure_database(self) -> None:
        found = self._psql(
            f"SELECT 1 FROM pg_database WHERE datname = {postgres_string(self.database)}",
            database="postgres",
        )
        if found.strip() != "1":
            self._psql(f"CREATE DATABASE {postgres_identifier(self.database)}", database="postgres")

    def _running(self, bin_dir: Path, cluster: Path | None = None) -> bool:
        cluster = cluster or self.cluster_dir
        if not (cluster / "postmaster.pid").exists():
            return False
        # pg_ctl counts a zombie postmaster as running; it would never answer.
        if not process_alive(self._pid_file_pid(cluster)):
            return False
        result = self._run([bin_dir / "pg_ctl", "status", "-D", cluster], as_service=True)
        return result.returncode == 0

    def _pid_file_lines(self, cluster: Path | None = None) -> list[str]:
        path = (cluster or self.cluster_dir) / "postmaster.pid"
        try:
            return path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []

    def _pid_file_pid(self, cluster: Path | None = None) -> int:
        lines = self._pid_file_lines(cluster)
        return int(lines[0]) if lines and lines[0].strip().isdigit() else 0

    def _pid_file_port(self, cluster: Path | None = None) -> int:
        # postmaster.pid: pid, data dir, start time, port, socket dir, address, ...
        lines = self._pid_file_lines(cluster)
        return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else 0

    @staticmethod
    def _reap(pid: int) -> None:
        """Collect the stopped server if it became our child (we are PID 1 or a subreaper)."""
        if pid <= 0:
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                reaped, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return  # not our child: its parent (init) collects it
            if reaped:
                return
            time.sleep(0.05)

    def _log_tail(self, start: int = 0, limit: int = 4000) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(start)
                text = log.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        return text[-limit:]

    def _psql(
        self,
        sql: str,
        *,
        stdin: str | None = None,
        database: str | None = None,
        quiet: bool = True,
    ) -> str:
        self._require_started()
        bin_psql = self._binaries() / "psql"
        command = [
            bin_psql if bin_psql.exists() else shutil.which("psql") or "psql",
            *(["-q"] if quiet else []),
            *("-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"),
            *("-h", HOST, "-p", str(self.port), "-U", self.user, "-d", database or self.database),
            *("-c", sql),
        ]
        result = self._run(command, as_service=True, stdin=stdin, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def _run(
        self,
        command: list[Any],
        *,
        as_service: bool,
        stdin: str | None = None,
        cwd: Path | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        # The caller's PG* variables (PGHOST, PGSERVICE, PGOPTIONS, ...) must not redirect
        # or alter connections to this server.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env.update(PGCLIENTENCODING="UTF8", PGPASSWORD=self.password, PGCONNECT_TIMEOUT="10")
        demote: dict[str, Any] = {}
        if as_service and self._service:
            service = self._service
            env.update(HOME=service.pw_dir, USER=service.pw_name, LOGNAME=service.pw_name)
            demote = {"user": service.pw_uid, "group": service.pw_gid, "extra_groups": []}
        return subprocess.run(
            [str(part) for part in command],
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            text=True,
            encoding="utf-8",
            # The server's user may be unable to enter the caller's working directory.
            cwd=cwd or self._area or Path(tempfile.gettempdir()),
            env=env,
            timeout=timeout,
            check=False,
            **demote,
        )
