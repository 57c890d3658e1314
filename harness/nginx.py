"""nginx as deployed (deploy/nginx/undersigned.conf), with local paths, ports and a
self-signed certificate: for the nginx tests, the stack tests and the benchmarks."""

import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness import ROOT
from harness.net import free_port, port_open, wait_until


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
    published_root: Path | None = None,
    public_name: str = PUBLIC_NAME,
    onion_name: str = ONION_NAME,
    request_log_level: str = "emerg",
    site: str | None = None,
) -> str:
    """A complete nginx.conf around deploy/nginx/undersigned.conf as shipped, with local
    ports and paths, and a self-signed certificate in place of certbot's; `unlimited`
    addresses (the benchmark's own load) pass the per-client limits. A benchmark that
    counts what nginx says of requests (the app servers' timeouts) lowers
    `request_log_level` from the shipped `emerg`, in its own throwaway directory. `site`
    is another version of the site's config to run in place of the shipped one."""
    ports = listen_port if isinstance(listen_port, NginxPorts) else NginxPorts(listen_port)
    exports_root = exports_root or prefix / "exports"
    published_root = published_root or prefix / "published"
    site = site or (ROOT / "deploy" / "nginx" / "undersigned.conf").read_text()
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
        ("root /srv/undersigned/var/published;", f"root {published_root};"),
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
    # pcre_jit: the site's maps and locations match regular expressions on every request;
    # compiled, they cost a fraction (docs/deploy.md asks the same of nginx.conf).
    return f"""{user}worker_processes 1;
pcre_jit on;
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


@contextmanager
def stand_in_app(
    handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1"
) -> Iterator[ThreadingHTTPServer]:
    """An HTTP server answering in the app's place, in a thread, for as long as the block."""
    app = ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        yield app
    finally:
        app.shutdown()


@contextmanager
def running_nginx(
    prefix: Path,
    ports: NginxPorts,
    app_ports: list[int],
    *,
    unlimited: tuple[str, ...] = (),
    edit: Callable[[str], str] | None = None,
) -> Iterator[set[Path]]:
    """nginx with the shipped site config (nginx_config) in front of `app_ports`, static
    files, cache and exports under `prefix`, until the block ends; `edit` changes the
    config before it starts. Yields the files under `prefix` written before nginx started
    (its config, its certificate, what the caller put there): the rest nginx wrote."""
    (prefix / "static").mkdir(exist_ok=True)
    conf = nginx_config(
        prefix, ports, app_ports, prefix / "static", prefix / "cache", unlimited=unlimited
    )
    path = prefix / "nginx.conf"
    path.write_text(edit(conf) if edit else conf)
    before = set(prefix.rglob("*"))
    process = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(path), "-g", "daemon off;"])
    try:
        wait_until(lambda: port_open(ports.plain) and port_open(ports.onion), what="nginx")
        yield before
    finally:
        process.terminate()
        process.wait(10)
