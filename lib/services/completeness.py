"""Kelengkapan DIP: which obligations the DIP covers, which are missing or stale, what to confirm."""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass

from lib.domain import metrics
from lib.domain import obligations as ob
from lib.domain.models import Actor, Item
from lib.domain.validation import clean_reason, clean_text
from lib.errors import ConflictError, NotFound, ValidationError
from lib.services.context import AppContext, require_role
from lib.services.items import _fresh, _save

SETTINGS_KEY = "kewajiban_perubahan"


def obligations(ctx: AppContext) -> list[ob.Obligation]:
    return obligations_of(ctx.register.settings(ctx.office_id).get(SETTINGS_KEY, "{}"))


def obligations_of(changes: str) -> list[ob.Obligation]:
    """The default list with an office's changes (its ``kewajiban_perubahan`` setting, JSON) applied."""
    return ob.apply_changes(ob.load_default(), json.loads(changes or "{}"))


@dataclass
class Report:
    scope: str                                  # "draf" (items now) or "terbit" (last published version)
    groups: dict[str, ob.GroupCoverage]
    overall: float | None
    obligations: list[ob.Obligation]
    links: dict[str, set[str]]
    titles: dict[str, str]                      # item id -> title

    @property
    def missing(self) -> list[ob.Obligation]:
        return [o for g in self.groups.values() for o in g.missing]

    @property
    def stale(self) -> list[ob.Obligation]:
        return [o for g in self.groups.values() for o in g.stale]


def _links(records: list[tuple[str, list[str]]]) -> dict[str, set[str]]:
    links: dict[str, set[str]] = {}
    for item_id, ids in records:
        for oid in ids or []:
            links.setdefault(oid, set()).add(item_id)
    return links


def report(ctx: AppContext, actor: Actor, scope: str = "draf") -> Report:
    require_role(ctx, actor, "ppid", "atasan", "admin", "pemantau")
    found = obligations(ctx)
    frame = ctx.item_frame((*metrics.ITEM_COLUMNS, "kewajiban"))  # read once for both
    records = _published(ctx) if scope == "terbit" else _classified(frame)
    links = _links([(i, k) for i, _, k in records])
    groups = ob.coverage(found, links, _stale_ids(ctx, frame))
    return Report(scope, groups, ob.overall(groups), found, links, {i: t for i, t, _ in records})


def _classified(frame) -> list[tuple[str, str, list[str]]]:
    """Through the item frame: fast on a register of 100,000 items (the dashboard shows coverage too)."""
    df = frame[frame["status"] == "diklasifikasi"]
    return [(i, t, _met(k)) for i, t, k in zip(df["id"], df["judul"], df["kewajiban"])]


def _met(kewajiban: str) -> list[str]:
    return json.loads(kewajiban) if kewajiban and kewajiban != "[]" else []


def links_by_office(frame) -> dict[str, dict[str, set[str]]]:
    """office -> obligation -> the classified items meeting it, from an item frame of several offices
    (columns office_id, id, status, kewajiban): ``report``'s links for each office at once."""
    df = frame[(frame["status"] == "diklasifikasi") & ~frame["kewajiban"].isin(["", "[]"])]
    found: dict[str, list] = {}
    for office, item_id, kewajiban in zip(df["office_id"], df["id"], df["kewajiban"]):
        found.setdefault(office, []).append((item_id, _met(kewajiban)))
    return {office: _links(records) for office, records in found.items()}


def share_met(found: list[ob.Obligation], links: dict[str, set[str]], stale_ids: set[str]) -> float | None:
    """The share of obligations an office's items meet: the Kelengkapan page's overall figure."""
    return ob.overall(ob.coverage(found, links, stale_ids))


def summary(ctx: AppContext, actor: Actor) -> str:
    """One line for the dashboard and the Beranda."""
    r = report(ctx, actor)
    rate = "-" if r.overall is None else f"{r.overall * 100:.0f}%"
    return f"Kelengkapan DIP {rate}: {len(r.missing)} kewajiban belum ada, {len(r.stale)} usang."


def _published(ctx: AppContext) -> list[tuple[str, str, list[str]]]:
    uploaded = [v for v in ctx.register.list_versions(ctx.office_id) if v.status in ("diunggah", "diimpor")]
    if not uploaded:
        return []
    rows = ctx.register.snapshot(uploaded[-1].id)
    return [(r.item_id, r.data.get("judul", ""), r.data.get("kewajiban") or []) for r in rows]


def _stale_ids(ctx: AppContext, frame) -> set[str]:
    df = metrics.prepare(frame[list(metrics.ITEM_COLUMNS)].copy())
    return set(metrics.stale_berkala(df, ctx.today(), int(ctx.settings()["berkala_refresh_months"]))["id"])


@dataclass(frozen=True)
class Pending:
    obligation: ob.Obligation
    item: Item
    score: float


def suggestions(ctx: AppContext, actor: Actor) -> list[Pending]:
    """Top matches not yet confirmed or rejected, for obligations not yet covered."""
    require_role(ctx, actor, "ppid", "atasan", "admin")
    found = obligations(ctx)
    items = [i for i in ctx.register.list_items(ctx.office_id) if i.status == "diklasifikasi"]
    by_id = {i.id: i for i in items}
    links = _links([(i.id, i.kewajiban) for i in items])
    kids = ob.children(found)
    # 'Kondisional' rows are suggested too: a matching item is a hint that the row applies here.
    open_rows = [o for o in found if not o.retired and o.office_applies is not False and o.applies != "tidak"
                 and not ob.is_covered(o, links, kids)]
    ranked = ob.suggest(open_rows,
                        [{"id": i.id, "judul": i.judul, "ringkasan": i.ringkasan} for i in items])
    index = {o.id: o for o in found}
    return [Pending(index[oid], by_id[s.item_id], s.score) for oid, best in ranked.items() for s in best
            if oid not in by_id[s.item_id].kewajiban_ditolak]


def decide(ctx: AppContext, actor: Actor, item_id: str, obligation_id: str, confirm: bool,
           revision: int) -> Item:
    """The PPID confirms (the item meets the obligation) or rejects a suggestion; audited on the item."""
    require_role(ctx, actor, "ppid")
    if obligation_id not in {o.id for o in obligations(ctx)}:
        raise NotFound(f"Kewajiban {obligation_id} tidak ada dalam daftar.")
    old = _fresh(ctx, actor, item_id, revision)
    if confirm:
        new = old.replace(kewajiban=sorted(set(old.kewajiban) | {obligation_id}),
                          kewajiban_ditolak=[k for k in old.kewajiban_ditolak if k != obligation_id])
    else:
        new = old.replace(kewajiban=[k for k in old.kewajiban if k != obligation_id],
                          kewajiban_ditolak=sorted(set(old.kewajiban_ditolak) | {obligation_id}))
    action = "kewajiban_dikonfirmasi" if confirm else "kewajiban_ditolak"
    return _save(ctx, actor, action, old, new, note=obligation_id)


# -- the admin edits the list -----------------------------------------------------------------
MAX_TRIES = 30


def _store(ctx: AppContext, actor: Actor, action: str, edit) -> str:
    """Read the list of changes, apply ``edit`` (changes -> (entity id, audited after)), and write it back
    only if nobody else wrote it meanwhile; else read again. Two admins marking at once both land."""
    for attempt in range(MAX_TRIES):
        raw = ctx.register.settings(ctx.office_id).get(SETTINGS_KEY)
        changes = json.loads(raw or "{}")
        entity_id, after = edit(changes)
        event = ctx.event(actor, action, "obligation", entity_id, after=after)
        value = json.dumps(changes, ensure_ascii=False)
        if ctx.register.compare_and_set_setting(ctx.office_id, SETTINGS_KEY, raw, value, event):
            return entity_id
        time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # spread writers that collided
    raise ConflictError("Daftar kewajiban sedang diubah pengguna lain terus-menerus. Coba lagi sebentar lagi.")


def mark(ctx: AppContext, actor: Actor, obligation_id: str, status: str, reason: str) -> None:
    """status: 'berlaku' (applies here), 'tidak_berlaku' (not applicable), 'pensiun' (retired), '' (reset)."""
    require_role(ctx, actor, "admin", "ppid")
    if obligation_id not in {o.id for o in obligations(ctx)}:
        raise NotFound(f"Kewajiban {obligation_id} tidak ada dalam daftar.")
    if status not in ("berlaku", "tidak_berlaku", "pensiun", ""):
        raise ValidationError({"status": "Pilih: berlaku, tidak berlaku, atau dipensiunkan."})
    text = clean_reason(reason, "note") if status in ("tidak_berlaku", "pensiun") else clean_text(reason)[:2000]

    def edit(changes: dict):
        changes.setdefault("status", {})[obligation_id] = {"status": status, "alasan": text, "oleh": actor.username}
        return obligation_id, {"status": status, "alasan": text}
    _store(ctx, actor, "kewajiban_status_diubah", edit)


def add(ctx: AppContext, actor: Actor, data: dict) -> str:
    require_role(ctx, actor, "admin")
    judul, group = clean_text(data.get("judul")), data.get("kelompok", "")
    if not judul or group not in ob.GROUPS:
        raise ValidationError({"judul": "Isi judul kewajiban dan pilih kelompoknya."})

    def edit(changes: dict):
        extra = changes.setdefault("tambahan", [])
        new_id = f"KTR-{len(extra) + 1:02d}"
        extra.append({"id": new_id, "induk": "", "kelompok": group, "judul": judul[:500],
                      "dasar_hukum": clean_text(data.get("dasar_hukum"))[:500],
                      "bukti_tipikal": clean_text(data.get("bukti"))[:500],
                      "kata_kunci": clean_text(data.get("kata_kunci"))[:300], "berlaku": "ya",
                      "catatan_berlaku": "", "keyakinan": "belum_diverifikasi"})
        return new_id, {"judul": judul, "kelompok": group}
    return _store(ctx, actor, "kewajiban_ditambahkan", edit)


def establish_gaps(ctx: AppContext) -> list[ob.Obligation]:
    """Missing mandatory obligations for the DIP being prepared (shown before penetapan)."""
    found = obligations(ctx)
    items = [i for i in ctx.register.list_items(ctx.office_id) if i.status == "diklasifikasi"]
    groups = ob.coverage(found, _links([(i.id, i.kewajiban) for i in items]))
    return [o for g in groups.values() for o in g.missing]
