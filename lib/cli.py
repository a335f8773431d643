"""Command line for admins and cron: python -m lib.cli COMMAND ..."""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date

from lib import cli_offices
from lib.bootstrap import build_context
from lib.cli_doctor import cmd_doctor
from lib.domain.models import ROLES
from lib.domain.workdays import format_date_id
from lib.errors import SidipError
from lib.files import PRIVATE_FILE, PUBLIC_FILE, write_atomic
from lib.services import auth
from lib.services.context import SYSTEM_ACTOR, AppContext


def _actor(ctx: AppContext, username: str | None):
    """Changes are recorded under --as USERNAME, or the named system actor for cron jobs."""
    if not username:
        return SYSTEM_ACTOR
    user = ctx.register.get_user(username)
    if user is None or not user.active or user.office_id != ctx.office_id:
        raise SidipError(f"Pengguna {username} tidak ditemukan atau tidak aktif.")
    return user.actor()


def cmd_init(ctx: AppContext, args) -> int:
    opened = list(getattr(ctx.register, "migrated", []))  # opening the register (build_context) migrates it
    ctx.register.init()
    print(f"Register siap: {getattr(ctx.register, 'path', '')}")
    _print_migrations(ctx.register, opened)
    if auth.needs_setup(ctx):
        print(f"Belum ada pengguna. Kode penyiapan admin pertama: {auth.new_setup_code(ctx)}")
    return 0


def _print_migrations(register, opened: list[str]) -> None:
    """The numbered schema migrations applied to a SQL register (Google Sheets has none)."""
    if not hasattr(register, "migrated"):
        return
    from lib.store.migrations import LATEST
    done = opened + register.migrated
    for step in done:
        print(f"Migrasi skema {step}")
    print(f"Skema register: versi {LATEST}" + ("" if done else " (sudah terbaru)"))


def cmd_user_add(ctx: AppContext, args) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Kata sandi: ")
    actor = _actor(ctx, args.as_user)
    user = auth.add_user(ctx, actor, args.username, args.name or args.username, password,
                         args.role, args.unit or "")
    print(f"Pengguna {user.username} dibuat dengan peran {', '.join(sorted(user.roles))}.")
    return 0


def cmd_deadline(ctx: AppContext, args) -> int:
    from lib.domain.validation import parse_date
    from lib.domain.workdays import MAX_DEADLINE_DAYS, deadline_start_bounds
    errors: dict[str, str] = {}
    earliest, latest = deadline_start_bounds(ctx.today())
    try:
        start = date.fromisoformat(args.start)
    except ValueError:
        raise SidipError(f"Tanggal \"{args.start}\" tidak valid. Gunakan format TTTT-BB-HH, contoh 2026-03-17.")
    parse_date(start, "Tanggal mulai", errors, earliest=earliest, latest=latest)
    if errors:
        raise SidipError(errors["Tanggal mulai"])
    clock = ctx.clock()
    days = clock.sla_days if args.days is None else args.days
    if days < 1:
        raise SidipError("Jumlah hari kerja minimal 1.")
    if days > MAX_DEADLINE_DAYS:
        raise SidipError(f"Jumlah hari kerja paling banyak {MAX_DEADLINE_DAYS}.")
    explained = ctx.calendar().explain(start, days, clock.count_from_next_day)
    print(explained.due.isoformat())
    for skipped in explained.skipped:
        print(f"{skipped.day.isoformat()}  {format_date_id(skipped.day)}  {skipped.name}")
    print(f"({days} hari kerja sejak {format_date_id(start)}; "
          f"{explained.weekend_days} hari akhir pekan tidak dihitung)")
    return 0


def cmd_health(_ctx, args) -> int:
    """For a load balancer or a container: one line, exit 0 healthy / 1 not. Runs without the app's context."""
    from lib import health
    from lib.bootstrap import configured_register, data_dir
    verdict = health.check(*configured_register(), data_dir())
    print(verdict.line)
    return verdict.exit_code


def cmd_demo(ctx: AppContext, args) -> int:
    from lib.demo import fill_demo
    for line in fill_demo(ctx):
        print(line)
    return 0


def cmd_remind(ctx: AppContext, args) -> int:
    """Daily deadline e-mails (for cron); --dry-run prints them instead of sending."""
    from lib.mailer import SmtpMailer, smtp_settings_from_env
    from lib.services import reminders
    digests = reminders.build_digests(ctx, SYSTEM_ACTOR)
    if args.dry_run:
        for d in digests:
            print(f"Kepada: {d.to}\nPerihal: {d.subject}\n\n{d.body}\n")
        print(f"({len(digests)} surel; tidak ada yang dikirim)")
        return 0
    settings = smtp_settings_from_env()
    if settings is None:
        raise SidipError("Server surel belum diatur: isi SIDIP_SMTP_HOST dan SIDIP_SMTP_FROM "
                         "(serta SIDIP_SMTP_USER/SIDIP_SMTP_PASSWORD bila perlu), lalu jalankan lagi.")
    report = reminders.send_digests(ctx, SYSTEM_ACTOR, digests, SmtpMailer(settings))
    print(f"Terkirim: {report.sent}, gagal: {len(report.failed)}")
    for to, message in report.failed:
        print(f"  {to}: {message}", file=sys.stderr)
    return 1 if report.failed else 0


def _pick_version(ctx: AppContext, wanted: str, statuses: tuple[str, ...]):
    """'latest' = the newest version in one of ``statuses``; otherwise a version id."""
    versions = ctx.register.list_versions(ctx.office_id)
    if wanted != "latest":
        found = ctx.register.get_version(wanted)
        if found is None or found.office_id != ctx.office_id:
            raise SidipError(f"Versi {wanted} tidak ditemukan.")
        return found
    fitting = [v for v in versions if v.status in statuses]
    if not fitting:
        raise SidipError("Belum ada versi DIP yang " + " atau ".join(statuses) + ".")
    return fitting[-1]


def cmd_export(ctx: AppContext, args) -> int:
    from pathlib import Path
    from lib.services import publishing
    actor = _actor(ctx, args.as_user)
    version = _pick_version(ctx, args.version, ("diunggah", "disetujui", "ditetapkan", "diimpor", "draf"))
    name, content = publishing.export_bytes(ctx, actor, version.id, args.format, args.list)
    out = Path(args.out)
    if out.is_dir():
        out = out / name
    _write(out, content, PUBLIC_FILE, f"ekspor {out.name}")
    print(f"{out} ({len(content):,} bita) — {version.label}, status {version.status}".replace(",", "."))
    return 0


def cmd_publish(ctx: AppContext, args) -> int:
    from lib.services import publishing
    actor = _actor(ctx, args.as_user)
    approved = any(v.status == "disetujui" for v in ctx.register.list_versions(ctx.office_id))
    version = _pick_version(ctx, args.version, ("disetujui", "diunggah") if args.version != "latest" else
                            ("disetujui",) if approved else ("diunggah",))
    if version.status == "diunggah":  # nothing new approved: the current version's files are written again
        done = publishing.republish(ctx, actor, version.id, version.revision, args.target)
    else:
        done = publishing.upload(ctx, actor, version.id, version.revision, args.target,
                                 dead_links_ok=args.allow_dead_links)
    print(f"{done.label} diunggah ke {done.upload_url or '(target manual: catat alamat publiknya)'}; "
          f"{len(done.upload_files)} berkas.")
    return 0


def cmd_import(ctx: AppContext, args) -> int:
    from pathlib import Path
    from lib.services import importing
    actor = _actor(ctx, args.as_user)
    path = Path(args.file)
    if not path.is_file():
        raise SidipError(f"Berkas {args.file} tidak ditemukan.")
    if args.as_version and not (args.decree and args.decree_date and args.signer):
        raise SidipError("Versi historis memerlukan --decree (nomor keputusan), --decree-date (TTTT-BB-HH) dan "
                         "--signer (jabatan/nama penandatangan keputusan itu).")
    result = importing.preview(ctx, actor, path.name, path.read_bytes())
    _print_plan(result)
    if args.dry_run or not result.rows:
        print(result.summary_line())
        if not result.rows:
            print(f"Galat: {importing.nothing_to_import(result)}", file=sys.stderr)
        return 0 if result.rows else 1
    version = ({"tahun": args.as_version, "nomor_keputusan": args.decree, "tanggal_keputusan": args.decree_date,
                "tempat_keputusan": args.place or ctx.settings()["office_place"], "penandatangan": args.signer}
               if args.as_version else None)
    done = importing.run(ctx, actor, result, args.unit or ctx.units()[0], path.name, version)
    print(f"{done.items} informasi diimpor ({done.incomplete} perlu dilengkapi)")
    if done.version:
        print(f"Versi historis {done.version.label}: kode {done.version.id}")
    print(result.summary_line())
    return 0


def _print_plan(result) -> None:
    """How each column was read, every rejected row with its reason, every warning."""
    from lib.views import category_short
    print("Pemetaan kolom:")
    for number, header, field_name in result.mapping.describe():
        print(f"  kolom {number:>2} \"{header}\" -> {field_name}")
    for r in result.rejected:
        print(f"ditolak  baris {r.row}: {r.reason} ({r.column}: {r.value})")
    for r in result.rows:
        for w in r.warnings:
            print(f"peringatan baris {r.row}: {w}")
    print(" ".join(f"{category_short(k).lower().replace(' ', '_')}={n}" for k, n in result.counts().items()))


def cmd_versions(ctx: AppContext, args) -> int:
    """Every DIP version of the office, oldest first: id, label, status, decree."""
    from lib.domain.models import VERSION_STATES
    versions = ctx.register.list_versions(ctx.office_id)
    if not versions:
        print("Belum ada versi DIP.")
    for v in versions:
        decree = f"Keputusan Nomor {v.decree.nomor} tanggal {format_date_id(v.decree.tanggal)}" if v.decree else "-"
        print(f"{v.id}  {v.label}  [{VERSION_STATES.get(v.status, v.status)}]  {decree}")
    return 0


def cmd_backup(ctx: AppContext, args) -> int:
    """The whole register as one XLSX workbook (recorded in the audit log as the system actor once written)."""
    from pathlib import Path
    from lib.services import backup
    from lib.services.audit_trail import record_backup
    carry = True if getattr(args, "sertakan_berkas", False) else None  # None: the store's default
    content, counts, event = backup.prepare_backup(ctx, SYSTEM_ACTOR, carry)
    out = Path(args.out)
    if out.is_dir():
        out = out / f"sidip-cadangan-{ctx.now():%Y%m%d-%H%M%S}.xlsx"
    _write(out, content, PRIVATE_FILE, f"cadangan {out.name}")  # it holds password hashes: owner only
    record_backup(ctx, event)  # only now: a backup that failed to be written leaves no record
    print(f"Cadangan ditulis: {out} ({len(content):,} bita)".replace(",", "."))
    for table, n in counts.items():
        print(f"  {table}: {n}")
    return 0


def _write(out, content: bytes, mode: int, what: str) -> None:
    """Whole or not at all: a full disk never leaves a truncated file under the final name."""
    try:
        write_atomic(out, content, mode, what)
    except OSError as err:
        raise SidipError(f"{what.capitalize()} tidak dapat ditulis ke {out} ({err.strerror}).") from err


def cmd_restore(ctx: AppContext, args) -> int:
    """Load a backup into this register, which must be empty."""
    from pathlib import Path
    from lib.services import backup
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SidipError(f"Berkas {path} tidak ditemukan.")
    except OSError as err:
        raise SidipError(f"Berkas {path} tidak dapat dibaca ({err.strerror}).")
    counts = backup.restore_xlsx(ctx, SYSTEM_ACTOR, data)
    print(f"Cadangan dipulihkan dari {path}:")
    for table, n in counts.items():
        print(f"  {table}: {n}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lib.cli", description="SIDIP: perintah administrasi")
    p.add_argument("--kantor", metavar="KODE", help="kantor yang dilayani perintah ini (deployment banyak kantor)")
    sub = p.add_subparsers(dest="command", required=True)
    cli_offices.add_parser(sub)
    sub.add_parser("init", help="buat/perbarui register").set_defaults(fn=cmd_init)
    user = sub.add_parser("user", help="kelola pengguna").add_subparsers(dest="sub", required=True)
    add = user.add_parser("add", help="tambah pengguna")
    add.add_argument("username")
    add.add_argument("--role", action="append", required=True, choices=sorted(ROLES))
    add.add_argument("--unit")
    add.add_argument("--name")
    add.add_argument("--password-stdin", action="store_true")
    add.add_argument("--as", dest="as_user")
    add.set_defaults(fn=cmd_user_add)
    dl = sub.add_parser("deadline", help="hitung batas waktu hari kerja")
    dl.add_argument("start")
    dl.add_argument("--days", type=int)
    dl.set_defaults(fn=cmd_deadline)
    sub.add_parser("demo", help="isi register kosong dengan data contoh").set_defaults(fn=cmd_demo)
    doctor = sub.add_parser("doctor", help="periksa jejak audit")
    doctor.add_argument("--backup", metavar="BERKAS", help="bandingkan juga dengan kepala jejak cadangan ini")
    doctor.set_defaults(fn=cmd_doctor)
    sub.add_parser("sehat", help="periksa register menjawab dan skemanya terbaru (untuk penyeimbang beban)"
                   ).set_defaults(fn=cmd_health, bare=True)
    sub.add_parser("versions", help="daftar versi DIP beserta kodenya").set_defaults(fn=cmd_versions)
    remind = sub.add_parser("remind", help="kirim surel pengingat tenggat (untuk cron)")
    remind.add_argument("--dry-run", action="store_true", help="tampilkan saja, jangan kirim")
    remind.set_defaults(fn=cmd_remind)
    export = sub.add_parser("export", help="ekspor satu versi DIP/DIK ke berkas")
    export.add_argument("--format", required=True, choices=["html", "pdf", "xlsx", "csv", "json", "keputusan"])
    export.add_argument("--list", default="dip", choices=["dip", "dik"])
    export.add_argument("--version", default="latest", help="kode versi, atau 'latest'")
    export.add_argument("--out", required=True, help="berkas atau folder tujuan")
    export.add_argument("--as", dest="as_user")
    export.set_defaults(fn=cmd_export)
    publish = sub.add_parser("publish", help="unggah versi yang disetujui (untuk cron)")
    publish.add_argument("--version", default="latest", help="kode versi, atau 'latest' (disetujui terbaru)")
    publish.add_argument("--target", default="folder", choices=["folder", "sftp", "manual"])
    publish.add_argument("--allow-dead-links", action="store_true", help="terbitkan meski ada tautan mati")
    publish.add_argument("--as", dest="as_user")
    publish.set_defaults(fn=cmd_publish)
    imp = sub.add_parser("import", help="impor DIP yang sudah ada dari XLSX/CSV")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="uji coba saja, register tidak berubah")
    imp.add_argument("--unit", help="unit pemilik informasi (bawaan: unit pertama di Pengaturan)")
    imp.add_argument("--as-version", type=int, metavar="TAHUN", help="catat sebagai versi historis tahun ini")
    imp.add_argument("--decree", help="nomor keputusan versi historis")
    imp.add_argument("--decree-date", help="tanggal keputusan TTTT-BB-HH")
    imp.add_argument("--place")
    imp.add_argument("--signer", help="jabatan/nama penandatangan keputusan (wajib untuk --as-version)")
    imp.add_argument("--as", dest="as_user")
    imp.set_defaults(fn=cmd_import)
    bk = sub.add_parser("backup", help="cadangkan seluruh register ke satu berkas XLSX")
    bk.add_argument("--out", required=True, help="berkas atau folder tujuan")
    bk.add_argument("--sertakan-berkas", action="store_true",
                    help="bawa juga isi berkas yang tersimpan di Google Drive (berkas lokal selalu dibawa)")
    bk.set_defaults(fn=cmd_backup)
    rs = sub.add_parser("restore", help="pulihkan cadangan XLSX ke register yang masih kosong")
    rs.add_argument("file")
    rs.set_defaults(fn=cmd_restore)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if getattr(args, "bare", False):  # `sehat`: no context (no migration, no key, no pool)
            return args.fn(None, args)
        return args.fn(cli_offices.office_view(build_context(), args.kantor), args)
    except SidipError as err:
        print(f"Galat: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
