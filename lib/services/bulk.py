"""Many items at once: the PPID classifies in a grid, the desk submits rows pasted from a spreadsheet.

Each row goes through the same cleaning, validation and workflow as the one-item forms. A save is all
or nothing: if any row is refused (invalid, changed by someone else since the grid was loaded, another
unit's), no row is saved and every refusal names its row, so the user fixes the grid and saves again
without losing what the other rows hold. Unchanged rows are not written and leave no event.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.domain import workflow
from lib.domain.models import DIP_FIELDS, Actor, Item, new_id
from lib.domain.validation import EXEMPTION_TEXTS, clean_classification, clean_submission, clean_text, label
from lib.errors import ConflictError, NotFound, SidipError, ValidationError, stale_error
from lib.services.context import AppContext, changes, require_role
from lib.services.items import _check_unit_name

# The grid's columns, in the order shown: what the PPID fills first comes first.
GRID_FIELDS = ("judul", "kategori", "lokasi_softcopy", "lokasi_hardcopy", "unit", *DIP_FIELDS, "tahun", "tautan")
# The desk's paste grid follows the Perki 1/2021 columns, as an office's own spreadsheet does.
DESK_FIELDS = ("judul", *DIP_FIELDS, "tahun", "tautan", "info_created_on")
# What the one-item form keeps of an item that the grid does not show: the exemption record.
KEPT_FIELDS = ("pasal17_huruf", *EXEMPTION_TEXTS, "masa_pengecualian_tahun", "pengecualian_permanen", "catatan_ppid")
GRID_STATES = ("diajukan", "diklasifikasi")


@dataclass(frozen=True)
class RowEdit:
    """One grid row: the item it shows, the revision it was loaded at, its cells as loaded and as typed."""

    item_id: str
    revision: int
    seen: dict
    typed: dict


class RowErrors(ValidationError):
    """Rows refused, nothing saved; ``fields`` maps a row key (item id, or row number of pasted rows) to
    its message, ``labels`` the key to the row's name as the user sees it."""

    def __init__(self, rows: dict[str, tuple[str, str]]):
        self.labels = {key: name for key, (name, _) in rows.items()}
        lines = "; ".join(f"{name}: {message}" for name, message in rows.values())
        super().__init__({key: message for key, (_, message) in rows.items()},
                         f"Tidak ada yang disimpan: {len(rows)} baris perlu diperbaiki. {lines}")


def grid_rows(ctx: AppContext, actor: Actor) -> list[dict]:
    """The items the PPID may classify, as grid rows of plain strings with their id and revision."""
    require_role(ctx, actor, "ppid")
    items = [i for i in ctx.register.list_items(ctx.office_id) if i.status in GRID_STATES]
    return [{"id": i.id, "revision": i.revision, "status": i.status, **cells(i)} for i in items]


def cells(item: Item) -> dict[str, str]:
    return {f: "" if getattr(item, f) is None else str(getattr(item, f)) for f in GRID_FIELDS}


def classify_many(ctx: AppContext, actor: Actor, edits: list[RowEdit]) -> list[Item]:
    """Classify (or correct) every changed row in one transaction, one audit event per item."""
    require_role(ctx, actor, "ppid")
    current = {i.id: i for i in ctx.register.list_items(ctx.office_id)}
    changed = [e for e in edits if _typed(e) != _seen(e)]
    olds, news, problems = [], [], {}
    for edit in changed:
        old = current.get(edit.item_id)
        try:
            news.append(_classified(ctx, actor, old, edit))
            olds.append(old)
        except SidipError as err:
            problems[edit.item_id] = (_row_name(edit), _message(err))
    if problems:
        raise RowErrors(problems)
    events = [_event(ctx, actor, "informasi_diklasifikasi", old, new) for old, new in zip(olds, news)]
    try:
        return ctx.register.update_many(news, events, [old.revision for old in olds])
    except ConflictError as err:  # saved by someone else between our read and our write
        key = getattr(err, "item_id", "")
        raise RowErrors({key: (_row_name(next(e for e in changed if e.item_id == key)), err.message)}) from err


def _typed(edit: RowEdit) -> dict:
    return {f: clean_text(edit.typed.get(f)) for f in GRID_FIELDS if f in edit.typed}


def _seen(edit: RowEdit) -> dict:
    return {f: clean_text(edit.seen.get(f)) for f in GRID_FIELDS if f in edit.typed}


def _classified(ctx: AppContext, actor: Actor, old: Item | None, edit: RowEdit) -> Item:
    if old is None or old.office_id != ctx.office_id:
        raise NotFound("Informasi ini tidak ditemukan lagi; mungkin sudah dihapus.")
    if old.revision != edit.revision:
        raise _stale(old, edit)
    data = {**{f: getattr(old, f) for f in KEPT_FIELDS}, **cells(old), **edit.typed}
    errors: dict[str, str] = {}
    unit = _valid(lambda: _check_unit_name(ctx, data["unit"]) if data["unit"] != old.unit else old.unit, errors)
    fields = _valid(lambda: clean_classification(data), errors)
    if errors:
        raise ValidationError(errors)
    return workflow.classify(actor, old.replace(unit=unit), fields, ctx.today())


def _valid(check, errors: dict[str, str]):
    """Run one check, gathering its field messages: a row shows all its problems at once."""
    try:
        return check()
    except ValidationError as err:
        errors.update(err.fields)
        return None


def _stale(old: Item, edit: RowEdit) -> ConflictError:
    """Who changed the row, when, and which of its cells (as the grid showed them)."""
    theirs = [label(f) for f, v in cells(old).items() if clean_text(edit.seen.get(f)) != clean_text(v)]
    err = stale_error("Informasi", old.updated_by, old.updated_at)
    what = ", ".join(theirs) if theirs else "kolom di luar tabel ini"
    return ConflictError(f"{err.message} Yang diubah: {what}.")


def submit_many(ctx: AppContext, actor: Actor, rows: list[dict]) -> list[Item]:
    """The desk hands many items to the PPID at once (rows pasted from a spreadsheet); empty rows are
    skipped. A desk officer submits for their own unit only, whatever a row's unit column says."""
    require_role(ctx, actor, "desk")
    filled = [(n, row) for n, row in enumerate(rows, 1) if any(clean_text(v) for v in row.values())]
    if not filled:
        raise ValidationError({}, "Tabel masih kosong: tempel baris dari lembar kerja atau ketik di tabel.")
    news, problems = [], {}
    for n, row in filled:
        try:
            news.append(_submitted(ctx, actor, row))
        except SidipError as err:
            problems[str(n)] = (f"Baris {n}" + _quoted(row.get("judul")), _message(err))
    if problems:
        raise RowErrors(problems)
    ctx.register.save_many(news, [_event(ctx, actor, "informasi_diajukan", None, new) for new in news])
    return news


def _submitted(ctx: AppContext, actor: Actor, row: dict) -> Item:
    unit = clean_text(row.get("unit")) or actor.unit
    if actor.has("ppid"):
        unit = _check_unit_name(ctx, unit)
    fields = clean_submission({k: v for k, v in row.items() if k in DESK_FIELDS}, ctx.today())
    item = Item(new_id("inf"), unit, fields["judul"], status="", office_id=ctx.office_id,
                created_by=actor.username, created_at=ctx.now().isoformat(timespec="seconds"))
    # workflow.submit refuses a desk officer's row for another unit (check_unit), as the form does.
    return workflow.submit(actor, item, fields, ctx.today(), ctx.calendar(), ctx.clock(), is_new=True)


def _event(ctx: AppContext, actor: Actor, action: str, old: Item | None, new: Item):
    before, after = changes(old, new)
    return ctx.event(actor, action, "item", new.id, unit=new.unit, before=before, after=after,
                     note="Disimpan lewat tabel (banyak sekaligus).")


def _message(err: SidipError) -> str:
    return " ".join(err.fields.values()) if isinstance(err, ValidationError) and err.fields else err.message


def _row_name(edit: RowEdit) -> str:
    return "Baris" + _quoted(edit.seen.get("judul") or edit.item_id)


def _quoted(judul) -> str:
    text = clean_text(judul)
    return f" \"{text[:60]}\"" if text else ""
