"""What an uploaded softcopy is, judged by its content, and a file name safe to show and store.

Seven kinds are allowed (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG). Magic bytes decide; a ZIP is a
DOCX/XLSX/ODT/ODS only when its inner parts say so (an ODF package names its type in a first,
uncompressed ``mimetype`` entry; an Office Open XML package has ``[Content_Types].xml`` and its main
part). Nothing is ever decompressed but that tiny ``mimetype`` entry, and a ZIP whose entries claim
far more than it holds (a ZIP bomb) is refused. A few checks of our own rather than a library:
the libraries (``filetype``, ``puremagic``) guess an Office file from its first bytes without
opening the ZIP's directory, so a renamed ZIP would pass, and we would need ``zipfile`` anyway.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from lib.errors import ValidationError

DEFAULT_LIMIT_MB = 20
MAX_NAME = 120
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_RATIO = 200          # declared uncompressed size / stored size
MAX_ZIP_UNPACKED = 1 << 30   # whatever the ratio, no package claiming over 1 GiB


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    media_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, FileKind] = {k.key: k for k in (
    FileKind("pdf", "PDF", "application/pdf", (".pdf",)),
    FileKind("docx", "Dokumen Word (DOCX)",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    FileKind("xlsx", "Lembar kerja Excel (XLSX)",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    FileKind("odt", "Dokumen OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", (".odt",)),
    FileKind("ods", "Lembar kerja OpenDocument (ODS)", "application/vnd.oasis.opendocument.spreadsheet",
             (".ods",)),
    FileKind("jpeg", "Gambar JPEG", "image/jpeg", (".jpg", ".jpeg")),
    FileKind("png", "Gambar PNG", "image/png", (".png",)),
)}
BY_MEDIA_TYPE = {k.media_type: k for k in KINDS.values()}
ALLOWED_EXTENSIONS = tuple(e.lstrip(".") for k in KINDS.values() for e in k.extensions)
ALLOWED_WORDS = "PDF, DOCX, XLSX, ODT, ODS, JPG atau PNG"
_OOXML_MAIN = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
_ODF = {"application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.spreadsheet": "ods"}
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def limit_bytes(limit_mb: int | str | None) -> int:
    try:
        mb = int(limit_mb) if str(limit_mb or "").strip() else DEFAULT_LIMIT_MB
    except ValueError:
        mb = DEFAULT_LIMIT_MB
    return max(mb, 1) * 1024 * 1024


def check_size(size: int, limit_mb: int | str | None = DEFAULT_LIMIT_MB, name: str = "Berkas") -> None:
    """Refuse an empty or too large file by its size alone, before its bytes are read."""
    if size <= 0:
        raise ValidationError({"berkas": f"{name} kosong (0 bita); pilih berkas yang berisi."})
    limit = limit_bytes(limit_mb)
    if size > limit:
        raise ValidationError({"berkas": f"{name} berukuran {human_size(size)}, melebihi batas "
                                         f"{limit // (1024 * 1024)} MB."})


def detect(data: bytes, filename: str, limit_mb: int | str | None = DEFAULT_LIMIT_MB) -> FileKind:
    """The kind of ``data`` by its content; ValidationError when it is empty, too large, not one of the
    allowed kinds, or not what its name's extension says."""
    name = safe_filename(filename)
    check_size(len(data), limit_mb, f"Berkas \"{name}\"")
    key = _sniff(data)
    if key is None:
        raise ValidationError({"berkas": f"Berkas \"{name}\" bukan jenis yang diterima (isinya tidak dikenali "
                                         f"sebagai {ALLOWED_WORDS})."})
    kind = KINDS[key]
    ext = _extension(name)
    if ext not in kind.extensions:
        shown = ext or "tanpa ekstensi"
        raise ValidationError({"berkas": f"Isi berkas \"{name}\" adalah {kind.label}, tidak cocok dengan "
                                         f"ekstensinya ({shown}). Ganti nama berkas sesuai isinya."})
    return kind


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _refuse_bomb(entries, len(data))
            names = {e.filename for e in entries}
            if entries and entries[0].filename == "mimetype" and entries[0].file_size < 100:
                return _ODF.get(archive.read(entries[0]).decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in _OOXML_MAIN.items() if part in names), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, ValueError):
        return None
    return None


def _refuse_bomb(entries: list[zipfile.ZipInfo], stored: int) -> None:
    unpacked = sum(e.file_size for e in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_ZIP_UNPACKED or unpacked > stored * MAX_ZIP_RATIO:
        raise ValidationError({"berkas": "Berkas ZIP ini mengaku berisi jauh lebih banyak data daripada "
                                         "ukurannya (bom ZIP); berkas ditolak."})


def safe_filename(name: str) -> str:
    """The name to show and record: no folders (``../``, ``C:\\``), no control or bidi characters that
    could disguise an extension, at most 120 characters with the extension kept."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = _INVISIBLE.sub("", text).replace("\\", "/").rsplit("/", 1)[-1]
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text:
        return "berkas"
    if len(text) > MAX_NAME:
        ext = _extension(text)[:10]
        text = text[:MAX_NAME - len(ext)].rstrip(" .") + ext
    return text


def human_size(size: int) -> str:
    """Bytes in Indonesian notation: 1,5 MB; 820 KB; 12 bita."""
    if size < 1024:
        return f"{size} bita"
    for unit, scale in (("KB", 1024), ("MB", 1024 ** 2), ("GB", 1024 ** 3)):
        if size < scale * 1024 or unit == "GB":
            value = size / scale
            return (f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}").replace(".", ",") + f" {unit}"
    return f"{size} bita"
