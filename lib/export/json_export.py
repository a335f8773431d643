"""JSON with a documented, stable schema (docs/json-schema.md): ``sidip-dip/1``."""
from __future__ import annotations

import json

from lib.domain.versions import dik_rows, is_adopted
from lib.export import Exporter, register
from lib.export.document import ITEM_FOLDER, LISTS, PublicDocument, public_files


def _version(doc: PublicDocument) -> dict:
    v, d = doc.version, doc.version.decree
    return {"id": v.id, "tahun": v.tahun, "semester": v.semester, "status": v.status,
            "keputusan": None if d is None else {
                "nomor": d.nomor, "tanggal": d.tanggal.isoformat(), "tempat": d.tempat,
                "penandatangan": d.penandatangan, "jabatan": d.jabatan}}


def _item(doc: PublicDocument, row) -> dict:
    """The seven columns; a publication adds the item's id, its page and its files (paths from the version folder)."""
    record = doc.record(row)
    if not doc.publication:
        return record
    files = [{"nama": f.filename, "jenis": f.kind, "media_type": f.media_type, "ukuran": f.size, "sha256": f.sha256,
              "alamat": doc.file_url(f) if doc.files_url else f"../{f.path}"} for f in public_files(row)]
    return record | {"id": row.item_id, "halaman": f"{ITEM_FOLDER}/{row.item_id}.html", "berkas": files}


def _dik(doc: PublicDocument) -> list[dict]:
    """The DIK's records; an adopted exemption also names, as data, the office and decree that established it."""
    out = []
    for record, row in zip(doc.dik_records(), dik_rows(doc.rows)):
        if is_adopted(row):
            decree = row.data.get("keputusan_induk") or {}
            record = record | {"diadopsi": {"kantor": row.data["diadopsi_dari"], "keputusan": decree}}
        out.append(record)
    return out


def render(doc: PublicDocument, kind: str) -> bytes:
    body = {"schema": "sidip-dip/1", "jenis": kind, "judul": doc.title(kind), "kantor": doc.office_name,
            "draf": doc.draft, "versi": _version(doc), "jejak_audit": doc.audit_digest}
    if kind == "dik":
        body["informasi"] = _dik(doc)
    else:
        body["kategori"] = [{"nama": label, "informasi": [_item(doc, r) for r in rows]}
                            for label, rows in doc.dip_row_groups()]
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


register(Exporter("json", "JSON (data terbuka)", "json", "application/json", render))
assert set(LISTS) == {"dip", "dik"}
