"""The Streamlit pages, run headless through AppTest against the same register as the `ctx` fixture."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import PASSWORD, UNIT_A, UNIT_B, classification, submission
from lib.services import items, publishing, versions

ROOT = Path(__file__).resolve().parent.parent
USERS = ("admin", "ppid", "atasan", "desk")
LOGGED_OUT = "Silakan masuk terlebih dahulu untuk membuka halaman ini."
# Page -> (users allowed in, the refusal everyone else reads).
PROTECTED = {
    "beranda": (USERS, None),
    "dasbor": (("admin", "ppid", "atasan"), "Halaman Dasbor Kepatuhan hanya untuk Administrator, Atasan PPID, PPID."),
    "permintaan": (("desk", "ppid"), "Halaman Permintaan & Pengajuan hanya untuk Desk Pelayanan, PPID."),
    "klasifikasi": (("ppid",), "Halaman Klasifikasi hanya untuk PPID."),
    "penetapan": (("ppid",), "Halaman Penetapan DIP hanya untuk PPID."),
    "persetujuan": (("atasan",), "Halaman Persetujuan hanya untuk Atasan PPID."),
    "unggah": (("desk", "ppid"), "Halaman Unggah hanya untuk Desk Pelayanan, PPID."),
    "kelengkapan": (("admin", "ppid", "atasan"), "Halaman Kelengkapan DIP hanya untuk Administrator, Atasan PPID, PPID."),
    "impor": (("admin", "ppid"), "Halaman Impor DIP hanya untuk Administrator, PPID."),
    "riwayat": (USERS, None),
    "pengguna": (("admin",), "Halaman Pengguna hanya untuk Administrator."),
    "pengaturan": (("admin",), "Halaman Pengaturan hanya untuk Administrator."),
}
FORMULA = '=HYPERLINK("http://x","y")<script>alert(1)</script>'
DESK_FORM = "serah-baru"


# -- helpers --------------------------------------------------------------------------------------
@pytest.fixture
def app(tmp_path, ctx, monkeypatch):
    """The pages read the ctx fixture's register (tmp_path / "data"); returns that ctx."""
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIDIP_PUBLISH_DIR", str(tmp_path / "publik-app"))
    return ctx


def open_page(ctx, script: str, user: str | None = None) -> AppTest:
    """Run pages/<script>.py (or app.py) as `user`, logged in the way ui.start_session does it."""
    path = ROOT / ("app.py" if script == "app" else f"pages/{script}.py")
    at = AppTest.from_file(str(path), default_timeout=30)
    if user:
        at.session_state["user"] = user
        at.session_state["epoch"] = ctx.register.get_user(user).token_epoch
    return at.run()


def values(elements) -> list[str]:
    return [e.value for e in elements]


def texts(at: AppTest) -> str:
    """Everything readable on the page: headings, messages, captions and every table cell."""
    parts = [*values(at.title), *values(at.subheader), *values(at.markdown), *values(at.caption),
             *values(at.info), *values(at.warning), *values(at.error), *values(at.success)]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(str(p) for p in parts)


def field(at: AppTest, key: str):
    return next(w for w in [*at.text_input, *at.text_area] if w.key == key)


def fill(at: AppTest, form: str, **data) -> None:
    for name, value in data.items():
        field(at, f"{form}:0:{name}").input(value)


def press(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def column(at: AppTest, name: str) -> list:
    return [v for df in at.dataframe if name in df.value.columns for v in df.value[name]]


def submitted(ctx, people, judul: str, **extra):
    """An item the desk has handed to the PPID, through the services."""
    return items.submit_new(ctx, people["desk"], submission(judul, **extra))


def classified(ctx, people, judul: str, kategori: str = "berkala", **extra):
    item = submitted(ctx, people, judul)
    return items.classify(ctx, people["ppid"], item.id, classification(item, kategori, **extra), item.revision)


# -- 1. every protected page guards itself ---------------------------------------------------------
CASES = [(page, user) for page in PROTECTED for user in (None, *USERS)]


@pytest.mark.parametrize("page, user", CASES, ids=[f"{p}-{u or 'logged_out'}" for p, u in CASES])
def test_each_protected_page_admits_only_its_roles(app, people, page, user):
    allowed, refusal = PROTECTED[page]
    at = open_page(app, page, user)
    assert not at.exception
    if user is None:
        assert values(at.warning) == [LOGGED_OUT]
        assert not (at.title or at.dataframe or at.text_input or at.button or at.error)
    elif user not in allowed:
        assert values(at.error) == [refusal]
        assert not (at.title or at.dataframe or at.text_input or at.button or at.warning)
    else:
        assert LOGGED_OUT not in values(at.warning)
        assert not [e for e in values(at.error) if "hanya untuk" in e]
        assert len(at.title) == 1


def publish_version(ctx, people, nomor: str):
    """Everything classified, established by decree ``nomor``, approved and uploaded."""
    ppid = people["ppid"]
    v = versions.create_version(ctx, ppid, 2026)
    decree = {"nomor_keputusan": nomor, "tanggal_keputusan": date(2026, 3, 17),
              "tempat_keputusan": "Sarolangun", "penandatangan": "Ketua PPID", "alasan_kelengkapan": "Uji"}
    v = versions.establish(ctx, ppid, v.id, decree, v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "Setuju", v.revision)
    return publishing.upload(ctx, ppid, v.id, v.revision)


# -- 2. the public DIP ------------------------------------------------------------------------------
def test_public_dip_page_says_not_yet_published_before_any_upload(app):
    at = open_page(app, "dip")
    assert not at.exception
    assert values(at.info) == ["Daftar Informasi Publik belum diterbitkan. Silakan kembali lagi nanti."]
    assert not at.dataframe


def test_public_dip_page_lists_the_uploaded_version_with_the_dik_but_no_protected_details(app, people):
    classified(app, people, "Laporan Keuangan 2025")
    classified(app, people, "Data Pribadi Pemilih", "dikecualikan", pasal17_huruf="h",
               konsekuensi_dibuka="Membuka alamat rumah pemilih memudahkan penipuan",
               konsekuensi_ditutup="Kepentingan publik tidak dirugikan bila ditutup")
    publish_version(app, people, "01/PPID/III/2026")

    at = open_page(app, "dip")
    assert not at.exception
    assert not at.info
    cards = values(at.text)
    assert "Keputusan PPID Nomor 01/PPID/III/2026 tanggal 17 Maret 2026" in cards[1]  # under the office name
    assert "1. Laporan Keuangan 2025" in cards and "1. Data Pribadi Pemilih" in cards
    assert "Konsekuensi apabila dibuka: Membuka alamat rumah pemilih memudahkan penipuan" in cards
    assert not at.dataframe and not [t for t in cards if "Drive/PPID" in t or "Rak 2" in t]

    at.segmented_control(key="dip:tampilan").set_value("tabel").run()
    assert column(at, "Judul") == ["Laporan Keuangan 2025", "Data Pribadi Pemilih"]
    assert column(at, "Konsekuensi apabila dibuka") == ["Membuka alamat rumah pemilih memudahkan penipuan"]
    assert not [c for df in at.dataframe for c in df.value.columns if c.startswith("Lokasi") or c == "Kategori"]
    assert "Drive/PPID" not in texts(at)

    at.text_input(key="dip:cari").input("keuangan").run()
    assert column(at, "Judul") == ["Laporan Keuangan 2025"]
    assert "Tidak ada informasi yang cocok dengan pencarian." in values(at.text)
    at.text_input(key="dip:cari").input("xyzzy tidak ada").run()
    assert values(at.info) == ["Tidak ada informasi yang cocok dengan pencarian."] and not at.dataframe


# -- 3. the router ----------------------------------------------------------------------------------
def test_app_without_any_user_opens_the_setup_page(app):
    at = open_page(app, "app")
    assert not at.exception
    assert values(at.title) == ["Penyiapan SIDIP"]


def test_app_shows_the_login_page_to_a_visitor_once_users_exist(app, people):
    at = open_page(app, "app")
    assert not at.exception
    assert values(at.title) == ["Masuk ke SIDIP"]


def test_app_opens_beranda_for_a_logged_in_desk_officer(app, people):
    at = open_page(app, "app", "desk")
    assert not at.exception
    assert values(at.title) == ["Beranda"]
    assert "Permintaan dan perbaikan untuk unit Anda" in values(at.subheader)


# -- 4. the desk's submission form --------------------------------------------------------------------
VALID = {"judul": "Laporan Keuangan 2025", "ringkasan": "Laporan realisasi anggaran",
         "pejabat_penguasa": UNIT_A, "penanggung_jawab": "Sekretaris", "waktu_tempat": "Sarolangun, 2026",
         "bentuk": "Softcopy dan hardcopy", "retensi": "5 tahun"}


def desk_submits(ctx, **changes) -> AppTest:
    at = open_page(ctx, "permintaan", "desk")
    assert at.selectbox(key="serah:pilih").value is None  # "Ajukan informasi baru tanpa permintaan"
    fill(at, DESK_FORM, **{**VALID, **changes})
    return press(at, "Ajukan ke PPID")


def test_desk_form_refuses_a_100000_character_title_and_keeps_it_typed(app, people):
    at = desk_submits(app, judul="x" * 100_000)
    assert not at.exception
    message = "Judul informasi terlalu panjang: 100.000 karakter, paling banyak 300."
    assert values(at.error) == [f"Periksa kembali isian berikut: {message}"]
    assert f":red[{message}]" in values(at.caption)
    assert field(at, f"{DESK_FORM}:0:judul").value == "x" * 100_000
    assert app.register.list_items(app.office_id) == []


def test_desk_form_names_a_missing_dip_column_and_keeps_the_rest(app, people):
    at = desk_submits(app, ringkasan="")
    assert values(at.error) == ["Periksa kembali isian berikut: Ringkasan isi informasi wajib diisi."]
    assert field(at, f"{DESK_FORM}:0:judul").value == "Laporan Keuangan 2025"
    assert app.register.list_items(app.office_id) == []


def test_desk_form_explains_the_date_format_for_an_invalid_creation_date(app, people):
    at = desk_submits(app, created="17/03/2026")
    assert values(at.error) == ['Periksa kembali isian berikut: Tanggal informasi dibuat tidak valid: '
                                '"17/03/2026". Gunakan format TTTT-BB-HH, contoh 2026-03-17.']
    assert field(at, f"{DESK_FORM}:0:created").value == "17/03/2026"
    assert app.register.list_items(app.office_id) == []


def test_formula_and_script_in_a_title_are_stored_and_shown_as_plain_text(app, people):
    at = desk_submits(app, judul=FORMULA)
    assert not at.exception and not at.error
    assert values(at.success) == ["Informasi diajukan ke PPID."]
    assert field(at, f"{DESK_FORM}:1:judul").value == ""  # a fresh, empty form after saving
    [item] = app.register.list_items(app.office_id)
    assert (item.judul, item.status, item.unit) == (FORMULA, "diajukan", UNIT_A)

    home = open_page(app, "beranda", "ppid")
    assert not home.exception
    assert column(home, "Judul") == [FORMULA]


def test_a_request_with_a_formula_title_appears_unchanged_on_the_permintaan_page(app, people):
    items.open_request(app, people["ppid"], UNIT_A, FORMULA, "Segera")
    at = open_page(app, "permintaan", "desk")
    assert not at.exception
    assert column(at, "Judul") == [FORMULA]


# -- 5. classification ------------------------------------------------------------------------------
def test_exempt_classification_needs_pasal_17_and_consequences_before_the_status_changes(app, people):
    item = submitted(app, people, "Data Pribadi Pemilih")
    at = open_page(app, "klasifikasi", "ppid")
    form = f"klas-{item.id}"
    at.selectbox(key=f"{form}:0:kategori").set_value("dikecualikan")
    fill(at, form, lokasi_softcopy="Drive/PPID", lokasi_hardcopy="Rak 2")
    at = press(at, "Simpan klasifikasi")
    assert not at.exception
    assert len(at.error) == 1
    for message in ("Pilih dasar pengecualian: Pasal 17 huruf a sampai j.",
                    "Konsekuensi apabila dibuka wajib diisi.", "Konsekuensi apabila ditutup wajib diisi."):
        assert message in at.error[0].value
        assert f":red[{message}]" in values(at.caption)
    assert app.register.get_item(item.id).status == "diajukan"

    at.selectbox(key=f"{form}:0:pasal17_huruf").set_value("c")
    at.number_input(key=f"{form}:0:masa").set_value(5)
    fill(at, form, konsekuensi_dibuka="Mengganggu penyelidikan", konsekuensi_ditutup="Tidak ada kerugian publik")
    at = press(at, "Simpan klasifikasi")
    assert not at.exception and not at.error
    assert values(at.success) == ["Informasi diklasifikasi dan didokumentasikan."]
    saved = app.register.get_item(item.id)
    assert (saved.status, saved.kategori, saved.pasal17_huruf, saved.masa_pengecualian_tahun) == (
        "diklasifikasi", "dikecualikan", "c", 5)
    assert saved.konsekuensi_dibuka == "Mengganggu penyelidikan"


# -- 6. login ---------------------------------------------------------------------------------------
def login(ctx, password: str) -> AppTest:
    at = open_page(ctx, "masuk")
    at.text_input(key="masuk:username").input("desk")
    at.text_input(key="masuk:password").input(password)
    return press(at, "Masuk")


def test_login_with_a_wrong_password_is_refused_in_indonesian(app, people):
    at = login(app, "salah-sekali-123")
    assert not at.exception
    assert values(at.error) == ["Nama pengguna atau kata sandi salah."]
    assert "user" not in at.session_state


def test_login_with_the_right_password_starts_a_session(app, people):
    at = login(app, PASSWORD)
    assert not at.exception and not at.error
    assert at.session_state["user"] == "desk"
    assert at.session_state["epoch"] == app.register.get_user("desk").token_epoch


# -- 7. users ---------------------------------------------------------------------------------------
def add_user(ctx, username: str, roles: list[str], unit: str = "") -> AppTest:
    at = open_page(ctx, "pengguna", "admin")
    fill(at, "tambah", username=username, full_name="Operator Baru", pw="kata-sandi-baru-1")
    at.multiselect(key="tambah:0:roles").set_value(roles)
    at.selectbox(key="tambah:0:unit").set_value(unit)
    return press(at, "Tambah")


def test_admin_adds_a_user_with_roles_through_the_form(app, people):
    at = add_user(app, "operator.baru", ["ppid", "atasan"])
    assert not at.exception and not at.error
    assert values(at.success) == ["Pengguna operator.baru ditambahkan."]
    user = app.register.get_user("operator.baru")
    assert (user.full_name, user.roles, user.unit, user.active) == (
        "Operator Baru", frozenset({"ppid", "atasan"}), "", True)
    assert "operator.baru" in column(at, "Nama pengguna")
    assert field(at, "tambah:1:username").value == ""


def test_a_desk_user_without_a_unit_is_refused_and_the_form_keeps_its_input(app, people):
    at = add_user(app, "desk.tanpa.unit", ["desk"])
    assert not at.exception
    message = "Desk Pelayanan harus terhubung ke satu unit."
    assert values(at.error) == [f"Periksa kembali isian berikut: {message}"]
    assert f":red[{message}]" in values(at.caption)
    assert app.register.get_user("desk.tanpa.unit") is None
    assert field(at, "tambah:0:username").value == "desk.tanpa.unit"


def test_a_desk_user_with_a_unit_is_added(app, people):
    at = add_user(app, "desk.sekretariat", ["desk"], UNIT_A)
    assert not at.error
    assert app.register.get_user("desk.sekretariat").unit == UNIT_A


# -- 5. cached reads: never stale after a write, never another user's ---------------------------------
def test_the_register_revision_changes_with_every_write_and_differs_between_registers(app, people, tmp_path):
    from lib.bootstrap import build_context
    before = app.register.revision(app.office_id)
    assert app.register.revision(app.office_id) == before
    items.open_request(app, people["ppid"], UNIT_A, "Daftar aset")
    after = app.register.revision(app.office_id)
    other = build_context(tmp_path / "lain")
    assert after != before and before and other.register.revision(other.office_id) not in (before, after)


def test_a_page_rerun_shows_a_request_opened_since_its_first_run(app, people):
    at = open_page(app, "permintaan", "desk")
    assert "Daftar aset" not in column(at, "Judul")
    items.open_request(app, people["ppid"], UNIT_A, "Daftar aset")
    assert column(at.run(), "Judul") == ["Daftar aset"]


def test_a_cached_request_list_is_never_shown_to_a_desk_officer_of_another_unit(app, people):
    items.open_request(app, people["ppid"], UNIT_A, "Daftar aset Sekretariat")
    items.open_request(app, people["ppid"], UNIT_B, "Rencana kerja Perencanaan")
    assert column(open_page(app, "permintaan", "desk"), "Judul") == ["Daftar aset Sekretariat"]
    assert column(open_page(app, "permintaan", "desk.b"), "Judul") == ["Rencana kerja Perencanaan"]
    assert column(open_page(app, "permintaan", "desk"), "Judul") == ["Daftar aset Sekretariat"]


def test_riwayat_shows_the_newest_events_and_finds_older_ones_by_search(app, people):
    for n in range(6):
        items.open_request(app, people["ppid"], UNIT_A, f"Permintaan nomor {n}")
    source = (ROOT / "pages" / "riwayat.py").read_text().replace("SHOWN = 500", "SHOWN = 3")  # 3 of 6+ on screen
    at = AppTest.from_string(source, default_timeout=30)
    at.session_state["user"], at.session_state["epoch"] = "ppid", app.register.get_user("ppid").token_epoch
    at.run()
    newest = [e.entity_id for e in reversed(app.register.events(app.office_id))][:3]
    assert column(at, "Kode") == newest
    assert values(at.caption) == ["Menampilkan 3 peristiwa terbaru yang cocok; unduhan CSV berisi semuanya."]
    at.text_input(key="riwayat:cari").input("nomor 0").run()
    first = next(e for e in app.register.events(app.office_id) if (e.after or {}).get("judul") == "Permintaan nomor 0")
    assert column(at, "Kode") == [first.entity_id] and values(at.caption) == []


def test_a_sheets_register_revision_moves_at_once_after_its_own_write_and_with_the_cache_for_others():
    import gspread

    from lib.domain.models import Item
    from lib.store.sheets_layout import CACHE_SECONDS
    from tests.sheets_emulator import SheetsEmulator, col_letters
    from tests.test_register_contract import OFFICE, ev, sheets_register
    emu = SheetsEmulator(seed=1)
    reg = sheets_register(emu)
    first = reg.revision(OFFICE)
    assert reg.revision(OFFICE) == first
    reg.save_item(Item("i1", UNIT_A, "Renstra"), ev(), None)
    own = reg.revision(OFFICE)
    assert own != first
    sid = emu.spreadsheet_ids()[-1]
    column = col_letters(emu.get_values(sid, "informasi")[0].index("judul"))
    gspread.Client(auth=None, session=emu.session()).http_client.values_update(
        sid, f"'informasi'!{column}2", params={"valueInputOption": "RAW"}, body={"values": [["Diubah tangan"]]})
    assert reg.revision(OFFICE) == own  # another's change shows with the cache's refill, as every read does
    reg._cache = {tab: (when - CACHE_SECONDS - 1, table) for tab, (when, table) in reg._cache.items()}
    assert reg.revision(OFFICE) not in (first, own)


def test_the_public_page_shows_a_long_category_a_page_of_cards_at_a_time(app, people, monkeypatch):
    from lib import ui_public
    monkeypatch.setattr(ui_public, "CARDS_PER_PAGE", 2)
    for title in ("Laporan Keuangan 2025", "Renstra 2025", "Profil Kantor"):
        classified(app, people, title)
    publish_version(app, people, "02/PPID/III/2026")

    at = open_page(app, "dip")
    titles = [t for t in values(at.text) if t[:2] in ("1.", "2.", "3.")]
    assert titles == ["1. Laporan Keuangan 2025", "2. Renstra 2025"]
    assert "Ditampilkan 2 dari 3 informasi." in values(at.caption)
    [more] = [b for b in at.button if b.label == "Tampilkan lebih banyak"]
    more.click().run()
    titles = [t for t in values(at.text) if t[:2] in ("1.", "2.", "3.")]
    assert titles == ["1. Laporan Keuangan 2025", "2. Renstra 2025", "3. Profil Kantor"]
    assert not [b for b in at.button if b.label == "Tampilkan lebih banyak"] and not at.exception


def test_many_reminders_read_as_one_warning_with_the_count_above_a_table_and_a_few_one_by_one():
    def script(n):
        from lib import ui
        ui.reminders([f"Informasi {i}" for i in range(n)], "Informasi berkala belum dimutakhirkan", "Perbarui.")

    many = AppTest.from_function(script, args=(1900,)).run()
    assert values(many.warning) == ["Informasi berkala belum dimutakhirkan: 1.900 informasi. Perbarui."]
    assert many.dataframe[0].value["Informasi"].tolist()[:2] == ["Informasi 0", "Informasi 1"]
    assert len(many.dataframe[0].value) == 1900
    few = AppTest.from_function(script, args=(2,)).run()
    assert values(few.warning) == ["Informasi berkala belum dimutakhirkan: Informasi 0. Perbarui.",
                                   "Informasi berkala belum dimutakhirkan: Informasi 1. Perbarui."]
    assert not few.dataframe


def test_a_long_dashboard_table_shows_its_first_rows_and_says_the_download_holds_all():
    def script():
        import pandas as pd

        from lib import ui
        ui.table_with_downloads("semua", pd.DataFrame({"Judul": [f"Informasi {i}" for i in range(1500)]}), "Kosong")

    at = AppTest.from_function(script).run()
    assert len(at.dataframe[0].value) == 1000 and at.dataframe[0].value["Judul"].iloc[-1] == "Informasi 999"
    assert values(at.caption) == ["Menampilkan 1.000 dari 1.500 baris; unduhan berisi semuanya."]
