"""Any table as CSV (UTF-8 with BOM) or XLSX, with formula prefixes neutralised."""
from __future__ import annotations

import io

import pandas as pd

from lib.export.csv_export import neutralise
from lib.export.plain import without_bidi_controls
from lib.export.xlsx_export import as_typed


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    df = df.rename(columns=lambda c: without_bidi_controls(c) if isinstance(c, str) else c)
    return df.map(lambda v: without_bidi_controls(v) if isinstance(v, str) else v)


def csv_bytes(df: pd.DataFrame) -> bytes:
    safe = _plain(df).map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return ("\ufeff" + safe.to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


def xlsx_bytes(df: pd.DataFrame, sheet: str = "Data") -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        _plain(df).to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        as_typed(ws)
        ws.freeze_panes = "A2"
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column[:200])
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    return out.getvalue()
