"""Several SIDIP replicas on one PostgreSQL register, behind nginx run from deploy/nginx/sidip.conf.

Each replica is `streamlit run app.py` with the same SIDIP_DATABASE_URL and SIDIP_SECRET_KEY and its own
SIDIP_DATA_DIR, so no local file is shared by accident. nginx runs in the foreground from a main
configuration written here that includes the shipped file (its replica and listen lines rewritten to the
test's ports): the Debian package's own site and service are never used.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser_support import HEALTH_TIMEOUT, PASSWORD, ROOT, Server, launch_app, server_env, wait_healthy
from tests.ci_support import free_port, skip_or_fail

SHIPPED_CONF = ROOT / "deploy" / "nginx" / "sidip.conf"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")  # Debian's is not on a non-root PATH
_REPLICA_LINE = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+( .*)?;$", re.MULTILINE)
_LISTEN_LINE = re.compile(r"^(\s*)listen 127\.0\.0\.1:\d+;$", re.MULTILINE)


def nginx_binary() -> str:
    """nginx's path; skip without it locally, fail under CI=true."""
    found = shutil.which("nginx") or next((p for p in NGINX_CANDIDATES if Path(p).exists()), None)
    if found:
        return found
    skip_or_fail("nginx tidak ditemukan (`apt-get install -y nginx`): uji replika di belakang nginx tidak dapat "
                 "dijalankan.")


def render_conf(replica_ports: list[int], listen_port: int) -> str:
    """The shipped configuration with the test's ports; a shipped file whose lines moved fails loudly."""
    text = SHIPPED_CONF.read_text()
    lines = _REPLICA_LINE.findall(text)
    assert lines, f"{SHIPPED_CONF}: tidak ada baris `server 127.0.0.1:PORT` di upstream"
    indent, options = lines[0]
    replicas = "\n".join(f"{indent}server 127.0.0.1:{port}{options};" for port in replica_ports)
    text = _REPLICA_LINE.sub(lambda _m: "@REPLICAS@", text, count=1)
    text = _REPLICA_LINE.sub("", text).replace("@REPLICAS@", replicas)
    text, listens = _LISTEN_LINE.subn(rf"\1listen 127.0.0.1:{listen_port};", text)
    assert listens == 1, f"{SHIPPED_CONF}: harus ada tepat satu baris `listen 127.0.0.1:PORT;`"
    return text


def main_conf(base: Path, site: Path) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the (root-only) temporary folder
    temp = "\n".join(f"  {kind}_temp_path {base / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                        "scgi"))
    return (f"{user}worker_processes 1;\nevents {{ worker_connections 256; }}\nhttp {{\n"
            f"  access_log {base / 'access.log'};\n{temp}\n  include {site};\n}}\n")


@dataclass
class Nginx:
    base: Path
    port: int
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page_url(self, path: str = "") -> str:
        return f"{self.url}/{path.lstrip('/')}"

    def access_log(self) -> str:
        path = self.base / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def error_log(self) -> str:
        path = self.base / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def start_nginx(base: Path, replica_ports: list[int]) -> Nginx:
    binary = nginx_binary()
    base.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = base / "sidip.conf"
    site.write_text(render_conf(replica_ports, port))
    (base / "nginx.conf").write_text(main_conf(base, site))
    globals_ = f"daemon off; pid {base / 'nginx.pid'}; error_log {base / 'error.log'};"
    proc = subprocess.Popen([binary, "-e", str(base / "error.log"), "-c", str(base / "nginx.conf"), "-p", str(base),
                             "-g", globals_],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    nginx = Nginx(base, port, proc)
    wait_healthy(f"{nginx.url}/_stcore/health", proc, lambda: nginx.error_log(), stop=nginx.stop, timeout=15)
    return nginx


def replica_env(base: Path, url: str, key: str, files: Path) -> dict[str, str]:
    """As the README says: the same database, key and softcopy folder on every replica."""
    env = server_env(base)
    env.update(SIDIP_DATABASE_URL=url, SIDIP_SECRET_KEY=key, SIDIP_DATABASE_POOL="4", SIDIP_FILES_DIR=str(files))
    return env


def start_replicas(bases: list[Path], url: str, key: str, files: Path) -> list[Server]:
    """Every replica started at once (Streamlit takes seconds to start), then each waited for."""
    servers = [launch_app(base, replica_env(base, url, key, files)) for base in bases]
    try:
        for server in servers:
            wait_healthy(f"{server.url}/_stcore/health", server.proc, server.output, stop=lambda: None,
                          timeout=HEALTH_TIMEOUT)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def seed_users(base: Path, url: str, key: str, users: dict[str, tuple[str, str, str]]) -> None:
    """Users made through the services on the shared register (which this also migrates), before any replica."""
    from lib.bootstrap import build_context
    from lib.services import auth
    from lib.services.context import SYSTEM_ACTOR
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIDIP_DATABASE_URL", url)
        patch.setenv("SIDIP_SECRET_KEY", key)
        patch.delenv("SIDIP_BACKEND", raising=False)
        ctx = build_context(base)
        try:
            for username, (role, unit, name) in users.items():
                auth.add_user(ctx, SYSTEM_ACTOR, username, name, PASSWORD, [role], unit)
        finally:
            ctx.register.close()


@dataclass
class Cluster:
    replicas: list[Server]
    nginx: Nginx
    url: str  # the shared database
    key: str = field(repr=False)

    def stop(self) -> None:
        self.nginx.stop()
        for server in self.replicas:
            server.stop()


def start_cluster(base: Path, url: str, users: dict[str, tuple[str, str, str]], count: int = 2) -> Cluster:
    key = secrets.token_hex(32)
    seed_users(base / "seed", url, key, users)
    replicas = start_replicas([base / f"replika-{n}" for n in range(1, count + 1)], url, key, base / "berkas")
    try:
        nginx = start_nginx(base / "nginx", [server.port for server in replicas])
    except BaseException:
        for server in replicas:
            server.stop()
        raise
    return Cluster(replicas, nginx, url, key)
