"""Export formats, registered by name (built-ins are entries like any add-on would be)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lib.export.document import PublicDocument


@dataclass(frozen=True)
class Exporter:
    name: str
    label: str
    filename: str
    render: Callable[[PublicDocument], bytes]


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.name] = exporter
    return exporter


def _load_builtins() -> None:
    from lib.export import csv_export, html_export  # noqa: F401  (each registers itself)


_load_builtins()
