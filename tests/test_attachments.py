"""Softcopies stored by SIDIP: who may add and replace them, the audit log, the history, the hash check."""
from __future__ import annotations

import pytest

from lib.domain.filetypes import KINDS
from lib.errors import PermissionDenied, SidipError, ValidationError
from lib.services import attachments, items, versions
from lib.store.filestore import sha256_of
from tests import softcopy_samples as samples
from tests.conftest import UNIT_A, classification, submission

PDF = samples.pdf_bytes()


@pytest.fixture
def submitted(ctx, people):
    return items.submit_new(ctx, people["desk"], submission())


def test_the_desk_attaches_a_file_to_its_own_submission_with_hash_uploader_and_time(ctx, people, submitted):
    att = attachments.attach(ctx, people["desk"], submitted.id, "../Laporan\x00 2025.pdf", PDF)
    assert (att.filename, att.media_type, att.size, att.sha256) == (
        "Laporan 2025.pdf", KINDS["pdf"].media_type, len(PDF), sha256_of(PDF))
    assert (att.uploaded_by, att.uploaded_at, att.status, att.revision) == (
        "desk", "2026-03-17T02:00:00+00:00", "aktif", 1)
    assert attachments.files_of(ctx, people["atasan"], submitted.id) == [att]
    assert attachments.read(ctx, people["ppid"], att.id) == PDF
    event = ctx.register.events(ctx.office_id)[-1]
    assert (event.action, event.actor, event.entity, event.entity_id, event.unit) == (
        "berkas.unggah", "desk", "attachment", att.id, UNIT_A)
    assert event.after == {"item_id": submitted.id, **att.frozen()}


def test_another_units_desk_can_neither_attach_nor_read(ctx, people, submitted):
    att = attachments.attach(ctx, people["desk"], submitted.id, "a.pdf", PDF)
    with pytest.raises(PermissionDenied, match="milik unit Sekretariat"):
        attachments.attach(ctx, people["desk_b"], submitted.id, "b.pdf", PDF)
    with pytest.raises(PermissionDenied):
        attachments.read(ctx, people["desk_b"], att.id)


def test_atasan_and_admin_only_read_and_the_desk_stops_once_the_item_is_classified(ctx, people, submitted):
    for role in ("atasan", "admin"):
        with pytest.raises(PermissionDenied, match="hanya untuk Desk Pelayanan atau PPID"):
            attachments.attach(ctx, people[role], submitted.id, "a.pdf", PDF)
    done = items.classify(ctx, people["ppid"], submitted.id, classification(submitted), submitted.revision)
    with pytest.raises(PermissionDenied, match="hanya dapat diubah PPID"):
        attachments.attach(ctx, people["desk"], done.id, "a.pdf", PDF)
    assert attachments.attach(ctx, people["ppid"], done.id, "a.pdf", PDF).uploaded_by == "ppid"


def test_replacing_keeps_the_old_file_in_the_history_and_audits_both(ctx, people, submitted):
    old = attachments.attach(ctx, people["desk"], submitted.id, "draf.pdf", PDF)
    png = samples.image_bytes("PNG")
    new = attachments.replace(ctx, people["ppid"], old.id, "final.png", png)
    assert attachments.files_of(ctx, people["desk"], submitted.id) == [new]
    history = attachments.files_of(ctx, people["desk"], submitted.id, history=True)
    assert [(a.filename, a.status, a.replaces) for a in history] == [
        ("draf.pdf", "diganti", ""), ("final.png", "aktif", old.id)]
    assert attachments.read(ctx, people["ppid"], old.id) == PDF
    actions = [(e.action, e.entity_id) for e in ctx.register.events(ctx.office_id)[-2:]]
    assert actions == [("berkas.ganti", new.id), ("berkas.diganti", old.id)]
    with pytest.raises(SidipError, match="sudah diganti"):
        attachments.replace(ctx, people["ppid"], old.id, "lagi.pdf", PDF)


def test_a_file_whose_bytes_changed_in_the_store_is_refused_on_read(ctx, people, submitted):
    att = attachments.attach(ctx, people["desk"], submitted.id, "a.pdf", PDF)
    path = ctx.file_store().root / att.storage_ref
    path.write_bytes(PDF + b"%tambahan")
    with pytest.raises(SidipError, match="rusak atau telah diubah di penyimpanan"):
        attachments.read(ctx, people["ppid"], att.id)


def test_a_hostile_upload_is_refused_and_writes_nothing(ctx, people, submitted):
    store = ctx.file_store().root
    cases = [("setup.pdf", b"MZ\x90\x00" + b"\0" * 64), ("kosong.pdf", b""), ("bom.docx", samples.zip_bomb())]
    for name, data in cases:
        with pytest.raises(ValidationError):
            attachments.attach(ctx, people["desk"], submitted.id, name, data)
    from lib.services import admin
    admin.update_settings(ctx, people["admin"], {"batas_berkas_mb": "1"})
    with pytest.raises(ValidationError, match="melebihi batas 1 MB"):
        attachments.attach(ctx, people["desk"], submitted.id, "besar.pdf", b"%PDF-" + b"0" * (2 << 20))
    assert not store.exists() and ctx.register.list_attachments(ctx.office_id) == []


def test_a_dip_version_freezes_each_items_current_files_by_hash(ctx, people, submitted):
    old = attachments.attach(ctx, people["desk"], submitted.id, "draf.pdf", PDF)
    done = items.classify(ctx, people["ppid"], submitted.id, classification(submitted), submitted.revision)
    new = attachments.replace(ctx, people["ppid"], old.id, "final.pdf", samples.pdf_bytes("Final"))
    version = versions.create_version(ctx, people["ppid"], 2026)
    [row] = versions.preview(ctx, people["ppid"], version.id).rows
    assert row.item_id == done.id and row.data["berkas"] == [
        {"id": new.id, "filename": "final.pdf", "media_type": "application/pdf", "size": new.size,
         "sha256": new.sha256}]
