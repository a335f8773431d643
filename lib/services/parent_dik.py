"""The DIK a parent office established, adopted by reference by the offices under it.

PKPU 22/2023 as amended by PKPU 4/2025 places the consequence test of exempt information at KPU RI and
KPU Provinsi: a child office whose ``dik_induk`` setting is on lists its parent's exemptions in its own DIK,
citing the parent's decree. What the child reads of its parent is deliberately narrow: the frozen DIK rows
(their published fields only) of the parent's latest approved or uploaded version and that version's
decree — never the parent's items, drafts, people or settings. On PostgreSQL the read goes through a
register view the database limits to the parent's rows, with every write refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.domain import versions as dv
from lib.domain.models import Actor, Decree, SnapshotRow, Version
from lib.domain.offices import Office
from lib.services.context import AppContext, require_role

SETTING = "dik_induk"
ESTABLISHED = ("disetujui", "diunggah")  # approved by the parent's Atasan PPID (and perhaps uploaded)


@dataclass(frozen=True)
class ParentDik:
    office: Office
    version_label: str
    decree: Decree
    rows: list[SnapshotRow]  # the DIK rows as the parent froze them, public fields only


def parent_office(ctx: AppContext) -> Office | None:
    """The office directly above this one, or None (a single office, or the top of the tree)."""
    from lib.services.offices import all_offices
    offices = {o.id: o for o in all_offices(ctx)}
    own = offices.get(ctx.office_id)
    return offices.get(own.parent_id) if own is not None and own.parent_id else None


def adopts(ctx: AppContext) -> bool:
    return ctx.settings().get(SETTING) == "1" and parent_office(ctx) is not None


def established_by_parent(ctx: AppContext, actor: Actor) -> ParentDik | None:
    """The DIK this office's parent established (for this office's staff to see what they would adopt)."""
    require_role(ctx, actor, "ppid", "atasan", "admin")
    return _established(ctx)


def _established(ctx: AppContext) -> ParentDik | None:
    parent = parent_office(ctx)
    if parent is None:
        return None
    register = ctx.register.scoped(frozenset({parent.id}), frozenset())
    done = [v for v in register.list_versions(parent.id)
            if v.office_id == parent.id and v.status in ESTABLISHED and v.decree is not None]
    if not done:
        return None
    latest: Version = done[-1]  # the register lists an office's versions oldest first
    rows = [SnapshotRow(r.version_id, r.item_id, r.nomor, r.kategori, dv.dik_public(r))
            for r in dv.dik_rows(register.snapshot(latest.id, kategori="dikecualikan"))]
    return ParentDik(parent, latest.label, latest.decree, rows)


def adopted_rows(ctx: AppContext, version: Version, own: list[SnapshotRow]) -> list[SnapshotRow]:
    """What establishing ``version`` now freezes of the parent's DIK: nothing unless the office adopts it."""
    if not adopts(ctx):
        return []
    found = _established(ctx)
    if found is None:
        return []
    return dv.adopt(version, own, found.rows, found.office.name, found.decree)
