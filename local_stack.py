"""The production stack on this machine, for the stack tests (tests/stack, tests/bench) and
the benchmarks (bench/).

Starts its own PostgreSQL (initdb into a temporary directory, its own port), its own
redis-server, granian app servers, the task worker, the periodic jobs and nginx (the
config from deploy/nginx with local paths and ports), so that restarting or
stopping them never touches anyone else's services.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check, timeout: float = 30.0, what: str = "service") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up in {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def self_signed_certificate(directory: Path, names: list[str]) -> tuple[Path, Path]:
    """A certificate for `names` and its key, made here: what certbot would have put in place."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class NginxPorts:
    """Where the harness's nginx listens: `plain` is the public server over HTTP (what the
    benchmark reads through), `tls` the same server over HTTPS, `onion` the onion service's
    listener, `redirect` the plain-HTTP server that sends visitors to HTTPS."""

    plain: int
    tls: int = field(default_factory=lambda: free_port())
    onion: int = field(default_factory=lambda: free_port())
    redirect: int = field(default_factory=lambda: free_port())


def tor_proxy_line(circuit: int) -> bytes:
    """The PROXY protocol line Tor sends first on each connection to an onion service with
    `HiddenServiceExportCircuitID haproxy`: the circuit's id in the source address (and its
    low 16 bits as the source port), the onion's virtual port as the destination port."""
    return (
        f"PROXY TCP6 fc00:dead:beef:4dad::{circuit >> 16:x}:{circuit & 0xFFFF:x} ::1 "
        f"{circuit & 0xFFFF} 80\r\n"
    ).encode()


class TorStandIn:
    """What the Tor daemon does for the onion service, for a browser on this machine: each
    connection to `port` is passed to nginx's onion listener after the PROXY line of one
    circuit, `circuit`, as for one Tor Browser visitor."""

    def __init__(self, onion_port: int, circuit: int = 1) -> None:
        self.onion_port = onion_port
        self.circuit = circuit
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        with client, socket.create_connection(("127.0.0.1", self.onion_port)) as upstream:
            upstream.sendall(tor_proxy_line(self.circuit))
            pipes = [
                threading.Thread(target=_pipe, args=(client, upstream), daemon=True),
                threading.Thread(target=_pipe, args=(upstream, client), daemon=True),
            ]
            for pipe in pipes:
                pipe.start()
            for pipe in pipes:
                pipe.join()

    def close(self) -> None:
        self.server.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass


PUBLIC_NAME = "petition.example.org"
ONION_NAME = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvw.onion"


def nginx_config(
    prefix: Path,
    listen_port: int | NginxPorts,
    app_ports: list[int],
    static_root: Path,
    cache_dir: Path,
    unlimited: tuple[str, ...] = (),
    exports_root: Path | None = None,
    *,
    public_name: str = PUBLIC_NAME,
    onion_name: str = ONION_NAME,
    request_log_level: str = "emerg",
) -> str:
    """A complete nginx.conf around deploy/nginx/undersigned.conf as shipped, with local
    ports and paths, and a self-signed certificate in place of certbot's; `unlimited`
    addresses (the benchmark's own load) pass the per-client limits. A benchmark that
    counts what nginx says of requests (the app servers' timeouts) lowers
    `request_log_level` from the shipped `emerg`, in its own throwaway directory."""
    ports = listen_port if isinstance(listen_port, NginxPorts) else NginxPorts(listen_port)
    exports_root = exports_root or prefix / "exports"
    site = (ROOT / "deploy" / "nginx" / "undersigned.conf").read_text()
    servers = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in app_ports
    )
    backups = "\n".join(f"    server 127.0.0.1:{port} backup max_fails=0;" for port in app_ports)
    exempt = "".join(f"    {address} 1;\n" for address in unlimited)
    geo = "geo $undersigned_unlimited {\n    default 0;\n"
    cert, key = self_signed_certificate(prefix, [public_name, "localhost"])
    local = f"{public_name} 127.0.0.1 localhost"
    for shipped, here in [
        ("    server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;", servers),
        ("    server 127.0.0.1:8000 backup max_fails=0;", backups),
        (geo, geo + exempt),
        ("    listen [::]:80 default_server;\n", ""),
        ("    listen [::]:443 ssl default_server;\n", ""),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("    listen [::]:80;\n", ""),
        ("listen 80 default_server;", f"listen 127.0.0.1:{ports.redirect} default_server;"),
        ("listen 443 ssl default_server;", f"listen 127.0.0.1:{ports.tls} ssl default_server;"),
        (
            "    listen 443 ssl http2;",
            f"    listen 127.0.0.1:{ports.plain};\n    listen 127.0.0.1:{ports.tls} ssl http2;",
        ),
        ("listen 80;", f"listen 127.0.0.1:{ports.redirect};"),
        (
            "listen 127.0.0.1:8080 proxy_protocol;",
            f"listen 127.0.0.1:{ports.onion} proxy_protocol;",
        ),
        ("    8080 1;", f"    {ports.onion} 1;"),
        (f"server_name {PUBLIC_NAME} {ONION_NAME};", f"server_name {local} {onion_name};"),
        (f"server_name {PUBLIC_NAME};", f"server_name {local};"),
        (f"/etc/letsencrypt/live/{PUBLIC_NAME}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{PUBLIC_NAME}/privkey.pem", str(key)),
        ("/srv/undersigned/staticfiles/", f"{static_root}/"),
        ("/srv/undersigned/var/exports/", f"{exports_root}/"),
        ("/var/cache/nginx/undersigned", str(cache_dir)),
        ("root /var/www/html;", f"root {prefix};"),
        (
            "error_log /var/log/nginx/error.log emerg;",
            f"error_log {prefix}/error.log {request_log_level};",
        ),
    ]:
        if shipped not in site:
            raise ValueError(f"deploy/nginx/undersigned.conf no longer has {shipped!r}")
        site = site.replace(shipped, here)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
worker_rlimit_nofile 40000;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 16384; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{site}
}}
"""


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
                f"manage.py {' '.join(args)} failed: {result.stderr.decode()[-2000:]}"
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


if __name__ == "__main__":
    sys.exit("import this module; `make bench` and the stack tests use it")
