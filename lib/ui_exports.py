"""Download buttons for a version's documents (deferred: files are made when asked for)."""
from __future__ import annotations

import streamlit as st

from lib.export import EXPORTERS
from lib.export.document import LISTS
from lib.services import publishing


def version_downloads(ctx, actor, version_id: str, draft: bool) -> None:
    """Every format of the DIP and the DIK, and the decree; a draft says DRAF on every page."""
    prefix = "DRAF-" if draft else ""
    cols = st.columns(len(EXPORTERS) + 1)
    for col, exporter in zip(cols, EXPORTERS.values()):
        for kind in LISTS:
            col.download_button(f"{kind.upper()} {exporter.extension.upper()}", _maker(ctx, actor, version_id,
                                exporter.name, kind), file_name=prefix + exporter.filename(kind),
                                mime=exporter.mime, key=f"unduh:{version_id}:{exporter.name}:{kind}")
    cols[-1].download_button("Keputusan PDF", _maker(ctx, actor, version_id, "keputusan", "dip"),
                             file_name=prefix + "keputusan.pdf", mime="application/pdf",
                             key=f"unduh:{version_id}:keputusan")


def _maker(ctx, actor, version_id: str, fmt: str, kind: str):
    return lambda: publishing.export_bytes(ctx, actor, version_id, fmt, kind)[1]
