"""Beranda: what waits for this user, by role."""
from __future__ import annotations

from dataclasses import dataclass, field

from lib.domain.models import Actor, Version
from lib.services import items
from lib.services.context import AppContext, require_role


@dataclass
class Todo:
    to_submit: list = field(default_factory=list)     # desk: requests and returned items
    to_classify: list = field(default_factory=list)   # ppid: submitted items
    overdue: list = field(default_factory=list)       # ppid/atasan: open requests past due
    to_approve: list[Version] = field(default_factory=list)  # atasan
    to_upload: list[Version] = field(default_factory=list)   # desk/ppid
    drafts: list[Version] = field(default_factory=list)      # ppid
    users: int = 0                                           # admin
    incomplete: list = field(default_factory=list)           # ppid: items missing a DIP column
    stale_berkala: list[str] = field(default_factory=list)   # ppid: titles not refreshed in 6 months
    exemptions_ending: list[str] = field(default_factory=list)  # ppid: "title (ends on …)"


def todo(ctx: AppContext, actor: Actor) -> Todo:
    require_role(ctx, actor, "desk", "ppid", "atasan", "admin")
    out = Todo()
    views = items.visible_items(ctx, actor)
    versions = ctx.register.list_versions(ctx.office_id)
    if actor.has("desk"):
        mine = [v for v in views if v.item.unit == actor.unit]
        out.to_submit = [v for v in mine if v.item.status in ("diminta", "dikembalikan")]
    if actor.has("ppid"):
        out.to_classify = [v for v in views if v.item.status == "diajukan"]
        out.drafts = [v for v in versions if v.status == "draf"]
        out.stale_berkala, out.exemptions_ending = _ppid_reminders(ctx)
        out.incomplete = [v for v in views if v.item.status == "diklasifikasi" and v.item.missing_dip_fields()]
    if actor.roles & {"ppid", "atasan"}:
        out.overdue = [v for v in views if v.overdue]
    if actor.has("atasan"):
        out.to_approve = [v for v in versions if v.status == "ditetapkan"]
    if actor.roles & {"desk", "ppid"}:
        out.to_upload = [v for v in versions if v.status == "disetujui"]
    if actor.has("admin"):
        out.users = sum(u.office_id == ctx.office_id for u in ctx.register.list_users())
    return out


def _ppid_reminders(ctx: AppContext) -> tuple[list[str], list[str]]:
    """Berkala items due for refresh (Pasal 9(4)) and exemptions whose period ends soon."""
    from lib.domain import metrics
    from lib.domain.workdays import format_date_id
    from lib.services.dashboard import dik_frame
    s, today = ctx.settings(), ctx.today()
    df = metrics.prepare(ctx.item_frame(metrics.ITEM_COLUMNS))
    stale = metrics.stale_berkala(df, today, int(s["berkala_refresh_months"]))["judul"].tolist()
    ending = metrics.exemptions_ending(dik_frame(ctx), today, int(s["exemption_warning_months"]))
    return stale, [f"{j} (berakhir {format_date_id(e.date())})" for j, e in zip(ending["judul"], ending["ends"])]
