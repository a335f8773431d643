"""Importing a ZIP that holds the list and the files it names; hostile ZIPs are refused whole."""
import pytest

from lib.errors import SidipError, ValidationError
from lib.reader import MAX_ENTRIES, read_zip
from lib.services import attachments, importing
from tests.softcopy_samples import _zip as zipped  # a deflated ZIP of {name: text or bytes}
from tests.softcopy_samples import image_bytes, pdf_bytes, zip_bomb

HEADER = "Judul Informasi;Ringkasan Isi Informasi;Jenis Informasi;Berkas;Tautan\n"
LIST = (HEADER + "Rencana Strategis;Renstra lima tahun;Berkala;renstra.pdf;\n"
        "Laporan Keuangan;LK tahunan;Setiap Saat;;dokumen/LK 2025.pdf\n"
        "Foto Kegiatan;Dokumentasi;Serta Merta;foto.png;hilang.pdf\n"
        "Profil;Profil kantor;Berkala;;https://kpu.example.go.id/profil\n")
MB = 1024 * 1024
LK = pdf_bytes("LK")  # made once: a PDF's bytes carry the time it was made


def good_zip() -> bytes:
    return zipped({"DIP 2025/daftar-dip.csv": LIST.encode(), "DIP 2025/renstra.pdf": pdf_bytes("Renstra"),
                   "DIP 2025/dokumen/LK 2025.pdf": LK, "DIP 2025/foto.png": image_bytes("PNG"),
                   "DIP 2025/catatan-lain.pdf": pdf_bytes("lain")})


def nothing_written(ctx) -> bool:
    return ctx.register.list_items(ctx.office_id) == [] and ctx.register.list_attachments(ctx.office_id) == []


def test_a_zip_import_attaches_each_named_file_to_its_item_and_reports_the_rest(ctx, people):
    result = importing.preview(ctx, people["ppid"], "dip.zip", good_zip())
    assert [r.fields["judul"] for r in result.rows] == ["Rencana Strategis", "Laporan Keuangan", "Foto Kegiatan", "Profil"]
    assert result.files.attach == [(0, "renstra.pdf"), (1, "dokumen/LK 2025.pdf"), (2, "foto.png")]
    assert result.files.missing == [(4, "hilang.pdf")] and result.files.unused == ["catatan-lain.pdf"]
    assert result.rows[2].warnings == ["Berkas \"hilang.pdf\" tidak ada di dalam ZIP; informasinya diimpor tanpa berkas itu."]
    assert nothing_written(ctx)  # the dry run changes nothing

    done = importing.run(ctx, people["ppid"], result, ctx.units()[0], "dip.zip")
    assert (done.items, done.files) == (4, 3)
    by_title = {i.judul: i for i in ctx.register.list_items(ctx.office_id)}
    held = {t: [(a.filename, a.media_type) for a in attachments.files_of(ctx, people["ppid"], i.id)]
            for t, i in by_title.items()}
    assert held == {"Rencana Strategis": [("renstra.pdf", "application/pdf")],
                    "Laporan Keuangan": [("LK 2025.pdf", "application/pdf")],
                    "Foto Kegiatan": [("foto.png", "image/png")], "Profil": []}
    [lk] = attachments.files_of(ctx, people["ppid"], by_title["Laporan Keuangan"].id)
    assert attachments.read(ctx, people["ppid"], lk.id) == LK
    assert by_title["Profil"].tautan == "https://kpu.example.go.id/profil" and by_title["Laporan Keuangan"].tautan == ""


def test_a_list_alone_that_names_files_says_they_come_only_with_a_zip(ctx, people):
    result = importing.preview(ctx, people["ppid"], "dip.csv", LIST.encode())
    assert result.files is None
    assert result.rows[0].warnings == ["Berkas \"renstra.pdf\" bukan alamat http/https lengkap; berkas hanya "
                                       "dilampirkan bila daftar diimpor sebagai ZIP bersama berkasnya. Tidak diimpor."]


def _refused(ctx, people, data: bytes, message: str) -> None:
    with pytest.raises(SidipError, match=message):
        importing.preview(ctx, people["ppid"], "dip.zip", data)
    assert nothing_written(ctx)


def test_a_zip_bomb_is_refused_by_its_declared_size(ctx, people):
    _refused(ctx, people, zipped({"dip.csv": LIST.encode(), "renstra.pdf": b"%PDF-" + b"\0" * (21 * MB)}),
             r"\"renstra.pdf\" di dalam ZIP lebih dari 20 MB setelah dibuka \(mungkin ZIP bom\). Tidak ada yang diimpor.")


def test_a_zip_whose_headers_lie_about_the_size_is_refused_while_reading(ctx, people):
    data = bytearray(zipped({"dip.csv": LIST.encode(), "renstra.pdf": b"%PDF-" + b"\0" * (21 * MB)}))
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central size fields say 1 KB
        at = data.rfind(header)
        data[at + offset:at + offset + 4] = (1024).to_bytes(4, "little")
    # zipfile inflates no more than the central directory declares, and the CRC then fails: refused, bounded
    _refused(ctx, people, bytes(data), r"Berkas ZIP rusak atau tidak dapat dibaca \(BadZipFile\)")


def test_a_bomb_of_64_mb_of_zeros_in_a_few_kb_is_refused():
    with pytest.raises(SidipError, match=r"\"word/document.xml\" di dalam ZIP lebih dari 20 MB setelah dibuka"):
        read_zip(zip_bomb(), 20 * MB)


@pytest.mark.parametrize("name", ["../luar.pdf", "dokumen/../../luar.pdf", "/etc/passwd", "C:/Windows/x.pdf",
                                  "..\\luar.pdf", "baris\nbaru.pdf"])
def test_a_name_leaving_its_folder_refuses_the_whole_zip(ctx, people, name):
    _refused(ctx, people, zipped({"dip.csv": LIST.encode(), name: pdf_bytes()}),
             r"(?s)ZIP berisi nama berkas yang tidak aman .*Tidak ada yang diimpor.")


def test_too_many_entries_refuse_the_zip_before_any_is_read(ctx, people):
    entries = {f"f{n}.pdf": b"" for n in range(MAX_ENTRIES)} | {"dip.csv": LIST.encode()}
    _refused(ctx, people, zipped(entries), f"ZIP berisi {MAX_ENTRIES + 1} entri; paling banyak {MAX_ENTRIES}.")


def test_a_renamed_executable_in_the_zip_refuses_the_import(ctx, people):
    _refused(ctx, people, zipped({"dip.csv": LIST.encode(), "renstra.pdf": b"MZ\x90\x00" + b"\0" * 200}),
             r"Berkas di dalam ZIP ditolak; tidak ada yang diimpor: renstra.pdf: ")


@pytest.mark.parametrize("entries, message", [
    ({"renstra.pdf": b"%PDF-"}, r"tepat satu daftar \(CSV atau XLSX\) .*ditemukan: tidak ada"),
    ({"a.csv": b"x", "b.csv": b"y"}, r"ditemukan: a.csv, b.csv"),
])
def test_a_zip_without_exactly_one_list_says_what_it_found(ctx, people, entries, message):
    _refused(ctx, people, zipped(entries), message)


def test_a_broken_zip_is_refused_plainly(ctx, people):
    _refused(ctx, people, good_zip()[:200], "Berkas ZIP rusak atau tidak dapat dibaca")


def test_only_the_ppid_imports_a_zip_with_files_and_a_refused_run_writes_nothing(ctx, people):
    result = importing.preview(ctx, people["admin"], "dip.zip", good_zip())
    with pytest.raises(ValidationError, match="Impor ZIP yang melampirkan berkas dilakukan oleh PPID"):
        importing.run(ctx, people["admin"], result, ctx.units()[0], "dip.zip")
    assert nothing_written(ctx)


def test_a_zip_imported_as_a_historical_version_freezes_each_items_file_into_it(ctx, people):
    result = importing.preview(ctx, people["ppid"], "dip.zip", good_zip())
    done = importing.run(ctx, people["ppid"], result, ctx.units()[0], "dip.zip",
                         {"tahun": 2025, "nomor_keputusan": "01/PPID/2025", "tanggal_keputusan": "2025-01-10",
                          "tempat_keputusan": "Sarolangun", "penandatangan": "Ketua PPID"})
    frozen = {r.data["judul"]: [(f["filename"], f["media_type"]) for f in r.data["berkas"]]
              for r in ctx.register.snapshot(done.version.id)}
    assert frozen == {"Rencana Strategis": [("renstra.pdf", "application/pdf")],
                      "Laporan Keuangan": [("LK 2025.pdf", "application/pdf")],
                      "Foto Kegiatan": [("foto.png", "image/png")], "Profil": []}
    assert [e.action for e in ctx.register.events(ctx.office_id)][-2:] == ["dip_historis_diimpor", "impor_dip"]
