"""The audit log's chain head, kept in backups and published versions: a cut, thinned or re-ordered log shows."""
import argparse
import dataclasses
import sqlite3

import gspread
import pytest

from lib import cli
from lib.domain import audit
from lib.errors import SidipError
from lib.services import audit_trail, backup, publishing, versions
from lib.services.context import SYSTEM_ACTOR
from tests.conftest import UNIT_A
from tests.sheets_emulator import SheetsEmulator
from tests.test_register_contract import sheets_register

DECREE = {"nomor_keputusan": "01/PPID/2026", "tanggal_keputusan": "2026-03-17",
          "tempat_keputusan": "Sarolangun", "penandatangan": "Rina", "alasan_kelengkapan": "Uji"}


class SheetsTab:
    """Hand edits on the Sheet's events tab (riwayat), as a staff member makes them in the browser."""

    def __init__(self, emu: SheetsEmulator):
        self.emu = emu
        client = gspread.Client(auth=None, session=emu.session())
        self.ws = client.open_by_key(emu.spreadsheet_ids()[-1]).worksheet("riwayat")

    def delete(self, ids: list[str], event_id: str) -> None:
        self.ws.delete_rows(ids.index(event_id) + 2)

    def swap(self, ids: list[str], a: str, b: str) -> None:
        rows = self.ws.get_all_values()
        ra, rb = ids.index(a) + 2, ids.index(b) + 2
        self.ws.update([rows[rb - 1]], f"A{ra}", value_input_option="RAW")
        self.ws.update([rows[ra - 1]], f"A{rb}", value_input_option="RAW")


class SqliteFile:
    """The same edits with sqlite3 on the register's file."""

    def __init__(self, path):
        self.path = path

    def _run(self, *statements) -> None:
        with sqlite3.connect(self.path) as conn:
            for sql, args in statements:
                conn.execute(sql, args)

    def delete(self, ids: list[str], event_id: str) -> None:
        self._run(("DELETE FROM events WHERE id = ?", (event_id,)))

    def swap(self, ids: list[str], a: str, b: str) -> None:
        seq = "(SELECT seq FROM events WHERE id = ?)"
        with sqlite3.connect(self.path) as conn:
            sa, sb = (conn.execute(f"SELECT {seq}", (i,)).fetchone()[0] for i in (a, b))
        self._run(("UPDATE events SET seq = -1 WHERE id = ?", (a,)), ("UPDATE events SET seq = ? WHERE id = ?", (sa, b)),
                  ("UPDATE events SET seq = ? WHERE id = ?", (sb, a)))


@pytest.fixture(params=["local", "sheets"])
def kind(request):
    return request.param


@pytest.fixture
def register_ctx(kind, ctx):
    """The same application context on the SQLite file, or on a Google Sheet (emulated), with the same key."""
    if kind == "local":
        return ctx, SqliteFile(ctx.register.path)
    emu = SheetsEmulator(seed=1)
    return dataclasses.replace(ctx, register=sheets_register(emu, ctx.secret_key)), SheetsTab(emu)


def published(ctx, people):
    """One item through the five steps; then a later event, so the published head is not the log's end."""
    from lib.services import items
    from tests.conftest import classification, submission
    req = items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    sub = items.submit(ctx, people["desk"], req.id, submission("Renstra"), req.revision)
    items.classify(ctx, people["ppid"], sub.id, classification(sub, "berkala"), sub.revision)
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
    v = publishing.upload(ctx, people["ppid"], v.id, v.revision)
    items.open_request(ctx, people["ppid"], UNIT_A, "DPT")
    return v


def doctor(ctx, capsys, backup_file=None) -> tuple[int, list[str]]:
    code = cli.cmd_doctor(ctx, argparse.Namespace(backup=backup_file and str(backup_file)))
    return code, capsys.readouterr().out.splitlines()


def with_backup(ctx, tmp_path):
    content, _, event = backup.prepare_backup(ctx, SYSTEM_ACTOR)
    (tmp_path / "cadangan.xlsx").write_bytes(content)
    audit_trail.record_backup(ctx, event)
    return tmp_path / "cadangan.xlsx"


def test_a_published_version_carries_the_signed_head_of_the_log_just_before_its_upload(ctx, people):
    v = published(ctx, people)
    events = ctx.register.events(ctx.office_id)
    before_upload = events[:[e.action for e in events].index("dip_diunggah")]
    line = open(f"{ctx.publish_dir}/{v.id}/jejak-audit.txt", encoding="ascii").read()
    body = (f"SIDIP-JEJAK-AUDIT/1 kantor={ctx.office_id} jumlah={len(before_upload)} "
            f"terakhir={before_upload[-1].id} jejak={audit.digest(before_upload)}")
    assert line == f"{body} tanda={ctx.signer.sign_text(body)}\n"
    assert "jejak-audit.txt" in v.upload_files
    html = open(f"{ctx.publish_dir}/{v.id}/dip.html", encoding="utf-8").read()
    assert f"Jejak audit: {audit.digest(before_upload)}" in html  # the same log the documents print
    assert publishing.publication_files(ctx, v)["jejak-audit.txt"] == line.encode()  # re-renders the same


def test_a_clean_register_checks_clean_against_its_published_head_and_its_backup(register_ctx, people, capsys,
                                                                                  tmp_path):
    ctx, _ = register_ctx
    v = published(ctx, people)
    file = with_backup(ctx, tmp_path)
    code, out = doctor(ctx, capsys, file)
    head_file = f"{ctx.publish_dir}/{v.id}/jejak-audit.txt"
    at_upload = audit.parse_head(open(head_file, encoding="ascii").read(), ctx.signer)
    now = audit.head_of(ctx.register.events(ctx.office_id), ctx.office_id)
    assert code == 0, out
    assert out[1:] == [
        f"Jejak audit: {now.count} peristiwa; MAC tidak sah: 0; pendahulu hilang: 0; urutan tidak sah: 0; "
        "cabang penulisan bersamaan: 0",
        f"Kepala jejak audit {head_file} (kantor {ctx.office_id}, {at_upload.count} peristiwa, terakhir "
        f"{at_upload.last_id}): cocok",
        f"Kepala jejak audit {file} (kantor {ctx.office_id}, {now.count} peristiwa, terakhir {now.last_id}): cocok",
        f"Berkas tersimpan ({ctx.file_store().describe()}): 0; hilang: 0; isinya berubah: 0"]
    assert at_upload.count < now.count


@pytest.mark.parametrize("tamper", ["hapus_terakhir", "hapus_tengah", "tukar"])
def test_a_cut_thinned_or_reordered_log_is_reported_by_doctor(register_ctx, people, capsys, tmp_path, tamper):
    ctx, hands = register_ctx
    published(ctx, people)
    file = with_backup(ctx, tmp_path)
    ids = [e.id for e in ctx.register.events(ctx.office_id)]
    head = audit.head_of(ctx.register.events(ctx.office_id), ctx.office_id)
    where = f"kantor {ctx.office_id}, kepala jejak mencatat {len(ids)} peristiwa"
    if tamper == "hapus_terakhir":
        hands.delete(ids, ids[-1])
        expected = [f"jejak audit terpotong: peristiwa {ids[-1]} tidak ada dalam log ({where})",
                    f"jejak audit terpotong: log hanya memuat {len(ids) - 1} peristiwa ({where})"]
    elif tamper == "hapus_tengah":
        hands.delete(ids, ids[3])
        expected = [f"jejak audit terpotong: peristiwa {ids[-1]} ada di urutan ke-{len(ids) - 1}, "
                    f"seharusnya ke-{len(ids)} ({where})",
                    f"jejak audit terpotong: log hanya memuat {len(ids) - 1} peristiwa ({where})"]
    else:
        hands.swap(ids, ids[2], ids[3])
    if hasattr(ctx.register, "invalidate"):
        ctx.register.invalidate()
    events = ctx.register.events(ctx.office_id)
    report = audit.verify_chain(events, ctx.signer)
    if tamper == "tukar":
        assert [e.id for e in events] == [*ids[:2], ids[3], ids[2], *ids[4:]]
        assert report.out_of_order == [ids[3]] and not report.ok
        expected = [f"jejak audit berubah: {len(ids)} peristiwa pertama tidak sama dengan yang dicatat kepala "
                    f"jejak (ringkasan {audit.digest(events)}, seharusnya {head.log_digest}; {where})"]
    if tamper == "hapus_tengah":
        assert report.missing_prev == [ids[4]]
    if tamper == "hapus_terakhir":
        assert report.ok  # every remaining MAC holds: only the head kept elsewhere shows the cut
    assert audit.check_head(events, head) == expected
    code, out = doctor(ctx, capsys, file)
    assert code == 1
    backup_line = out.index(next(line for line in out if line.startswith(f"Kepala jejak audit {file} ")))
    assert out[backup_line].endswith(": TIDAK COCOK")
    assert out[backup_line + 1:backup_line + 1 + len(expected)] == [f"  {problem}" for problem in expected]


def test_events_naming_a_later_event_as_predecessor_are_reported_but_forks_stay_harmless(ctx):
    first = ctx.register.append_event(ctx.event(SYSTEM_ACTOR, "uji", "register", "a"))
    second = ctx.register.append_event(ctx.event(SYSTEM_ACTOR, "uji", "register", "b"))
    fork = dataclasses.replace(second, id="evt-cabang", prev_id=first.id)
    fork = dataclasses.replace(fork, mac=ctx.signer.sign(fork))
    assert audit.verify_chain([first, second, fork], ctx.signer).forks == ["evt-cabang"]
    assert audit.verify_chain([first, second, fork], ctx.signer).ok
    swapped = audit.verify_chain([second, first], ctx.signer)
    assert (swapped.out_of_order, swapped.ok) == ([second.id], False)


def test_a_head_line_that_was_edited_or_signed_with_another_key_is_refused(ctx):
    ctx.register.append_event(ctx.event(SYSTEM_ACTOR, "uji", "register", "a"))
    line = audit.render_head(audit.head_of(ctx.register.events(ctx.office_id), ctx.office_id), ctx.signer)
    assert audit.parse_head(line, ctx.signer) == audit.head_of(ctx.register.events(ctx.office_id), ctx.office_id)
    with pytest.raises(SidipError, match=f"^Tanda kepala jejak audit kantor {ctx.office_id} tidak sah: "):
        audit.parse_head(line.replace("jumlah=1 ", "jumlah=0 "), ctx.signer)
    with pytest.raises(SidipError, match=f"^Tanda kepala jejak audit kantor {ctx.office_id} tidak sah: "):
        audit.parse_head(line, audit.EventSigner(b"kunci lain"))
    with pytest.raises(SidipError, match='^Kepala jejak audit tidak dapat dibaca: "sembarang"'):
        audit.parse_head("sembarang", ctx.signer)


def _cut_backup(content: bytes, drop_head: bool = False) -> bytes:
    """The events sheet's last row deleted and the meta sheet's row count edited to match."""
    import io
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(content))
    ws = wb["events"]
    ws.delete_rows(ws.max_row)
    for row in wb["_sidip"].iter_rows():
        if row[0].value == "rows.events":
            row[1].value = str(ws.max_row - 1)
        if drop_head and row[0].value.startswith("chain."):
            row[0].value = row[1].value = None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def other(tmp_path, ctx):
    import shutil
    from lib.bootstrap import build_context
    (tmp_path / "other").mkdir()
    shutil.copy(tmp_path / "data" / "secret.key", tmp_path / "other" / "secret.key")
    return build_context(tmp_path / "other")


def test_a_backup_whose_events_sheet_was_cut_is_refused_even_with_its_row_count_edited(ctx, people, other):
    published(ctx, people)
    content, counts, event = backup.prepare_backup(ctx, SYSTEM_ACTOR)
    n = counts["events"]
    where = f"kantor {ctx.office_id}, kepala jejak mencatat {n} peristiwa"
    with pytest.raises(SidipError) as err:
        backup.restore_xlsx(other, SYSTEM_ACTOR, _cut_backup(content))
    assert str(err.value) == (f"Cadangan tidak dipulihkan: jejak audit terpotong: peristiwa {event.id} tidak ada "
                              f"dalam log ({where}); jejak audit terpotong: log hanya memuat {n - 1} peristiwa "
                              f"({where}).")
    with pytest.raises(SidipError) as err:
        backup.restore_xlsx(other, SYSTEM_ACTOR, _cut_backup(content, drop_head=True))
    assert str(err.value) == f"Cadangan tidak dipulihkan: kepala jejak audit kantor {ctx.office_id} tidak ada di lembar _sidip."
    assert other.register.events(ctx.office_id) == []
    assert backup.restore_xlsx(other, SYSTEM_ACTOR, content)["events"] == n


def test_a_backup_that_cannot_be_written_leaves_no_record_and_a_written_one_records_what_it_holds(ctx, people, tmp_path,
                                                                                                   capsys):
    before = ctx.register.events(ctx.office_id)
    with pytest.raises(SidipError, match="tidak dapat ditulis"):
        cli.cmd_backup(ctx, argparse.Namespace(out=str(tmp_path / "tidak-ada" / "cadangan.xlsx")))
    assert ctx.register.events(ctx.office_id) == before
    assert cli.cmd_backup(ctx, argparse.Namespace(out=str(tmp_path))) == 0
    after = ctx.register.events(ctx.office_id)
    assert after[:-1] == before and after[-1].action == "cadangan_dibuat" and after[-1].actor == "sistem"
    written = next(tmp_path.glob("sidip-cadangan-*.xlsx")).read_bytes()
    meta = backup.read_meta(written)
    assert audit.parse_head(meta[f"chain.{ctx.office_id}"], ctx.signer) == audit.head_of(after, ctx.office_id)
