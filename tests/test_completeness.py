"""Kelengkapan DIP: the matcher against the hand-labelled truth, the coverage rules, edits and the guard."""
import csv
from pathlib import Path

import pytest

from lib.domain import obligations as ob
from lib.errors import ValidationError
from lib.services import completeness, importing, versions
from tests.test_importing import sample

TRUTH = Path(__file__).resolve().parent / "data"


def truth(name: str) -> dict[int, list[str]]:
    with open(TRUTH / name, encoding="utf-8") as f:
        return {int(r["row"]): [k for k in r["kewajiban"].split(";") if k] for r in csv.DictReader(f)}


def imported(ctx, people, file: str):
    result = importing.preview(ctx, people["ppid"], file, sample(file))
    importing.run(ctx, people["ppid"], result, ctx.units()[0], file)
    items = ctx.register.list_items(ctx.office_id)
    return {n: item for n, item in enumerate(items, start=1)}  # created in file order


def ranked_first(ctx, people, by_row):
    firsts = {}
    for p in completeness.suggestions(ctx, people["ppid"]):
        firsts.setdefault(p.obligation.id, p.item)
    return firsts


# Profil, profil pejabat, LHKPN, laporan keuangan, pengadaan, SOP, DIP, renstra, laporan kinerja, BMN.
PLAIN = ("BK-01.1", "BK-01.5", "BK-01.6", "BK-04.1", "BK-09", "SS-21", "SS-01", "SS-09", "BK-03", "BK-04.4")


def test_the_obligations_pktj_plainly_covers_rank_a_right_item_first(ctx, people):
    by_row = imported(ctx, people, "pktj_tegal_dip_2026.csv")
    labels = truth("kelengkapan_truth_pktj.csv")
    firsts = ranked_first(ctx, people, by_row)
    right = {oid: {by_row[row].judul for row, ids in labels.items() if oid in ids} for oid in PLAIN}
    assert all(right.values())  # the truth file labels each of them
    assert {oid: firsts[oid].judul in right[oid] for oid in PLAIN} == {oid: True for oid in PLAIN}


def _right_in_top3(ctx, people, by_row, labels) -> tuple[int, int]:
    row_of = {item.id: row for row, item in by_row.items()}
    suggestions = completeness.suggestions(ctx, people["ppid"])
    right = sum(p.obligation.id in labels[row_of[p.item.id]] for p in suggestions)
    return right, len(suggestions)


def test_most_suggestions_are_right_on_pktj_and_on_the_held_out_bawaslu_list(ctx, people, tmp_path):
    by_row = imported(ctx, people, "pktj_tegal_dip_2026.csv")
    right, total = _right_in_top3(ctx, people, by_row, truth("kelengkapan_truth_pktj.csv"))
    assert right >= 40 and right / total >= 0.75, (right, total)


def test_the_held_out_bawaslu_list_gets_useful_suggestions(ctx, people):
    by_row = imported(ctx, people, "bawaslu_kutim_daftar_informasi.csv")
    right, total = _right_in_top3(ctx, people, by_row, truth("kelengkapan_truth_bawaslu.csv"))
    assert right >= 10 and right / total >= 0.4, (right, total)


def confirm_truth(ctx, people, by_row, labels):
    for row, ids in labels.items():
        for oid in ids:
            item = ctx.register.get_item(by_row[row].id)
            completeness.decide(ctx, people["ppid"], item.id, oid, True, item.revision)


def test_confirmed_links_give_coverage_per_group_and_list_what_is_missing(ctx, people):
    by_row = imported(ctx, people, "pktj_tegal_dip_2026.csv")
    confirm_truth(ctx, people, by_row, truth("kelengkapan_truth_pktj.csv"))
    report = completeness.report(ctx, people["atasan"])
    assert "BK-04" not in {o.id for o in report.missing}          # all four financial sub-items linked
    missing = {o.id for o in report.missing}
    assert {"KPU-01", "SS-05", "BK-01.3"} <= missing                 # nothing in PKTJ's list is these
    assert report.groups["pemilu"].covered == 0 and report.groups["berkala"].covered >= 6
    assert 0 < report.overall < 1


def test_a_head_is_covered_only_when_all_its_counted_sub_items_are():
    items = ob.load_default()
    kids = ob.children(items)
    head = next(o for o in items if o.id == "BK-04")
    links = {k.id: {"x"} for k in kids["BK-04"]}
    assert ob.is_covered(head, links, kids)
    links.pop("BK-04.4")
    assert not ob.is_covered(head, links, kids)


def test_marking_a_row_not_applicable_or_applicable_changes_coverage_at_once_and_is_audited(ctx, people):
    before = completeness.report(ctx, people["ppid"]).groups["pemilu"].counted
    completeness.mark(ctx, people["admin"], "KPU-01", "tidak_berlaku", "Kantor ini bukan penyelenggara tahapan")
    assert completeness.report(ctx, people["ppid"]).groups["pemilu"].counted == before - 1
    conditional = next(o for o in completeness.obligations(ctx) if o.applies == "kondisional" and not o.parent)
    counted = completeness.report(ctx, people["ppid"]).groups[conditional.group].counted
    completeness.mark(ctx, people["admin"], conditional.id, "berlaku", "Ada pengadaan tahun ini")
    assert completeness.report(ctx, people["ppid"]).groups[conditional.group].counted == counted + 1
    events = [e for e in ctx.register.events(ctx.office_id) if e.action == "kewajiban_status_diubah"]
    assert [e.entity_id for e in events] == ["KPU-01", conditional.id]
    with pytest.raises(ValidationError):
        completeness.mark(ctx, people["admin"], "KPU-02", "tidak_berlaku", "")


def test_an_added_obligation_counts_and_a_retired_one_does_not(ctx, people):
    counted = completeness.report(ctx, people["ppid"]).groups["tata_kelola"].counted
    new_id = completeness.add(ctx, people["admin"], {"judul": "Maklumat pelayanan informasi", "kelompok": "tata_kelola",
                                                     "kata_kunci": "maklumat"})
    assert completeness.report(ctx, people["ppid"]).groups["tata_kelola"].counted == counted + 1
    completeness.mark(ctx, people["admin"], new_id, "pensiun", "Digabung ke TK-01")
    assert completeness.report(ctx, people["ppid"]).groups["tata_kelola"].counted == counted


def test_a_rejected_suggestion_is_not_suggested_again_and_links_survive_into_the_next_version(ctx, people):
    by_row = imported(ctx, people, "pktj_tegal_dip_2026.csv")
    first = next(p for p in completeness.suggestions(ctx, people["ppid"]) if p.obligation.id == "SS-21")
    completeness.decide(ctx, people["ppid"], first.item.id, "SS-21", False, first.item.revision)
    assert not [p for p in completeness.suggestions(ctx, people["ppid"])
                if p.obligation.id == "SS-21" and p.item.id == first.item.id]
    item = ctx.register.get_item(by_row[1].id)
    completeness.decide(ctx, people["ppid"], item.id, "BK-01.1", True, item.revision)
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, {"nomor_keputusan": "1", "tanggal_keputusan": "2026-03-20",
                                                       "tempat_keputusan": "Tegal", "penandatangan": "PPID",
                                                       "alasan_kelengkapan": "Bertahap"}, v.revision)
    row = next(r for r in ctx.register.snapshot(v.id) if r.item_id == item.id)
    assert row.data["kewajiban"] == ["BK-01.1"]
    actions = [e.action for e in ctx.register.events(ctx.office_id) if e.entity == "item"][-2:]
    assert actions == ["kewajiban_ditolak", "kewajiban_dikonfirmasi"]


def test_establishing_with_gaps_asks_for_a_reason_and_records_it(ctx, people):
    imported(ctx, people, "pktj_tegal_dip_2026.csv")
    v = versions.create_version(ctx, people["ppid"], 2026)
    decree = {"nomor_keputusan": "1", "tanggal_keputusan": "2026-03-20", "tempat_keputusan": "Tegal",
              "penandatangan": "PPID"}
    with pytest.raises(ValidationError) as err:
        versions.establish(ctx, people["ppid"], v.id, decree, v.revision)
    assert "kewajiban informasi belum tercakup DIP ini" in err.value.fields["alasan_kelengkapan"]
    v = versions.establish(ctx, people["ppid"], v.id, {**decree, "alasan_kelengkapan": "Dilengkapi semester 2"},
                           v.revision)
    entry = v.history[-1]["kelengkapan"]
    assert entry["alasan"] == "Dilengkapi semester 2" and "KPU-01" in entry["belum_tercakup"]
    assert ctx.register.events(ctx.office_id)[-1].note == "Dilengkapi semester 2"


def test_unverified_rows_are_flagged_and_every_row_keeps_its_legal_basis():
    rows = ob.load_default()
    assert len(rows) == 91 and all(o.basis for o in rows)
    assert {o.confidence for o in rows} == {"terverifikasi", "sumber_sekunder", "belum_diverifikasi"}


def open_page(tmp_path, ctx, monkeypatch, username):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "kelengkapan.py"),
                           default_timeout=60)
    at.session_state["user"], at.session_state["epoch"] = username, ctx.register.get_user(username).token_epoch
    return at.run()


def test_the_page_shows_coverage_and_the_ppid_confirms_a_suggestion(tmp_path, ctx, people, monkeypatch):
    imported(ctx, people, "pktj_tegal_dip_2026.csv")
    at = open_page(tmp_path, ctx, monkeypatch, "ppid")
    assert not at.exception
    assert [m.label for m in at.metric] == ["Keseluruhan", "Berkala", "Setiap saat", "Serta merta", "Khusus pemilu",
                                            "Tata kelola PPID"]
    assert at.metric[0].value == "0%"
    button = next(b for b in at.button if b.label == "Cocok")
    button.click().run()
    assert at.success[0].value == "Dikonfirmasi; tercatat di riwayat."
    assert sum(len(i.kewajiban) for i in ctx.register.list_items(ctx.office_id)) == 1


def test_the_atasan_reads_the_page_without_suggestions(tmp_path, ctx, people, monkeypatch):
    imported(ctx, people, "pktj_tegal_dip_2026.csv")
    at = open_page(tmp_path, ctx, monkeypatch, "atasan")
    assert not at.exception and not [b for b in at.button if b.label == "Cocok"]


def test_the_report_reads_back_as_xlsx_and_pdf(ctx, people):
    import io

    import openpyxl
    from pypdf import PdfReader

    from lib.completeness_views import report_pdf, todo_table
    from lib.export.tables import xlsx_bytes
    imported(ctx, people, "pktj_tegal_dip_2026.csv")
    report = completeness.report(ctx, people["atasan"])
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(todo_table(report), "Tindakan"))).active
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "KPU-01" in codes and len(codes) == len(report.missing) + len(report.stale)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report_pdf(report, "KPU Kab. Contoh", ctx.today()))).pages)
    assert "LAPORAN KELENGKAPAN DAFTAR INFORMASI PUBLIK" in text and "Yang perlu dilakukan" in text
