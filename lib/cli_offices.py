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
    office = offices.set_root(ctx, SYSTEM_ACTOR, args.tingkat)
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
    root.set_defaults(fn=cmd_root)
    add = cmds.add_parser("tambah", help="buat kantor anak di bawah --kantor beserta admin pertamanya")
    add.add_argument("kode", help="kode kantor baru, mis. kpu-kab-sarolangun")
    add.add_argument("--nama", required=True, help="nama kantor, mis. KPU Kabupaten Sarolangun")
    add.add_argument("--admin", required=True, help="nama pengguna admin pertama kantor itu")
    add.add_argument("--admin-nama", help="nama lengkap admin pertama")
    add.add_argument("--password-stdin", action="store_true")
    add.set_defaults(fn=cmd_add)


def office_view(ctx: AppContext, code: str | None) -> AppContext:
    """``--kantor KODE``: every command then acts for that office alone (and sees only it on PostgreSQL)."""
    if not code:
        return ctx
    if offices.get_office(ctx, code) is None:
        raise SidipError(f"Kantor dengan kode {code} tidak terdaftar; lihat `python -m lib.cli kantor daftar`.")
    return ctx.for_office(code)
