"""``python -m lib.cli kantor ...``: the offices of a deployment of many (PostgreSQL), from the server's console."""
from __future__ import annotations

import getpass
import sys

from lib.domain.offices import LEVELS
from lib.errors import SidipError
from lib.services import offices
from lib.services.context import SYSTEM_ACTOR, AppContext


def cmd_list(ctx: AppContext, args) -> int:
    found = offices.all_offices(ctx)
    if not found:
        print("Register ini satu kantor (belum ada susunan kantor). Tetapkan kantor puncak dengan "
              "`python -m lib.cli kantor puncak --tingkat ri` (atau provinsi).")
        return 0
    for office in found:
        print(f"{office.id}\t{office.level_label}\t{office.name}\tinduk: {office.parent_id or '-'}")
    return 0


def cmd_root(ctx: AppContext, args) -> int:
    office = offices.set_root(ctx, SYSTEM_ACTOR, args.tingkat, args.nama or "")
    print(f"Kantor puncak: {office.id} ({office.level_label}) {office.name}")
    return 0


def cmd_add(ctx: AppContext, args) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
        f"Kata sandi admin {args.admin}: ")
    office, user = offices.create_child(ctx, SYSTEM_ACTOR, args.kode, args.nama, args.admin,
                                        args.admin_nama or args.admin, password)
    print(f"Kantor dibuat: {office.id} ({office.level_label}) {office.name}, di bawah {office.parent_id}; "
          f"admin pertamanya: {user.username}")
    return 0


def add_parser(sub) -> None:
    kantor = sub.add_parser("kantor", help="kantor-kantor dalam satu deployment (KPU RI, provinsi, kabupaten/kota)")
    cmds = kantor.add_subparsers(dest="sub", required=True)
    cmds.add_parser("daftar", help="semua kantor beserta induknya").set_defaults(fn=cmd_list)
    root = cmds.add_parser("puncak", help="jadikan kantor deployment ini puncak susunan kantor")
    root.add_argument("--tingkat", required=True, choices=[k for k in LEVELS if k != "kabkota"])
    root.add_argument("--nama", help="nama kantor puncak, mis. \"KPU Republik Indonesia\" (bawaan: nama di Pengaturan)")
    root.set_defaults(fn=cmd_root)
    add = cmds.add_parser("tambah", help="buat kantor anak di bawah --kantor beserta admin pertamanya")
    add.add_argument("kode", help="kode kantor baru, mis. kpu-kab-sarolangun")
    add.add_argument("--nama", required=True, help="nama kantor, mis. KPU Kabupaten Sarolangun")
    add.add_argument("--admin", required=True, help="nama pengguna admin pertama kantor itu")
    add.add_argument("--admin-nama", help="nama lengkap admin pertama")
    add.add_argument("--password-stdin", action="store_true")
    add.set_defaults(fn=cmd_add)
    add_move_parsers(cmds)


def office_view(ctx: AppContext, code: str | None) -> AppContext:
    """``--kantor KODE``: every command then acts for that office alone (and sees only it on PostgreSQL)."""
    if not code:
        return ctx
    if offices.get_office(ctx, code) is None:
        raise SidipError(f"Kantor dengan kode {code} tidak terdaftar; lihat `python -m lib.cli kantor daftar`.")
    return ctx.for_office(code)


# -- an office moving in from its own register, and out again ------------------------------------
def cmd_move_in(ctx: AppContext, args) -> int:
    from pathlib import Path
    from lib.bootstrap import other_key
    from lib.services import office_move
    data = _read_file(Path(args.berkas))
    done = office_move.move_in(ctx, SYSTEM_ACTOR, data, args.kode, args.nama or "", other_key(args.kunci_asal).value,
                               args.awalan_pengguna or "")
    print(f"Kantor dipindahkan masuk: {done.office.id} ({done.office.level_label}) {done.office.name}, di bawah "
          f"{done.office.parent_id}; kantor asal: {done.source_office}")
    for table, n in done.counts.items():
        print(f"  {table}: {n}")
    for old, new in done.users.items():
        print(f"  pengguna {old} -> {new}")
    return 0


def cmd_move_out(ctx: AppContext, args) -> int:
    from pathlib import Path
    from lib.bootstrap import other_key
    from lib.domain.models import DEFAULT_OFFICE
    from lib.files import PRIVATE_FILE, write_atomic
    from lib.services import office_move
    done = office_move.move_out(ctx, SYSTEM_ACTOR, other_key(args.kunci_tujuan).value,
                                args.kode_tujuan or DEFAULT_OFFICE)
    out = Path(args.out)
    try:
        write_atomic(out, done.content, PRIVATE_FILE, f"berkas pindahan {out.name}")  # it holds password hashes
    except OSError as err:
        raise SidipError(f"Berkas pindahan tidak dapat ditulis ke {out} ({err.strerror}).") from err
    office_move.close_moved_out(ctx, done)  # only now: a move that failed to be written leaves no record
    print(f"Berkas pindahan ditulis: {out} ({len(done.content):,} bita)".replace(",", "."))
    print(f"Kantor {ctx.office_id} ditutup di deployment ini: penggunanya tidak dapat masuk lagi dan datanya "
          "tetap sebagai arsip yang hanya dapat dibaca.")
    for table, n in done.counts.items():
        print(f"  {table}: {n}")
    print(f"Pulihkan di pemasangan tujuan (register kosong, kunci rahasia yang sama dengan --kunci-tujuan): "
          f"python -m lib.cli restore {out}")
    if done.target_office != DEFAULT_OFFICE:
        print(f"Kode kantor dalam berkas: {done.target_office}; atur SIDIP_OFFICE_ID={done.target_office} di "
              "pemasangan tujuan.")
    return 0


def _read_file(path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SidipError(f"Berkas {path} tidak ditemukan.") from None
    except OSError as err:
        raise SidipError(f"Berkas {path} tidak dapat dibaca ({err.strerror}).") from None


def add_move_parsers(cmds) -> None:
    move_in = cmds.add_parser("masuk", help="pindahkan kantor dari cadangan register-nya sendiri ke bawah --kantor")
    move_in.add_argument("berkas", help="berkas cadangan XLSX dari register asal kantor itu")
    move_in.add_argument("--kode", required=True, help="kode kantor di deployment ini, mis. kpu-kab-sarolangun")
    move_in.add_argument("--nama", help="nama kantor (bawaan: nama dalam pengaturan cadangan)")
    move_in.add_argument("--kunci-asal", required=True, metavar="BERKAS|KUNCI",
                         help="kunci rahasia register asal: berkas secret.key-nya, atau isinya")
    move_in.add_argument("--awalan-pengguna", metavar="AWALAN",
                         help="ganti nama pengguna kantor itu menjadi AWALAN.nama (bila nama sudah dipakai)")
    move_in.set_defaults(fn=cmd_move_in)
    move_out = cmds.add_parser("keluar", help="pindahkan kantor --kantor keluar ke berkas cadangan satu kantor")
    move_out.add_argument("--out", required=True, help="berkas cadangan XLSX yang ditulis")
    move_out.add_argument("--kunci-tujuan", required=True, metavar="BERKAS|KUNCI",
                          help="kunci rahasia pemasangan tujuan: berkas secret.key-nya, atau isinya")
    move_out.add_argument("--kode-tujuan", metavar="KODE",
                          help="kode kantor dalam berkas (bawaan: kode bawaan pemasangan satu kantor)")
    move_out.set_defaults(fn=cmd_move_out)
