"""Use cases on a real register: the five SOP steps, roles enforced by every service, bad input."""
import csv
import io
from datetime import date

import pytest

from lib.errors import PermissionDenied, ValidationError, WorkflowError
from lib.services import admin, auth, home, items, publishing, versions
from tests.conftest import UNIT_A, UNIT_B, classification, submission

DECREE = {"nomor_keputusan": "01/PPID/2026", "tanggal_keputusan": "2026-03-20",
          "tempat_keputusan": "Sarolangun", "penandatangan": "Rina", "alasan_kelengkapan": "Uji"}
EXEMPT = {"pasal17_huruf": "h", "pasal17_angka": "2", "konsekuensi_dibuka": "Data pribadi terbuka",
          "konsekuensi_ditutup": "Privasi terlindungi"}


def classified(ctx, people, judul="Laporan Keuangan 2025", kategori="berkala", **extra):
    req = items.open_request(ctx, people["ppid"], UNIT_A, judul)
    sub = items.submit(ctx, people["desk"], req.id, submission(judul), req.revision)
    return items.classify(ctx, people["ppid"], sub.id, classification(sub, kategori, **extra), sub.revision)


def established(ctx, people):
    v = versions.create_version(ctx, people["ppid"], 2026)
    return versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)


def test_the_five_sop_steps_end_with_a_published_list_and_a_full_audit_trail(ctx, people):
    item = classified(ctx, people)                                                  # steps 1–2
    classified(ctx, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    v = established(ctx, people)                                                    # step 3
    v = versions.approve(ctx, people["atasan"], v.id, "Unggah segera", v.revision)  # step 4
    v = publishing.upload(ctx, people["desk"], v.id, v.revision)                      # step 5
    assert (v.status, v.upload_files) == ("diunggah", [
        "dik.csv", "dik.html", "dik.json", "dik.pdf", "dik.xlsx",
        "dip.csv", "dip.html", "dip.json", "dip.pdf", "dip.xlsx", "jejak-audit.txt", "keputusan.pdf"])
    html = open(f"{ctx.publish_dir}/{v.id}/dip.html", encoding="utf-8").read()
    assert item.judul in html and "Data pribadi pemilih" not in html and "DRAF" not in html
    dik = open(f"{ctx.publish_dir}/{v.id}/dik.html", encoding="utf-8").read()
    assert "Data pribadi pemilih" in dik and "Privasi terlindungi" in dik  # the DIK is published
    actions = [e.action for e in ctx.register.events(ctx.office_id) if e.entity in ("item", "version")]
    assert actions[-4:] == ["versi_dibuat", "dip_ditetapkan", "dip_disetujui_perintah_unggah", "dip_diunggah"]


def test_the_public_list_carries_no_protected_exempt_details(ctx, people):
    classified(ctx, people, "Data pribadi pemilih", "dikecualikan",
               **{**EXEMPT, "lokasi_softcopy": "Drive/RAHASIA"})
    classified(ctx, people)
    v = established(ctx, people)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    publishing.upload(ctx, people["ppid"], v.id, v.revision)
    public = publishing.latest_published(ctx)
    exempt = [r for r in public.rows if r.kategori == "dikecualikan"]
    assert [r.data["judul"] for r in exempt] == ["Data pribadi pemilih"]
    assert "lokasi_softcopy" not in exempt[0].data and "Drive/RAHASIA" not in str(public.rows)


def test_nomor_is_assigned_per_category_at_penetapan(ctx, people):
    for judul, kategori in [("A", "berkala"), ("B", "setiap_saat"), ("C", "berkala")]:
        classified(ctx, people, judul, kategori)
    rows = ctx.register.snapshot(established(ctx, people).id)
    assert [(r.kategori, r.nomor, r.data["judul"]) for r in rows] == [
        ("berkala", 1, "A"), ("berkala", 2, "C"), ("setiap_saat", 1, "B")]


def test_sending_back_returns_to_draft_and_the_history_keeps_both_decrees(ctx, people):
    classified(ctx, people)
    v = established(ctx, people)
    v = versions.send_back(ctx, people["atasan"], v.id, "Nomor keputusan salah", v.revision)
    assert (v.status, ctx.register.snapshot(v.id)) == ("draf", [])
    v = versions.establish(ctx, people["ppid"], v.id, {**DECREE, "nomor_keputusan": "02/PPID/2026"}, v.revision)
    assert [(h["aksi"], h.get("decree", {}).get("nomor")) for h in v.history] == [
        ("ditetapkan", "01/PPID/2026"), ("dikembalikan", None), ("ditetapkan", "02/PPID/2026")]


def test_an_update_starts_from_the_previous_version_and_shows_what_changed(ctx, people):
    old = classified(ctx, people, "Renstra")
    v1 = established(ctx, people)
    v1 = versions.approve(ctx, people["atasan"], v1.id, "", v1.revision)
    items.withdraw(ctx, people["ppid"], old.id, "Sudah tidak berlaku", old.revision)
    classified(ctx, people, "LKjIP")
    v2 = versions.create_version(ctx, people["ppid"], 2026, 2)
    view = versions.preview(ctx, people["ppid"], v2.id)
    assert v2.base_version_id == v1.id
    assert ([r.data["judul"] for r in view.diff.added], [r.data["judul"] for r in view.diff.removed]) == (
        ["LKjIP"], ["Renstra"])


def test_an_unapproved_version_exports_as_draf(ctx, people):
    classified(ctx, people)
    v = established(ctx, people)
    name, content = publishing.export_bytes(ctx, people["ppid"], v.id, "html")
    assert name == "dip.html" and "DRAF" in content.decode()


def test_the_csv_export_opens_in_excel_and_neutralises_formulas(ctx, people):
    classified(ctx, people, '=HYPERLINK("http://x","klik")')
    v = established(ctx, people)
    _, content = publishing.export_bytes(ctx, people["ppid"], v.id, "csv")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["DRAF — belum disetujui"]  # established, not yet approved
    assert rows[2][2] == "'=HYPERLINK(\"http://x\",\"klik\")"


def test_markup_in_a_title_is_stored_as_plain_text_and_escaped_in_html(ctx, people):
    classified(ctx, people, "<script>alert(1)</script>")
    v = established(ctx, people)
    html = publishing.export_bytes(ctx, people["ppid"], v.id, "html")[1].decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("change,field,message", [
    ({"ringkasan": ""}, "ringkasan", "Ringkasan isi informasi wajib diisi."),
    ({"judul": "x" * 100_000}, "judul", "Judul informasi terlalu panjang: 100.000 karakter, paling banyak 300."),
    ({"info_created_on": "17/03/2026"}, "info_created_on",
     'Tanggal informasi dibuat tidak valid: "17/03/2026". Gunakan format TTTT-BB-HH, contoh 2026-03-17.'),
    ({"kategori": "rahasia"}, "kategori", 'Kategori "rahasia" tidak dikenal. Pilih salah satu: berkala, '
                                         'serta_merta, setiap_saat, dikecualikan.'),
    ({"tautan": "javascript:alert(1)"}, "tautan",
     'Tautan harus diawali http:// atau https:// (satu tautan per baris): "javascript:alert(1)".'),
])
def test_bad_submissions_get_a_clear_message_and_change_nothing(ctx, people, change, field, message):
    with pytest.raises(ValidationError) as err:
        items.submit_new(ctx, people["desk"], submission(**change))
    assert err.value.fields[field] == message
    assert ctx.register.list_items(ctx.office_id) == []


def test_an_exempt_item_needs_a_pasal_17_ground_and_the_consequence_test(ctx, people):
    sub = items.submit_new(ctx, people["desk"], submission())
    with pytest.raises(ValidationError) as err:
        items.classify(ctx, people["ppid"], sub.id, classification(sub, "dikecualikan"), sub.revision)
    assert set(err.value.fields) == {"pasal17_huruf", "konsekuensi_dibuka", "konsekuensi_ditutup", "masa_pengecualian"}
    assert ctx.register.get_item(sub.id).status == "diajukan"


def test_items_missing_a_dip_column_cannot_enter_a_version(ctx, people):
    item = classified(ctx, people)
    ctx.register.save_item(item.replace(retensi=""), ctx.event(people["ppid"], "uji", "item", item.id), item.revision)
    v = versions.create_version(ctx, people["ppid"], 2026)
    view = versions.preview(ctx, people["ppid"], v.id)
    assert (view.rows, [i.judul for i in view.incomplete]) == ([], ["Laporan Keuangan 2025"])
    with pytest.raises(WorkflowError):
        versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)


def test_a_desk_officer_sees_and_answers_only_their_own_units_requests(ctx, people):
    req = items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    items.open_request(ctx, people["ppid"], UNIT_B, "DPT")
    assert [v.item.judul for v in items.visible_items(ctx, people["desk_b"])] == ["DPT"]
    with pytest.raises(PermissionDenied):
        items.submit(ctx, people["desk_b"], req.id, submission(), req.revision)


def test_an_open_requests_deadline_explains_the_skipped_holidays(ctx, people):
    items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")  # 17 March 2026
    view = items.visible_items(ctx, people["ppid"])[0]
    assert view.deadline.due == date(2026, 3, 31)
    assert [s.day.day for s in view.deadline.skipped] == [18, 19, 20, 23, 24]


def test_a_holiday_override_moves_open_deadlines_but_not_judged_ones(ctx, people):
    done = items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    items.submit(ctx, people["desk"], done.id, submission("Renstra"), done.revision)
    items.open_request(ctx, people["ppid"], UNIT_A, "LKjIP")
    admin.set_holiday_override(ctx, people["admin"], "2026-03-25", "libur", "Libur daerah")
    views = {v.item.judul: v for v in items.visible_items(ctx, people["ppid"])}
    assert views["LKjIP"].deadline.due == date(2026, 4, 1)
    assert views["Renstra"].item.judged_due_on == date(2026, 3, 31)
    assert views["Renstra"].item.judged_calendar != ctx.calendar().fingerprint


def test_a_stale_form_is_refused_with_who_changed_it(ctx, people):
    req = items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    sub = items.submit(ctx, people["desk"], req.id, submission("Renstra"), req.revision)
    items.return_item(ctx, people["ppid"], sub.id, "Lengkapi", sub.revision)
    with pytest.raises(Exception) as err:
        items.classify(ctx, people["ppid"], sub.id, classification(sub), sub.revision)
    assert "sudah diubah oleh ppid" in str(err.value)


WRONG_ROLE_CALLS = [
    ("desk", lambda c, a: items.open_request(c, a, UNIT_A, "X")),
    ("ppid", lambda c, a: items.submit_new(c, a, submission())),
    ("atasan", lambda c, a: versions.create_version(c, a, 2026)),
    ("ppid", lambda c, a: auth.add_user(c, a, "baru", "Baru", "rahasia-panjang-2", ["desk"], UNIT_A)),
    ("ppid", lambda c, a: admin.update_settings(c, a, {"office_name": "X"})),
    ("desk", lambda c, a: admin.set_holiday_override(c, a, "2026-03-25", "libur")),
    ("desk", lambda c, a: versions.preview(c, a, "x")),
    ("admin", lambda c, a: items.submit_new(c, a, submission())),
    ("atasan", lambda c, a: auth.list_users(c, a)),
    ("ppid", lambda c, a: auth.reset_password(c, a, "desk", "rahasia-panjang-9")),
]


@pytest.mark.parametrize("role,call", WRONG_ROLE_CALLS)
def test_every_service_refuses_a_wrong_role(ctx, people, role, call):
    before = len(ctx.register.events(ctx.office_id))
    with pytest.raises(PermissionDenied):
        call(ctx, people[role])
    assert len(ctx.register.events(ctx.office_id)) == before


@pytest.mark.parametrize("call", [
    lambda c: items.visible_items(c, None), lambda c: home.todo(c, None),
    lambda c: admin.audit_log(c, None), lambda c: versions.list_versions(c, None),
])
def test_every_service_refuses_a_logged_out_caller(ctx, call):
    with pytest.raises(PermissionDenied, match="Silakan masuk terlebih dahulu."):
        call(ctx)


def test_the_approval_and_upload_steps_refuse_the_wrong_role(ctx, people):
    classified(ctx, people)
    v = established(ctx, people)
    with pytest.raises(PermissionDenied):
        versions.approve(ctx, people["ppid"], v.id, "", v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    with pytest.raises(PermissionDenied):
        publishing.upload(ctx, people["atasan"], v.id, v.revision)


def test_a_desk_officer_reads_only_their_units_audit_events(ctx, people):
    items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    items.open_request(ctx, people["ppid"], UNIT_B, "DPT")
    units = {e.unit for e in admin.audit_log(ctx, people["desk_b"])}
    assert units == {UNIT_B}


def test_settings_reject_an_unknown_time_zone_and_record_changes(ctx, people):
    with pytest.raises(ValidationError) as err:
        admin.update_settings(ctx, people["admin"], {"timezone": "Mars/Olympus"})
    assert "timezone" in err.value.fields
    admin.update_settings(ctx, people["admin"], {"timezone": "Asia/Jayapura", "sla_days": "7"})
    event = ctx.register.events(ctx.office_id)[-1]
    assert (event.action, event.after) == ("pengaturan_diubah", {"timezone": "Asia/Jayapura", "sla_days": "7"})
    assert ctx.today() == date(2026, 3, 17) and ctx.clock().sla_days == 7


def test_the_upload_records_a_reachable_url_for_the_publish_folder(ctx, people):
    classified(ctx, people)
    v = established(ctx, people)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    v = publishing.upload(ctx, people["ppid"], v.id, v.revision)
    assert v.upload_url.startswith("file://") and v.upload_url.endswith(f"/{v.id}/dip.html")
    admin.update_settings(ctx, people["admin"], {"website_url": "https://ppid.example.go.id/dip"})
    assert ctx.public_base_url() == "https://ppid.example.go.id/dip"
