"""Presenters for Kelengkapan DIP: the obligation table and the printable report."""
from __future__ import annotations

import io

import pandas as pd

from lib.domain import obligations as ob

CONFIDENCE_LABEL = {"terverifikasi": "terverifikasi", "sumber_sekunder": "sumber sekunder (belum diverifikasi)",
                    "belum_diverifikasi": "belum diverifikasi"}


def status_of(o: ob.Obligation, report) -> str:
    if o.retired:
        return "dipensiunkan"
    if not o.counts:
        return "tidak dihitung" + (" (kondisional)" if o.applies == "kondisional" and o.office_applies is None else "")
    if o in report.missing:
        return "belum ada"
    if o in report.stale:
        return "usang (berkala > 6 bulan)"
    kids = ob.children(report.obligations)
    return "tercakup" if ob.is_covered(o, report.links, kids) else "belum ada"


def obligation_table(report, only_applicable: bool = False) -> pd.DataFrame:
    rows = []
    for o in report.obligations:
        if only_applicable and not o.counts:
            continue
        items = sorted(report.titles.get(i, i) for i in report.links.get(o.id, set()))
        rows.append({"Kode": o.id, "Kelompok": ob.GROUPS.get(o.group, o.group), "Kewajiban": o.judul,
                     "Status": status_of(o, report), "Dipenuhi oleh": "; ".join(items),
                     "Dasar hukum": o.basis, "Bukti tipikal": o.evidence,
                     "Keyakinan dasar hukum": CONFIDENCE_LABEL.get(o.confidence, o.confidence),
                     "Berlaku": o.applies + (f" ({o.applies_note})" if o.applies_note else ""),
                     "Catatan": o.reason})
    return pd.DataFrame(rows)


def group_table(report) -> pd.DataFrame:
    return pd.DataFrame([{"Kelompok": ob.GROUPS.get(g.group, g.group), "Dihitung": g.counted, "Tercakup": g.covered,
                          "Persen": "-" if g.rate is None else f"{g.rate * 100:.0f}%", "Belum ada": len(g.missing),
                          "Usang": len(g.stale)} for g in report.groups.values()])


def todo_table(report) -> pd.DataFrame:
    """What to do: each missing or stale obligation with its basis and typical evidence."""
    rows = [{"Tindakan": "Sediakan dan masukkan ke DIP", "Kode": o.id, "Kewajiban": o.judul, "Dasar hukum": o.basis,
             "Bukti tipikal": o.evidence, "Keyakinan": CONFIDENCE_LABEL.get(o.confidence, o.confidence)}
            for o in report.missing]
    rows += [{"Tindakan": "Mutakhirkan (berkala, lebih dari 6 bulan)", "Kode": o.id, "Kewajiban": o.judul,
              "Dasar hukum": o.basis, "Bukti tipikal": o.evidence,
              "Keyakinan": CONFIDENCE_LABEL.get(o.confidence, o.confidence)} for o in report.stale]
    return pd.DataFrame(rows, columns=["Tindakan", "Kode", "Kewajiban", "Dasar hukum", "Bukti tipikal", "Keyakinan"])


def report_pdf(report, office: str, today) -> bytes:
    """'Laporan Kelengkapan DIP' for a self-assessment."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from lib.domain.workdays import format_date_id
    from lib.export.pdf_common import grouped_table, numbered_canvas, para
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=1.2 * cm, rightMargin=1.2 * cm,
                            title="Laporan Kelengkapan DIP", author=office)
    scope = "DIP yang sedang disiapkan" if report.scope == "draf" else "DIP terakhir yang terbit"
    overall = "-" if report.overall is None else f"{report.overall * 100:.0f}%"
    groups, todo = group_table(report), todo_table(report)
    story = [para(f"LAPORAN KELENGKAPAN DAFTAR INFORMASI PUBLIK — {office}".upper(), "title"),
             para(f"{scope}; keadaan {format_date_id(today)}; kelengkapan keseluruhan {overall}.", "center"),
             Spacer(1, 0.4 * cm), *grouped_table(tuple(groups.columns), [("", groups.astype(str).values.tolist())],
                                                 [6 * cm] + [3 * cm] * 5), Spacer(1, 0.5 * cm),
             para("Yang perlu dilakukan"),
             *grouped_table(tuple(todo.columns), [("", todo.astype(str).values.tolist())],
                            [4 * cm, 1.8 * cm, 7 * cm, 5.5 * cm, 5.5 * cm, 3.2 * cm])]
    doc.build(story, canvasmaker=numbered_canvas(False, f"Laporan Kelengkapan DIP — {office}"))
    return out.getvalue()
