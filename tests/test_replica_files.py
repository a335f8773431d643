"""Two app replicas on one PostgreSQL register, each with its own data folder: where do softcopies live?

A softcopy's record is in the shared register, its bytes in a folder. Each replica's own ``<data>/berkas``
holds only what was uploaded through it, so SIDIP_FILES_DIR names one folder (a shared volume) for all.
"""
import secrets

import pytest

from lib.bootstrap import build_context
from lib.errors import SidipError
from lib.services import attachments, auth, items
from lib.services.context import SYSTEM_ACTOR
from tests.conftest import submission
from tests.pg_support import pg_server  # noqa: F401 (fixture)
from tests.softcopy_samples import pdf_bytes


@pytest.fixture
def replica(pg_server, monkeypatch, tmp_path):
    """Opens replica N: the same database and key, data folder ``replika-N``; all closed at the end."""
    monkeypatch.setenv("SIDIP_DATABASE_URL", pg_server.create_database())
    monkeypatch.setenv("SIDIP_SECRET_KEY", secrets.token_hex(32))
    monkeypatch.delenv("SIDIP_BACKEND", raising=False)
    monkeypatch.delenv("SIDIP_FILES_DIR", raising=False)
    opened = []

    def open_replica(n: int):
        opened.append(build_context(tmp_path / f"replika-{n}"))
        return opened[-1]
    yield open_replica
    for ctx in opened:
        ctx.register.close()


def upload_through(ctx):
    """A desk submits an item and attaches a PDF; returns (the desk, the attachment, its bytes)."""
    desk = auth.add_user(ctx, SYSTEM_ACTOR, "desk", "Desk", "rahasia-panjang-1", ["desk"], "Sekretariat").actor()
    item = items.submit_new(ctx, desk, submission("Renstra"))
    data = pdf_bytes("Renstra 2025-2029")
    return desk, attachments.attach(ctx, desk, item.id, "renstra.pdf", data), data


def test_with_a_shared_files_folder_a_softcopy_uploaded_on_one_replica_is_read_on_the_other(
        replica, monkeypatch, tmp_path):
    monkeypatch.setenv("SIDIP_FILES_DIR", str(tmp_path / "berkas-bersama"))
    desk, att, data = upload_through(replica(1))
    assert attachments.read(replica(2), desk, att.id) == data


def test_without_it_the_other_replica_says_the_file_is_not_in_its_own_folder(replica, tmp_path):
    desk, att, _ = upload_through(replica(1))
    with pytest.raises(SidipError) as err:
        attachments.read(replica(2), desk, att.id)
    assert err.value.message == (f"Berkas {att.sha256[:12]}… tidak ada di penyimpanan (folder lokal "
                                 f"{tmp_path / 'replika-2' / 'berkas'}).")
