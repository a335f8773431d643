"""Backup and restore of the whole register as one XLSX workbook: one sheet per table, all text.

Layout of ``sidip-backup/1``:

* ``_sidip``: key/value rows: schema, created_at, office_id, ``rows.<sheet>`` (row counts) and
  ``chain.<office>`` (the signed head of each office's audit log, lib.services.audit_trail);
* one sheet per table of ``Register.DUMP_TABLES``: a header row, then one row per record,
  every cell a text cell holding the raw stored string (so "0012" and "=..." read back as is);
* ``_sidip_cells``: the exact value of any cell a worksheet cannot hold verbatim (longer than
  32,767 characters, a carriage return, a control character, U+FFFE/U+FFFF): the value as
  ASCII JSON, in parts of at most 32,767 characters. The table cell shows a readable copy.

``sidip-backup/2`` adds each row's MAC; ``sidip-backup/3`` adds the ``attachments`` table and the
``_sidip_files`` sheet with the stored files' bytes (lib.services.backup_files).

A restore refuses anything that is not exactly this: it never guesses.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass

from lib.domain.audit import verify_chain
from lib.domain.models import Actor, Event
from lib.errors import SidipError
from lib.services import audit_trail, backup_files
from lib.services.backup_format import (  # noqa: F401 — TABLES and SCHEMA are this module's public names too
    CELL_LIMIT, CELLS_COLUMNS, CELLS_SHEET, META_SHEET, NOT_BACKUP, OLD_SCHEMAS, SCHEMA, SIGNED, TABLES, UNSAFE,
    apply_side_cells, check_count, check_ids, check_values, expected_columns, read_workbook, table_rows, tables_of)
from lib.services.context import AppContext, require_role
from lib.store import codec


# -- backup -------------------------------------------------------------------------------
def backup_xlsx(ctx: AppContext, actor: Actor | None, include_files: bool | None = None) -> bytes:
    """The whole register (every office) as one XLSX workbook, handed over: recorded in the audit log."""
    content, _, event = prepare_backup(ctx, actor, include_files)
    audit_trail.record_backup(ctx, event)
    return content


def prepare_backup(ctx: AppContext, actor: Actor | None,
                   include_files: bool | None = None) -> tuple[bytes, dict[str, int], Event]:
    """The workbook, its row counts and its own event: the backup holds that record, which enters the register
    through ``audit_trail.record_backup`` once the file is stored (a failed backup leaves none).

    ``include_files``: carry the stored files' bytes (None: yes for a local store, no for Google Drive)."""
    require_role(ctx, actor, "admin")
    tables = own_rows(ctx, actor, ctx.register.dump())
    if include_files is None:
        include_files = backup_files.carries_bytes_by_default(ctx.file_store())
    blobs = backup_files.file_rows(ctx, tables.get("attachments", [])) if include_files else []
    event = audit_trail.pending_backup_event(ctx, actor, tables)
    content, counts = write_workbook(ctx, tables, blobs, include_files)
    return content, counts, event


def write_workbook(ctx: AppContext, tables: dict[str, list[dict[str, str]]], blobs: list[list[str]],
                   include_files: bool) -> tuple[bytes, dict[str, int]]:
    """Rows (and the files sheet's rows) as a backup workbook of this format; the chain heads are signed with
    ``ctx.signer`` and the meta sheet names ``ctx.office_id`` (an office moving out passes its target's)."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    meta = wb.create_sheet(META_SHEET)
    side: list[list[str]] = []
    for table in TABLES:
        rows = tables.get(table, [])
        columns = expected_columns(table)
        columns += sorted({c for row in rows for c in row} - set(columns))  # never drop a value
        ws = wb.create_sheet(table)
        _put_row(ws, 1, columns)
        for number, row in enumerate(rows, 2):
            values = []
            for column in columns:
                value = row.get(column)
                value = "" if value is None else str(value)
                if len(value) > CELL_LIMIT or UNSAFE.search(value):
                    encoded = json.dumps(value)  # ASCII: safe in any cell
                    for part, start in enumerate(range(0, len(encoded), CELL_LIMIT)):
                        side.append([table, str(number), column, str(part), encoded[start:start + CELL_LIMIT]])
                    value = _readable(value)
                values.append(value)
            _put_row(ws, number, values)
    counts = {table: len(tables.get(table, [])) for table in TABLES}
    info = [["schema", SCHEMA], ["created_at", ctx.now().isoformat(timespec="seconds")],
            ["office_id", ctx.office_id],
            *[[f"rows.{table}", str(n)] for table, n in counts.items()],
            [f"rows.{CELLS_SHEET}", str(len(side))], [f"rows.{backup_files.FILES_SHEET}", str(len(blobs))],
            ["files.bytes", "ya" if include_files else "tidak"], ["files.store", ctx.file_store().describe()],
            *audit_trail.meta_rows(ctx, tables.get("events", []))]
    for number, row in enumerate(info, 1):
        _put_row(meta, number, row)
    cells = wb.create_sheet(CELLS_SHEET)
    for number, row in enumerate([CELLS_COLUMNS, *side], 1):
        _put_row(cells, number, row)
    files = wb.create_sheet(backup_files.FILES_SHEET)
    for number, row in enumerate([backup_files.FILES_COLUMNS, *blobs], 1):
        _put_row(files, number, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), counts


def own_rows(ctx: AppContext, actor: Actor, tables: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """In a deployment of many offices, an office's admin backs up that office's rows alone (on PostgreSQL the
    database already shows no other; a register without row-level security is cut here). The server's own
    backup (the CLI without --kantor) and a single office's backup are the whole register, as always."""
    from lib.domain.offices import ALL
    from lib.services import offices
    if (actor.office_id == ALL and not ctx.home_office) or not offices.is_multi_office(ctx):
        return tables
    mine = {table: [r for r in rows if r.get("office_id") == ctx.office_id] for table, rows in tables.items()
            if table != "version_items"}
    versions = {r["id"] for r in mine.get("versions", [])}
    mine["version_items"] = [r for r in tables.get("version_items", []) if r.get("version_id") in versions]
    return {table: mine.get(table, []) for table in tables}


def _put_row(ws, number: int, values: list[str]) -> None:
    for column, value in enumerate(values, 1):
        if value == "":
            continue  # an empty cell reads back as ""
        cell = ws.cell(row=number, column=column, value=value)
        cell.data_type = "s"  # text, always: "=..." must not become a formula


def _readable(value: str) -> str:
    """What the table cell shows when the exact value lives in _sidip_cells."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return UNSAFE.sub("\ufffd", text)[:CELL_LIMIT]


# -- restore ------------------------------------------------------------------------------
def restore_xlsx(ctx: AppContext, actor: Actor | None, data: bytes) -> dict[str, int]:
    """Load a backup into this (empty) register; returns the number of rows per table.

    Refuses, changing nothing, a register that holds anything, a file that is not exactly a SIDIP
    backup workbook (formats 1 to 3), an audit log that does not verify with this register's key, and a
    stored file that is neither in the backup nor in this register's file store with its recorded hash.
    """
    actor = require_role(ctx, actor, "admin")
    ctx.register.load({})  # loading nothing still refuses a register that is not empty
    found = read_verified(ctx, data)
    tables, blobs = found.tables, found.blobs
    backup_files.check_restorable(ctx, tables["attachments"], blobs)
    moved = backup_files.put_back(ctx, tables["attachments"], blobs)  # files first: rows never point at nothing
    ctx.register.load(tables)
    backup_files.record_moves(ctx, actor, moved)
    return {table: len(tables[table]) for table in TABLES}


@dataclass(frozen=True)
class Verified:
    """A backup read back and checked with ``ctx``'s key: its meta rows, its tables and the files it carries."""
    meta: dict[str, str]
    tables: dict[str, list[dict[str, str]]]
    blobs: dict[str, bytes]


def read_verified(ctx: AppContext, data: bytes) -> Verified:
    """Every check a restore makes before it writes (format, sheets, values, ids, the audit chain and its heads,
    row MACs, files' hashes), with ``ctx``'s key; SidipError on the first that fails."""
    sheets = read_workbook(data)
    meta = _meta(sheets)
    schema = meta["schema"]
    _check_sheets(sheets, schema)
    tables: dict[str, list[dict[str, str]]] = {table: [] for table in TABLES}
    numbers: dict[str, list[int]] = {table: [] for table in TABLES}
    for table in tables_of(schema):
        tables[table], numbers[table] = table_rows(table, sheets[table], expected_columns(table, schema))
        check_count(meta, table, len(tables[table]))
    side_rows, _ = table_rows(CELLS_SHEET, sheets[CELLS_SHEET], CELLS_COLUMNS)
    check_count(meta, CELLS_SHEET, len(side_rows))
    apply_side_cells(side_rows, tables, numbers)
    for table in TABLES:
        check_values(table, tables[table], numbers[table])
        check_ids(table, tables[table], numbers[table])
    _check_chain(ctx, tables["events"])
    if schema in SIGNED:  # format 1 predates chain heads and row MACs: its events chain still checks
        audit_trail.check_backup_events(ctx, meta, tables["events"])  # a cut events sheet is refused
        _check_row_signatures(ctx, tables, numbers)
    blobs = _blobs(sheets, meta) if schema == SCHEMA else {}
    return Verified(meta, tables, blobs)


def _blobs(sheets, meta: dict[str, str]) -> dict[str, bytes]:
    sheet = backup_files.FILES_SHEET
    rows, _ = table_rows(sheet, sheets[sheet], backup_files.FILES_COLUMNS)
    check_count(meta, sheet, len(rows))
    return backup_files.read_blobs(rows)


def read_meta(data: bytes) -> dict[str, str]:
    """The key/value rows of a backup's meta sheet (doctor --backup reads the chain heads there)."""
    return _meta(read_workbook(data))


def _meta(sheets) -> dict[str, str]:
    if META_SHEET not in sheets:
        raise SidipError(f"{NOT_BACKUP}: lembar {META_SHEET} tidak ada.")
    meta = {row[0]: (row[1] if len(row) > 1 and row[1] is not None else "")
            for row in sheets[META_SHEET] if row and row[0]}
    if meta.get("schema") not in (SCHEMA, *OLD_SCHEMAS):
        raise SidipError(f"Format cadangan tidak dikenal: \"{meta.get('schema', '')}\". "
                         f"SIDIP ini hanya memulihkan cadangan \"{SCHEMA}\" (dan {', '.join(OLD_SCHEMAS)}).")
    return meta


def _check_row_signatures(ctx: AppContext, tables: dict, numbers: dict) -> None:
    """Every row must carry the MAC SIDIP gave it: a backup changed in a spreadsheet program is refused."""
    signer = codec.RowSigner(ctx.secret_key)
    for table in TABLES:
        if table == "events" or not numbers[table]:
            continue
        for row, number in zip(tables[table], numbers[table]):
            if not signer.valid(table, row):
                raise SidipError(f"Cadangan telah diubah: lembar {table} baris {number} tidak cocok dengan tanda "
                                 "tangannya (atau cadangan dibuat dengan kunci rahasia lain). Tidak ada yang "
                                 "dipulihkan.")


def _check_sheets(sheets, schema: str) -> None:
    wanted = (META_SHEET, *tables_of(schema), CELLS_SHEET) + ((backup_files.FILES_SHEET,) if schema == SCHEMA else ())
    missing = [name for name in wanted if name not in sheets]
    if missing:
        raise SidipError(f"Lembar tidak ada dalam cadangan: {', '.join(missing)}.")
    extra = [name for name in sheets if name not in wanted]
    if extra:
        raise SidipError(f"Lembar tidak dikenal dalam cadangan: {', '.join(extra)}.")


def _check_chain(ctx: AppContext, rows: list[dict[str, str]]) -> None:
    report = verify_chain([codec.from_row(Event, row) for row in rows], ctx.signer)
    if not report.ok:
        raise SidipError(
            f"Jejak audit dalam cadangan tidak cocok dengan kunci rahasia register ini "
            f"({len(report.bad_mac)} peristiwa dengan MAC tidak sah, {len(report.missing_prev)} "
            "tanpa pendahulu). Gunakan kunci rahasia register asal (SIDIP_SECRET_KEY atau "
            "data/secret.key); bila kuncinya sudah sama, berkas cadangan ini telah diubah.")
