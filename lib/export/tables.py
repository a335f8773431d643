"""Any table as CSV (UTF-8 with BOM) or XLSX, with formula prefixes neutralised."""
from __future__ import annotations

import io

import pandas as pd

from lib.export.csv_export import neutralise


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    return df.map(lambda v: neutralise(v) if isinstance(v, str) else v)


def csv_bytes(df: pd.DataFrame) -> bytes:
    return ("\ufeff" + _safe(df).to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


def xlsx_bytes(df: pd.DataFrame, sheet: str = "Data") -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        _safe(df).to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        ws.freeze_panes = "A2"
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column[:200])
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    return out.getvalue()
