"""SFTP target: the website server gets a new folder, swapped in last, like the folder target.

config: ``sftp_host``, ``sftp_port`` (22), ``sftp_user``, ``sftp_password`` or ``sftp_key_path``,
``sftp_remote_dir``, ``sftp_host_key`` (required, e.g. "ssh-ed25519 AAAA..."), ``base_url``
(the public URL of ``sftp_remote_dir``).
"""
from __future__ import annotations

import base64
import binascii
import errno
import re
import secrets
import socket
import stat
from contextlib import contextmanager

import paramiko
from paramiko.pkey import UnknownKeyType
from paramiko.ssh_exception import NoValidConnectionsError

from lib.errors import SidipError
from lib.publish import Published, Target, describe, register

TIMEOUT = 20  # seconds, for connecting and for every SFTP request
REQUIRED = ("sftp_host", "sftp_user", "sftp_remote_dir", "base_url")
KEPT = "Berkas yang sudah terbit tidak berubah."
_WHY = {errno.ENOENT: "tidak ditemukan", errno.EACCES: "akses ditolak oleh server"}
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_DEPTH = 3  # berkas/<item id>/<file name>


def publish(files: dict[str, bytes], slug: str, config: dict, progress=None, latest: bool = True) -> Published:
    """``latest=False`` publishes a folder that is not a version (the items' files) and leaves terkini.txt."""
    _check(files, slug, config)
    remote = config["sftp_remote_dir"].rstrip("/") or "/"
    with _session(config) as sftp:
        _upload_and_switch(sftp, files, slug, remote, progress)
        if latest:
            _point_latest(sftp, remote, slug)
    return describe(files, f"{config['base_url'].rstrip('/')}/{slug}/dip.html")


def _upload_and_switch(sftp, files: dict[str, bytes], slug: str, remote: str, progress) -> None:
    """Until the switch nothing public changes, so any failure only costs the staging folder."""
    staging = f"{remote}/.staging-{slug}-{secrets.token_hex(4)}"
    try:
        _upload(sftp, staging, files, progress)
        _swap_in(sftp, staging, f"{remote}/{slug}", f"{remote}/.old-{slug}-{secrets.token_hex(4)}")
    except (OSError, paramiko.SSHException, EOFError) as err:
        _remove_tree(sftp, staging)
        raise SidipError(f"Unggah SFTP gagal: {_reason(err)}. {KEPT}") from err


def _upload(sftp, folder: str, files: dict[str, bytes], progress) -> None:
    sftp.mkdir(folder)
    made: set[str] = set()
    for n, (name, content) in enumerate(files.items(), start=1):
        _make_parents(sftp, folder, name, made)
        _named(name, _put, sftp, f"{folder}/{name}", content)
        if progress:
            progress(n / len(files), name)


def _make_parents(sftp, folder: str, name: str, made: set[str]) -> None:
    """item/<id>.html and berkas/<item>/<file>: subfolders of the fresh staging folder, each made once."""
    parts = name.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        sub = "/".join(parts[:depth])
        if sub not in made:
            _named(sub, sftp.mkdir, f"{folder}/{sub}")
            made.add(sub)


def _put(sftp, path: str, content: bytes) -> None:
    with sftp.open(path, "wb") as remote_file:
        remote_file.write(content)


def _named(name: str, action, *args) -> None:
    """SFTP errors carry no file name; the officer needs to know which file the server refused."""
    try:
        action(*args)
    except OSError as err:
        err.filename = name
        raise


def _swap_in(sftp, source: str, target: str, aside: str) -> None:
    """Move source to target; an existing target goes aside first and comes back if the move fails."""
    present = _exists(sftp, target)
    if present:
        sftp.rename(target, aside)
    try:
        _move(sftp, source, target)
    except (OSError, paramiko.SSHException):
        if present:
            sftp.rename(aside, target)
        raise
    if present:
        _remove_tree(sftp, aside)


def _move(sftp, source: str, target: str) -> None:
    try:
        sftp.posix_rename(source, target)
    except OSError:  # the server may lack posix-rename@openssh.com; target is free, so rename works
        sftp.rename(source, target)


def _point_latest(sftp, remote: str, slug: str) -> None:
    """'terkini.txt' names the current folder; replaced in one step where the server allows it."""
    tmp, latest = f"{remote}/.terkini.tmp", f"{remote}/terkini.txt"
    try:
        _put(sftp, tmp, slug.encode())
        _replace(sftp, tmp, latest, f"{remote}/.terkini-{secrets.token_hex(4)}.old")
    except (OSError, paramiko.SSHException, EOFError) as err:
        raise SidipError(f"Folder {slug} sudah terunggah, tetapi terkini.txt belum diperbarui: "
                         f"{_reason(err)}. Jalankan unggah sekali lagi.") from err


def _replace(sftp, source: str, target: str, aside: str) -> None:
    try:
        sftp.posix_rename(source, target)
    except OSError:  # no posix-rename: plain rename refuses an existing target, so swap it aside
        _swap_in(sftp, source, target, aside)


def _exists(sftp, path: str) -> bool:
    try:
        sftp.lstat(path)
    except FileNotFoundError:
        return False
    return True


def _remove_tree(sftp, path: str) -> None:
    """Best effort: leftovers are hidden dot-names, and must not mask the error being reported."""
    try:
        _remove(sftp, path, sftp.lstat(path))
    except (OSError, paramiko.SSHException, EOFError):
        pass


def _remove(sftp, path: str, attrs: paramiko.SFTPAttributes) -> None:
    if stat.S_ISDIR(attrs.st_mode or 0):
        for entry in sftp.listdir_attr(path):
            _remove(sftp, f"{path}/{entry.filename}", entry)
        sftp.rmdir(path)
    else:
        sftp.remove(path)


def _reason(err: BaseException) -> str:
    if isinstance(err, socket.timeout):
        return f"server tidak menjawab dalam {TIMEOUT} detik"
    if isinstance(err, NoValidConnectionsError):
        return "sambungan ditolak atau server tidak terjangkau"
    why = _WHY.get(getattr(err, "errno", None)) or getattr(err, "strerror", None) or str(err)
    name = getattr(err, "filename", None)
    return f"{why or type(err).__name__} ({name})" if name else why or type(err).__name__


def _check(files: dict[str, bytes], slug: str, config: dict) -> None:
    missing = [k for k in REQUIRED if not config.get(k)]
    if not (config.get("sftp_password") or config.get("sftp_key_path")):
        missing.append("sftp_password atau sftp_key_path")
    if missing:
        raise SidipError("Pengaturan SFTP belum lengkap: " + ", ".join(missing) + " belum diisi.")
    # they become remote paths: plain parts only (the slug one, a file up to MAX_DEPTH), no '..', no hidden names
    for name, parts in [(slug, [slug]), *((f, f.split("/")) for f in files)]:
        if len(parts) > MAX_DEPTH or not all(_SLUG.fullmatch(p) for p in parts):
            raise SidipError(f"Nama \"{name}\" tidak boleh dipakai sebagai nama berkas di server.")


@contextmanager
def _session(config: dict):
    client = paramiko.SSHClient()
    try:
        yield _open(client, config)
    finally:
        client.close()


def _open(client: paramiko.SSHClient, config: dict) -> paramiko.SFTPClient:
    """Logged in over SFTP; the host key is checked before the password is sent."""
    host, port = config["sftp_host"], _port(config)
    key = host_key(config.get("sftp_host_key") or "")
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.get_host_keys().add(host if port == 22 else f"[{host}]:{port}", key.get_name(), key)
    try:
        client.connect(host, port, username=config["sftp_user"], password=config.get("sftp_password") or None,
                       key_filename=config.get("sftp_key_path") or None, timeout=TIMEOUT,
                       banner_timeout=TIMEOUT, auth_timeout=TIMEOUT, channel_timeout=TIMEOUT,
                       allow_agent=False, look_for_keys=False)
        sftp = client.open_sftp()
    except Exception as err:  # paramiko raises many unrelated types; every one ends the same way
        raise SidipError(_connect_message(err, host, port) + f" {KEPT}") from err
    sftp.get_channel().settimeout(TIMEOUT)  # a server that stalls mid-upload fails instead of hanging
    return sftp


def _connect_message(err: Exception, host: str, port: int) -> str:
    if isinstance(err, paramiko.BadHostKeyException):
        return (f"Kunci host server {host} tidak cocok dengan sftp_host_key yang disetel; "
                "sambungan ditolak sebelum login (server berganti atau ada penyadap).")
    if isinstance(err, paramiko.AuthenticationException):
        return f"Login SFTP ke {host} ditolak: periksa nama pengguna dan kata sandi atau kunci."
    return f"Tidak dapat terhubung ke server SFTP {host}:{port}: {_reason(err)}."


def _port(config: dict) -> int:
    try:
        return int(config.get("sftp_port") or 22)
    except ValueError:
        raise SidipError(f"Port SFTP \"{config['sftp_port']}\" bukan angka.") from None


def host_key(text: str) -> paramiko.PKey:
    """The expected server key, from "ssh-ed25519 AAAA..." (a known_hosts line works too)."""
    words = text.split()
    kinds = [i for i, w in enumerate(words[:-1]) if w.startswith(("ssh-", "ecdsa-"))]
    if not kinds:
        raise SidipError("Kunci host server SFTP (sftp_host_key) wajib diisi, misalnya hasil "
                         "`ssh-keyscan -t ed25519 <host>`; tanpa itu SIDIP tidak mau terhubung.")
    kind, data = words[kinds[0]], words[kinds[0] + 1]
    try:
        return paramiko.PKey.from_type_string(kind, base64.b64decode(data, validate=True))
    except UnknownKeyType:
        raise SidipError(f"Jenis kunci host \"{kind}\" tidak dikenal; pakai ssh-ed25519, ecdsa atau ssh-rsa.") from None
    except (binascii.Error, ValueError, paramiko.SSHException):
        raise SidipError("Kunci host server SFTP (sftp_host_key) tidak dapat dibaca; salin ulang "
                         "barisnya dari `ssh-keyscan`.") from None


register(Target("sftp", "SFTP ke server website PPID", publish))
