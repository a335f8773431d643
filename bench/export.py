"""Benchmark: every export format of a frozen version of 1k and 10k items, plus the decree PDF.

Run: python bench/export.py [--sizes 1000,10000] [--repeat 1] [--profile] [--sample DIR]
(prints figures; not a test). A render that raises stops the benchmark: exit status 1, the error on
stderr and no figure.

For each size a frozen version is built straight as ``SnapshotRow``s (no register; seeded RNG):
categories berkala 40% / setiap_saat 40% / serta_merta 10% / dikecualikan 10%, Indonesian titles
and summaries of 50–600 characters, the office's units, links; the ``PublicDocument`` is made as
``publishing.document`` makes it (office settings, signer, legal bases, decree template), approved
(no DRAF). The files are rendered as ``render_all`` renders a publication: every format of both lists,
then the decree, in one ``shared_layout`` block (the decree's attachments reuse the cells the list PDFs
set). Timed per format: ``render(doc, "dip")`` + ``render(doc, "dik")`` together; the decree
(``render_decree``: the decree with both lists as lampiran) is timed on its own and counted in
``pdf`` and in ``total``. With ``--repeat N`` the whole publication is rendered N times, each in a
fresh block, and each file's best time is kept. A small warm-up render runs first, so one-time costs (reportlab fonts,
first-use imports) are not charged to the first size; they are printed separately.
``--profile`` adds a cProfile of the PDF work (both lists + decree) at the smallest size.
``--sample DIR`` writes every file of a small realistic publication (12 items, one exempt) to DIR
(for the screenshots in docs/) and exits.

The last two lines are the summaries, the 10,000-item figures first:
``export 10k: html=Xs pdf=Ys xlsx=Zs csv=Us json=Vs total=Ts`` and ``export: ...`` (1,000 items).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.domain.models import Decree, SnapshotRow, Version  # noqa: E402
from lib.domain.versions import SNAPSHOT_FIELDS  # noqa: E402
from lib.export import EXPORTERS, render_all  # noqa: E402
from lib.export.decree_pdf import render_decree  # noqa: E402
from lib.export.document import PublicDocument, Signer  # noqa: E402
from lib.export.pdf_common import shared_layout  # noqa: E402
from lib.services.context import DEFAULT_SETTINGS  # noqa: E402

SEED = 20260317
TAHUN = 2025
KATEGORI = ("berkala", "setiap_saat", "serta_merta", "dikecualikan")
KATEGORI_P = (0.40, 0.40, 0.10, 0.10)
FORMATS = ("html", "pdf", "xlsx", "csv", "json")
UNITS = tuple(json.loads(DEFAULT_SETTINGS["units"]))
KECAMATAN = ("Sarolangun", "Bathin VIII", "Pauh", "Mandiangin", "Air Hitam", "Limun", "Cermin Nan Gedang",
             "Batang Asai", "Pelawan", "Singkut")
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")

# Title = document type + subject + (optional) scope; each is realistic for a KPU kabupaten.
DOC_TYPES = (
    "Laporan Keuangan", "Laporan Realisasi Anggaran", "Rencana Strategis", "Rencana Kerja dan Anggaran",
    "Daftar Isian Pelaksanaan Anggaran (DIPA)", "Laporan Kinerja Instansi Pemerintah (LKjIP)",
    "Perjanjian Kinerja", "Daftar Inventaris Barang Milik Negara", "Standar Operasional Prosedur",
    "Keputusan KPU Kabupaten Sarolangun tentang", "Berita Acara Rekapitulasi Hasil Penghitungan Suara",
    "Daftar Pemilih Tetap (rekapitulasi)", "Data Partisipasi Pemilih", "Jadwal dan Tahapan",
    "Pengumuman Rencana Umum Pengadaan", "Laporan Layanan Informasi Publik", "Notulen Rapat Pleno Terbuka",
    "Laporan Penerimaan dan Pengeluaran Dana Kampanye", "Profil dan Struktur Organisasi",
    "Surat Edaran", "Peta Daerah Pemilihan", "Daftar Calon Tetap Anggota DPRD",
    "Informasi Peringatan Dini Bencana dan Keadaan Darurat", "Rekapitulasi Pengaduan Masyarakat",
)
SUBJECTS = (
    "Pemilihan Bupati dan Wakil Bupati Sarolangun", "Pemilihan Umum Tahun 2024", "Pemilihan Gubernur Jambi",
    "Sekretariat KPU Kabupaten Sarolangun", "Badan Adhoc PPK dan PPS", "Pemutakhiran Data Pemilih Berkelanjutan",
    "Pendidikan Pemilih dan Sosialisasi", "Pengelolaan Logistik Pemilu", "Pelayanan Informasi Publik",
    "Anggaran Hibah Pemilihan", "Pengadaan Barang dan Jasa", "Kepegawaian dan Sumber Daya Manusia",
)
SENTENCES = (
    "Dokumen ini memuat {t} yang disusun oleh {u} sebagai bahan pertanggungjawaban kepada publik.",
    "Informasi mencakup seluruh kecamatan di Kabupaten Sarolangun, termasuk Kecamatan {k}.",
    "Data disajikan per kecamatan dan per desa/kelurahan sesuai hasil rapat pleno terbuka.",
    "Penyusunan mengacu pada Peraturan KPU dan petunjuk teknis yang berlaku pada tahun {y}.",
    "Memuat rincian pagu, realisasi, dan sisa anggaran per akun belanja beserta penjelasan selisihnya.",
    "Ringkasan ini diperbarui setiap enam bulan sesuai Pasal 9 ayat (4) Undang-Undang Nomor 14 Tahun 2008.",
    "Salinan dapat diperoleh melalui meja layanan PPID pada hari dan jam kerja atau diunduh dari laman PPID.",
    "Lampiran berisi tabel rekapitulasi, grafik perbandingan dengan periode sebelumnya, dan daftar singkatan.",
    "Dokumen telah ditandatangani oleh pejabat yang berwenang dan diarsipkan pada {u}.",
    "Rincian kegiatan meliputi bimbingan teknis, rapat koordinasi, monitoring, dan evaluasi pelaksanaan tahapan.",
    "Informasi disediakan dalam format PDF dan spreadsheet agar dapat diolah kembali oleh masyarakat.",
    "Sebagian data pribadi telah dihitamkan sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.",
    "Tercatat perubahan jadwal pada bulan {m} {y} yang diumumkan melalui surat edaran dan media sosial resmi.",
    "Jumlah pemilih, TPS, dan anggota badan adhoc disajikan menurut jenis kelamin dan kelompok umur.",
    "Tersedia di meja layanan PPID pada hari dan jam kerja.",
    "Diperbarui setiap enam bulan sesuai ketentuan yang berlaku.",
    "Memuat tabel dan grafik per kecamatan di Kabupaten Sarolangun.",
    "Ditetapkan dalam rapat pleno KPU Kabupaten Sarolangun.",
)
# The small publication for the screenshots: titles an office would really list, in category order.
SAMPLE_COUNTS = {"berkala": 5, "setiap_saat": 4, "serta_merta": 2, "dikecualikan": 1}
SAMPLE_TITLES = (
    "Rencana Strategis KPU Kabupaten Sarolangun 2025-2029",
    "Laporan Keuangan Tahunan KPU Kabupaten Sarolangun Tahun Anggaran 2024 (audited)",
    "Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun 2024",
    "Laporan Realisasi Anggaran Dana Hibah Pemilihan Bupati dan Wakil Bupati Sarolangun Tahun 2024",
    "Laporan Layanan Informasi Publik Semester II Tahun 2025",
    "Daftar Pemilih Tetap Pemilihan Serentak 2024 (rekapitulasi per kecamatan)",
    "Keputusan KPU Kabupaten Sarolangun tentang Penetapan Hasil Pemilihan Bupati dan Wakil Bupati Tahun 2024",
    "Standar Operasional Prosedur Pelayanan Informasi Publik",
    "Profil dan Struktur Organisasi Sekretariat KPU Kabupaten Sarolangun",
    "Informasi Peringatan Dini Bencana Banjir di Lokasi Gudang Logistik Pemilihan",
    "Pengumuman Perubahan Lokasi TPS akibat Banjir di Kecamatan Pauh",
)
ITE_LAW = "UU 11/2008 tentang Informasi dan Transaksi Elektronik"
PENANGGUNG_JAWAB = ("Sekretaris KPU Kabupaten Sarolangun", "Kepala Subbagian Keuangan, Umum dan Logistik",
                    "Kepala Subbagian Perencanaan, Data dan Informasi", "Kepala Subbagian Hukum dan SDM",
                    "Kepala Subbagian Teknis Penyelenggaraan Pemilu dan Hubungan Partisipasi Masyarakat",
                    "Ketua KPU Kabupaten Sarolangun")
BENTUK = ("Softcopy dan hardcopy", "Softcopy (PDF)", "Hardcopy", "Softcopy (PDF dan XLSX) dan hardcopy",
          "Softcopy (PDF), dapat diunduh di laman PPID")
RETENSI = ("5 tahun", "10 tahun", "2 tahun aktif, 3 tahun inaktif, kemudian dinilai kembali", "Permanen",
           "Selama berlaku, kemudian 5 tahun inaktif", "1 tahun setelah tahapan selesai")
EXEMPT = (
    ("Data pribadi pemilih (NIK, Nomor KK, tanggal lahir lengkap)", "h", "2",
     "Mengungkap data pribadi pemilih dan membuka peluang penyalahgunaan identitas.",
     "Hak atas pelindungan data pribadi terjaga; rekapitulasi tetap terbuka untuk umum."),
    ("Dokumen pengadaan: harga perkiraan sendiri sebelum pengumuman pemenang", "b", "",
     "Dapat mengganggu persaingan usaha yang sehat dalam pengadaan barang dan jasa.",
     "Proses pengadaan berjalan adil; HPS diumumkan setelah penetapan pemenang."),
    ("Hasil pemeriksaan kesehatan calon anggota badan adhoc", "h", "4",
     "Mengungkap riwayat kesehatan seseorang tanpa persetujuannya.",
     "Kerahasiaan riwayat kesehatan terjaga; hasil kelulusan tetap diumumkan."),
    ("Berkas penyelidikan dugaan pelanggaran kode etik penyelenggara", "a", "1",
     "Dapat menghambat proses pemeriksaan yang sedang berjalan.",
     "Pemeriksaan dapat diselesaikan; putusan diumumkan setelah berkekuatan tetap."),
    ("Kode akses dan konfigurasi sistem informasi rekapitulasi", "j", "",
     "Membuka peluang serangan terhadap sistem informasi penyelenggaraan pemilihan.",
     "Keamanan sistem informasi terjaga."),
)


def _summary(rng: random.Random, title: str, unit: str, length: int) -> str:
    """Whole sentences about the item, as many as fit in ``length`` characters (at least one)."""
    words = {"t": title, "u": unit, "k": rng.choice(KECAMATAN), "y": TAHUN, "m": rng.choice(BULAN)}
    parts: list[str] = []
    for sentence in rng.sample(SENTENCES, len(SENTENCES)):
        sentence = sentence.format(**words)
        if parts and len(" ".join(parts)) + 1 + len(sentence) > length:
            continue
        parts.append(sentence)
        if len(" ".join(parts)) >= length - 40:
            break
    return " ".join(parts)


def _length(rng: random.Random) -> int:
    """Summary lengths 50–600, most of them short-to-medium (as officers write them)."""
    return int(min(600, max(50, rng.lognormvariate(5.4, 0.6))))


def _title(rng: random.Random) -> str:
    kind, subject = rng.choice(DOC_TYPES), rng.choice(SUBJECTS)
    scope = rng.choice(("", f" Tahun {TAHUN}", f" Semester {rng.choice(('I', 'II'))} Tahun {TAHUN}",
                        f" Kecamatan {rng.choice(KECAMATAN)}", f" Bulan {rng.choice(BULAN)} {TAHUN}"))
    return f"{kind} {subject}{scope}"


def _links(rng: random.Random, n: int) -> str:
    r = rng.random()
    base = "https://kab-sarolangun.kpu.go.id/ppid"
    if r < 0.10:
        return ""
    first = f"{base}/dip/{TAHUN}/informasi-{n:05d}.pdf"
    if r < 0.18:
        return f"{first}\nhttps://drive.google.com/file/d/{rng.getrandbits(96):024x}/view"
    return first


def make_rows(n: int, version_id: str, seed: int = SEED, counts: dict[str, int] | None = None,
              titles: tuple[str, ...] = ()) -> list[SnapshotRow]:
    """``n`` frozen rows, numbered 1..k per category (as ``build_snapshot`` numbers them)."""
    rng = random.Random(seed + n)
    if counts is None:
        cats = rng.choices(KATEGORI, KATEGORI_P, k=n)
    else:
        cats = [c for c, k in counts.items() for _ in range(k)]
    nomor = {c: 0 for c in KATEGORI}
    rows = []
    for i, cat in enumerate(sorted(cats, key=KATEGORI.index)):
        nomor[cat] += 1
        unit = rng.choice(UNITS)
        data = dict.fromkeys(SNAPSHOT_FIELDS, "")
        tahun = rng.choice((TAHUN - 2, TAHUN - 1, TAHUN, TAHUN))
        data.update(tahun=tahun, unit=unit, pejabat_penguasa=unit,
                    masa_pengecualian_tahun=None, pengecualian_permanen=False,
                    penanggung_jawab=rng.choice(PENANGGUNG_JAWAB), bentuk=rng.choice(BENTUK),
                    retensi=rng.choice(RETENSI),
                    waktu_tempat=f"Sarolangun, {rng.choice(BULAN)} {tahun}")
        if cat == "dikecualikan":
            judul, huruf, angka, dibuka, ditutup = rng.choice(EXEMPT)
            permanent = huruf == "h"
            data.update(judul=judul, pasal17_huruf=huruf, pasal17_angka=angka,
                        dasar_hukum_lain=ITE_LAW if huruf == "j" else "",
                        konsekuensi_dibuka=dibuka, konsekuensi_ditutup=ditutup,
                        masa_pengecualian_tahun=None if permanent else rng.choice((2, 3, 5)),
                        pengecualian_permanen=permanent, lokasi_hardcopy="Lemari arsip tertutup PPID")
        else:
            data["judul"] = titles[i] if i < len(titles) else _title(rng)
            data["tautan"] = _links(rng, i)
            data["lokasi_softcopy"] = f"Drive PPID/DIP/{TAHUN}/{data['judul'][:40]}"
            data["lokasi_hardcopy"] = f"Lemari arsip PPID, rak {rng.randint(1, 6)}"
        data["ringkasan"] = _summary(rng, data["judul"], unit, _length(rng))
        rows.append(SnapshotRow(version_id, f"itm-bench-{i:06d}", nomor[cat], cat, data))
    return rows


def make_document(n: int, counts: dict[str, int] | None = None, titles: tuple[str, ...] = ()) -> PublicDocument:
    """As ``publishing.document`` builds it for an approved version, with the default office settings."""
    s = DEFAULT_SETTINGS
    decree = Decree(nomor=f"12/PP.06-Kpt/1503/KPU-Kab/XII/{TAHUN}", tanggal=date(TAHUN, 12, 15),
                    tempat=s["office_place"], penandatangan="Rina Marlina", jabatan=s["ppid_position"])
    version = Version(id=f"ver-bench-{n}", tahun=TAHUN, status="disetujui", decree=decree)
    signer = Signer(decree.tempat, decree.tanggal, decree.jabatan, decree.penandatangan, "")
    rows = make_rows(n, version.id, counts=counts, titles=titles)
    return PublicDocument(version, rows, s["office_name"], draft=False, audit_digest="3f9a1c07e2b45d86", signer=signer,
                          legal_bases=tuple(json.loads(s["legal_bases"])), decree_text=s["decree_template"],
                          settings=dict(s))


# -- timing -----------------------------------------------------------------------------------
def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _publication() -> list[tuple[str, str, object]]:
    """(format, kind, render) in the order ``render_all`` makes a publication: every format of both lists,
    then the decree (kind "keputusan")."""
    jobs = [(name, kind, EXPORTERS[name].render) for name in FORMATS for kind in ("dip", "dik")]
    return jobs + [("decree", "keputusan", lambda doc, _kind: render_decree(doc))]


def _render_once(doc) -> dict[tuple[str, str], tuple[float, bytes]]:
    """One publication, timed file by file; the PDF cells are shared as ``render_all`` shares them."""
    with shared_layout():
        return {(name, kind): _timed(lambda: render(doc, kind)) for name, kind, render in _publication()}


def bench(n: int, repeat: int) -> dict:
    t0 = time.perf_counter()
    doc = make_document(n)
    build_s = time.perf_counter() - t0
    counts = {c: sum(r.kategori == c for r in doc.rows) for c in KATEGORI}
    lengths = [len(r.data["ringkasan"]) for r in doc.rows]
    res = {"n": n, "build_s": build_s, "counts": counts, "summary_len": (min(lengths), sum(lengths) / n,
                                                                          max(lengths)), "fmt": {}}
    runs = [_render_once(doc) for _ in range(repeat)]  # each file: the best of ``repeat`` publications
    best = {job: min((run[job] for run in runs), key=lambda r: r[0]) for job in runs[0]}
    for name in FORMATS:
        dip, dik = best[(name, "dip")], best[(name, "dik")]
        res["fmt"][name] = {"s": dip[0] + dik[0], "dip_s": dip[0], "dik_s": dik[0],
                            "dip_bytes": len(dip[1]), "dik_bytes": len(dik[1])}
        if name == "pdf":
            res["fmt"][name]["pages"] = (_pages(dip[1]), _pages(dik[1]))
    decree_s, decree = best[("decree", "keputusan")]
    res["decree"] = {"s": decree_s, "bytes": len(decree), "pages": _pages(decree)}
    res["pdf_total"] = res["fmt"]["pdf"]["s"] + decree_s
    res["total"] = sum(f["s"] for f in res["fmt"].values()) + decree_s
    return res


def profile_pdf(n: int, top: int = 18) -> None:
    doc = make_document(n)
    prof = cProfile.Profile()
    prof.enable()
    with shared_layout():
        for kind in ("dip", "dik"):
            EXPORTERS["pdf"].render(doc, kind)
        render_decree(doc)
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())
    from reportlab.lib import rl_accel
    accel = "C (rl-accel)" if type(rl_accel.instanceStringWidthT1).__name__ == "builtin_function_or_method" \
        else "pure Python (rl-accel not installed)"
    print(f"\n-- cProfile: PDF of {n:,} items (dip + dik + decree), {total:.2f}s own time in all; font metrics: "
          f"{accel}. cProfile inflates the many tiny calls (stringWidth): shares, not wall time --")
    groups = (("reportlab Table wrap/split (platypus/tables.py)", "platypus/tables.py"),
              ("reportlab Paragraph wrap/split (platypus/paragraph.py)", "platypus/paragraph.py"),
              ("reportlab paragraph parser (platypus/paraparser.py)", "platypus/paraparser.py"),
              ("reportlab canvas/textobject/pdfdoc (drawing, writing)", ("pdfgen/", "pdfbase/pdfdoc")),
              ("reportlab fonts / stringWidth (pdfmetrics, rl_accel)", ("pdfmetrics", "rl_accel")),
              ("lib/export (SIDIP's own code)", "lib/export/"))
    for label, ends in groups:
        ends = ends if isinstance(ends, tuple) else (ends,)
        own = sum(v[2] for (f, _, _), v in stats.stats.items() if any(e in f for e in ends))
        print(f"   {label:60} {own:7.2f}s own  ({own / total * 100:4.1f}%)")
    print(f"   -- top {top} by cumulative time --")
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    print(f"   -- top {top} by own time --")
    stats.strip_dirs().sort_stats("tottime").print_stats(top)


def _kb(b: int) -> str:
    return f"{b / 1024:,.0f} KB" if b < 10 * 1024 * 1024 else f"{b / 1024 / 1024:,.1f} MB"


def _label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def summary(r: dict, prefix: str) -> str:
    f = r["fmt"]
    return (f"{prefix}: html={f['html']['s']:.2f}s pdf={r['pdf_total']:.2f}s xlsx={f['xlsx']['s']:.2f}s "
            f"csv={f['csv']['s']:.2f}s json={f['json']['s']:.2f}s total={r['total']:.2f}s")


def write_sample(folder: Path) -> None:
    """A small realistic publication: 5 berkala, 4 setiap saat, 2 serta merta, 1 exempt."""
    doc = make_document(12, counts=SAMPLE_COUNTS, titles=SAMPLE_TITLES)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in render_all(doc).items():
        (folder / name).write_bytes(data)
        print(f"{folder / name}  {len(data):,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=1, help="best of N per render (default 1)")
    parser.add_argument("--profile", action="store_true", help="cProfile the PDF work at the smallest size")
    parser.add_argument("--sample", type=Path, help="write a small publication to this folder and exit")
    args = parser.parse_args()
    if args.sample:
        write_sample(args.sample)
        return
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())

    t0 = time.perf_counter()
    render_all(make_document(12, counts=SAMPLE_COUNTS, titles=SAMPLE_TITLES))
    warm_s = time.perf_counter() - t0

    results = []
    for n in sizes:
        results.append(bench(n, args.repeat))
        print(f"[{_label(n)} done]", file=sys.stderr, flush=True)
    if args.profile:
        profile_pdf(sizes[0])

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "?"
    print(f"\nExport benchmark (commit {commit}; seed {SEED}; best of {args.repeat}; one process; warm-up "
          f"render_all of 12 items first: {warm_s:.2f}s, one-time costs)")
    for r in results:
        c, (lo, avg, hi) = r["counts"], r["summary_len"]
        print(f"\n{r['n']:,} items ({', '.join(f'{k} {v:,}' for k, v in c.items())}; ringkasan {lo}–{hi} chars, "
              f"mean {avg:.0f}; rows built in {r['build_s']:.2f}s)")
        head = (f"  {'format':<22} | {'dip':>8} | {'dik':>8} | {'dip+dik':>8} | {'dip size':>10} | "
                f"{'dik size':>10} | pages")
        print(head)
        print("  " + "-" * (len(head) - 2))
        for name in FORMATS:
            f = r["fmt"][name]
            pages = f"{f['pages'][0]:,} + {f['pages'][1]:,}" if "pages" in f else ""
            print(f"  {name:<22} | {f['dip_s']:>7.2f}s | {f['dik_s']:>7.2f}s | {f['s']:>7.2f}s | "
                  f"{_kb(f['dip_bytes']):>10} | {_kb(f['dik_bytes']):>10} | {pages}")
        d = r["decree"]
        print(f"  {'keputusan.pdf (decree)':<22} | {'':>8} | {'':>8} | {d['s']:>7.2f}s | {_kb(d['bytes']):>10} | "
              f"{'':>10} | {d['pages']:,}")
        print(f"  {'pdf incl. decree':<22} | {'':>8} | {'':>8} | {r['pdf_total']:>7.2f}s |")
        print(f"  {'total':<22} | {'':>8} | {'':>8} | {r['total']:>7.2f}s |")
    by_n = {r["n"]: r for r in results}
    if 1000 in by_n:
        t = by_n[1000]["total"]
        print(f"\nTarget all formats <= 3s at 1,000 items: {'met' if t <= 3 else 'NOT met'} ({t:.2f}s)")
    if 10_000 in by_n:
        t = by_n[10_000]["total"]
        print(f"Target all formats <= 30s at 10,000 items: {'met' if t <= 30 else 'NOT met'} ({t:.2f}s)")
    if len(results) > 1:  # reportlab's long-table split is not linear: show the cost per 1,000 DIP rows
        per = [(r["n"], r["fmt"]["pdf"]["dip_s"] / (r["n"] - r["counts"]["dikecualikan"]) * 1000) for r in results]
        print("DIP PDF seconds per 1,000 DIP rows: " + ", ".join(f"{_label(n)} {s:.2f}s" for n, s in per)
              + f" (x{per[-1][1] / per[0][1]:.1f} from {_label(per[0][0])} to {_label(per[-1][0])})")
    if 10_000 in by_n:
        print(summary(by_n[10_000], "export 10k"))
    if 1000 in by_n:
        print(summary(by_n[1000], "export"))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - no figure for a publication that could not be made
        print(f"Export benchmark failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
