"""SOP steps 1 and 2: requests, submissions, returns, classification."""
from __future__ import annotations

from dataclasses import dataclass

from lib.domain import workflow
from lib.domain.models import Actor, Item, new_id
from lib.domain.validation import (
    clean_classification, clean_reason, clean_submission, clean_text, clean_texts, require,
)
from lib.domain.workdays import DeadlineExplanation
from lib.errors import NotFound, ValidationError
from lib.services.context import AppContext, at_revision, changes, require_role


def _save(ctx: AppContext, actor: Actor, action: str, old: Item | None, new: Item,
          note: str = "") -> Item:
    before, after = changes(old, new)
    event = ctx.event(actor, action, "item", new.id, unit=new.unit, before=before, after=after,
                      note=note)
    return ctx.register.save_item(new, event, old.revision if old else None)


def _stamp(ctx: AppContext) -> str:
    return ctx.now().isoformat(timespec="seconds")


def get_item(ctx: AppContext, actor: Actor, item_id: str) -> Item:
    require_role(ctx, actor, "desk", "ppid", "atasan", "admin")
    item = ctx.register.get_item(item_id)
    if item is None or item.office_id != ctx.office_id:
        raise NotFound("Informasi tidak ditemukan; mungkin sudah dihapus atau salah tautan.")
    if not (actor.roles & {"ppid", "atasan", "admin"}):
        workflow.check_unit(actor, item)
    return item


def _check_unit_name(ctx: AppContext, unit: str) -> str:
    unit = clean_text(unit)
    if unit not in ctx.units():
        raise ValidationError({"unit": f"Unit \"{unit[:60]}\" tidak terdaftar di Pengaturan."})
    return unit


def open_request(ctx: AppContext, actor: Actor, unit: str, judul: str, note: str = "") -> Item:
    """PPID asks a unit for an information item; the 5-working-day clock starts today."""
    require_role(ctx, actor, "ppid")
    errors: dict[str, str] = {}
    fields = clean_texts({"judul": judul, "request_note": note}, ("judul", "request_note"), errors)
    require(fields, ("judul",), errors)
    if errors:
        raise ValidationError(errors)
    item = Item(new_id("inf"), _check_unit_name(ctx, unit), fields["judul"],
                office_id=ctx.office_id, request_note=fields["request_note"], created_at=_stamp(ctx))
    return _save(ctx, actor, "permintaan_dibuka", None,
                 workflow.open_request(actor, item, ctx.today()))


def submit_new(ctx: AppContext, actor: Actor, data: dict) -> Item:
    """The desk submits unprompted; on the clock only if it says when the information came to be."""
    require_role(ctx, actor, "desk")
    fields = clean_submission(data, ctx.today())
    unit = actor.unit if not actor.has("ppid") else _check_unit_name(ctx, data.get("unit") or actor.unit)
    item = Item(new_id("inf"), unit, fields["judul"], status="", office_id=ctx.office_id,
                created_by=actor.username, created_at=_stamp(ctx))
    new = workflow.submit(actor, item, fields, ctx.today(), ctx.calendar(), ctx.clock(), is_new=True)
    return _save(ctx, actor, "informasi_diajukan", None, new)


def submit(ctx: AppContext, actor: Actor, item_id: str, data: dict, revision: int) -> Item:
    """The desk answers a request, or resubmits a returned item after fixing it."""
    old = _fresh(ctx, actor, item_id, revision)
    fields = clean_submission(data, ctx.today())
    new = workflow.submit(actor, old, fields, ctx.today(), ctx.calendar(), ctx.clock())
    action = "informasi_diajukan_ulang" if old.status == "dikembalikan" else "informasi_diajukan"
    return _save(ctx, actor, action, old, new)


def return_item(ctx: AppContext, actor: Actor, item_id: str, reason: str, revision: int) -> Item:
    old = _fresh(ctx, actor, item_id, revision)
    text = clean_reason(reason)
    new = workflow.return_item(actor, old, text, ctx.today())
    return _save(ctx, actor, "informasi_dikembalikan", old, new, note=text)


def classify(ctx: AppContext, actor: Actor, item_id: str, data: dict, revision: int) -> Item:
    old = _fresh(ctx, actor, item_id, revision)
    workflow.check_transition(workflow.ITEM_TRANSITIONS, "classify", actor, old.status)
    new = workflow.classify(actor, old, clean_classification(data), ctx.today())
    return _save(ctx, actor, "informasi_diklasifikasi", old, new)


def withdraw(ctx: AppContext, actor: Actor, item_id: str, reason: str, revision: int) -> Item:
    old = _fresh(ctx, actor, item_id, revision)
    text = clean_reason(reason, "note")
    return _save(ctx, actor, "informasi_ditarik", old, workflow.withdraw(actor, old), note=text)


def mark_refreshed(ctx: AppContext, actor: Actor, item_id: str, revision: int) -> Item:
    """PPID confirms the information was refreshed (berkala: at least every 6 months, Pasal 9(4))."""
    old = _fresh(ctx, actor, item_id, revision)
    return _save(ctx, actor, "informasi_dimutakhirkan", old,
                 workflow.mark_refreshed(actor, old, ctx.today()))


def _fresh(ctx: AppContext, actor: Actor, item_id: str, revision: int) -> Item:
    """Read the item again; the register refuses the write if someone saved in between."""
    return at_revision(get_item(ctx, actor, item_id), revision, "Informasi")


# -- views for pages --------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemView:
    item: Item
    deadline: DeadlineExplanation | None
    correction: DeadlineExplanation | None
    overdue: bool
    days_left: int | None  # working days until due (negative: late), open requests only


def visible_items(ctx: AppContext, actor: Actor, statuses: tuple[str, ...] = ()) -> list[ItemView]:
    """Items this actor may see (a desk officer: own unit only), with their live deadlines."""
    require_role(ctx, actor, "desk", "ppid", "atasan", "admin")
    items = ctx.register.list_items(ctx.office_id)
    if not (actor.roles & {"ppid", "atasan", "admin"}):
        items = [i for i in items if i.unit == actor.unit]
    if statuses:
        items = [i for i in items if i.status in statuses]
    cal, clock, today = ctx.calendar(), ctx.clock(), ctx.today()
    return [_view(i, cal, clock, today) for i in items]


def _view(item: Item, cal, clock, today) -> ItemView:
    if item.status not in ("diminta", "dikembalikan"):  # closed clocks keep their stored judgement
        return ItemView(item, None, None, False, None)
    explained = workflow.deadline(item, cal, clock)
    correction = workflow.correction_deadline(item, cal, clock)
    live = correction or (explained if item.status == "diminta" else None)
    if live is None:
        return ItemView(item, explained, correction, False, None)
    left = (cal.working_days_between(today, live.due) if live.due >= today
            else -cal.working_days_between(live.due, today))
    return ItemView(item, explained, correction, today > live.due, left)
