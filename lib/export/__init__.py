"""Export formats, registered by name (built-ins are entries like any add-on would be).

Each exporter renders one list ("dip" or "dik") of one frozen version to bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from lib.export.document import PublicDocument
from lib.export.plain import neutralised


@dataclass(frozen=True)
class Exporter:
    name: str
    label: str
    extension: str
    mime: str
    render: Callable[[PublicDocument, str], bytes]  # (document, "dip" | "dik")

    def filename(self, kind: str) -> str:
        return f"{kind}.{self.extension}"


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    """Every format renders the document with bidi override controls removed (lib.export.plain)."""
    render = exporter.render
    exporter = replace(exporter, render=lambda doc, kind: render(neutralised(doc), kind))
    EXPORTERS[exporter.name] = exporter
    return exporter


def render_all(doc: PublicDocument) -> dict[str, bytes]:
    """Every format of both lists, plus the decree: the files one publication consists of.

    A version established outside SIDIP has no decree rendered by SIDIP (its scan is published instead).
    The lists' PDF cells are set once for the list PDFs and the decree's attachments (``shared_layout``)."""
    from lib.export.decree_pdf import render_decree
    from lib.export.pdf_common import shared_layout
    with shared_layout():
        files = {e.filename(kind): e.render(doc, kind) for e in EXPORTERS.values() for kind in ("dip", "dik")}
        if not doc.imported:
            files["keputusan.pdf"] = render_decree(doc)
    return files


def _load_builtins() -> None:
    from lib.export import csv_export, html_export, json_export, pdf_export, xlsx_export  # noqa: F401


_load_builtins()
