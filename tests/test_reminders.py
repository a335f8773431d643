"""Deadline reminders: digests sent through a real SMTP server on 127.0.0.1, WhatsApp links, the CLI."""
import dataclasses
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from email import message_from_bytes, policy
from urllib.parse import unquote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from lib.domain.workdays import format_date_id
from lib.errors import PermissionDenied
from lib.mailer import MailError, SmtpMailer, SmtpSettings, smtp_settings_from_env
from lib.services import admin, items, reminders, versions
from lib.services.context import SYSTEM_ACTOR
from tests.conftest import UNIT_A, UNIT_B, classification, submission
from tests.test_cli import ROOT

UNIT_C = "Subbagian Keuangan, Umum dan Logistik"
ADDRESSES = {"ppid_email": "ppid@kpu-sarolangun.go.id", "atasan_email": "sekretaris@kpu-sarolangun.go.id",
             "unit_emails": {UNIT_A: "sekretariat@kpu-sarolangun.go.id", UNIT_B: "datin@kpu-sarolangun.go.id",
                             UNIT_C: "keuangan@kpu-sarolangun.go.id"}}
FOOTER = "Pesan ini dikirim otomatis oleh SIDIP (KPU Kabupaten Sarolangun). Mohon tidak membalas surel ini."


# -- a real SMTP server ---------------------------------------------------------------------
class Inbox:
    """aiosmtpd handler: keeps every accepted message, refuses the addresses in `refuse` with 550."""

    def __init__(self):
        self.messages, self.refuse = [], set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Kotak surat tidak ada"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], str, str]]:
        return [(to, m["Subject"], m.get_content().replace("\r\n", "\n").rstrip("\n")) for to, m in self.messages]


class LocalController(Controller):
    """Binds port 0 and learns the port the OS chose before aiosmtpd connects to it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = LocalController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    inbox.settings = SmtpSettings("127.0.0.1", controller.port, sender="ppid@kpu-sarolangun.go.id",
                                  starttls=False, timeout=5)
    yield inbox
    controller.stop()


# -- a register with something late, due soon, and far away ---------------------------------
def on(ctx, day: date):
    """The same context, with the clock at 09:00 WIB on `day`."""
    return dataclasses.replace(ctx, now=lambda: datetime(day.year, day.month, day.day, 2, tzinfo=timezone.utc))


def requests_at_every_distance(ctx, people):
    """On 17 March 2026 (Nyepi/Idul Fitri follow): Sekretariat has one late, one due soon, one far;
    Datin one returned item due today; Keuangan only a far one; one item and one version wait."""
    admin.update_settings(ctx, people["admin"], ADDRESSES)
    ppid = people["ppid"]
    items.open_request(on(ctx, date(2026, 3, 2)), ppid, UNIT_A, "Renstra 2025-2029")   # due 9 March
    items.open_request(on(ctx, date(2026, 3, 11)), ppid, UNIT_A, "LKjIP 2025")         # due 25 March
    items.open_request(ctx, ppid, UNIT_A, "Profil kantor")                             # due 31 March
    items.open_request(ctx, ppid, UNIT_C, "DIPA 2026")
    req = items.open_request(on(ctx, date(2026, 3, 5)), ppid, UNIT_B, "Data pemilih")
    sub = items.submit(on(ctx, date(2026, 3, 6)), people["desk_b"], req.id, submission("Data pemilih"), req.revision)
    items.return_item(on(ctx, date(2026, 3, 10)), ppid, sub.id, "Lengkapi ringkasan", sub.revision)  # due 17 March
    waiting_and_established(ctx, people)


def waiting_and_established(ctx, people):
    """One item waiting for classification and one established version waiting for approval."""
    for judul in ("Laporan Keuangan 2025", "Daftar aset"):
        req = items.open_request(on(ctx, date(2026, 3, 16)), people["ppid"], UNIT_A, judul)
        items.submit(ctx, people["desk"], req.id, submission(judul), req.revision)
    first = next(i for i in ctx.register.list_items(ctx.office_id) if i.judul == "Laporan Keuangan 2025")
    items.classify(ctx, people["ppid"], first.id, classification(first), first.revision)
    version = versions.create_version(ctx, people["ppid"], 2026)
    versions.establish(ctx, people["ppid"], version.id, DECREE, version.revision)


DECREE = {"nomor_keputusan": "01/PPID/2026", "tanggal_keputusan": "2026-03-17",
          "tempat_keputusan": "Sarolangun", "penandatangan": "Rina", "alasan_kelengkapan": "Uji"}


SEKRETARIAT_BODY = f"""Yth. {UNIT_A},

Per 17 Maret 2026, informasi berikut yang diminta PPID KPU Kabupaten Sarolangun mendekati atau sudah \
melewati batas waktu penyerahan:

Terlambat:
- Renstra 2025-2029 — batas 9 Maret 2026 — terlambat 6 hari kerja

Segera jatuh tempo (dalam 2 hari kerja):
- LKjIP 2025 — batas 25 Maret 2026 — sisa 1 hari kerja

Mohon segera diserahkan melalui SIDIP.

{FOOTER}"""

DATIN_BODY = f"""Yth. {UNIT_B},

Per 17 Maret 2026, informasi berikut yang diminta PPID KPU Kabupaten Sarolangun mendekati atau sudah \
melewati batas waktu penyerahan:

Segera jatuh tempo (dalam 2 hari kerja):
- Data pemilih (dikembalikan untuk diperbaiki) — batas 17 Maret 2026 — batas hari ini

Mohon segera diserahkan melalui SIDIP.

{FOOTER}"""

SUMMARY = f"""Ringkasan SIDIP KPU Kabupaten Sarolangun per 17 Maret 2026.

Tenggat penyerahan per unit (terlambat / segera jatuh tempo dalam 2 hari kerja):
- {UNIT_A}: 1 terlambat, 1 segera jatuh tempo
- {UNIT_B}: 0 terlambat, 1 segera jatuh tempo

Menunggu klasifikasi PPID: 1 informasi
Menunggu persetujuan Atasan PPID: 1 versi DIP
Menunggu unggah: 0 versi DIP

{FOOTER}"""


# -- tests ----------------------------------------------------------------------------------
def test_each_unit_gets_its_late_and_due_soon_requests_and_the_ppid_and_atasan_a_summary(ctx, people, smtp):
    requests_at_every_distance(ctx, people)
    digests = reminders.build_digests(ctx, SYSTEM_ACTOR)
    report = reminders.send_digests(ctx, SYSTEM_ACTOR, digests, SmtpMailer(smtp.settings))
    assert (report.sent, report.failed) == (4, [])
    assert smtp.received() == [
        (["sekretariat@kpu-sarolangun.go.id"], f"[SIDIP] Pengingat tenggat — {UNIT_A} — 17 Maret 2026",
         SEKRETARIAT_BODY),
        (["datin@kpu-sarolangun.go.id"], f"[SIDIP] Pengingat tenggat — {UNIT_B} — 17 Maret 2026", DATIN_BODY),
        (["ppid@kpu-sarolangun.go.id"], "[SIDIP] Ringkasan harian — 17 Maret 2026",
         f"Yth. PPID KPU Kabupaten Sarolangun,\n\n{SUMMARY}"),
        (["sekretaris@kpu-sarolangun.go.id"], "[SIDIP] Ringkasan harian — 17 Maret 2026",
         f"Yth. Sekretaris KPU Kabupaten Sarolangun,\n\n{SUMMARY}"),
    ]
    assert "Profil kantor" not in str(smtp.received())
    event = ctx.register.events(ctx.office_id)[-1]
    assert (event.action, event.actor, event.entity, event.entity_id) == (
        "pengingat_dikirim", "sistem", "reminder", "2026-03-17")
    assert event.after == {"terkirim": 4, "gagal": 0, "penerima": [
        "sekretariat@kpu-sarolangun.go.id", "datin@kpu-sarolangun.go.id",
        "ppid@kpu-sarolangun.go.id", "sekretaris@kpu-sarolangun.go.id"]}


def test_a_unit_with_nothing_due_gets_no_email(ctx, people):
    requests_at_every_distance(ctx, people)
    digests = reminders.build_digests(ctx, SYSTEM_ACTOR)
    assert [(d.to, d.unit) for d in digests] == [
        ("sekretariat@kpu-sarolangun.go.id", UNIT_A), ("datin@kpu-sarolangun.go.id", UNIT_B),
        ("ppid@kpu-sarolangun.go.id", ""), ("sekretaris@kpu-sarolangun.go.id", "")]


def test_without_any_address_there_is_nothing_to_send(ctx, people):
    items.open_request(on(ctx, date(2026, 3, 2)), people["ppid"], UNIT_A, "Renstra 2025-2029")
    assert reminders.build_digests(ctx, people["ppid"]) == []


def test_a_refused_recipient_is_reported_while_the_others_are_delivered(ctx, people, smtp):
    requests_at_every_distance(ctx, people)
    smtp.refuse.add("datin@kpu-sarolangun.go.id")
    digests = reminders.build_digests(ctx, people["ppid"])
    report = reminders.send_digests(ctx, people["ppid"], digests, SmtpMailer(smtp.settings))
    assert (report.sent, report.failed) == (3, [("datin@kpu-sarolangun.go.id",
        "Alamat ditolak server surel: datin@kpu-sarolangun.go.id (550 5.1.1 Kotak surat tidak ada)")])
    assert [to for to, _, _ in smtp.received()] == [
        ["sekretariat@kpu-sarolangun.go.id"], ["ppid@kpu-sarolangun.go.id"], ["sekretaris@kpu-sarolangun.go.id"]]
    event = ctx.register.events(ctx.office_id)[-1]
    assert (event.actor, event.after["terkirim"], event.after["gagal"]) == ("ppid", 3, 1)
    assert event.note.startswith("datin@kpu-sarolangun.go.id: Alamat ditolak")


def test_an_unreachable_server_fails_every_recipient_and_is_still_recorded(ctx, people, smtp):
    admin.update_settings(ctx, people["admin"], {"ppid_email": "ppid@kpu-sarolangun.go.id"})
    closed = dataclasses.replace(smtp.settings, port=1)
    report = reminders.send_digests(ctx, people["ppid"], reminders.build_digests(ctx, people["ppid"]),
                                    SmtpMailer(closed))
    assert (report.sent, report.failed) == (0, [("ppid@kpu-sarolangun.go.id",
        "Tidak dapat terhubung ke server surel 127.0.0.1:1 (ConnectionRefusedError).")])
    assert ctx.register.events(ctx.office_id)[-1].after == {"terkirim": 0, "gagal": 1, "penerima": []}


def test_a_refused_login_is_reported_without_the_password():
    def refuse_everyone(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)
    controller = LocalController(Inbox(), hostname="127.0.0.1", port=0, authenticator=refuse_everyone,
                                 auth_require_tls=False)
    controller.start()
    try:
        settings = SmtpSettings("127.0.0.1", controller.port, "ppid", "sandi-Rahasia-123",
                                "ppid@kpu-sarolangun.go.id", starttls=False, timeout=5)
        with pytest.raises(MailError) as err:
            SmtpMailer(settings).send("a@kpu-sarolangun.go.id", "Uji", "Isi")
    finally:
        controller.stop()
    assert str(err.value) == "Login SMTP ditolak untuk pengguna ppid (535 5.7.8 Authentication credentials invalid)."
    assert "sandi-Rahasia-123" not in repr(settings) + str(err.value) + repr(err.value.__context__)


def test_smtp_settings_come_from_the_environment_and_are_absent_without_a_host():
    assert smtp_settings_from_env({"SIDIP_SMTP_USER": "ppid@kpu.go.id"}) is None
    env = {"SIDIP_SMTP_HOST": "smtp.kpu.go.id", "SIDIP_SMTP_PORT": "465", "SIDIP_SMTP_USER": "ppid@kpu.go.id",
           "SIDIP_SMTP_PASSWORD": "x", "SIDIP_SMTP_STARTTLS": "0"}
    assert smtp_settings_from_env(env) == SmtpSettings("smtp.kpu.go.id", 465, "ppid@kpu.go.id", "x",
                                                       "ppid@kpu.go.id", starttls=False)
    assert smtp_settings_from_env({"SIDIP_SMTP_HOST": "h", "SIDIP_SMTP_FROM": "a@b.id"}) == SmtpSettings(
        "h", 587, sender="a@b.id")


def test_the_whatsapp_link_decodes_to_the_same_reminder_for_one_request(ctx, people):
    requests_at_every_distance(ctx, people)
    view = next(v for v in items.visible_items(ctx, people["ppid"]) if v.item.judul == "Renstra 2025-2029")
    text = reminders.whatsapp_text(view, "KPU Kabupaten Sarolangun")
    link = reminders.whatsapp_link(text)
    assert link.startswith("https://wa.me/?text=") and " " not in link and "\n" not in link
    assert unquote(link.removeprefix("https://wa.me/?text=")) == text == "\n".join([
        "Pengingat SIDIP — PPID KPU Kabupaten Sarolangun",
        "Informasi: Renstra 2025-2029",
        f"Unit: {UNIT_A}",
        "Batas waktu: 9 Maret 2026",
        "Status: terlambat 6 hari kerja",
        "Mohon segera diserahkan melalui SIDIP."])


@pytest.mark.parametrize("call", [
    lambda ctx, desk: reminders.build_digests(ctx, desk),
    lambda ctx, desk: reminders.send_digests(ctx, desk, [], mailer=None),
], ids=["build", "send"])
def test_a_desk_officer_may_not_build_or_send_reminders(ctx, people, call):
    with pytest.raises(PermissionDenied, match="^Fitur ini hanya untuk PPID atau Administrator.$"):
        call(ctx, people["desk"])


# -- the command line, as cron runs it ------------------------------------------------------
def cli(tmp_path, *args, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIDIP_")}
    env |= {"SIDIP_DATA_DIR": str(tmp_path / "data"), "SIDIP_PUBLISH_DIR": str(tmp_path / "pub"), **extra_env}
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def real_today_request(ctx, people):
    """The CLI runs on the real clock: a request opened today is due within 30 working days."""
    now = dataclasses.replace(ctx, now=lambda: datetime.now(timezone.utc))
    admin.update_settings(now, people["admin"], {**ADDRESSES, "due_soon_days": "30"})
    items.open_request(now, people["ppid"], UNIT_A, "Renstra 2025-2029")
    return now


def test_cli_remind_dry_run_prints_every_digest_and_sends_nothing(ctx, people, tmp_path):
    now = real_today_request(ctx, people)
    out = cli(tmp_path, "remind", "--dry-run")
    assert out.returncode == 0, out.stderr
    digests = reminders.build_digests(now, SYSTEM_ACTOR)
    assert [d.to for d in digests] == ["sekretariat@kpu-sarolangun.go.id", "ppid@kpu-sarolangun.go.id",
                                       "sekretaris@kpu-sarolangun.go.id"]
    assert digests[0].subject == f"[SIDIP] Pengingat tenggat — {UNIT_A} — {format_date_id(now.today())}"
    assert out.stdout == "".join(f"Kepada: {d.to}\nPerihal: {d.subject}\n\n{d.body}\n\n" for d in digests) \
        + "(3 surel; tidak ada yang dikirim)\n"
    assert "pengingat_dikirim" not in [e.action for e in ctx.register.events(ctx.office_id)]


def test_cli_remind_without_smtp_settings_exits_1_with_an_indonesian_message(ctx, people, tmp_path):
    real_today_request(ctx, people)
    out = cli(tmp_path, "remind")
    assert (out.returncode, out.stdout, out.stderr.strip()) == (1, "", (
        "Galat: Server surel belum diatur: isi SIDIP_SMTP_HOST dan SIDIP_SMTP_FROM "
        "(serta SIDIP_SMTP_USER/SIDIP_SMTP_PASSWORD bila perlu), lalu jalankan lagi."))


def test_cli_remind_sends_through_smtp_and_prints_the_counts(ctx, people, tmp_path, smtp):
    real_today_request(ctx, people)
    smtp.refuse.add("sekretaris@kpu-sarolangun.go.id")
    out = cli(tmp_path, "remind", SIDIP_SMTP_HOST="127.0.0.1", SIDIP_SMTP_PORT=str(smtp.settings.port),
              SIDIP_SMTP_FROM="ppid@kpu-sarolangun.go.id", SIDIP_SMTP_STARTTLS="0")
    assert (out.returncode, out.stdout) == (1, "Terkirim: 2, gagal: 1\n")
    assert out.stderr == ("  sekretaris@kpu-sarolangun.go.id: Alamat ditolak server surel: "
                          "sekretaris@kpu-sarolangun.go.id (550 5.1.1 Kotak surat tidak ada)\n")
    assert [to for to, _, _ in smtp.received()] == [["sekretariat@kpu-sarolangun.go.id"],
                                                    ["ppid@kpu-sarolangun.go.id"]]
