"""The SFTP and manual publish targets, against a real SFTP server and a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import paramiko
import pytest

from tests.httpd import serving
from paramiko.sftp import SFTP_FAILURE, SFTP_OK, SFTP_OP_UNSUPPORTED, SFTP_PERMISSION_DENIED

from lib.errors import SidipError
from lib.publish import TARGETS, Published, manual, sftp

PASSWORD = "kata-sandi-server-9x7"
BASE_URL = "https://ppid.example.go.id/dip"
KEPT = "Berkas yang sudah terbit tidak berubah."


# --- a small SFTP server over a temporary folder -------------------------------------------------

def _errors_as_status(method):
    """SFTP answers with status codes, not exceptions."""
    @functools.wraps(method)
    def wrapper(*args):
        try:
            return method(*args)
        except OSError as err:
            return paramiko.SFTPServer.convert_errno(err.errno)
    return wrapper


class Handle(paramiko.SFTPHandle):
    def __init__(self, flags, refused: bool):
        super().__init__(flags)
        self.refused = refused

    def write(self, offset, data):
        return SFTP_PERMISSION_DENIED if self.refused else super().write(offset, data)

    def stat(self):
        return paramiko.SFTPAttributes.from_stat(os.fstat(self.writefile.fileno()))


class FolderSFTP(paramiko.SFTPServerInterface):
    """Minimal SFTP operations over ``server.root``; ``server.refuse_*`` injects failures."""

    def __init__(self, server, *args, **kwargs):
        super().__init__(server)
        self.fake = server.fake  # paramiko passes the Login, which carries the FakeServer

    def _local(self, path) -> str:
        return str(self.fake.root / path.lstrip("/"))

    @_errors_as_status
    def open(self, path, flags, attr):
        fd = os.open(self._local(path), flags, 0o644)
        handle = Handle(flags, bool(self.fake.refuse_write and self.fake.refuse_write in path))
        handle.readfile = handle.writefile = os.fdopen(fd, "wb" if flags & os.O_WRONLY else "rb")
        return handle

    @_errors_as_status
    def list_folder(self, path):
        local = self._local(path)
        return [paramiko.SFTPAttributes.from_stat(os.lstat(os.path.join(local, name)), name)
                for name in os.listdir(local)]

    @_errors_as_status
    def stat(self, path):
        return paramiko.SFTPAttributes.from_stat(os.stat(self._local(path)))

    @_errors_as_status
    def lstat(self, path):
        return paramiko.SFTPAttributes.from_stat(os.lstat(self._local(path)))

    @_errors_as_status
    def mkdir(self, path, attr):
        os.mkdir(self._local(path))
        return SFTP_OK

    @_errors_as_status
    def rmdir(self, path):
        os.rmdir(self._local(path))
        return SFTP_OK

    @_errors_as_status
    def remove(self, path):
        os.remove(self._local(path))
        return SFTP_OK

    @_errors_as_status
    def rename(self, oldpath, newpath):
        if self.fake.refuse_rename and self.fake.refuse_rename in oldpath:
            return SFTP_PERMISSION_DENIED
        if os.path.lexists(self._local(newpath)):  # SFTP v3: plain rename never overwrites
            return SFTP_FAILURE
        os.rename(self._local(oldpath), self._local(newpath))
        return SFTP_OK

    @_errors_as_status
    def posix_rename(self, oldpath, newpath):
        if not self.fake.posix_rename:
            return SFTP_OP_UNSUPPORTED
        if self.fake.refuse_rename and self.fake.refuse_rename in oldpath:
            return SFTP_PERMISSION_DENIED
        os.replace(self._local(oldpath), self._local(newpath))
        return SFTP_OK


class Login(paramiko.ServerInterface):
    def __init__(self, fake):
        self.fake = fake

    def get_allowed_auths(self, username):
        return "password"

    def check_auth_password(self, username, password):
        self.fake.logins.append(username)
        ok = (username, password) == ("ppid", PASSWORD)
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class FakeServer:
    """An SSH server on a free port of 127.0.0.1 whose SFTP subsystem serves ``root``."""

    def __init__(self, root: Path, key: paramiko.PKey):
        self.root, self.key = root, key
        self.refuse_write = self.refuse_rename = None
        self.posix_rename = True
        self.logins: list[str] = []
        self.connections = 0
        self.transports: list[paramiko.Transport] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)  # lets the accept loop notice stop()
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            self.connections += 1
            self._start(conn)

    def _start(self, conn):
        transport = paramiko.Transport(conn)
        transport.add_server_key(self.key)
        transport.set_subsystem_handler("sftp", paramiko.SFTPServer, FolderSFTP)
        transport.start_server(event=threading.Event(), server=Login(self))
        self.transports.append(transport)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.listener.close()
        for transport in self.transports:
            transport.close()


@pytest.fixture(scope="module")
def host_key():
    return paramiko.RSAKey.generate(1024)


@pytest.fixture
def server(tmp_path, host_key):
    (tmp_path / "server" / "www").mkdir(parents=True)
    fake = FakeServer(tmp_path / "server", host_key)
    yield fake
    fake.stop()


def config_for(server: FakeServer, **extra) -> dict:
    return {"sftp_host": "127.0.0.1", "sftp_port": str(server.port), "sftp_user": "ppid",
            "sftp_password": PASSWORD, "sftp_remote_dir": "/www",
            "sftp_host_key": f"{server.key.get_name()} {server.key.get_base64()}",
            "base_url": BASE_URL + "/", **extra}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) with its bytes, plus empty folders."""
    found = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    empty = {str(p.relative_to(folder)) + "/": b"" for p in folder.rglob("*") if p.is_dir() and not any(p.iterdir())}
    return found | empty


def version(tag: str) -> dict[str, bytes]:
    return {"dip.html": f"<h1>DIP {tag}</h1>".encode(), "dip.csv": f"judul\nLaporan {tag}\n".encode(),
            "keputusan.pdf": b"%PDF-1.7 " + tag.encode() * 50}


def expected_published(files: dict[str, bytes], url: str) -> Published:
    return Published(url, ["dip.csv", "dip.html", "keputusan.pdf"],
                     {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
                     {n: len(b) for n, b in files.items()})


def published_tree(**versions: dict[str, bytes]) -> dict[str, bytes]:
    files = {f"{slug}/{name}": content for slug, v in versions.items() for name, content in v.items()}
    return files | {"terkini.txt": list(versions)[-1].encode()}


# --- SFTP ---------------------------------------------------------------------------------------

def test_the_sftp_and_manual_targets_are_registered_with_their_labels():
    assert {n: TARGETS[n].label for n in ("sftp", "manual")} == {
        "sftp": "SFTP ke server website PPID", "manual": "Manual (CMS pusat): siapkan berkas, unggah sendiri"}


def test_two_versions_are_published_side_by_side_and_terkini_names_the_second(server):
    steps = []
    first = sftp.publish(version("v1"), "v1", config_for(server))
    second = sftp.publish(version("v2"), "v2", config_for(server), lambda f, n: steps.append((round(f, 2), n)))

    assert first == expected_published(version("v1"), f"{BASE_URL}/v1/dip.html")
    assert second == expected_published(version("v2"), f"{BASE_URL}/v2/dip.html")
    assert tree(server.root / "www") == published_tree(v1=version("v1"), v2=version("v2"))
    assert steps == [(0.33, "dip.html"), (0.67, "dip.csv"), (1.0, "keputusan.pdf")]


def test_publishing_the_same_slug_again_replaces_its_files_and_leaves_nothing_hidden(server):
    sftp.publish(version("lama"), "v1", config_for(server))
    sftp.publish(version("baru"), "v1", config_for(server))
    sftp.publish(version("baru"), "v1", config_for(server))

    assert tree(server.root / "www") == published_tree(v1=version("baru"))


def test_a_server_without_posix_rename_still_switches_folder_and_terkini(server):
    server.posix_rename = False
    sftp.publish(version("v1"), "v1", config_for(server))
    sftp.publish(version("v2"), "v2", config_for(server))
    sftp.publish(version("v2b"), "v2", config_for(server))

    assert tree(server.root / "www") == published_tree(v1=version("v1"), v2=version("v2b"))


@pytest.mark.parametrize("slug", ["v2", "v1"], ids=["new slug", "same slug again"])
def test_a_write_refused_halfway_leaves_the_published_files_and_terkini_exactly_as_before(server, slug):
    sftp.publish(version("v1"), "v1", config_for(server))
    before = tree(server.root / "www")
    server.refuse_write = "keputusan.pdf"
    steps = []

    with pytest.raises(SidipError) as caught:
        sftp.publish(version("v2"), slug, config_for(server), lambda f, n: steps.append(n))

    assert str(caught.value) == f"Unggah SFTP gagal: akses ditolak oleh server (keputusan.pdf). {KEPT}"
    assert tree(server.root / "www") == before
    assert steps == ["dip.html", "dip.csv"]
    assert PASSWORD not in str(caught.value)


def test_a_refused_switch_puts_the_previous_copy_of_the_slug_back(server):
    sftp.publish(version("v1"), "v1", config_for(server))
    before = tree(server.root / "www")
    server.refuse_rename = ".staging-"

    with pytest.raises(SidipError) as caught:
        sftp.publish(version("v1-ulang"), "v1", config_for(server))

    assert str(caught.value) == f"Unggah SFTP gagal: akses ditolak oleh server. {KEPT}"
    assert tree(server.root / "www") == before


def test_a_refused_terkini_leaves_it_naming_the_old_version_until_the_upload_is_run_again(server):
    sftp.publish(version("v1"), "v1", config_for(server))
    server.refuse_write = ".terkini.tmp"

    with pytest.raises(SidipError) as caught:
        sftp.publish(version("v2"), "v2", config_for(server))
    after_failure = tree(server.root / "www")
    server.refuse_write = None
    sftp.publish(version("v2"), "v2", config_for(server))

    assert str(caught.value) == ("Folder v2 sudah terunggah, tetapi terkini.txt belum diperbarui: akses ditolak "
                                 "oleh server. Jalankan unggah sekali lagi.")
    assert after_failure == published_tree(v2=version("v2"), v1=version("v1")) | {".terkini.tmp": b""}  # names v1
    assert tree(server.root / "www") == published_tree(v1=version("v1"), v2=version("v2"))


def test_a_server_with_another_host_key_is_refused_before_login_and_upload(server):
    impostor_key = paramiko.RSAKey.generate(1024)
    config = config_for(server, sftp_host_key=f"ssh-rsa {impostor_key.get_base64()} kunci-lama")

    with pytest.raises(SidipError) as caught:
        sftp.publish(version("v1"), "v1", config)

    assert str(caught.value) == (
        "Kunci host server 127.0.0.1 tidak cocok dengan sftp_host_key yang disetel; sambungan ditolak "
        f"sebelum login (server berganti atau ada penyadap). {KEPT}")
    assert (server.logins, tree(server.root / "www")) == ([], {})


def test_without_a_host_key_sidip_does_not_even_connect(server):
    with pytest.raises(SidipError) as caught:
        sftp.publish(version("v1"), "v1", config_for(server, sftp_host_key=""))

    assert str(caught.value) == (
        "Kunci host server SFTP (sftp_host_key) wajib diisi, misalnya hasil `ssh-keyscan -t ed25519 <host>`; "
        "tanpa itu SIDIP tidak mau terhubung.")
    assert server.connections == 0


def test_a_wrong_password_is_reported_without_echoing_any_password(server):
    config = config_for(server, sftp_password="salah-" + PASSWORD)

    with pytest.raises(SidipError) as caught:
        sftp.publish(version("v1"), "v1", config)

    assert str(caught.value) == (
        "Login SFTP ke 127.0.0.1 ditolak: periksa nama pengguna dan kata sandi atau kunci. " + KEPT)
    assert server.logins == ["ppid"]


def test_incomplete_settings_and_unsafe_names_are_refused_before_connecting(server):
    messages = []
    for files, slug, config in [(version("v1"), "v1", {"sftp_host": "127.0.0.1"}),
                                (version("v1"), "../v1", config_for(server)),
                                ({"../x.html": b""}, "v1", config_for(server)),
                                (version("v1"), "v1", config_for(server, sftp_host_key="ssh-dss AAAAB3NzaC1kc3M=")),
                                (version("v1"), "v1", config_for(server, sftp_host_key="ssh-ed25519 AAAA!!"))]:
        with pytest.raises(SidipError) as caught:
            sftp.publish(files, slug, config)
        messages.append(str(caught.value))

    assert messages == [
        "Pengaturan SFTP belum lengkap: sftp_user, sftp_remote_dir, base_url, sftp_password atau "
        "sftp_key_path belum diisi.",
        "Nama \"../v1\" tidak boleh dipakai sebagai nama berkas di server.",
        "Nama \"../x.html\" tidak boleh dipakai sebagai nama berkas di server.",
        "Jenis kunci host \"ssh-dss\" tidak dikenal; pakai ssh-ed25519, ecdsa atau ssh-rsa.",
        "Kunci host server SFTP (sftp_host_key) tidak dapat dibaca; salin ulang barisnya dari `ssh-keyscan`."]
    assert server.connections == 0


def test_an_unreachable_server_is_reported_with_host_and_port(server):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()

    with pytest.raises(SidipError) as caught:
        sftp.publish(version("v1"), "v1", config_for(server, sftp_port=str(port)))

    assert str(caught.value) == (f"Tidak dapat terhubung ke server SFTP 127.0.0.1:{port}: sambungan ditolak "
                                 f"atau server tidak terjangkau. {KEPT}")


# --- manual target and verify -------------------------------------------------------------------

class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def website(tmp_path):
    """A web server on 127.0.0.1 serving ``tmp_path / "web"``; yields (folder, base URL)."""
    folder = tmp_path / "web"
    folder.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    with serving(httpd) as base:
        yield folder, base


@pytest.fixture(autouse=True)
def no_proxy_for_localhost(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("SIDIP_LINKCHECK_ALLOW", "127.0.0.1")  # the test website is local


def test_the_manual_target_prepares_the_files_under_manual_slug_and_records_no_url(tmp_path):
    done = manual.publish(version("v1"), "v1", {"root": str(tmp_path / "publik")})

    assert done == expected_published(version("v1"), "")
    assert tree(tmp_path / "publik") == {f"manual/{k}": v for k, v in published_tree(v1=version("v1")).items()}


def test_verify_accepts_the_file_the_officer_uploaded_unchanged(tmp_path, website):
    folder, base = website
    done = manual.publish(version("v1"), "v1", {"root": str(tmp_path / "publik")})
    shutil.copytree(tmp_path / "publik" / "manual" / "v1", folder / "ppid")

    assert manual.verify(f"{base}/ppid/keputusan.pdf", done.checksums["keputusan.pdf"]) is None


def test_verify_reports_a_file_that_differs_from_the_prepared_one(website):
    folder, base = website
    (folder / "dip.html").write_bytes(b"<h1>DIP yang diubah di CMS</h1>")
    expected = hashlib.sha256(version("v1")["dip.html"]).hexdigest()
    actual = hashlib.sha256(b"<h1>DIP yang diubah di CMS</h1>").hexdigest()

    with pytest.raises(SidipError) as caught:
        manual.verify(f"{base}/dip.html", expected)

    assert str(caught.value) == (
        f"Berkas di {base}/dip.html berbeda dari yang disiapkan SIDIP (checksum tidak cocok): "
        f"diharapkan {expected[:12]}…, didapat {actual[:12]}…. Unggah ulang berkas dari folder manual.")


def test_verify_reports_a_missing_file_and_an_unreachable_server(website):
    _, base = website
    closed = socket.create_server(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{closed.getsockname()[1]}/dip.html"
    closed.close()
    messages = []
    for url in (f"{base}/belum-diunggah.html", dead, "ftp://cms.example.go.id/dip.html"):
        with pytest.raises(SidipError) as caught:
            manual.verify(url, "0" * 64, timeout=2)
        messages.append(str(caught.value))

    assert messages == [
        f"Berkas di {base}/belum-diunggah.html tidak dapat diambil: HTTP 404. Periksa kembali tautan yang dicatat.",
        f"Berkas di {dead} tidak dapat dijangkau. Periksa kembali tautan yang dicatat.",
        "Tautan harus diawali http:// atau https://: \"ftp://cms.example.go.id/dip.html\"."]
