"""Offices of one deployment: KPU RI, the KPU Provinsi under it and the KPU Kabupaten/Kota under those.

Pure: the tree is read from each office's own settings (``office_level``, ``office_parent``,
``office_name``), so an office's place travels with its settings in every register and backup. A register
with no office that has a level is a single-office deployment, exactly as before offices existed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS: dict[str, str] = {"ri": "KPU Republik Indonesia", "provinsi": "KPU Provinsi",
                          "kabkota": "KPU Kabupaten/Kota"}
CHILD_LEVEL: dict[str, str] = {"ri": "provinsi", "provinsi": "kabkota"}
LEVEL_KEY, PARENT_KEY, NAME_KEY = "office_level", "office_parent", "office_name"
MOVED_OUT_KEY = "office_moved_out"  # ISO date the office moved out of the deployment: its register is closed
DIRECTORY_KEYS = (LEVEL_KEY, PARENT_KEY, NAME_KEY, MOVED_OUT_KEY)
_CODE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
ALL = "*"  # the system actor's office: the CLI and cron act for the office they are run for


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    level: str
    parent_id: str = ""
    moved_out: str = ""  # ISO date it moved out (a closed office: read-only, nobody logs in); "" while open

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)


def from_settings(rows: dict[str, dict[str, str]]) -> list[Office]:
    """Offices from each office's directory settings; offices without a level are not in the tree."""
    found = [Office(oid, s.get(NAME_KEY, "") or oid, s[LEVEL_KEY], s.get(PARENT_KEY, ""), s.get(MOVED_OUT_KEY, ""))
             for oid, s in rows.items() if s.get(LEVEL_KEY)]
    return sorted(found, key=lambda o: (list(LEVELS).index(o.level) if o.level in LEVELS else 9, o.name, o.id))


def by_id(offices: list[Office]) -> dict[str, Office]:
    return {o.id: o for o in offices}


def children(offices: list[Office], office_id: str) -> list[Office]:
    return [o for o in offices if o.parent_id == office_id]


def descendants(offices: list[Office], office_id: str) -> list[Office]:
    """Every office under ``office_id`` (children, their children …), nearest first; never itself."""
    found, frontier, seen = [], [office_id], {office_id}
    while frontier:
        level = [o for o in offices if o.parent_id in frontier and o.id not in seen]
        seen.update(o.id for o in level)
        found.extend(level)
        frontier = [o.id for o in level]
    return found


def ancestors(offices: list[Office], office_id: str) -> list[Office]:
    """The parent, its parent … up to the root (a broken loop stops)."""
    index, found, seen = by_id(offices), [], {office_id}
    current = index.get(office_id)
    while current is not None and current.parent_id and current.parent_id not in seen:
        seen.add(current.parent_id)
        current = index.get(current.parent_id)
        if current is not None:
            found.append(current)
    return found


def check_new(offices: list[Office], parent_id: str, code: str, name: str) -> dict[str, str]:
    """Why a new child office cannot be made (field -> message), or {}."""
    errors: dict[str, str] = {}
    parent = by_id(offices).get(parent_id)
    if parent is None:
        errors["parent"] = "Kantor induk tidak terdaftar sebagai kantor berjenjang."
    elif parent.level not in CHILD_LEVEL:
        errors["parent"] = f"{parent.level_label} tidak membawahi kantor lain."
    if not _CODE.fullmatch(code or ""):
        errors["code"] = ("Kode kantor hanya huruf kecil, angka dan tanda hubung (2–64 karakter), tidak diawali atau "
                          "diakhiri tanda hubung, misalnya kpu-kab-sarolangun.")
    elif code in by_id(offices) or code == ALL:
        errors["code"] = f"Kode kantor {code} sudah dipakai."
    if not (name or "").strip():
        errors["name"] = "Nama kantor wajib diisi, misalnya KPU Kabupaten Sarolangun."
    elif len(name) > 200:
        errors["name"] = "Nama kantor paling banyak 200 karakter."
    return errors


def valid_code(code: str) -> bool:
    return bool(_CODE.fullmatch(code or ""))
