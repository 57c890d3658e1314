"""The production stack on this machine, for the stack tests (tests/stack, tests/bench) and
the benchmarks (bench/).

Starts its own PostgreSQL (initdb into a temporary directory, its own port), its own
redis-server, granian app servers, the task worker, the periodic jobs and nginx (the
config from deploy/nginx with local paths and ports, harness.nginx), so that restarting
or stopping them never touches anyone else's services.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness import ROOT
from harness.net import free_port, port_open, wait_until
from harness.nginx import NginxPorts, nginx_config
from harness.tor import TorStandIn

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GRANIAN = str(ROOT / ".venv" / "bin" / "granian")
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/bin"))
SLUG = "mass-petition"
# A mass petition's operator lifts the per-client and campaign-wide captcha thresholds:
# the load comes from one address, and no load client can solve a captcha.
UNLIMITED = {
    "RATE_CLIENT_CAPTCHA_AFTER": "1000000000",
    "RATE_CLIENT_LIMIT": "1000000000",
    "RATE_CLIENT_HOLD_AFTER": "1000000000",
    "RATE_CAMPAIGN_CAPTCHA_AFTER": "1000000000",
}


APP = "undersigned.wsgi:application"


def granian_command(port: int, *, workers: int, threads: int, app: str = APP) -> list[str]:
    """granian serving the app on 127.0.0.1:`port`, as `make serve` runs it."""
    return [
        GRANIAN,
        "--interface",
        "wsgi",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-access-log",
    ]


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Stack:
    """Owns every process it starts, and stops them all on `close()`."""

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        app_workers: int = 2,
        threads: int = 8,
        settings: dict[str, str] | None = None,
        unlimited: tuple[str, ...] = ("127.0.0.1",),
        app: str = APP,
        nginx_request_log_level: str = "emerg",
    ) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="undersigned-stack-"))
        # The benchmark's own clients come from 127.0.0.1 and pass nginx's per-client
        # limits; an attacker is given an address of its own (127.0.0.2 and up).
        self.unlimited = unlimited
        self.settings = settings or {}
        self.workdir.chmod(0o755)
        self.app_workers = app_workers
        self.threads = threads
        self.app = app
        self.nginx_request_log_level = nginx_request_log_level
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.pg_data = self.workdir / "pgdata"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.app_ports: list[int] = []
        self.nginx_port: int | None = None
        self.nginx_ports: NginxPorts | None = None
        # In front of the onion listener, as the Tor daemon is: a browser reaches the onion
        # through `tor.port`.
        self.tor: TorStandIn | None = None
        self.database = "undersigned"

    # Environment for every app process
    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/{self.database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "REDIS_", "DJANGO_", "PYTEST", "TASKS_BACKEND"))
        }
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            VAR_DIR=str(self.workdir / "var"),
            STATIC_ROOT=str(self.workdir / "static"),
            SECRET_KEY="stack-secret-key-for-local-runs-only-" + "x" * 20,
            DEBUG="0",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            TRUSTED_PROXY_HEADER="X-Real-IP",
            EXPORT_ACCEL_PREFIX="/_exports/",
            PUBLISHED_ROOT=str(self.workdir / "var" / "published"),
            DATABASE_POOL_TIMEOUT="2",
        )
        env.update(self.settings)
        env.update(extra)
        return env

    def _log(self, name: str):  # type: ignore[no-untyped-def]
        return open(self.workdir / f"{name}.log", "ab")  # kept open by the child

    def _spawn(
        self, name: str, args: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = self._log(name)
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env or self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run a management command against the stack's database; its output."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env(),
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed: {result.stdout.decode()[-2000:]}"
                f"{result.stderr.decode()[-2000:]}"
            )
        return result.stdout.decode()

    # PostgreSQL
    def start_postgres(self) -> None:
        if not self.pg_data.exists():
            self.pg_data.mkdir()
            if os.geteuid() == 0:
                shutil.chown(self.pg_data, "postgres", "postgres")
            subprocess.run(
                _as_postgres(
                    [
                        str(PG_BIN / "initdb"),
                        "-D",
                        str(self.pg_data),
                        "-U",
                        "postgres",
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                        "--no-instructions",
                    ]
                ),
                check=True,
                capture_output=True,
            )
            with (self.pg_data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"port = {self.pg_port}\nlisten_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{self.pg_data}'\nmax_connections = 200\n"
                    "shared_buffers = 256MB\n"
                )
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.pg_data),
                    "-w",
                    "-l",
                    str(self.pg_data / "server.log"),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        wait_until(lambda: port_open(self.pg_port), what="PostgreSQL")

    def stop_postgres(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-w", "-m", mode, "stop"]
            ),
            check=False,
            capture_output=True,
        )

    def start_replica(self) -> str:
        """A streaming replica of the stack's PostgreSQL (`pg_basebackup -R`), as docs/deploy.md
        sets one up; its URL, for DATABASE_REPLICA_URL."""
        self.replica_port = free_port()
        self.replica_data = self.workdir / "pgreplica"
        if not self.replica_data.exists():
            self.replica_data.mkdir(mode=0o700)
            if os.geteuid() == 0:
                shutil.chown(self.replica_data, "postgres", "postgres")
            subprocess.run(
                _as_postgres(
                    [
                        str(PG_BIN / "pg_basebackup"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.pg_port),
                        "-U",
                        "postgres",
                        "-D",
                        str(self.replica_data),
                        "-R",
                        "-X",
                        "stream",
                    ]
                ),
                check=True,
                capture_output=True,
            )
            with (self.replica_data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"port = {self.replica_port}\n"
                    f"unix_socket_directories = '{self.replica_data}'\nhot_standby = on\n"
                )
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.replica_data),
                    "-w",
                    "-l",
                    str(self.replica_data / "server.log"),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        wait_until(lambda: port_open(self.replica_port), what="the replica")
        return f"postgres://postgres@127.0.0.1:{self.replica_port}/{self.database}"

    def stop_replica(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.replica_data), "-w", "-m", "fast", "stop"]
            ),
            check=False,
            capture_output=True,
        )

    def restart_postgres(self) -> None:
        self.stop_postgres()
        self.start_postgres()

    def psql(self, sql: str, database: str | None = None, port: int | None = None) -> str:
        result = subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port or self.pg_port),
                "-U",
                "postgres",
                "-d",
                database or self.database,
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
            ],
            input=sql.encode(),  # on stdin: a statement may be longer than an argument may
            capture_output=True,
            check=True,
        )
        return result.stdout.decode().strip()

    def create_database(self, name: str | None = None) -> None:
        self.psql(f'CREATE DATABASE "{name or self.database}"', database="postgres")

    # Redis
    def start_redis(self) -> None:
        self._spawn(
            "redis",
            [
                "redis-server",
                str(ROOT / "deploy" / "redis" / "undersigned.conf"),  # as shipped: capped
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        wait_until(lambda: port_open(self.redis_port), what="Redis")

    def stop_redis(self) -> None:
        self.stop("redis")

    def seed(self, signatures: int, *, quiet: bool = True) -> None:
        """The open petition SLUG with `signatures` existing signatures (bench/seed.py)."""
        subprocess.run(
            [PYTHON, "-m", "bench.seed", SLUG, str(signatures)],
            cwd=ROOT,
            env=self.env(DATABASE_STATEMENT_TIMEOUT_MS="0"),
            check=True,
            capture_output=quiet,
        )

    # The app
    def prepare(self) -> None:
        """Collect static files and migrate the database, as `make serve` does."""
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.manage("compile_translations")
        self.manage("migrate", "--no-input", "-v", "0")

    def start_app(self, port: int | None = None, name: str | None = None, wait: bool = True) -> int:
        port = port or free_port()
        name = name or f"app-{port}"
        self._spawn(
            name,
            [
                *granian_command(
                    port, workers=self.app_workers, threads=self.threads, app=self.app
                ),
                "--respawn-failed-workers",
                "--respawn-interval",
                "0.5",
                "--backlog",
                "2048",
            ],
        )
        self.app_ports.append(port)
        if wait:
            self.wait_for_app(port)
        return port

    def wait_for_app(self, port: int) -> None:
        # Any answer means a worker has loaded the app.
        wait_until(
            lambda: self.get(f"http://127.0.0.1:{port}/") > 0, timeout=300, what="app server"
        )

    def start_jobs(self) -> None:
        self._spawn("worker", [PYTHON, "manage.py", "db_worker", "--interval", "0.5"])
        self._spawn("periodic", [PYTHON, "manage.py", "run_periodic"])

    def start_nginx(self) -> int:
        prefix = self.workdir / "nginx"
        prefix.mkdir(exist_ok=True)
        self.nginx_ports = NginxPorts(free_port())
        self.nginx_port = self.nginx_ports.plain
        conf = prefix / "nginx.conf"
        conf.write_text(
            nginx_config(
                prefix,
                self.nginx_ports,
                self.app_ports,
                self.workdir / "static",
                prefix / "cache",
                self.unlimited,
                self.workdir / "var" / "exports",
                published_root=self.workdir / "var" / "published",
                request_log_level=self.nginx_request_log_level,
            )
        )
        self._spawn("nginx", ["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"])
        for port in (self.nginx_ports.plain, self.nginx_ports.tls, self.nginx_ports.onion):
            wait_until(lambda port=port: port_open(port), what="nginx")
        self.tor = TorStandIn(self.nginx_ports.onion)
        return self.nginx_port

    def start(self, *, app_servers: int = 1, nginx: bool = True) -> None:
        self.start_postgres()
        self.create_database()
        self.start_redis()
        self.prepare()
        ports = [self.start_app(wait=False) for _ in range(app_servers)]
        self.start_jobs()
        for port in ports:
            self.wait_for_app(port)
        if nginx:
            self.start_nginx()

    def logged_errors(self, limit: int = 3000) -> str:
        """The end of the app servers' logged tracebacks, to explain a failure."""
        text = "".join(
            log.read_text(errors="replace") for log in sorted(self.workdir.glob("app-*.log"))
        )
        start = text.find("Traceback")
        return text[start:][-limit:] if start >= 0 else ""

    # Processes
    def worker_pids(self, name: str) -> list[int]:
        """The pids of the processes a server forked (granian's workers)."""
        parent = self.processes[name].pid
        out = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, check=False).stdout
        return [int(pid) for pid in out.split()]

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of each process, and of each server's workers, in MB."""
        sizes: dict[str, float] = {}
        for name, process in self.processes.items():
            if process.poll() is not None:
                continue
            for label, pid in [(name, process.pid)] + [
                (f"{name} worker {i + 1}", pid) for i, pid in enumerate(self.worker_pids(name))
            ]:
                sizes[label] = _peak_rss_mb(pid)
        return sizes

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def close(self) -> None:
        if self.tor is not None:
            self.tor.close()
        for name in list(self.processes):
            self.stop(name)
        if getattr(self, "replica_data", None):
            self.stop_replica()
        if self.pg_data.exists():
            self.stop_postgres("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)

    @staticmethod
    def get(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # local URL
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextmanager
def seeded_stack(signatures: int = 0, *, app_workers: int = 1, threads: int = 4) -> Iterator[Stack]:
    """A started stack, the bench's limits lifted, with an open petition of `signatures`."""
    stack = Stack(app_workers=app_workers, threads=threads, settings=UNLIMITED)
    try:
        stack.start()
        stack.seed(signatures)
        yield stack
    finally:
        stack.close()


def measured_inside(module: str, arguments: list[str], *, seed: int, quiet: bool = True) -> dict:
    """Run `python -m MODULE --inside ARGUMENTS` in one process against a fresh stack's
    PostgreSQL and Redis (no servers) with an open petition of `seed` signatures; its last
    line of output, as JSON. What it wrote to stderr (a profile) is printed."""
    stack = Stack(settings=UNLIMITED)
    try:
        stack.start_postgres()
        stack.create_database()
        stack.start_redis()
        stack.prepare()
        stack.seed(seed, quiet=quiet)
        out = subprocess.run(
            [PYTHON, "-m", module, "--inside", *arguments],
            cwd=ROOT,
            env=stack.env(DATABASE_STATEMENT_TIMEOUT_MS="0"),
            check=False,
            capture_output=True,
            text=True,
        )
    finally:
        stack.close()
    if out.returncode != 0:
        sys.exit(f"the measurement failed:\n{out.stderr[-3000:]}")
    if out.stderr.strip():
        print(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


if __name__ == "__main__":
    sys.exit("import this module; `make bench` and the stack tests use it")
