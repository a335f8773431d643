"""JSON with a documented, stable schema (docs/json-schema.md): ``sidip-dip/1``."""
from __future__ import annotations

import json

from lib.export import Exporter, register
from lib.export.document import LISTS, PublicDocument


def _version(doc: PublicDocument) -> dict:
    v, d = doc.version, doc.version.decree
    return {"id": v.id, "tahun": v.tahun, "semester": v.semester, "status": v.status,
            "keputusan": None if d is None else {
                "nomor": d.nomor, "tanggal": d.tanggal.isoformat(), "tempat": d.tempat,
                "penandatangan": d.penandatangan, "jabatan": d.jabatan}}


def render(doc: PublicDocument, kind: str) -> bytes:
    body = {"schema": "sidip-dip/1", "jenis": kind, "judul": doc.title(kind), "kantor": doc.office_name,
            "draf": doc.draft, "versi": _version(doc), "jejak_audit": doc.audit_digest}
    if kind == "dik":
        body["informasi"] = doc.dik_records()
    else:
        body["kategori"] = [{"nama": label, "informasi": rows} for label, rows in doc.dip_groups()]
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


register(Exporter("json", "JSON (data terbuka)", "json", "application/json", render))
assert set(LISTS) == {"dip", "dik"}
