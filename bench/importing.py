"""Benchmark: reading, planning and importing a 100,000-row DIP into a fresh local register.

Run: python bench/importing.py   (prints figures; not a test)
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.bootstrap import build_context  # noqa: E402
from lib.services import auth, importing  # noqa: E402
from lib.services.context import SYSTEM_ACTOR  # noqa: E402

ROWS = 100_000


def csv_bytes(n: int) -> bytes:
    cats = ("Berkala", "Setiap Saat", "Serta Merta")
    lines = ["Jenis Informasi,Judul Informasi,Ringkasan Isi Informasi,Pejabat yang Menguasai Informasi,"
             "Penanggung Jawab,Bentuk Informasi,Tempat Pembuatan,Waktu Pembuatan,Jangka Waktu Penyimpanan,Tautan"]
    lines += [f"{cats[k % 3]},Informasi nomor {k},Ringkasan isi informasi nomor {k} untuk uji,Sekretariat,"
              f"Sekretaris,Hardcopy dan softcopy,Sarolangun,{2020 + k % 6},5 Tahun,https://contoh.go.id/{k}"
              for k in range(n)]
    return "\n".join(lines).encode()


def main() -> None:
    data = csv_bytes(ROWS)
    with tempfile.TemporaryDirectory() as folder:
        ctx = build_context(Path(folder))
        ppid = auth.add_user(ctx, SYSTEM_ACTOR, "ppid", "PPID", "rahasia-panjang-1", ["ppid"]).actor()
        t0 = time.perf_counter()
        result = importing.preview(ctx, ppid, "besar.csv", data)
        t1 = time.perf_counter()
        done = importing.run(ctx, ppid, result, ctx.units()[0], "besar.csv")
        t2 = time.perf_counter()
    print(f"file {len(data) / 1_048_576:.1f} MB, {ROWS:,} rows")
    print(f"read + plan (dry run): {t1 - t0:.1f} s")
    print(f"import ({done.items:,} items + {done.items + 1:,} audit events, one transaction): {t2 - t1:.1f} s")
    print(f"import: rows={ROWS} dry_run={t1 - t0:.1f}s import={t2 - t1:.1f}s total={t2 - t0:.1f}s")


if __name__ == "__main__":
    main()
