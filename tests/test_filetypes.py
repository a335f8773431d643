"""Uploaded softcopies are judged by their content; hostile files get a clear message."""
from __future__ import annotations

import pytest

from lib.domain import filetypes
from lib.errors import ValidationError
from tests import softcopy_samples as samples

MB = 1024 * 1024


@pytest.mark.parametrize("name,make,key", [
    ("Laporan.pdf", samples.pdf_bytes, "pdf"),
    ("Surat.docx", samples.docx_bytes, "docx"),
    ("Anggaran.XLSX", samples.xlsx_bytes, "xlsx"),
    ("Notula.odt", samples.odf_bytes, "odt"),
    ("Rekap.ods", samples.ods_bytes, "ods"),
    ("Foto.jpg", lambda: samples.image_bytes("JPEG"), "jpeg"),
    ("Foto.jpeg", lambda: samples.image_bytes("JPEG"), "jpeg"),
    ("Bagan.png", lambda: samples.image_bytes("PNG"), "png"),
])
def test_each_allowed_kind_is_recognised_from_real_bytes(name, make, key):
    assert filetypes.detect(make(), name) == filetypes.KINDS[key]


def message(data: bytes, name: str, limit_mb=20) -> str:
    with pytest.raises(ValidationError) as err:
        filetypes.detect(data, name, limit_mb)
    return err.value.fields["berkas"]


def test_a_renamed_executable_is_refused_for_its_content():
    exe = b"MZ\x90\x00\x03" + b"\0" * 200 + b"This program cannot be run in DOS mode"
    assert message(exe, "laporan.pdf") == ('Berkas "laporan.pdf" bukan jenis yang diterima (isinya tidak dikenali '
                                           'sebagai PDF, DOCX, XLSX, ODT, ODS, JPG atau PNG).')


def test_a_pdf_named_as_a_word_document_is_refused_as_not_matching_its_extension():
    assert message(samples.pdf_bytes(), "surat.docx") == (
        'Isi berkas "surat.docx" adalah PDF, tidak cocok dengan ekstensinya (.docx). Ganti nama berkas sesuai isinya.')


def test_a_plain_zip_renamed_docx_is_not_a_word_document():
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("setup.exe", b"MZ" + b"\0" * 50)
    assert message(out.getvalue(), "surat.docx").startswith('Berkas "surat.docx" bukan jenis yang diterima')


def test_an_empty_file_is_refused():
    assert message(b"", "kosong.pdf") == 'Berkas "kosong.pdf" kosong (0 bita); pilih berkas yang berisi.'


def test_a_file_over_the_limit_is_refused_by_its_size_alone():
    with pytest.raises(ValidationError) as err:
        filetypes.check_size(200 * MB, "20")
    assert err.value.fields["berkas"] == "Berkas berukuran 200 MB, melebihi batas 20 MB."
    assert message(b"%PDF-" + b"0" * (2 * MB), "besar.pdf", 1) == (
        'Berkas "besar.pdf" berukuran 2 MB, melebihi batas 1 MB.')


def test_a_zip_bomb_is_refused_without_being_inflated():
    bomb = samples.zip_bomb()
    assert len(bomb) < MB
    assert message(bomb, "bom.docx") == ("Berkas ZIP ini mengaku berisi jauh lebih banyak data daripada ukurannya "
                                         "(bom ZIP); berkas ditolak.")


@pytest.mark.parametrize("raw,clean", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\budi\\Laporan 2025.pdf", "Laporan 2025.pdf"),
    ("lapor\x00an\x1b[31m.pdf", "laporan[31m.pdf"),
    ("tagihan\u202efdp.exe", "tagihanfdp.exe"),
    ("  ..  ", "berkas"),
    ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
])
def test_a_file_name_loses_folders_control_and_bidi_characters(raw, clean):
    assert filetypes.safe_filename(raw) == clean


@pytest.mark.parametrize("size,shown", [(12, "12 bita"), (1536, "1,5 KB"), (820 * 1024, "820 KB"),
                                        (20 * MB, "20 MB"), (int(1.25 * MB), "1,2 MB")])
def test_sizes_read_in_indonesian_notation(size, shown):
    assert filetypes.human_size(size) == shown
