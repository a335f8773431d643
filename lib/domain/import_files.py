"""Which file of an imported ZIP belongs to which row: pure, by the names a row gives.

A row names its files in a "Berkas" column (several separated by new lines or ';'), or in its Tautan
column as a relative path instead of a web address. A name matches a ZIP entry by its full path, else
by its file name alone when that is unique in the ZIP (case is ignored either way).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FILE_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class FileMatch:
    attach: list[tuple[int, str]]      # (index into the plan's rows, ZIP entry)
    missing: list[tuple[int, str]]     # (row number in the list, name as written): not in the ZIP
    unused: list[str]                  # ZIP entries no row names


def names_in(text: str) -> list[str]:
    """File names written in one cell: one per line or separated by ';'."""
    return [n.strip() for n in re.split(r"[\n;]+", text or "") if n.strip()]


def looks_like_file(text: str) -> bool:
    """A Tautan entry that is a file's path rather than a web address."""
    return not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) and text.lower().endswith(FILE_EXTENSIONS)


def _key(name: str) -> str:
    return name.replace("\\", "/").removeprefix("./").strip("/").casefold()


def match_files(rows: list, entries: list[str]) -> FileMatch:
    """``rows``: planned rows whose ``fields["berkas"]`` lists the names they give."""
    by_path = {_key(e): e for e in entries}
    by_name: dict[str, list[str]] = {}
    for e in entries:
        by_name.setdefault(_key(e).rsplit("/", 1)[-1], []).append(e)
    attach, missing = [], []
    for index, row in enumerate(rows):
        for name in row.fields.get("berkas") or []:
            found = by_path.get(_key(name)) or _unique(by_name.get(_key(name).rsplit("/", 1)[-1], []))
            (attach.append((index, found)) if found else missing.append((row.row, name)))
    named = {e for _, e in attach}
    return FileMatch(attach, missing, [e for e in entries if e not in named])


def _unique(found: list[str]) -> str | None:
    return found[0] if len(found) == 1 else None
