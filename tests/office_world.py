"""A deployment of three offices for the isolation tests: KPU RI at the top, two KPU Provinsi under it
(kpu-a, kpu-b), each with its own users and its own items, one uploaded DIP version with a softcopy, and a
pemantau at KPU RI. Every title and name of office B carries the marker "RAHASIA-B", so any leak is a
plain substring search."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from conftest import PASSWORD, UNIT_A, classification, submission
from lib.bootstrap import build_context
from lib.domain.models import Actor
from lib.services import attachments, auth, items, offices, publishing, versions
from lib.services.context import SYSTEM_ACTOR, AppContext

ROOT, A, B = "kpu-ri", "kpu-a", "kpu-b"
ROLES = ("admin", "ppid", "atasan", "desk")
MARK = {A: "RAHASIA-A", B: "RAHASIA-B"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Office:
    ctx: AppContext
    users: dict[str, Actor]
    item_ids: list[str]
    version_id: str
    attachment_id: str


@dataclass
class World:
    base: AppContext
    offices: dict[str, Office]
    pemantau: Actor


def build_world(data_dir, clock, publish_dir, monkeypatch) -> World:
    monkeypatch.setenv("SIDIP_OFFICE_ID", ROOT)
    base = dataclasses.replace(build_context(data_dir), now=clock, publish_dir=str(publish_dir))
    auth.add_user(base, SYSTEM_ACTOR, "admin.ri", "Admin RI", PASSWORD, ["admin"], "")
    offices.set_root(base, SYSTEM_ACTOR, "ri")
    pemantau = auth.add_user(base, SYSTEM_ACTOR, "pemantau.ri", "Pemantau RI", PASSWORD, ["pemantau"], "").actor()
    built = {code: _office(base, code) for code in (A, B)}
    return World(base, built, pemantau)


def _office(base: AppContext, code: str) -> Office:
    mark = MARK[code]
    offices.create_child(base, SYSTEM_ACTOR, code, f"KPU Provinsi {mark}", f"admin.{code}", f"Admin {mark}",
                         PASSWORD)
    ctx = base.for_office(code)
    users = {role: auth.add_user(ctx, SYSTEM_ACTOR, f"{role}.{code}", f"{role.title()} {mark}", PASSWORD, [role],
                                 UNIT_A if role == "desk" else "").actor()
             for role in ("ppid", "atasan", "desk")}
    users["admin"] = Actor(f"admin.{code}", frozenset({"admin"}), office_id=code)
    ids = []
    for n, kategori in enumerate(("berkala", "dikecualikan", "setiap_saat")):
        item = items.submit_new(ctx, users["desk"], submission(f"{mark} laporan {n}"))
        extra = {"pasal17_huruf": "h", "pasal17_angka": "2", "konsekuensi_dibuka": f"{mark} konsekuensi", "konsekuensi_ditutup": "Terlindungi",
                 "masa_pengecualian_tahun": "5"} if kategori == "dikecualikan" else {}
        item = items.classify(ctx, users["ppid"], item.id, classification(item, kategori, **extra), item.revision)
        ids.append(item.id)
    att = attachments.attach(ctx, users["ppid"], ids[0], f"{mark}.pdf", PDF)
    v = versions.create_version(ctx, users["ppid"], 2026)
    v = versions.establish(ctx, users["ppid"], v.id, {
        "nomor_keputusan": f"{mark}/1", "tanggal_keputusan": "2026-03-16", "tempat_keputusan": mark,
        "penandatangan": f"Ketua {mark}", "alasan_kelengkapan": "Uji"}, v.revision)
    v = versions.approve(ctx, users["atasan"], v.id, "", v.revision)
    v = publishing.upload(ctx, users["ppid"], v.id, v.revision)
    items.open_request(ctx, users["ppid"], UNIT_A, f"{mark} permintaan terbuka")  # still with the desk
    return Office(ctx, users, ids, v.id, att.id)
