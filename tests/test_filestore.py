"""The local file store keeps bytes by their hash, privately, and never outside its folder."""
from __future__ import annotations

import os
import stat

import pytest

from lib.errors import SidipError
from lib.store.filestore import LocalFileStore, sha256_of

OFFICE = "kpu-sarolangun"


def test_bytes_are_stored_once_by_their_hash_with_owner_only_modes(tmp_path):
    store, data = LocalFileStore(tmp_path / "berkas"), b"%PDF-1.4 uji"
    sha = sha256_of(data)
    ref = store.put(OFFICE, data, sha)
    assert ref == f"{OFFICE}/{sha[:2]}/{sha}" and store.put(OFFICE, data, sha) == ref
    path = tmp_path / "berkas" / OFFICE / sha[:2] / sha
    assert store.get(ref) == data and store.exists(ref)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert sorted(p.name for p in (tmp_path / "berkas").rglob("*")) == sorted([OFFICE, sha[:2], sha])


def test_a_hash_that_does_not_match_the_bytes_stores_nothing(tmp_path):
    store = LocalFileStore(tmp_path / "berkas")
    with pytest.raises(SidipError, match="tidak cocok dengan isinya"):
        store.put(OFFICE, b"isi", sha256_of(b"lain"))
    assert not (tmp_path / "berkas").exists()


@pytest.mark.parametrize("ref", ["../../secret.key", f"{OFFICE}/../{'a' * 64}", f"../aa/{'a' * 64}",
                                 f"{OFFICE}/bb/{'a' * 64}", "/etc/passwd"])
def test_a_reference_that_could_leave_the_store_is_refused(tmp_path, ref):
    store = LocalFileStore(tmp_path / "berkas")
    assert not store.exists(ref)
    with pytest.raises(SidipError, match="tidak sah"):
        store.get(ref)


def test_an_office_id_that_is_a_path_is_refused(tmp_path):
    with pytest.raises(SidipError, match="Kode kantor"):
        LocalFileStore(tmp_path / "berkas").put("../x", b"isi", sha256_of(b"isi"))
    assert list(tmp_path.iterdir()) == []
