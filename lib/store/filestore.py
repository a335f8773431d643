"""The file-store port: where the bytes of stored softcopies live, addressed by their SHA-256.

The register keeps each file's record (name, type, size, hash, ``storage_ref``); a store keeps the
bytes. Content addressing makes ``put`` idempotent (the same bytes twice are stored once) and lets
anyone check, by hashing what ``get`` returns, that the bytes are the ones recorded.
"""
from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from pathlib import Path

from lib.errors import SidipError
from lib.files import PRIVATE_DIR, PRIVATE_FILE, check_office_id, inside, make_dir, write_atomic

SHA256 = re.compile(r"[0-9a-f]{64}")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore(ABC):
    """Bytes of stored files, by content."""

    @abstractmethod
    def put(self, office_id: str, data: bytes, sha256: str) -> str:
        """Store ``data`` (whose hash the caller computed) and return its ``storage_ref``.

        Idempotent: the same bytes give the same ref and are stored once. A ``sha256`` that does not
        match ``data`` is refused: nothing is stored under a wrong name.
        """

    @abstractmethod
    def get(self, storage_ref: str) -> bytes:
        """The stored bytes; SidipError (Indonesian) when the ref is unknown or unreadable."""

    @abstractmethod
    def exists(self, storage_ref: str) -> bool:
        """Whether the store holds bytes under this ref."""

    @abstractmethod
    def describe(self) -> str:
        """Where the files are kept, in words (doctor and the settings page say it)."""


class LocalFileStore(FileStore):
    """A folder under the data folder: ``<root>/<office>/<sha[:2]>/<sha>``, owner-only modes.

    On several app replicas the folder must be a shared volume. A ref is ``<office>/<sha[:2]>/<sha>``
    and is checked by pattern before it becomes a path: an edited register row cannot reach outside.
    """

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def put(self, office_id: str, data: bytes, sha256: str) -> str:
        check_office_id(office_id)
        if not SHA256.fullmatch(sha256 or "") or sha256_of(data) != sha256:
            raise SidipError("Sidik SHA-256 berkas tidak cocok dengan isinya; berkas tidak disimpan.")
        ref = f"{office_id}/{sha256[:2]}/{sha256}"
        path = self._path(ref)
        if path.exists() and path.stat().st_size == len(data):
            return ref
        make_dir(self.root, PRIVATE_DIR)
        make_dir(path.parent, PRIVATE_DIR)
        write_atomic(path, data, PRIVATE_FILE, what="berkas unggahan")
        return ref

    def get(self, storage_ref: str) -> bytes:
        path = self._path(storage_ref)
        try:
            return path.read_bytes()
        except FileNotFoundError as err:
            raise SidipError(f"Berkas {storage_ref.rsplit('/', 1)[-1][:12]}… tidak ada di penyimpanan "
                             f"({self.describe()}).") from err

    def exists(self, storage_ref: str) -> bool:
        try:
            return self._path(storage_ref).is_file()
        except SidipError:
            return False

    def describe(self) -> str:
        return f"folder lokal {self.root}"

    def _path(self, storage_ref: str) -> Path:
        parts = str(storage_ref).split("/")
        if len(parts) != 3 or not SHA256.fullmatch(parts[2]) or parts[1] != parts[2][:2]:
            raise SidipError(f"Rujukan berkas \"{str(storage_ref)[:80]}\" tidak sah.")
        check_office_id(parts[0])
        return inside(self.root, *parts)

