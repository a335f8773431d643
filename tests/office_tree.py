"""A small office tree for roll-up tests: KPU RI → 2 provinces → 3 kabupaten/kota, staff and a few items.

    ri ── kpu-jambi ──┬─ kpu-srl        two requests (one answered on time, one overdue), an uploaded
                      │                    DIP with an exemption ending within the office's warning months
                      └─ kpu-merangin     one overdue request, nothing uploaded
       └ kpu-sumbar ──── kpu-padang       nothing yet

Built through the services (as each office's own staff); the clock stands at Thursday 9 April 2026 afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from conftest import PASSWORD, UNIT_A, classification, submission
from lib.services import admin, auth, completeness, items, offices, publishing, versions
from lib.services.context import SYSTEM_ACTOR

PARENTS = {"kpu-jambi": ("", "KPU Provinsi Jambi"), "kpu-sumbar": ("", "KPU Provinsi Sumatera Barat"),
           "kpu-srl": ("kpu-jambi", "KPU Kabupaten Sarolangun"),
           "kpu-merangin": ("kpu-jambi", "KPU Kabupaten Merangin"),
           "kpu-padang": ("kpu-sumbar", "KPU Kota Padang")}


@dataclass
class Tree:
    ctx: object                      # the deployment (KPU RI's office)
    pemantau: object                 # a pemantau of KPU RI
    pemantau_jambi: object           # a pemantau of KPU Provinsi Jambi
    staff: dict                      # office code -> {role: actor}

    def view(self, code: str):
        return self.ctx.for_office(code)


def build(ctx, clock) -> Tree:
    admin.update_settings(ctx, SYSTEM_ACTOR, {"office_name": "KPU Republik Indonesia"})
    offices.set_root(ctx, SYSTEM_ACTOR, "ri")
    for code, (parent, name) in PARENTS.items():
        offices.create_child(ctx.for_office(parent) if parent else ctx, SYSTEM_ACTOR, code, name,
                             f"admin.{short(code)}", f"Admin {name}", PASSWORD)
    staff = {code: _staff(ctx.for_office(code), short(code)) for code in PARENTS}
    pemantau = auth.add_user(ctx, SYSTEM_ACTOR, "pemantau.ri", "Pemantau RI", PASSWORD, ["pemantau"], "").actor()
    jambi = auth.add_user(ctx.for_office("kpu-jambi"), SYSTEM_ACTOR, "pemantau.jambi", "Pemantau Jambi",
                          PASSWORD, ["pemantau"], "").actor()
    tree = Tree(ctx, pemantau, jambi, staff)
    _sarolangun(tree, clock)
    _merangin(tree)
    clock.moment += timedelta(days=20)  # Thursday 9 April 2026
    return tree


def short(code: str) -> str:
    return code.removeprefix("kpu-")


def _staff(view, short: str) -> dict:
    people = {role: auth.add_user(view, SYSTEM_ACTOR, f"{role}.{short}", f"{role.title()} {short}", PASSWORD,
                                  [role], UNIT_A if role == "desk" else "").actor()
              for role in ("ppid", "atasan", "desk")}
    people["admin"] = view.register.get_user(f"admin.{short}").actor()
    return people


def _sarolangun(tree: Tree, clock) -> None:
    view, p = tree.view("kpu-srl"), tree.staff["kpu-srl"]
    early = items.open_request(view, p["ppid"], UNIT_A, "Renstra")
    items.open_request(view, p["ppid"], UNIT_A, "Daftar Calon Tetap")
    clock.moment += timedelta(days=3)  # Friday 20 March: answered within 5 working days
    sub = items.submit(view, p["desk"], early.id, submission("Renstra"), early.revision)
    renstra = items.classify(view, p["ppid"], sub.id, classification(sub), sub.revision)
    completeness.decide(view, p["ppid"], renstra.id, standalone(completeness.obligations(view)).id, True,
                        renstra.revision)
    secret = items.submit_new(view, p["desk"], submission("Data Pribadi Pemilih"))
    items.classify(view, p["ppid"], secret.id, classification(
        secret, "dikecualikan", pasal17_huruf="h", masa_pengecualian_tahun=1,
        konsekuensi_dibuka="Membuka alamat pemilih", konsekuensi_ditutup="Tidak merugikan publik"), secret.revision)
    admin.update_settings(view, p["admin"], {"exemption_warning_months": "12"})
    v = versions.create_version(view, p["ppid"], 2026)
    v = versions.establish(view, p["ppid"], v.id, {
        "nomor_keputusan": "01/PPID/III/2026", "tanggal_keputusan": date(2026, 3, 20), "tempat_keputusan": "Sarolangun",
        "penandatangan": "Ketua PPID", "alasan_kelengkapan": "Uji"}, v.revision)
    v = versions.approve(view, p["atasan"], v.id, "Setuju", v.revision)
    publishing.upload(view, p["ppid"], v.id, v.revision)


def standalone(found):
    """An obligation met by one item: a counted head with no sub-points."""
    return next(o for o in found if o.counts and not o.parent and not any(k.parent == o.id for k in found))


def _merangin(tree: Tree) -> None:
    view, p = tree.view("kpu-merangin"), tree.staff["kpu-merangin"]
    items.open_request(view, p["ppid"], UNIT_A, "Laporan Keuangan")
