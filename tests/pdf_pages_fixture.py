"""A publication long enough to span many pages, and the text of every page of its PDFs.

``python -m tests.pdf_pages_fixture`` writes tests/data/pdf_pages.json: the page size and the text of
each page of dip.pdf, dik.pdf and keputusan.pdf (one draft, one approved, one with a letterhead). It was
written before the PDF code was made faster; tests/test_pdf_pages.py checks every later render against it.
"""
from __future__ import annotations

import io
import json
import random
from datetime import date
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from lib.domain.models import Decree, SnapshotRow, Version
from lib.domain.versions import SNAPSHOT_FIELDS
from lib.export import EXPORTERS, render_all
from lib.export.decree_pdf import render_decree
from lib.export.document import PublicDocument, Signer
from lib.services.context import DEFAULT_SETTINGS

SNAPSHOT = Path(__file__).parent / "data" / "pdf_pages.json"
WORDS = ("laporan keuangan realisasi anggaran pemilihan bupati kecamatan sarolangun rapat pleno terbuka "
         "informasi publik dokumen tahapan logistik pemutakhiran data pemilih berkelanjutan sekretariat "
         "pengadaan barang jasa rekapitulasi hasil penghitungan suara").split()
CATEGORIES = ("berkala",) * 4 + ("setiap_saat",) * 4 + ("serta_merta", "dikecualikan")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _row(rng: random.Random, n: int, category: str, nomor: int) -> SnapshotRow:
    data = dict.fromkeys(SNAPSHOT_FIELDS, "")
    long = n % 23 == 5  # a summary taller than one table row may be: it goes on in the rows below
    data.update(judul=_text(rng, rng.randint(3, 14)), ringkasan=_text(rng, 350 if long else rng.randint(8, 90)),
                tahun=2025, unit="Subbagian Keuangan, Umum dan Logistik", pejabat_penguasa="Sekretaris",
                penanggung_jawab=_text(rng, rng.randint(2, 8)), bentuk="Softcopy dan hardcopy",
                retensi=rng.choice(("5 tahun", "Permanen", "2 tahun aktif, 3 tahun inaktif")),
                waktu_tempat="Sarolangun, Maret 2025", masa_pengecualian_tahun=None, pengecualian_permanen=False,
                tautan="" if n % 7 == 0 else f"https://contoh.go.id/ppid/dip/informasi-{n:04d}.pdf"
                + ("\nhttps://drive.google.com/file/d/0123456789abcdef0123/view" if n % 9 == 0 else ""))
    if n % 31 == 3:
        data["ringkasan"] += " Ringkasan dalam bahasa Arab: مرحبا بالعالم, dan 中文 serta 한국어."
    if category == "dikecualikan":
        data.update(pasal17_huruf=rng.choice("abh"), pasal17_angka="2", konsekuensi_dibuka=_text(rng, 25),
                    konsekuensi_ditutup=_text(rng, 20), masa_pengecualian_tahun=rng.choice((2, 5)))
    return SnapshotRow("ver-pages", f"itm-{n:04d}", nomor, category, data)


def rows(n: int = 70, seed: int = 12) -> list[SnapshotRow]:
    rng = random.Random(seed)
    cats = sorted((rng.choice(CATEGORIES) for _ in range(n)), key=("berkala", "setiap_saat", "serta_merta",
                                                                   "dikecualikan").index)
    numbers: dict[str, int] = {}
    out = []
    for i, cat in enumerate(cats):
        numbers[cat] = numbers.get(cat, 0) + 1
        out.append(_row(rng, i, cat, numbers[cat]))
    return out


def letterhead() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 90), (30, 60, 120)).save(out, "PNG")
    return out.getvalue()


def document(draft: bool, with_letterhead: bool = False, n: int = 70) -> PublicDocument:
    s = DEFAULT_SETTINGS
    decree = Decree(nomor="12/PP.06-Kpt/1503/KPU-Kab/XII/2025", tanggal=date(2025, 12, 15), tempat="Sarolangun",
                    penandatangan="Rina Marlina", jabatan=s["ppid_position"])
    version = Version(id="ver-pages", tahun=2025, status="ditetapkan" if draft else "disetujui", decree=decree)
    signer = Signer("Sarolangun", decree.tanggal, decree.jabatan, "Rina Marlina", "198001012005011001")
    return PublicDocument(version, rows(n), s["office_name"], draft=draft, audit_digest="3f9a1c07e2b45d86",
                          signer=signer, legal_bases=tuple(json.loads(s["legal_bases"])),
                          decree_text=s["decree_template"], settings=dict(s),
                          letterhead=letterhead() if with_letterhead else b"")


DOCUMENTS = {"draf": dict(draft=True), "kop": dict(draft=False, with_letterhead=True), "pendek": dict(draft=False, n=4)}


def pages(pdf: bytes) -> list[dict]:
    return [{"size": [round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)],
             "text": p.extract_text()} for p in PdfReader(io.BytesIO(pdf)).pages]


def files(doc: PublicDocument, together: bool = False) -> dict[str, bytes]:
    """The three PDFs each rendered on its own, or ``together`` as a publication renders them (render_all)."""
    if together:
        return {name: pdf for name, pdf in render_all(doc).items() if name.endswith(".pdf")}
    return {"dip.pdf": EXPORTERS["pdf"].render(doc, "dip"), "dik.pdf": EXPORTERS["pdf"].render(doc, "dik"),
            "keputusan.pdf": render_decree(doc)}


def snapshot() -> dict:
    return {name: {file: pages(pdf) for file, pdf in files(document(**kw)).items()} for name, kw in DOCUMENTS.items()}


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(snapshot(), ensure_ascii=False, indent=0) + "\n")
    print(SNAPSHOT, SNAPSHOT.stat().st_size)
