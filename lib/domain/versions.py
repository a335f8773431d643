"""DIP versions: the frozen snapshot, nomor per category, the DIK, and the diff between versions."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from lib.domain.models import CATEGORIES, DIP_FIELDS, FIELD_LABELS, Decree, Item, SnapshotRow, Version
from lib.domain.workdays import format_date_id

# What a snapshot keeps of an item: the DIP columns and what the PPID documented at step 2.
SNAPSHOT_FIELDS = ("judul", *DIP_FIELDS, "kategori", "tahun", "tautan", "unit",
                   "lokasi_softcopy", "lokasi_hardcopy", "pasal17_huruf", "pasal17_angka",
                   "dasar_hukum_lain", "dasar_pengecualian", "konsekuensi_dibuka", "konsekuensi_ditutup",
                   "masa_pengecualian_tahun", "pengecualian_permanen", "masa_pengecualian_teks", "kewajiban")
# The DIK is published with these only (DESIGN §3): never protected content, notes or links.
DIK_PUBLIC_FIELDS = ("judul", "pasal17_huruf", "pasal17_angka", "dasar_hukum_lain", "dasar_pengecualian",
                     "konsekuensi_dibuka", "konsekuensi_ditutup", "masa_pengecualian_tahun",
                     "pengecualian_permanen", "masa_pengecualian_teks")
DIFF_FIELDS = tuple(f for f in SNAPSHOT_FIELDS if f not in ("unit", "kewajiban"))
# An exemption adopted from the parent office's DIK says whose it is and the decree that established it.
ADOPTION_FIELDS = ("diadopsi_dari", "keputusan_induk")
# An adopted row's item id: the parent's item id under this prefix (never one of the office's own items, and
# still shaped like an id SIDIP makes, as backups require: lib.files.check_id).
ADOPTED_PREFIX = "induk-"


@dataclass(frozen=True)
class Candidates:
    included: list[Item]
    incomplete: list[Item]  # classified but missing a DIP column: kept out, listed for the PPID


def candidates(items: list[Item], office_id: str) -> Candidates:
    classified = [i for i in items if i.status == "diklasifikasi" and i.office_id == office_id]
    included = [i for i in classified if not i.missing_dip_fields()]
    return Candidates(included, [i for i in classified if i.missing_dip_fields()])


def build_snapshot(version: Version, items: list[Item],
                   files: dict[str, list[dict]] | None = None) -> list[SnapshotRow]:
    """Freeze the items, numbered 1..n within each category in the order they were created.

    ``files`` (item id -> its current files as ``Attachment.frozen()``) are frozen under "berkas": the
    version names each file by its SHA-256, so the very bytes it was decreed with can be found again.
    """
    rows: list[SnapshotRow] = []
    for category in CATEGORIES:
        in_cat = sorted((i for i in items if i.kategori == category),
                        key=lambda i: (i.created_at, i.id))
        for nomor, item in enumerate(in_cat, start=1):
            data = {name: getattr(item, name) for name in SNAPSHOT_FIELDS}
            if files is not None:
                data["berkas"] = list(files.get(item.id, []))
            rows.append(SnapshotRow(version.id, item.id, nomor, category, data))
    return rows


def dip_rows(rows: list[SnapshotRow]) -> list[SnapshotRow]:
    return [r for r in rows if r.kategori != "dikecualikan"]


def dik_rows(rows: list[SnapshotRow]) -> list[SnapshotRow]:
    return [r for r in rows if r.kategori == "dikecualikan"]


def dik_public(row: SnapshotRow) -> dict:
    adoption = {name: row.data[name] for name in ADOPTION_FIELDS if row.data.get(name)}
    return {name: row.data.get(name) for name in DIK_PUBLIC_FIELDS} | adoption


def is_adopted(row: SnapshotRow) -> bool:
    return bool(row.data.get("diadopsi_dari"))


def adopt(version: Version, own: list[SnapshotRow], parent_rows: list[SnapshotRow], parent_name: str,
          parent_decree: Decree) -> list[SnapshotRow]:
    """The parent's DIK as rows of this version, numbered after the office's own exempt items.

    Only the fields the DIK publishes travel (never the parent's protected content, notes or files); a row
    the parent itself adopted keeps the office and decree that established it."""
    decree = {"nomor": parent_decree.nomor, "tanggal": parent_decree.tanggal.isoformat(),
              "jabatan": parent_decree.jabatan or f"PPID {parent_name}"}
    start = len(dik_rows(own))
    rows = []
    for nomor, row in enumerate(dik_rows(parent_rows), start=start + 1):
        origin = ({k: row.data[k] for k in ADOPTION_FIELDS} if is_adopted(row)
                  else {"diadopsi_dari": parent_name, "keputusan_induk": decree})
        item_id = row.item_id if is_adopted(row) else ADOPTED_PREFIX + row.item_id.partition("-")[2]
        data = {name: row.data.get(name) for name in DIK_PUBLIC_FIELDS} | origin
        rows.append(SnapshotRow(version.id, item_id, nomor, "dikecualikan", data))
    return rows


def adoption_citation(data: dict) -> str:
    """"Ditetapkan oleh PPID KPU Provinsi X dengan Keputusan Nomor … tanggal …; diadopsi", or "" for the
    office's own exemption."""
    if not data.get("diadopsi_dari"):
        return ""
    decree = data.get("keputusan_induk") or {}
    day = _iso_date(decree.get("tanggal"))
    return (f"Ditetapkan oleh {decree.get('jabatan') or 'PPID ' + data['diadopsi_dari']} dengan Keputusan Nomor "
            f"{decree.get('nomor') or '-'} tanggal {format_date_id(day) if day else '-'}; diadopsi")


def dik_ground(data: dict) -> str:
    """The ground as the DIK lists it: Pasal 17 (or the office's text), and for an adopted exemption the
    citation of the decree that established it on a line of its own."""
    return "\n".join(filter(None, [pasal17_text(data), adoption_citation(data)]))


def _iso_date(text) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


# Everything exemption_ends reads of a frozen row ("a.b" reaches into an object): the registers keep these few
# fields of each exempt row beside its data (lib.store.codec.exemption_terms), for the roll-up.
EXEMPTION_TERMS = ("masa_pengecualian_tahun", "pengecualian_permanen", "diadopsi_dari", "keputusan_induk.tanggal")


def exemption_ends(row: SnapshotRow, decree_date: date | None) -> date | None:
    """Review date of an exemption: decree date plus its period (an adopted one counts from the parent's
    decree); None when permanent or unknown."""
    if is_adopted(row):
        decree_date = _iso_date((row.data.get("keputusan_induk") or {}).get("tanggal"))
    years = row.data.get("masa_pengecualian_tahun")
    if row.data.get("pengecualian_permanen") or not years or decree_date is None:
        return None
    try:
        return decree_date.replace(year=decree_date.year + int(years))
    except ValueError:  # 29 February
        return decree_date.replace(year=decree_date.year + int(years), day=28)


def pasal17_text(data: dict) -> str:
    """The ground as published: the office's own full text when it wrote one, else built from the letter."""
    if (data.get("dasar_pengecualian") or "").strip():
        return data["dasar_pengecualian"].strip()
    letter = data.get("pasal17_huruf") or ""
    if not letter:
        return ""
    text = f"Pasal 17 huruf {letter}"
    if data.get("pasal17_angka"):
        text += f" angka {data['pasal17_angka']}"
    text += " UU 14/2008"
    # Any letter may be read with another law (huruf h with UU 27/2022, say); huruf j requires one.
    return f"{text} jo. {data['dasar_hukum_lain']}" if data.get("dasar_hukum_lain") else text


def exemption_period_text(data: dict) -> str:
    if data.get("pengecualian_permanen"):
        return "Permanen"
    years = data.get("masa_pengecualian_tahun")
    return f"{years} tahun sejak penetapan" if years else (data.get("masa_pengecualian_teks") or "")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: object
    after: object


@dataclass(frozen=True)
class VersionDiff:
    added: list[SnapshotRow]
    removed: list[SnapshotRow]
    changed: list[tuple[SnapshotRow, list[FieldChange]]]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary_id(self) -> str:
        return (f"{len(self.added)} ditambahkan, {len(self.changed)} diubah, "
                f"{len(self.removed)} dihapus")


def diff(previous: list[SnapshotRow], current: list[SnapshotRow]) -> VersionDiff:
    """What an update (pemutakhiran) adds, changes field by field, and removes."""
    before = {r.item_id: r for r in previous}
    after = {r.item_id: r for r in current}
    added = [r for k, r in after.items() if k not in before]
    removed = [r for k, r in before.items() if k not in after]
    changed = []
    for key in after.keys() & before.keys():
        changes = field_changes(before[key].data, after[key].data)
        if changes:
            changed.append((after[key], changes))
    changed.sort(key=lambda pair: (pair[0].kategori, pair[0].nomor))
    return VersionDiff(added, removed, changed)


def field_changes(old: dict, new: dict) -> list[FieldChange]:
    return [FieldChange(f, FIELD_LABELS.get(f, f), old.get(f), new.get(f))
            for f in DIFF_FIELDS if (old.get(f) or "") != (new.get(f) or "")]


def rows_from_items(version: Version, items: list[Item]) -> list[SnapshotRow]:
    """A preview of what establishing the version now would freeze."""
    return build_snapshot(version, candidates(items, version.office_id).included)


def snapshot_to_record(row: SnapshotRow) -> dict:
    return asdict(row)
