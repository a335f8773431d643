"""A decree is not rewritten by later settings: an established version prints what was set when it was decreed."""
import io
import time

from PIL import Image

from lib.export import EXPORTERS
from lib.services import admin, letterhead, publishing, versions
from tests.test_exports import DECREE, add

NEW_SETTINGS = {"office_name": "KPU Kabupaten Baru", "office_place": "Kota Baru",
                "legal_bases": ["Undang-Undang Nomor 1 Tahun 2099 tentang Contoh"],
                "ppid_appointment_decree": "Keputusan KPU Kabupaten Baru Nomor 9 Tahun 2099",
                "decree_template": "Teks keputusan yang baru.", "ppid_name": "Pejabat Baru",
                "ppid_position": "Kepala Bagian Baru", "ppid_nip": "199901012099011001", "publish_nip": "1"}


def png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 10), colour).save(out, "PNG")
    return out.getvalue()


def every_format(ctx, actor, version_id) -> dict[str, bytes]:
    files = {f"{fmt}.{kind}": publishing.export_bytes(ctx, actor, version_id, fmt, kind)[1]
             for fmt in EXPORTERS for kind in ("dip", "dik")}
    return files | {"keputusan": publishing.export_bytes(ctx, actor, version_id, "keputusan")[1]}


def uploaded(ctx, people):
    add(ctx, people, "Rencana Strategis 2025-2029")
    add(ctx, people, "Data pribadi pemilih", "dikecualikan", pasal17_huruf="h", konsekuensi_dibuka="Terbuka",
        konsekuensi_ditutup="Terjaga")
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    return publishing.upload(ctx, people["ppid"], v.id, v.revision)


def test_every_document_of_an_uploaded_version_stays_byte_identical_after_every_setting_changes(ctx, people):
    letterhead.save(ctx, people["admin"], png("red"))
    v = uploaded(ctx, people)
    before = every_format(ctx, people["ppid"], v.id)
    time.sleep(1.1)  # a creation date taken from the clock would now differ
    admin.update_settings(ctx, people["admin"], NEW_SETTINGS)
    letterhead.save(ctx, people["admin"], png("blue"))
    after = every_format(ctx, people["ppid"], v.id)
    assert [name for name in before if before[name] != after[name] and not name.startswith("xlsx")] == []
    assert len(before) == 2 * len(EXPORTERS) + 1


def test_the_xlsx_of_an_uploaded_version_stays_byte_identical_too(ctx, people):
    v = uploaded(ctx, people)
    before = publishing.export_bytes(ctx, people["ppid"], v.id, "xlsx", "dip")[1]
    time.sleep(1.1)
    admin.update_settings(ctx, people["admin"], NEW_SETTINGS)
    assert publishing.export_bytes(ctx, people["ppid"], v.id, "xlsx", "dip")[1] == before


def test_a_draft_reads_todays_settings_while_the_established_version_keeps_its_own(ctx, people):
    v = uploaded(ctx, people)
    admin.update_settings(ctx, people["admin"], NEW_SETTINGS)
    draft = versions.create_version(ctx, people["ppid"], 2027)
    new_doc = publishing.document(ctx, draft, [])
    old_doc = publishing.document(ctx, ctx.register.get_version(v.id), ctx.register.snapshot(v.id))
    assert (new_doc.office_name, new_doc.legal_bases[-1], new_doc.decree_text, new_doc.signer.name) == (
        "KPU Kabupaten Baru", NEW_SETTINGS["ppid_appointment_decree"], "Teks keputusan yang baru.", "Pejabat Baru")
    assert old_doc.office_name != "KPU Kabupaten Baru" and old_doc.decree_text != "Teks keputusan yang baru."
    assert old_doc.signer.nip == ""  # publish_nip was off when the decree was established


def test_a_version_established_before_settings_were_frozen_falls_back_to_todays_settings(ctx, people):
    v = uploaded(ctx, people)
    old = ctx.register.get_version(v.id).replace(frozen={})
    admin.update_settings(ctx, people["admin"], NEW_SETTINGS)
    assert publishing.document(ctx, old, []).office_name == "KPU Kabupaten Baru"
